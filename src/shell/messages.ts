/**
 * Error and status messages as Debian dash 0.5.12, bash 5.2 and busybox ash print them.
 */
import type { SyntaxError } from './ast.ts';
import type { ShState } from './state.ts';

/** The prefix of an error message: "sh: 1: ", "bash: line 1: ", "-bash: ", "sh: ". */
export function prefix(st: ShState): string {
  switch (st.flavor) {
    case 'dash':
      return `${st.arg0}: ${st.line}: `;
    case 'bash':
      // An interactive shell and its subshells name no line (bash checks interactive_shell).
      return st.mode === 'interactive' || st.interactiveShell
        ? `${st.arg0}: `
        : `${st.arg0}: line ${st.line}: `;
    case 'ash':
      return `${st.arg0}: `;
  }
}

export function notFound(st: ShState, name: string): string {
  if (st.flavor === 'bash') {
    if (name.includes('/')) return `${prefix(st)}${name}: No such file or directory\n`;
    return `${prefix(st)}${name}: command not found\n`;
  }
  return `${prefix(st)}${name}: not found\n`;
}

export function formatSyntaxError(st: ShState, e: SyntaxError, sourceLine: string): string {
  if (e.kind === 'unsupported') {
    if (e.what === 'Bad substitution') {
      return st.flavor === 'bash'
        ? `${bashSyntaxPrefix(st, e.line)}bad substitution\n`
        : `${st.arg0}: ${st.flavor === 'dash' ? `${e.line}: ` : ''}Bad substitution\n`;
    }
    return `${st.arg0}: ${st.flavor === 'dash' ? `${e.line}: ` : ''}Syntax error: ${e.what}\n`;
  }
  if (st.flavor === 'dash') {
    const p = `${st.arg0}: ${e.line}: Syntax error: `;
    if (e.kind === 'unterminated') {
      if (e.what === ')' || e.what === '))') return `${p}end of file unexpected (expecting ")")\n`;
      if (e.what === '}') return `${p}Missing '}'\n`;
      return `${p}Unterminated quoted string\n`;
    }
    const tok =
      e.token === null ? 'end of file' : e.token === 'newline' ? 'newline' : `"${e.token}"`;
    return `${p}${tok} unexpected${e.expecting ? ` (expecting ${e.expecting})` : ''}\n`;
  }
  if (st.flavor === 'ash') {
    const p = `${st.arg0}: syntax error: `;
    if (e.kind === 'unterminated') {
      if (e.what === '}') return `${st.arg0}: syntax error: missing '}'\n`;
      if (e.what === ')' || e.what === '))') return `${p}unexpected end of file (expecting ")")\n`;
      return `${p}unterminated quoted string\n`;
    }
    if (e.token === null)
      return `${p}unexpected end of file${e.expecting ? ` (expecting ${e.expecting})` : ''}\n`;
    return `${p}unexpected ${e.token === 'newline' ? 'newline' : `"${e.token}"`}\n`;
  }
  // bash
  const p = bashSyntaxPrefix(st, e.line);
  if (e.kind === 'unterminated') {
    const close = e.what === '))' ? ')' : e.what;
    return `${p}unexpected EOF while looking for matching \`${close}'\n`;
  }
  if (e.token === null) return `${p}syntax error: unexpected end of file\n`;
  let out = `${p}syntax error near unexpected token \`${e.token}'\n`;
  if (st.mode !== 'interactive') out += `${p}\`${sourceLine}'\n`;
  return out;
}

function bashSyntaxPrefix(st: ShState, line: number): string {
  if (st.mode === 'interactive') return `${st.arg0}: `;
  if (st.mode === 'c') return `${st.arg0}: -c: line ${line}: `;
  return `${st.arg0}: line ${line}: `;
}

const SIGNAL_TEXT: Record<number, string> = {
  1: 'Hangup',
  2: 'Interrupt',
  3: 'Quit',
  4: 'Illegal instruction',
  5: 'Trace/breakpoint trap',
  6: 'Aborted',
  7: 'Bus error',
  8: 'Floating point exception',
  9: 'Killed',
  10: 'User defined signal 1',
  11: 'Segmentation fault',
  12: 'User defined signal 2',
  13: 'Broken pipe',
  14: 'Alarm clock',
  15: 'Terminated',
  16: 'Stack fault',
  17: 'Child exited',
  18: 'Continued',
  19: 'Stopped (signal)',
  20: 'Stopped',
  21: 'Stopped (tty input)',
  22: 'Stopped (tty output)',
  23: 'Urgent I/O condition',
  24: 'CPU time limit exceeded',
  25: 'File size limit exceeded',
  26: 'Virtual timer expired',
  27: 'Profiling timer expired',
  28: 'Window changed',
  29: 'I/O possible',
  30: 'Power failure',
  31: 'Bad system call',
};

/** strsignal(3). */
export function signalText(sig: number): string {
  return SIGNAL_TEXT[sig] ?? `Real-time signal ${sig - 34}`;
}
