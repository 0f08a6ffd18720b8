import { useEffect, useRef } from 'react';
import type { StepResult } from '../../src/scenario/run.ts';
import type { Step } from '../../src/scenario/types.ts';
import { Markdown } from './Markdown.tsx';

interface StepViewProps {
  readonly lessonId: string;
  readonly step: Step;
  readonly index: number;
  readonly choice: number | undefined;
  readonly result: StepResult | undefined;
  readonly onChoose: (answer: number) => void;
  readonly onRun: () => void;
}

/** One step: its text and commands, the prediction, the Run button, then the reveal. */
export function StepView({
  lessonId,
  step,
  index,
  choice,
  result,
  onChoose,
  onRun,
}: StepViewProps) {
  const q = step.question;
  const needsPrediction = q !== undefined && choice === undefined;
  const name = `prediction-${lessonId}-${index}`;
  return (
    <div className="step">
      <Markdown text={step.text} />
      {step.commands.length > 0 && (
        <pre className="step__commands" aria-label="Commands this step types">
          {step.commands.map((c) => `# ${c}`).join('\n')}
        </pre>
      )}
      {q && (
        <fieldset className="step__question" disabled={result !== undefined}>
          <legend>
            Predict: <Markdown text={q.prompt} inline />
          </legend>
          {q.choices.map((c, i) => (
            <label key={i} className="step__choice">
              <input
                type="radio"
                name={name}
                value={i}
                checked={choice === i}
                onChange={() => onChoose(i)}
              />{' '}
              <Markdown text={c} inline />
            </label>
          ))}
        </fieldset>
      )}
      {result === undefined && (
        <div className="step__run">
          <button
            type="button"
            className="button button--primary"
            disabled={needsPrediction}
            onClick={onRun}
          >
            {step.commands.length > 0 ? 'Run' : 'Reveal'}
          </button>
          {needsPrediction && <span className="step__hint">Make your prediction first.</span>}
        </div>
      )}
      {result !== undefined && <Reveal step={step} choice={choice} result={result} />}
    </div>
  );
}

function Reveal({
  step,
  choice,
  result,
}: {
  step: Step;
  choice: number | undefined;
  result: StepResult;
}) {
  const q = step.question;
  const right = q !== undefined && choice === q.answer;
  const ref = useRef<HTMLElement>(null);
  // Bring the answer into view when it appears (the panel scrolls, the page does not).
  useEffect(() => {
    // (Newer Chromium returns a promise from scrollIntoView: never hand it to React as a cleanup.)
    void ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, []);
  return (
    <section ref={ref} className="reveal" aria-label="What happened">
      {q && (
        <div
          className={`reveal__verdict reveal__verdict--${right ? 'right' : 'wrong'}`}
          role="status"
        >
          <strong>{right ? 'Your prediction was right.' : 'Not what the model did.'}</strong> The
          answer: <Markdown text={q.choices[q.answer] ?? ''} inline />
        </div>
      )}
      {q && <Markdown text={q.explanation} />}
      {!result.finished && (
        <p className="reveal__warning">The prompt did not come back: a command is still running.</p>
      )}
      {result.claims.length > 0 && (
        <>
          <h4>Checked in the model</h4>
          <ul className="claims">
            {result.claims.map((c, i) => (
              <li key={i} className={c.pass ? 'claim claim--pass' : 'claim claim--fail'}>
                <span className="claim__mark" aria-hidden="true">
                  {c.pass ? '✓' : '✗'}
                </span>{' '}
                <span className="claim__text">{c.claim.text}</span>
                <span className="claim__actual">
                  {c.pass ? '' : 'does not hold: '}
                  {c.actual}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      {result.why.length > 0 && (
        <>
          <h4>Why (the kernel's rules)</h4>
          <ul className="why">
            {result.why.map((w, i) => (
              <li key={i}>
                <span className="why__time">{(w.time / 1e6).toFixed(3)} s</span> {w.summary}
                <span className="why__rule">
                  {w.rule} <cite>{w.source}</cite>
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
