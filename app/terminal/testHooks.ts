import type { ITheme, Terminal } from '@xterm/xterm';

/** Read-only hooks the end-to-end tests use to inspect the terminal. */
export interface PidlabTestHooks {
  /** The terminal buffer's text, one line per row, trailing blanks trimmed. */
  readonly terminalText: () => string;
  readonly terminalTheme: () => ITheme;
  readonly terminalSize: () => { cols: number; rows: number };
  /** Selects everything in the terminal (as a mouse drag would). */
  readonly selectAll: () => void;
}

declare global {
  interface Window {
    __pidlab?: PidlabTestHooks;
  }
}

export function registerTestHooks(term: Terminal): () => void {
  const hooks: PidlabTestHooks = {
    terminalText: () => {
      const buffer = term.buffer.active;
      const lines: string[] = [];
      for (let i = 0; i < buffer.length; i += 1) {
        lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
      }
      return lines.join('\n').trimEnd();
    },
    terminalTheme: () => ({ ...term.options.theme }),
    terminalSize: () => ({ cols: term.cols, rows: term.rows }),
    selectAll: () => term.selectAll(),
  };
  window.__pidlab = hooks;
  return () => {
    if (window.__pidlab === hooks) delete window.__pidlab;
  };
}
