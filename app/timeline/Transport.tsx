import { SPEEDS, useLabStore } from '../state/labStore.ts';
import type { Speed } from '../state/labStore.ts';
import { formatTime } from './events.ts';

/** Transport icons as SVG paths (a 24-unit box): no icon font or emoji font needed. */
const ICONS = {
  start: 'M5 5h2.5v14H5z M19 5v14L8.5 12z',
  back: 'M11.5 5v14L3 12z M21 5v14l-8.5-7z',
  play: 'M7 4.5v15L19.5 12z',
  pause: 'M6 5h4v14H6z M14 5h4v14h-4z',
  forward: 'M3 5v14l8.5-7z M12.5 5v14L21 12z',
  end: 'M5 5v14l10.5-7z M16.5 5H19v14h-2.5z',
} as const;

function Icon({ name }: { readonly name: keyof typeof ICONS }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d={ICONS[name]} fill="currentColor" />
    </svg>
  );
}

/**
 * Play, pause, step back and forward, jump to start or end, scrub, speed. A step is one thing
 * typed at a terminal (a command line, Ctrl-C ...): stepping back restores the machine as it was
 * just before it, and typing there starts a new branch of history.
 */
export function Transport() {
  const steps = useLabStore((s) => s.steps);
  const position = useLabStore((s) => s.position);
  const live = useLabStore((s) => s.live);
  const playing = useLabStore((s) => s.playing);
  const speed = useLabStore((s) => s.speed);
  const machine = useLabStore((s) => s.machine);
  useLabStore((s) => s.version);
  const { setPlaying, setSpeed, stepBack, stepForward, toStart, toEnd, seek } =
    useLabStore.getState();

  const canBack = useLabStore((s) => s.history.canStepBack);
  const total = steps.length;
  const sliderValue = live ? total : position;
  const current = steps[sliderValue - 1];
  const next = steps[sliderValue];
  const valueText =
    sliderValue === 0
      ? `Start, before step 1${next === undefined ? '' : ` (${next.label})`}`
      : `After step ${sliderValue} of ${total}: ${current?.label ?? ''}${live ? ', the present' : ''}`;

  return (
    <div className="transport" role="group" aria-label="Timeline">
      <div className="transport__buttons">
        <button
          type="button"
          className="tbtn"
          onClick={toStart}
          disabled={!canBack}
          aria-label="Jump to start"
          title="Jump to start (Home)"
        >
          <Icon name="start" />
        </button>
        <button
          type="button"
          className="tbtn"
          onClick={stepBack}
          disabled={!canBack}
          aria-label="Step back"
          title="Step back: undo the last command line ([)"
        >
          <Icon name="back" />
        </button>
        <button
          type="button"
          className="tbtn tbtn--main"
          onClick={() => setPlaying(!playing)}
          aria-label={playing ? 'Pause' : 'Play'}
          aria-pressed={playing}
          title={playing ? 'Pause: stop virtual time (K)' : 'Play: let virtual time run (K)'}
        >
          <Icon name={playing ? 'pause' : 'play'} />
        </button>
        <button
          type="button"
          className="tbtn"
          onClick={stepForward}
          disabled={live}
          aria-label="Step forward"
          title="Step forward: redo the next command line (])"
        >
          <Icon name="forward" />
        </button>
        <button
          type="button"
          className="tbtn"
          onClick={toEnd}
          disabled={live}
          aria-label="Jump to end"
          title="Jump to the present (End)"
        >
          <Icon name="end" />
        </button>
        <label className="transport__speed">
          <span className="visually-hidden">Speed</span>
          <select
            value={speed}
            onChange={(e) => setSpeed(Number(e.target.value) as Speed)}
            aria-label="Speed"
          >
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
      </div>
      <input
        className="transport__scrub"
        type="range"
        min={0}
        max={Math.max(total, 1)}
        step={1}
        value={sliderValue}
        disabled={total === 0}
        aria-label="Steps"
        aria-valuetext={valueText}
        onChange={(e) => seek(Number(e.target.value))}
      />
      <p
        className="transport__status"
        title={
          live
            ? undefined
            : 'Typing in the past drops the steps after this moment, as an undo would.'
        }
      >
        <span className="transport__clock" title="Virtual time">
          {formatTime(machine.kernel.now)}
        </span>
        <span role="status">
          {total === 0 ? (
            'Nothing typed yet. Each command line you enter becomes a step you can go back to.'
          ) : live ? (
            <>
              <strong>Present</strong> · step {total} of {total}
              {current?.complete === false ? ' (being typed)' : ''}: <code>{current?.label}</code>
              {playing ? '' : ' · time is paused'}
            </>
          ) : (
            <>
              <strong>Past</strong> ·{' '}
              {position === 0 ? 'before step 1' : `after step ${position} of ${total}`}
              {next === undefined ? (
                ''
              ) : (
                <>
                  {' '}
                  · next: <code>{next.label}</code>
                </>
              )}
              . Typing here starts a new branch.
            </>
          )}
        </span>
      </p>
      {total === 0 ? null : (
        <details className="transport__steps">
          <summary>Steps ({total})</summary>
          <ol>
            {steps.map((step, i) => (
              <li key={step.number}>
                <button
                  type="button"
                  className="step-link"
                  aria-current={sliderValue === i + 1 ? 'step' : undefined}
                  onClick={() => seek(i + 1)}
                  title={`Show the lab just after step ${step.number}`}
                >
                  <span className="step-link__time">{formatTime(step.at)}</span>{' '}
                  <code>{step.label}</code>
                </button>
              </li>
            ))}
          </ol>
        </details>
      )}
    </div>
  );
}
