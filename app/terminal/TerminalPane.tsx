import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef } from 'react';
import { toTerminalNewlines } from '../../src/terminal/newlines.ts';
import { useLabStore } from '../state/labStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { xtermTheme } from '../theme/xtermTheme.ts';
import { registerTestHooks } from './testHooks.ts';

const LOGGED_OUT = '\r\n[The login shell has ended. Press Enter to log in again.]\r\n';

const FONT_SIZE = 18;
const STAGE_FONT_SIZE = 26;

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
  const refitRef = useRef<(() => void) | null>(null);
  const theme = useUiStore((s) => s.theme);
  // After a step back (or a reset, or a shared link) this is another machine: attach to it.
  const machine = useLabStore((s) => s.machine);

  useEffect(() => {
    const host = hostRef.current;
    if (host === null) return;

    const term = new Terminal({
      fontFamily: FONT_FAMILY,
      fontSize: useUiStore.getState().stage ? STAGE_FONT_SIZE : FONT_SIZE,
      lineHeight: 1.15,
      cursorBlink: true,
      scrollback: 5000,
      theme: xtermTheme(useUiStore.getState().theme),
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host);
    termRef.current = term;

    // Keys go to the store, which records them in the history and gives them to the machine
    // shown now (typing after a step back starts a new branch there).
    const input = term.onData((data) => useLabStore.getState().terminalInput(tty, data));
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
          const { machine } = useLabStore.getState();
          if (machine.terminals().some((t) => t.tty === tty))
            machine.kernel.resizeTty(tty, term.cols, term.rows);
        }
      });
    };
    const observer = new ResizeObserver(refit);
    observer.observe(host);
    refit();
    refitRef.current = refit;

    return () => {
      refitRef.current = null;
      cancelAnimationFrame(frame);
      observer.disconnect();
      input.dispose();
      termRef.current = null;
      term.dispose();
    };
  }, [tty]);

  // Shows what the machine's terminal has shown so far (a restored machine brings its screens
  // back), then follows its output.
  useEffect(() => {
    const term = termRef.current;
    if (term === null) return;
    term.reset();
    term.write(toTerminalNewlines(machine.output(tty)));
    const shell = (): number | undefined => machine.terminals().find((t) => t.tty === tty)?.shell;
    if (machine.terminals().some((t) => t.tty === tty) && !machine.shellAlive(tty))
      term.write(LOGGED_OUT);
    const offOutput = machine.onOutput((text) => term.write(toTerminalNewlines(text)), tty);
    // When the login shell ends (exit, Ctrl-D), say so and offer a new login, as getty would.
    const offTrace = machine.kernel.onTrace((e) => {
      if (e.type === 'exit' && e.task.id === shell()) term.write(LOGGED_OUT);
    });
    // The restored machine learns the terminal's size (unchanged sizes send no SIGWINCH).
    refitRef.current?.();
    return () => {
      offOutput();
      offTrace();
    };
  }, [machine, tty]);

  useEffect(() => {
    const term = termRef.current;
    if (term !== null) term.options.theme = xtermTheme(theme);
  }, [theme]);

  // Stage mode: type large enough for the back of the room.
  const stage = useUiStore((s) => s.stage);
  useEffect(() => {
    const term = termRef.current;
    if (term === null) return;
    term.options.fontSize = stage ? STAGE_FONT_SIZE : FONT_SIZE;
    refitRef.current?.();
  }, [stage]);

  // The shown terminal takes the focus and answers the end-to-end tests' hooks.
  useEffect(() => {
    const term = termRef.current;
    if (!active || term === null) return;
    term.focus();
    return registerTestHooks(term);
  }, [active]);

  return <div className="terminal-host" ref={hostRef} />;
}
