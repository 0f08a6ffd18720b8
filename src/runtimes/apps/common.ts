/**
 * Helpers shared by the runtime models: reading the script a runtime "runs", a small scanner for
 * the recognised patterns in JavaScript/Go/Python sources, and the syscall sequences every
 * runtime repeats (spawn = fork + execvp in the child, re-raise a fatal signal).
 */
import {
  SIGKILL,
  SIGSTOP,
  isErrno,
  signalName,
  wexitstatus,
  wifexited,
  wifsignaled,
  wtermsig,
} from '../../kernel-sim/index.ts';
import type { ProgramContext } from '../../kernel-sim/index.ts';

/** State of a freshly forked child that is about to exec (libuv/os.exec/posix_spawn child side). */
export interface ExecChildState {
  role: 'exec-child';
  path: string;
  argv: string[];
  /** Reset every signal to SIG_DFL before exec (libuv does, Go's forkExec does). */
  resetSignals: boolean;
}

export const isExecChild = (s: unknown): s is ExecChildState =>
  typeof s === 'object' && s !== null && (s as { role?: unknown }).role === 'exec-child';

/** The child side of a spawn: reset dispositions, execvp, 127 if that failed. */
export function runExecChild(ctx: ProgramContext, s: ExecChildState, who: string): void {
  if (s.resetSignals)
    for (let sig = 1; sig <= 31; sig++)
      if (sig !== SIGKILL && sig !== SIGSTOP) ctx.sigaction(sig, 'default');
  const r = ctx.exec(s.path, s.argv);
  if (r === 0) return;
  ctx.write(2, `${who}: ${s.path}: ${errnoText(r)}\n`);
  ctx.exit(r === 'ENOENT' ? 127 : 126);
}

/** fork + execvp in the child; the child's pid or an errno. */
export function spawnChild(
  ctx: ProgramContext,
  program: string,
  path: string,
  argv: readonly string[],
  resetSignals = true,
): number | string {
  const state: ExecChildState = { role: 'exec-child', path, argv: [...argv], resetSignals };
  return ctx.fork({ program, state });
}

export function errnoText(e: string): string {
  if (e === 'ENOENT') return 'No such file or directory';
  if (e === 'EACCES') return 'Permission denied';
  if (e === 'EAGAIN') return 'Resource temporarily unavailable';
  return e;
}

/** Reads a file relative to the caller's cwd; undefined when it cannot be read. */
export function readSource(ctx: ProgramContext, path: string): string | undefined {
  const r = ctx.fs.readFile(ctx.fs.resolve(path));
  return isErrno(r) ? undefined : r;
}

/** Go's os.Signal String(): syscall.Signal names as the Go runtime prints them. */
export function goSignalString(sig: number): string {
  const names: Record<number, string> = {
    1: 'hangup',
    2: 'interrupt',
    3: 'quit',
    10: 'user defined signal 1',
    12: 'user defined signal 2',
    13: 'broken pipe',
    14: 'alarm clock',
    15: 'terminated',
    17: 'child exited',
    28: 'window changed',
    9: 'killed',
  };
  return names[sig] ?? `signal ${sig}`;
}

/** "exit status N" / "signal: killed", as Go's os.ProcessState prints a wait status. */
export function goWaitString(status: number): string {
  if (wifexited(status)) return `exit status ${wexitstatus(status)}`;
  if (wifsignaled(status)) return `signal: ${goSignalString(wtermsig(status))}`;
  return `status ${status}`;
}

/** Parses "SIGTERM" / "TERM" into a number (standard signals only); undefined otherwise. */
export function signalByName(name: string): number | undefined {
  const bare = name.toUpperCase().replace(/^SIG/, '');
  for (let s = 1; s <= 31; s++) if (signalName(s) === bare) return s;
  return undefined;
}

// ------------------------------------------------------------------ source scanning

/**
 * Index just past the bracket that closes the one at `open` (`(`, `{`, `[`), skipping string
 * literals, template literals and comments; the source length when unbalanced.
 */
export function matchClose(src: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < src.length) {
    const c = src[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(src, i);
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? src.length : nl;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
      continue;
    }
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return src.length;
}

/** Index just past the string literal starting at `i`. */
export function skipString(src: string, i: number): number {
  const q = src[i];
  let j = i + 1;
  while (j < src.length && src[j] !== q) {
    if (src[j] === '\\') j++;
    else if (q === '`' && src[j] === '$' && src[j + 1] === '{') {
      j = matchClose(src, j + 1) - 1;
    }
    j++;
  }
  return j + 1;
}

/** Splits an argument list (without the outer parentheses) at its top-level commas. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(text, i);
      continue;
    }
    if (c === '(' || c === '{' || c === '[') {
      i = matchClose(text, i);
      continue;
    }
    if (c === ',') {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
    i++;
  }
  const last = text.slice(start).trim();
  if (last !== '' || out.length > 0) out.push(last);
  return out;
}

/** A call `name(...)` found in a source: where it is, its arguments, the brace depth at it. */
export interface Call {
  readonly start: number;
  readonly end: number;
  readonly args: string[];
  readonly depth: number;
}

/** Every call of `name` (e.g. "process.on", "setInterval") in `src`, outside strings/comments. */
export function findCalls(src: string, name: string): Call[] {
  const out: Call[] = [];
  let depth = 0;
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(src, i);
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? src.length : nl;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') depth--;
    if (src.startsWith(name, i) && (name.startsWith('.') || !/[\w$.]/.test(src[i - 1] ?? ' '))) {
      let j = i + name.length;
      while (src[j] === ' ') j++;
      if (src[j] === '(') {
        const end = matchClose(src, j);
        out.push({ start: i, end, args: splitArgs(src.slice(j + 1, end - 1)), depth });
        i = j + 1;
        continue;
      }
    }
    i++;
  }
  return out;
}

/** The value of a simple string literal ('x', "x", `x` without substitutions); else undefined. */
export function stringLiteral(text: string): string | undefined {
  const t = text.trim();
  const m = /^(['"])((?:\\.|(?!\1).)*)\1$/s.exec(t);
  if (m) return unescape(m[2] ?? '');
  if (/^`[^`$]*`$/.test(t)) return t.slice(1, -1);
  return undefined;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/** A duration in milliseconds from a JS numeric expression like `1000`, `60_000`, `5 * 1000`. */
export function millis(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.replace(/_/g, '').trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const m = /^(\d+(?:\.\d+)?)\s*\*\s*(\d+(?:\.\d+)?)$/.exec(t);
  if (m) return Number(m[1]) * Number(m[2]);
  return undefined;
}
