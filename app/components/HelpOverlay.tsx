import { useEffect, useRef } from 'react';
import { SHORTCUTS } from '../timeline/shortcuts.ts';

/** The keyboard shortcuts (press ?), as a modal dialog. */
export function HelpOverlay({ onClose }: { readonly onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    const opener = document.activeElement;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (opener instanceof HTMLElement) opener.focus();
    };
  }, []);
  return (
    <dialog ref={ref} className="help" aria-labelledby="help-title" onClose={onClose}>
      <h2 id="help-title">Keyboard shortcuts</h2>
      <p className="help__note">
        Single keys work when the focus is not in the terminal; press <kbd>F6</kbd> to leave it. In
        stage mode <kbd>Page Down</kbd> and <kbd>Page Up</kbd> (a presentation clicker) work
        everywhere.
      </p>
      <table className="help__table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.id}>
              <th scope="row">
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 ? ' or ' : ''}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </th>
              <td>{s.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit" className="button" autoFocus>
          Close
        </button>
      </form>
    </dialog>
  );
}
