import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef } from 'react';
import { toTerminalNewlines } from '../../src/terminal/newlines.ts';
import { useLabStore } from '../state/labStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { xtermTheme } from '../theme/xtermTheme.ts';
import { registerTestHooks } from './testHooks.ts';

const FONT_FAMILY =
  '"DejaVu Sans Mono", "Cascadia Mono", "Ubuntu Mono", Menlo, Consolas, "Liberation Mono", monospace';

/**
 * Owns the xterm.js instance: creates it on mount, connects it to the lab machine's terminal
 * (keystrokes in, screen output out: the shell and every command run on the kernel model),
 * keeps it fitted to the panel and themed, and disposes it on unmount.
 */
export function TerminalPane({ tty, active }: { readonly tty: number; readonly active: boolean }) {
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

    const machine = useLabStore.getState().machine;
    term.write(toTerminalNewlines(machine.output(tty)));
    const offOutput = machine.onOutput((text) => term.write(toTerminalNewlines(text)), tty);
    const input = term.onData((data) => {
      if (machine.shellAlive(tty)) machine.type(data, tty);
      else if (data.includes('\r')) machine.relogin(tty);
    });
    // When the login shell ends (exit, Ctrl-D), say so and offer a new login, as getty would.
    const offTrace = machine.kernel.onTrace((e) => {
      if (e.type === 'exit' && e.task.id === machine.terminals().find((t) => t.tty === tty)?.shell)
        term.write('\r\n[The login shell has ended. Press Enter to log in again.]\r\n');
    });
    // As in Linux terminal emulators: Ctrl+Shift+C copies the selection and Ctrl+Shift+V pastes,
    // so that Ctrl+C stays SIGINT for the foreground job.
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
      if (e.code === 'KeyC') {
        const text = term.getSelection();
        if (text !== '') void navigator.clipboard?.writeText(text).catch(() => undefined);
        return false;
      }
      // The browser's own paste (which xterm.js handles) does the pasting; just don't send ^V.
      if (e.code === 'KeyV') return false;
      return true;
    });

    let frame = 0;
    const refit = (): void => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        // Fitting fails while the panel is hidden or has no size; try again on the next resize.
        if (host.clientWidth > 0 && host.clientHeight > 0) {
          fit.fit();
          // Tell the simulated terminal its size (TIOCSWINSZ): programs lay out for it.
          machine.kernel.resizeTty(tty, term.cols, term.rows);
        }
      });
    };
    const observer = new ResizeObserver(refit);
    observer.observe(host);
    refit();

    return () => {
      offOutput();
      offTrace();
      cancelAnimationFrame(frame);
      observer.disconnect();
      input.dispose();
      termRef.current = null;
      term.dispose();
    };
  }, [tty]);

  useEffect(() => {
    const term = termRef.current;
    if (term !== null) term.options.theme = xtermTheme(theme);
  }, [theme]);

  // The shown terminal takes the focus and answers the end-to-end tests' hooks.
  useEffect(() => {
    const term = termRef.current;
    if (!active || term === null) return;
    term.focus();
    return registerTestHooks(term);
  }, [active]);

  return <div className="terminal-host" ref={hostRef} />;
}
