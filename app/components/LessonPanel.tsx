import { useId } from 'react';
import { useUiStore } from '../state/uiStore.ts';
import { CATALOG } from '../lesson/catalog.ts';
import { Markdown } from '../lesson/Markdown.tsx';
import { RealWorld } from '../lesson/RealWorld.tsx';
import { StepView } from '../lesson/StepView.tsx';
import {
  bundledLessons,
  choose,
  findLesson,
  loadPickedFiles,
  runCurrentStep,
  startLesson,
  stepKey,
  useLessonStore,
} from '../lesson/lessonStore.ts';
import { formatProblem } from '../../src/scenario/types.ts';
import { FidelityBadge } from './FidelityBadge.tsx';
import { Panel } from './Panel.tsx';
import { ExercisesButton, ProgressNotice } from '../exercise/ExercisePanel.tsx';
import '../lesson/lesson.css';

function Welcome() {
  return (
    <>
      <h3 className="lesson__title">Welcome to PID&nbsp;1 Lab</h3>
      <p>
        PID&nbsp;1 Lab shows what really happens to processes inside a container: who becomes
        PID&nbsp;1, where signals go, and who reaps the zombies.
      </p>
      <p>
        Everything runs on a deterministic model of the Linux kernel in your browser, so each run is
        repeatable and nothing touches your machine.
      </p>
      <p className="lesson__try">
        Pick a lesson above, or click in the terminal, type <kbd>help</kbd> and press{' '}
        <kbd>Enter</kbd>.
      </p>
    </>
  );
}

export function LessonPanel() {
  const lessonId = useUiStore((s) => s.lessonId);
  const stepIndex = useUiStore((s) => s.stepIndex);
  const setStep = useUiStore((s) => s.setStep);
  const picked = useLessonStore((s) => s.picked);
  const loadProblems = useLessonStore((s) => s.loadProblems);
  const choices = useLessonStore((s) => s.choices);
  const results = useLessonStore((s) => s.results);
  const startedFor = useLessonStore((s) => s.startedFor);
  const pickerId = useId();
  const fileId = useId();

  const lesson = findLesson(lessonId);
  const lessons = [...bundledLessons(), ...picked];
  const broken = CATALOG.filter((c) => !c.result.loaded);
  const s = lesson?.scenario;
  const step = s?.steps[stepIndex];

  return (
    <Panel id="lesson" title="Lesson">
      <div className="lesson">
        <div className="lesson__bar">
          <label htmlFor={pickerId}>Lesson</label>
          <select
            id={pickerId}
            value={lesson ? lesson.scenario.id : ''}
            onChange={(e) => startLesson(e.target.value === '' ? null : e.target.value)}
          >
            <option value="">Choose a lesson…</option>
            {lessons.map((l) => (
              <option key={l.scenario.id} value={l.scenario.id}>
                {l.scenario.order}. {l.scenario.title}
              </option>
            ))}
          </select>
          <label htmlFor={fileId} className="button lesson__load">
            Load scenario…
          </label>
          <input
            id={fileId}
            className="visually-hidden"
            type="file"
            multiple
            accept=".json,.md,.txt,.sh"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              void loadPickedFiles(files);
            }}
          />
          <ExercisesButton />
        </div>
        <ProgressNotice />
        {loadProblems.length > 0 && (
          <div className="lesson__problems" role="alert">
            <strong>The scenario was not loaded:</strong>
            <ul>
              {loadProblems.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          </div>
        )}
        {broken.length > 0 && (
          <div className="lesson__problems" role="alert">
            <strong>Bundled scenarios with problems:</strong>
            <ul>
              {broken.flatMap((b) =>
                b.result.problems.map((p, i) => (
                  <li key={`${b.folder}${i}`}>{formatProblem(p)}</li>
                )),
              )}
            </ul>
          </div>
        )}
        {!s || !step ? (
          <Welcome />
        ) : (
          <article className="lesson__body" aria-label={s.title}>
            <h3 className="lesson__title">
              {s.order}. {s.title}
            </h3>
            {startedFor !== s.id && (
              <p className="lesson__notice" role="note">
                The lab is not running this lesson's machine (it was opened from a link or another
                view).{' '}
                <button type="button" className="button" onClick={() => startLesson(s.id)}>
                  Start the lesson
                </button>
              </p>
            )}
            <details className="lesson__intro" open={stepIndex === 0}>
              <summary>About this lesson</summary>
              <Markdown text={lesson.lessonText.replace(/^# .*\n/, '')} />
            </details>
            <nav className="lesson__steps" aria-label="Steps">
              <button
                type="button"
                className="button"
                disabled={stepIndex === 0}
                onClick={() => setStep(stepIndex - 1)}
              >
                ← Back
              </button>
              <span className="lesson__progress">
                Step {stepIndex + 1} of {s.steps.length}
              </span>
              <button
                type="button"
                className="button"
                disabled={stepIndex >= s.steps.length - 1}
                onClick={() => setStep(stepIndex + 1)}
              >
                Next →
              </button>
            </nav>
            <h4 className="step__title">{step.title}</h4>
            <StepView
              key={stepKey(s.id, stepIndex)}
              lessonId={s.id}
              step={step}
              index={stepIndex}
              choice={choices[stepKey(s.id, stepIndex)]}
              result={results[stepKey(s.id, stepIndex)]}
              onChoose={(a) => choose(s.id, stepIndex, a)}
              onRun={runCurrentStep}
            />
            <RealWorld recipe={s.realWorld} />
            {s.fidelity && s.fidelity.length > 0 && <FidelityBadge cases={s.fidelity} />}
            <details className="lesson__sources">
              <summary>Sources</summary>
              <ul>
                {s.sources.map((l) => (
                  <li key={l.url}>
                    <a href={l.url} target="_blank" rel="noopener noreferrer">
                      {l.title}
                    </a>
                  </li>
                ))}
              </ul>
            </details>
          </article>
        )}
      </div>
    </Panel>
  );
}
