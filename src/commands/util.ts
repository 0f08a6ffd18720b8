/**
 * Small helpers shared by the command models: output, errno text, execvp, the login shell
 * util-linux execs by default, durations, user names.
 */
import { BLOCKED, ERRNO_TEXT, isErrno } from '../kernel-sim/index.ts';
import type { Blocked, Errno, ProgramContext } from '../kernel-sim/index.ts';

export const isBlocked = (v: unknown): v is Blocked => v === BLOCKED;

export const errText = (e: Errno): string => ERRNO_TEXT[e];

export function out(ctx: ProgramContext<unknown>, text: string): void {
  if (text !== '') ctx.write(1, text);
}

export function err(ctx: ProgramContext<unknown>, text: string): void {
  if (text !== '') ctx.write(2, text);
}

/** Writes `text` to stderr and exits with `code`. */
export function fail(ctx: ProgramContext<unknown>, text: string, code = 1): void {
  err(ctx, text);
  ctx.exit(code);
}

/** execvp(3): a name without a slash is searched in PATH. Returns only on failure. */
export function execvp(
  ctx: ProgramContext<unknown>,
  name: string,
  argv: readonly string[],
): 0 | Errno {
  const path = ctx.which(name);
  if (isErrno(path)) return path;
  return ctx.exec(path, argv);
}

/** util-linux exec_shell(): $SHELL (or /bin/sh) as a login shell, argv[0] "-name". */
export function execShell(ctx: ProgramContext<unknown>): { shell: string; error: 0 | Errno } {
  const shell = ctx.env.SHELL || '/bin/sh';
  const base = shell.slice(shell.lastIndexOf('/') + 1);
  const r = ctx.exec(shell, [`-${base}`]);
  return { shell, error: r };
}

/**
 * A coreutils duration (sleep, timeout): a decimal number with an optional s/m/h/d suffix.
 * Returns microseconds, or undefined when invalid.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(text);
  if (!m) return undefined;
  const mult = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(m[1]) * mult * 1e6);
}

/** id -> name from /etc/passwd or /etc/group (name:x:id:...); empty when the file is missing. */
export function idTable(
  ctx: ProgramContext<unknown>,
  file: '/etc/passwd' | '/etc/group' = '/etc/passwd',
): Map<number, string> {
  const map = new Map<number, string>();
  const text = ctx.fs.readFile(file);
  if (!isErrno(text))
    for (const line of text.split('\n')) {
      const f = line.split(':');
      if (f.length >= 3 && f[0] && /^\d+$/.test(f[2] ?? '')) map.set(Number(f[2]), f[0]);
    }
  return map;
}

/** uid -> login name from /etc/passwd (the number itself when unknown). */
export const userTable = (ctx: ProgramContext<unknown>): Map<number, string> => idTable(ctx);

export function basename(path: string): string {
  const p = path.replace(/\/+$/, '');
  return p.slice(p.lastIndexOf('/') + 1) || '/';
}
