import { useLabStore } from '../state/labStore.ts';

/** Keys a touch keyboard lacks, as the terminal sends them (xterm's normal cursor mode). */
const KEYS: readonly { label: string; name: string; data: string }[] = [
  { label: 'Ctrl-C', name: 'Control C: interrupt', data: '\x03' },
  { label: 'Ctrl-D', name: 'Control D: end of input', data: '\x04' },
  { label: 'Ctrl-Z', name: 'Control Z: suspend', data: '\x1a' },
  { label: 'Tab', name: 'Tab: complete', data: '\t' },
  { label: 'Esc', name: 'Escape', data: '\x1b' },
  { label: '↑', name: 'Up arrow: previous command', data: '\x1b[A' },
  { label: '↓', name: 'Down arrow: next command', data: '\x1b[B' },
  { label: '←', name: 'Left arrow', data: '\x1b[D' },
  { label: '→', name: 'Right arrow', data: '\x1b[C' },
];

/**
 * An on-screen key bar under the terminal for touch screens and narrow windows (CSS shows it
 * there): the keys go to the shown terminal as if typed, and the focus stays in the terminal.
 */
export function KeyBar() {
  const input = useLabStore((s) => s.terminalInput);
  const tty = useLabStore((s) => s.activeTty);
  return (
    <div className="key-bar" role="toolbar" aria-label="Terminal keys">
      {KEYS.map((k) => (
        <button
          key={k.label}
          type="button"
          className="key-bar__key"
          aria-label={k.name}
          // Keep the focus (and the on-screen keyboard) in the terminal.
          onPointerDown={(e) => e.preventDefault()}
          onClick={() => input(tty, k.data)}
        >
          {k.label}
        </button>
      ))}
    </div>
  );
}
