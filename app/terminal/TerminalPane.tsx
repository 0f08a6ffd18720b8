import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef } from 'react';
import { builtinHandler } from '../../src/terminal/builtinCommands.ts';
import { TerminalSession } from '../../src/terminal/session.ts';
import { useUiStore } from '../state/uiStore.ts';
import { xtermTheme } from '../theme/xtermTheme.ts';
import { registerTestHooks } from './testHooks.ts';

const FONT_FAMILY =
  '"DejaVu Sans Mono", "Cascadia Mono", "Ubuntu Mono", Menlo, Consolas, "Liberation Mono", monospace';

/**
 * Owns the xterm.js instance: creates it on mount, wires its input to a
 * headless TerminalSession, keeps it fitted to the panel and themed, and
 * disposes it on unmount.
 */
export function TerminalPane() {
  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const theme = useUiStore((s) => s.theme);

  useEffect(() => {
    const host = hostRef.current;
    if (host === null) return;

    const term = new Terminal({
      fontFamily: FONT_FAMILY,
      fontSize: 18,
      lineHeight: 1.15,
      cursorBlink: true,
      scrollback: 5000,
      theme: xtermTheme(useUiStore.getState().theme),
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host);
    termRef.current = term;

    const session = new TerminalSession({ handler: builtinHandler });
    term.write(session.start());
    const input = term.onData((data) => {
      const out = session.input(data);
      if (out !== '') term.write(out);
    });

    let frame = 0;
    const refit = (): void => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        // Fitting fails while the panel is hidden or has no size; try again on the next resize.
        if (host.clientWidth > 0 && host.clientHeight > 0) fit.fit();
      });
    };
    const observer = new ResizeObserver(refit);
    observer.observe(host);
    refit();

    const unregister = registerTestHooks(term);

    return () => {
      unregister();
      cancelAnimationFrame(frame);
      observer.disconnect();
      input.dispose();
      termRef.current = null;
      term.dispose();
    };
  }, []);

  useEffect(() => {
    const term = termRef.current;
    if (term !== null) term.options.theme = xtermTheme(theme);
  }, [theme]);

  return <div className="terminal-host" ref={hostRef} />;
}
