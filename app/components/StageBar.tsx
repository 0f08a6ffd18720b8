import { useUiStore } from '../state/uiStore.ts';
import { stepTitle } from '../timeline/demo.ts';
import { Transport } from '../timeline/Transport.tsx';

/** Stage mode's one line of chrome: the lesson step, the transport, and the way out. */
export function StageBar() {
  const lessonId = useUiStore((s) => s.lessonId);
  const stepIndex = useUiStore((s) => s.stepIndex);
  const setStage = useUiStore((s) => s.setStage);
  return (
    <section className="stage-bar" aria-label="Stage controls">
      <p className="stage-bar__step">
        {lessonId === null ? (
          <>
            <kbd>Page Down</kbd> / <kbd>Page Up</kbd> step through what was typed · <kbd>?</kbd>{' '}
            keys
          </>
        ) : (
          <>
            Step {stepIndex + 1}
            {(() => {
              const title = stepTitle(lessonId, stepIndex);
              return title === undefined ? ` · ${lessonId}` : `: ${title}`;
            })()}
          </>
        )}
      </p>
      <Transport />
      <button type="button" className="button" onClick={() => setStage(false)}>
        Leave stage mode
      </button>
    </section>
  );
}
