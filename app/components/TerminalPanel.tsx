import { useLabStore } from '../state/labStore.ts';
import { TerminalPane } from '../terminal/TerminalPane.tsx';
import { KeyBar } from './KeyBar.tsx';
import { Panel } from './Panel.tsx';

/**
 * The terminals of the lab machine as tabs ("pts/0", "pts/1", ...), each with its own root
 * shell. Every terminal stays mounted so it keeps its scrollback; only the chosen one shows.
 */
export function TerminalPanel() {
  const terminals = useLabStore((s) => s.terminals);
  const active = useLabStore((s) => s.activeTty);
  const show = useLabStore((s) => s.showTerminal);
  const open = useLabStore((s) => s.openTerminal);
  const canOpen = useLabStore((s) => s.canOpenTerminal);
  return (
    <Panel id="terminal" title="Terminal">
      <div className="terminal-tabs" role="tablist" aria-label="Terminals">
        {terminals.map((t) => (
          <button
            key={t.tty}
            type="button"
            role="tab"
            id={`terminal-tab-${t.tty}`}
            aria-selected={t.tty === active}
            aria-controls={`terminal-pane-${t.tty}`}
            className="terminal-tab"
            onClick={() => show(t.tty)}
          >
            {t.name}
          </button>
        ))}
        <button
          type="button"
          className="terminal-tab terminal-tab--new"
          onClick={open}
          disabled={!canOpen}
          title="Open another terminal with its own root shell"
        >
          + New terminal
        </button>
      </div>
      <div className="terminal-stack">
        {terminals.map((t) => (
          <div
            key={t.tty}
            id={`terminal-pane-${t.tty}`}
            role="tabpanel"
            aria-labelledby={`terminal-tab-${t.tty}`}
            className="terminal-slot"
            hidden={t.tty !== active}
          >
            <TerminalPane tty={t.tty} active={t.tty === active} />
          </div>
        ))}
      </div>
      <KeyBar />
    </Panel>
  );
}
