import { useId, useState } from 'react';
import type { Track } from '../../src/grading/tracks.ts';
import { Panel } from '../components/Panel.tsx';
import { Markdown } from '../lesson/Markdown.tsx';
import { findLesson, startLesson } from '../lesson/lessonStore.ts';
import {
  dismissNotice,
  exerciseKey,
  importResult,
  replaceProgress,
  setLearner,
  toResult,
  useProgress,
} from '../state/progress.ts';
import { useLabStore } from '../state/labStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import {
  checkExercise,
  closeExercise,
  nextHelp,
  openExercise,
  saveOpenAttempt,
  startOver,
  useExerciseStore,
} from './exerciseStore.ts';
import { TRACKS } from './tracks.ts';
import './exercise.css';

/** The saved-progress problem, wherever the learner is (the lesson panel shows it too). */
export function ProgressNotice() {
  const notice = useProgress((s) => s.notice);
  if (notice === null) return null;
  return (
    <div className="exercise__notice" role="alert">
      <p>{notice}</p>
      <button type="button" className="button" onClick={dismissNotice}>
        Dismiss
      </button>
    </div>
  );
}

/** The lesson panel's way in: a button to the exercises and tracks. */
export function ExercisesButton() {
  const setPanel = useUiStore((s) => s.setPanel);
  return (
    <button type="button" className="button" onClick={() => setPanel('exercises')}>
      Exercises &amp; tracks
    </button>
  );
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

function exportProgress(track: string | undefined): void {
  saveOpenAttempt();
  const p = useProgress.getState().progress;
  const result = toResult(p, {
    ...(track !== undefined ? { track } : {}),
    exportedAt: new Date().toISOString(),
  });
  const who = p.learner.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '') || 'learner';
  download(`pidlab-result-${who}.json`, `${JSON.stringify(result, null, 2)}\n`);
}

function Learner() {
  const progress = useProgress((s) => s.progress);
  const [editing, setEditing] = useState(progress.learner === '');
  const [name, setName] = useState(progress.learner);
  const [cohort, setCohort] = useState(progress.cohort);
  const nameId = useId();
  const cohortId = useId();
  if (!editing)
    return (
      <p className="exercise__who">
        Working as <strong>{progress.learner}</strong>
        {progress.cohort !== '' && (
          <>
            {' '}
            in cohort <strong>{progress.cohort}</strong>
          </>
        )}
        .{' '}
        <button type="button" className="button button--link" onClick={() => setEditing(true)}>
          Change
        </button>
      </p>
    );
  return (
    <form
      className="exercise__learner"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim() === '') return;
        closeExercise();
        setLearner(name, cohort);
        setEditing(false);
      }}
    >
      <p>
        Your name and your cohort code (from your instructor) choose your own variant of each
        exercise; your instructor grades the file you export by replaying it.
      </p>
      <label htmlFor={nameId}>Your name</label>
      <input
        id={nameId}
        value={name}
        required
        maxLength={120}
        onChange={(e) => setName(e.target.value)}
      />
      <label htmlFor={cohortId}>Cohort code (optional)</label>
      <input
        id={cohortId}
        value={cohort}
        maxLength={120}
        onChange={(e) => setCohort(e.target.value)}
      />
      <button type="submit" className="button" disabled={name.trim() === ''}>
        Start
      </button>
    </form>
  );
}

function statusOf(scenario: string, exercise: string): 'passed' | 'attempted' | 'new' {
  const r = useProgress.getState().progress.exercises[exerciseKey(scenario, exercise)];
  if (!r) return 'new';
  return r.claimed === 'passed' ? 'passed' : 'attempted';
}

const STATUS_TEXT = { passed: '✓ passed', attempted: 'attempted', new: 'not started' } as const;

function TrackView({ track }: { readonly track: Track }) {
  const progress = useProgress((s) => s.progress);
  const setPanel = useUiStore((s) => s.setPanel);
  if (track.kind === 'onboarding') {
    const passed = track.exercises.filter(
      (x) => statusOf(x.scenario, x.exercise) === 'passed',
    ).length;
    return (
      <>
        <p className="exercise__score" role="status">
          {passed} of {track.exercises.length} passed · pass mark {track.passMark}
          {passed >= track.passMark ? ' · track passed (pending your instructor’s grading)' : ''}
        </p>
        <ol className="exercise__list">
          {track.exercises.map((x) => {
            const ex = findLesson(x.scenario)?.scenario.exercises?.find((e) => e.id === x.exercise);
            const st = statusOf(x.scenario, x.exercise);
            return (
              <li
                key={exerciseKey(x.scenario, x.exercise)}
                className={`exercise__item exercise__item--${st}`}
              >
                <button
                  type="button"
                  className="button button--link"
                  onClick={() => openExercise(x.scenario, x.exercise)}
                >
                  {ex?.title ?? x.exercise}
                </button>{' '}
                <span className="exercise__status">{STATUS_TEXT[st]}</span>
              </li>
            );
          })}
        </ol>
      </>
    );
  }
  if (track.kind === 'workshop') {
    return (
      <ol className="exercise__list">
        {track.lessons.map((id) => {
          const l = findLesson(id);
          const run = progress.lessons[id]?.length ?? 0;
          const total = l?.scenario.steps.length ?? 0;
          return (
            <li key={id} className="exercise__item">
              <button
                type="button"
                className="button button--link"
                onClick={() => {
                  closeExercise();
                  setPanel('lesson');
                  startLesson(id);
                }}
              >
                {l?.scenario.title ?? id}
              </button>{' '}
              <span className="exercise__status">
                {run >= total && total > 0 ? '✓ done' : `${run} of ${total} steps`}
              </span>
            </li>
          );
        })}
      </ol>
    );
  }
  return (
    <ol className="exercise__list">
      {track.demos.flatMap((d) => {
        const l = findLesson(d.scenario);
        return d.steps.map((stepId) => {
          const index = l?.scenario.steps.findIndex((s) => s.id === stepId) ?? -1;
          return (
            <li key={`${d.scenario}:${stepId}`} className="exercise__item">
              <button
                type="button"
                className="button button--link"
                onClick={() => {
                  closeExercise();
                  setPanel('lesson');
                  startLesson(d.scenario);
                  useUiStore.getState().setStep(Math.max(0, index));
                  useUiStore.getState().setStage(true);
                }}
              >
                {l?.scenario.title ?? d.scenario}: {l?.scenario.steps[index]?.title ?? stepId}
              </button>
            </li>
          );
        });
      })}
    </ol>
  );
}

const HELP_LABEL = {
  hint: 'Hint',
  reacting: 'Hint for what you have done',
  solution: 'Solution',
} as const;

function ExerciseView() {
  const attempt = useExerciseStore((s) => s.attempt);
  const lastCheck = useExerciseStore((s) => s.lastCheck);
  const rungs = useExerciseStore((s) => s.rungs);
  const resumeProblem = useExerciseStore((s) => s.resumeProblem);
  const labMachine = useLabStore((s) => s.machine);
  if (!attempt) return null;
  // The lab's machine was replaced (a reset, a step back, a lesson): what the learner types now
  // is not recorded for this exercise. The saved attempt continues on a fresh replay of it.
  const detached = labMachine !== attempt.machine;
  const ex = attempt.exercise;
  const scenario = attempt.loaded.scenario;
  const solutionShown = rungs.some((r) => r.kind === 'solution');
  const met = lastCheck?.goals.filter((g) => g.pass).length ?? 0;
  return (
    <article className="exercise" aria-label={ex.title}>
      <button type="button" className="button button--link" onClick={closeExercise}>
        ← Back to the track
      </button>
      <h3 className="lesson__title">{ex.title}</h3>
      <p className="exercise__from">
        From lesson {scenario.order}, {scenario.title}
        {solutionShown && <span className="exercise__badge">solution seen</span>}
      </p>
      {resumeProblem !== null && (
        <p className="exercise__notice" role="alert">
          {resumeProblem}
        </p>
      )}
      {detached && (
        <div className="exercise__notice" role="alert">
          <p>
            The lab’s machine is no longer this exercise’s (it was reset, stepped back or a lesson
            started), so what you type now is not part of your attempt.
          </p>
          <button
            type="button"
            className="button"
            onClick={() => {
              saveOpenAttempt();
              openExercise(scenario.id, attempt.exercise.id);
            }}
          >
            Continue the exercise
          </button>
        </div>
      )}
      <Markdown text={ex.text} />
      <p className="exercise__try">
        Work in the terminal, then press Check. Any route that reaches the goals passes.
      </p>
      <h4>Goals</h4>
      <ul className="exercise__goals">
        {ex.goals.map((g, i) => {
          const r = lastCheck?.goals[i];
          return (
            <li
              key={i}
              className={`goal goal--${r === undefined ? 'unchecked' : r.pass ? 'pass' : 'fail'}`}
            >
              <span className="goal__mark" aria-hidden="true">
                {r === undefined ? '○' : r.pass ? '✓' : '✗'}
              </span>{' '}
              <span className="goal__text">{g.text}</span>
              {r !== undefined && !r.pass && (
                <span className="goal__found">
                  {' '}
                  — not yet. The model shows: <q>{r.found}</q>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <div className="exercise__actions">
        <button
          type="button"
          className="button button--primary"
          onClick={checkExercise}
          disabled={detached}
        >
          Check
        </button>
        <button
          type="button"
          className="button"
          onClick={nextHelp}
          disabled={solutionShown || detached}
        >
          {solutionShown
            ? 'No more help'
            : rungs.length === attempt.ladderLength - 1
              ? 'Show the solution'
              : 'Give me a hint'}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => startOver(scenario.id, attempt.exercise.id)}
        >
          Start over
        </button>
      </div>
      {lastCheck && (
        <p
          className={`exercise__verdict exercise__verdict--${lastCheck.pass ? 'pass' : 'fail'}`}
          role="status"
        >
          {lastCheck.pass
            ? 'Passed: every goal holds. Export your progress for your instructor.'
            : `Not yet: ${met} of ${lastCheck.goals.length} goals hold.`}
        </p>
      )}
      {rungs.length > 0 && (
        <ol className="exercise__help" aria-label="Help">
          {rungs.map((r, i) => (
            <li key={i} className={`rung rung--${r.kind}`}>
              <strong>{HELP_LABEL[r.kind]}:</strong>{' '}
              {r.kind === 'solution' ? (
                <pre className="rung__solution">{r.lines.join('\n')}</pre>
              ) : (
                <Markdown text={r.text} />
              )}
            </li>
          ))}
        </ol>
      )}
    </article>
  );
}

export function ExercisePanel() {
  const progress = useProgress((s) => s.progress);
  const attempt = useExerciseStore((s) => s.attempt);
  const setPanel = useUiStore((s) => s.setPanel);
  const [trackId, setTrackId] = useState(TRACKS.tracks[0]?.id ?? '');
  const [importProblems, setImportProblems] = useState<readonly string[]>([]);
  const trackSel = useId();
  const importId = useId();
  const track = TRACKS.tracks.find((t) => t.id === trackId);
  return (
    <Panel id="lesson" title="Exercises">
      <div className="lesson exercise-panel">
        <div className="lesson__bar">
          <button
            type="button"
            className="button"
            onClick={() => {
              closeExercise();
              setPanel('lesson');
            }}
          >
            ← Lessons
          </button>
          <label htmlFor={trackSel}>Track</label>
          <select
            id={trackSel}
            value={trackId}
            onChange={(e) => {
              closeExercise();
              setTrackId(e.target.value);
            }}
          >
            {TRACKS.tracks.map((t) => (
              <option key={t.id} value={t.id}>
                {t.title}
              </option>
            ))}
          </select>
        </div>
        <div className="lesson__bar">
          <button
            type="button"
            className="button"
            disabled={progress.learner === ''}
            onClick={() => exportProgress(track?.kind === 'onboarding' ? track.id : undefined)}
          >
            Export progress
          </button>
          <label htmlFor={importId} className="button lesson__load">
            Import progress…
          </label>
          <input
            id={importId}
            className="visually-hidden"
            type="file"
            accept=".json,application/json"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              void file.text().then((text) => {
                const r = importResult(text, useProgress.getState().progress);
                setImportProblems(r.problems);
                if (r.progress) {
                  closeExercise();
                  replaceProgress(r.progress);
                }
              });
            }}
          />
        </div>
        <ProgressNotice />
        {importProblems.length > 0 && (
          <div className="lesson__problems" role="alert">
            <strong>The file was not imported:</strong>
            <ul>
              {importProblems.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          </div>
        )}
        {TRACKS.problems.length > 0 && (
          <div className="lesson__problems" role="alert">
            <strong>Bundled tracks with problems:</strong>
            <ul>
              {TRACKS.problems.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          </div>
        )}
        <Learner key={progress.learner} />
        {progress.learner === '' ? null : attempt ? (
          <ExerciseView />
        ) : track ? (
          <section aria-label={track.title}>
            <h3 className="lesson__title">{track.title}</h3>
            <p>{track.summary}</p>
            <TrackView track={track} />
          </section>
        ) : null}
      </div>
    </Panel>
  );
}
