/**
 * Helpers shared by the container-init models (tini, dumb-init, catatonit, pause): glibc's
 * getopt/getopt_long, strsignal(3) and errno texts, sigfillset(3), execvp(3).
 */
import {
  BLOCKED,
  ERRNO_TEXT,
  FULL_SET,
  SIGKILL,
  SIGSTOP,
  isErrno,
  sigBit,
  sigDel,
} from '../../kernel-sim/index.ts';
import type { Blocked, Errno, ProgramContext, SigSet } from '../../kernel-sim/index.ts';

export const isBlocked = (v: unknown): v is Blocked => v === BLOCKED;

export const errText = (e: Errno): string => ERRNO_TEXT[e];

/** errno numbers as on x86-64 Linux (for messages that print errno=%d). */
export const ERRNO_NUMBER: Readonly<Record<Errno, number>> = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  ENOEXEC: 8,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EBUSY: 16,
  EEXIST: 17,
  ENOTEMPTY: 39,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  EMFILE: 24,
  ENOTTY: 25,
  ENOSPC: 28,
  EPIPE: 32,
};

export function write(ctx: ProgramContext<unknown>, fd: 1 | 2, text: string): void {
  if (text !== '') ctx.write(fd, text);
}

/**
 * glibc sigfillset(): every signal except the two glibc keeps for itself (32 SIGCANCEL and
 * 33 SIGSETXID); sigprocmask() would drop them anyway.
 */
export const GLIBC_FULL_SET: SigSet = FULL_SET & ~(sigBit(32) | sigBit(33));

/** The set a sigtimedwait()/signalfd for `set` really waits for (no SIGKILL/SIGSTOP). */
export const waitableSet = (set: SigSet): SigSet => sigDel(sigDel(set, SIGKILL), SIGSTOP);

const STRSIGNAL: readonly string[] = [
  'Unknown signal 0',
  'Hangup',
  'Interrupt',
  'Quit',
  'Illegal instruction',
  'Trace/breakpoint trap',
  'Aborted',
  'Bus error',
  'Floating point exception',
  'Killed',
  'User defined signal 1',
  'Segmentation fault',
  'User defined signal 2',
  'Broken pipe',
  'Alarm clock',
  'Terminated',
  'Stack fault',
  'Child exited',
  'Continued',
  'Stopped (signal)',
  'Stopped',
  'Stopped (tty input)',
  'Stopped (tty output)',
  'Urgent I/O condition',
  'CPU time limit exceeded',
  'File size limit exceeded',
  'Virtual timer expired',
  'Profiling timer expired',
  'Window changed',
  'I/O possible',
  'Power failure',
  'Bad system call',
];

/** glibc strsignal(3) / psignal(3) text. */
export function strsignal(sig: number): string {
  const s = STRSIGNAL[sig];
  if (s !== undefined) return s;
  if (sig >= 34 && sig <= 64) return `Real-time signal ${sig - 34}`;
  return `Unknown signal ${sig}`;
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

/** The `/proc/self/status` line `key` as a signal set (0 when unreadable). */
export function ownSigSet(ctx: ProgramContext<unknown>, key: 'SigIgn' | 'SigCgt'): SigSet {
  const text = ctx.fs.readFile('/proc/self/status');
  if (isErrno(text)) return 0n;
  const m = new RegExp(`^${key}:\\s*([0-9a-f]+)$`, 'm').exec(text);
  return m ? BigInt(`0x${m[1]!}`) : 0n;
}

export function basename(path: string): string {
  const p = path.replace(/\/+$/, '');
  return p.slice(p.lastIndexOf('/') + 1) || '/';
}

// ---------------------------------------------------------------------------------------------
// getopt(3) / getopt_long(3), glibc flavour.

export interface LongOption {
  readonly name: string;
  readonly hasArg: boolean;
  /** The short option character it stands for. */
  readonly val: string;
}

/** One result of a getopt() call, in order: an option, or the error glibc printed ('?'). */
export type GetoptItem =
  | { readonly kind: 'opt'; readonly opt: string; readonly arg?: string }
  | { readonly kind: 'error'; readonly message: string };

export interface GetoptResult {
  /** Options up to (and including) the first error. */
  readonly items: GetoptItem[];
  /** The operands: argv[optind..] after glibc's permutation. */
  readonly operands: string[];
}

/**
 * glibc getopt_long(): `optstring` as in C ("p:hv", a leading '+' stops at the first operand,
 * as does POSIXLY_CORRECT); `longs` may be empty (plain getopt(), where "--x" is parsed as the
 * short options '-' and 'x'). `prog` is argv[0], the prefix of glibc's messages.
 */
export function getopt(
  prog: string,
  args: readonly string[],
  optstring: string,
  longs: readonly LongOption[] | null,
  env: Readonly<Record<string, string>> = {},
): GetoptResult {
  let spec = optstring;
  let permute = true;
  if (spec.startsWith('+')) {
    permute = false;
    spec = spec.slice(1);
  }
  if (env.POSIXLY_CORRECT !== undefined) permute = false;
  const argOf = (c: string): 'none' | 'required' | undefined => {
    if (c === ':' || c === '+' || c === '-') return undefined;
    const i = spec.indexOf(c);
    if (i < 0) return undefined;
    return spec[i + 1] === ':' ? 'required' : 'none';
  };
  const items: GetoptItem[] = [];
  const skipped: string[] = [];
  let i = 0;
  const finish = (): GetoptResult => ({ items, operands: [...skipped, ...args.slice(i)] });
  while (i < args.length) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      return finish();
    }
    if (!a.startsWith('-') || a === '-') {
      if (!permute) return finish();
      skipped.push(a);
      i++;
      continue;
    }
    if (a.startsWith('--') && longs !== null) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const exact = longs.find((l) => l.name === name);
      const prefixed = longs.filter((l) => l.name.startsWith(name));
      const opt = exact ?? (prefixed.length === 1 ? prefixed[0] : undefined);
      i++;
      if (!opt) {
        items.push({
          kind: 'error',
          message:
            prefixed.length > 1
              ? `${prog}: option '${a}' is ambiguous; possibilities:${prefixed.map((l) => ` '--${l.name}'`).join('')}\n`
              : `${prog}: unrecognized option '${a}'\n`,
        });
        return finish();
      }
      if (eq >= 0) {
        if (!opt.hasArg) {
          items.push({
            kind: 'error',
            message: `${prog}: option '--${opt.name}' doesn't allow an argument\n`,
          });
          return finish();
        }
        items.push({ kind: 'opt', opt: opt.val, arg: a.slice(eq + 1) });
      } else if (opt.hasArg) {
        if (i >= args.length) {
          items.push({
            kind: 'error',
            message: `${prog}: option '--${opt.name}' requires an argument\n`,
          });
          return finish();
        }
        items.push({ kind: 'opt', opt: opt.val, arg: args[i]! });
        i++;
      } else items.push({ kind: 'opt', opt: opt.val });
      continue;
    }
    i++;
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const kind = argOf(c);
      if (kind === undefined) {
        items.push({ kind: 'error', message: `${prog}: invalid option -- '${c}'\n` });
        return finish();
      }
      if (kind === 'none') {
        items.push({ kind: 'opt', opt: c });
        continue;
      }
      const rest = a.slice(j + 1);
      if (rest !== '') items.push({ kind: 'opt', opt: c, arg: rest });
      else if (i < args.length) {
        items.push({ kind: 'opt', opt: c, arg: args[i]! });
        i++;
      } else {
        items.push({
          kind: 'error',
          message: `${prog}: option requires an argument -- '${c}'\n`,
        });
        return finish();
      }
      break;
    }
  }
  return finish();
}

/** C atoi(3). */
export function atoi(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m ? Number.parseInt(m[1]!, 10) : 0;
}
