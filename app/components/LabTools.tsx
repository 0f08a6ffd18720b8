import { useState } from 'react';
import { useLabStore } from '../state/labStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { shareLink } from '../state/urlSync.ts';
import { demoForget } from '../timeline/demo.ts';

/** Header buttons: copy a link to this moment, stage mode, reset, and the shortcut help. */
export function LabTools({ onHelp }: { readonly onHelp: () => void }) {
  const stage = useUiStore((s) => s.stage);
  const setStage = useUiStore((s) => s.setStage);
  const reset = useLabStore((s) => s.reset);
  const [status, setStatus] = useState('');
  const [fallback, setFallback] = useState<string | null>(null);

  const copy = async (): Promise<void> => {
    const link = await shareLink();
    try {
      await navigator.clipboard.writeText(link);
      setFallback(null);
      setStatus('Link copied: it replays what you typed.');
    } catch {
      // No clipboard permission (or no secure context): show the link to copy by hand.
      setFallback(link);
      setStatus('Copy the link below.');
    }
  };

  return (
    <div className="lab-tools">
      <button type="button" className="button" onClick={() => void copy()}>
        Copy link
      </button>
      <button
        type="button"
        className="button"
        aria-pressed={stage}
        onClick={() => setStage(!stage)}
        title="Stage mode for talks (S)"
      >
        {stage ? 'Leave stage mode' : 'Stage mode'}
      </button>
      <button
        type="button"
        className="button"
        onClick={() => {
          demoForget();
          reset();
        }}
        title="A fresh machine and an empty history (Shift+R)"
      >
        Reset
      </button>
      <button
        type="button"
        className="button button--round"
        onClick={onHelp}
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
      >
        ?
      </button>
      <span className="lab-tools__status" role="status">
        {status}
      </span>
      {fallback === null ? null : (
        <input
          className="lab-tools__link"
          readOnly
          value={fallback}
          aria-label="Link to this moment"
          onFocus={(e) => e.currentTarget.select()}
        />
      )}
    </div>
  );
}
