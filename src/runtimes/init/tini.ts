/**
 * tini 0.19.0 (krallin/tini src/tini.c), also installed as docker-init. GNU getopt "p:hvwgle:s"
 * (with permutation: `tini sh -c x` steals `-c`), env TINI_SUBREAPER, TINI_KILL_PROCESS_GROUP,
 * TINI_VERBOSITY. It blocks every signal but the fault ones and SIGTTIN/SIGTTOU (ignored), forks
 * the child (own process group, terminal foreground, original mask restored, execvp), then
 * loops: sigtimedwait(1 s) → forward anything but SIGCHLD to the child (or its group with -g)
 * → reap with waitpid(-1, WNOHANG) until nothing is left → exit once the main child is reaped.
 */
import {
  SIGABRT,
  SIGBUS,
  SIGCHLD,
  SIGFPE,
  SIGILL,
  SIGSEGV,
  SIGSYS,
  SIGTRAP,
  SIGTTIN,
  SIGTTOU,
  WNOHANG,
  isErrno,
  sigIsMember,
  sigSetOf,
  wexitstatus,
  wifexited,
  wifsignaled,
  wtermsig,
} from '../../kernel-sim/index.ts';
import type { Program, ProgramContext, SigInfo, SigSet } from '../../kernel-sim/index.ts';
import {
  GLIBC_FULL_SET,
  atoi,
  basename,
  errText,
  execvp,
  getopt,
  isBlocked,
  ownSigSet,
  strsignal,
  waitableSet,
  write,
} from './common.ts';

export const TINI_VERSION_STRING = 'tini version 0.19.0';

export const TINI_REAPER_WARNING =
  "Tini is not running as PID 1 and isn't registered as a child subreaper.\n" +
  "Zombie processes will not be re-parented to Tini, so zombie reaping won't work.\n" +
  'To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER to ' +
  'register Tini as a child subreaper, or run Tini as PID 1.';

const SIGNAL_NAMES: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGSYS: 31,
};

/** Signals tini leaves unblocked (configure_signals' signals_for_tini). */
const SIGNALS_FOR_TINI: SigSet = sigSetOf(
  SIGFPE,
  SIGILL,
  SIGSEGV,
  SIGBUS,
  SIGABRT,
  SIGTRAP,
  SIGSYS,
  SIGTTIN,
  SIGTTOU,
);
/** The mask tini runs with and collects signals from. */
export const TINI_PARENT_SIGSET: SigSet = GLIBC_FULL_SET & ~SIGNALS_FOR_TINI;

const LICENSE = `The MIT License (MIT)

Copyright (c) 2015 Thomas Orozco <thomas@orozco.fr>

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;

export function tiniUsage(name: string): string {
  const b = basename(name);
  return (
    `${b} (${TINI_VERSION_STRING})\n` +
    `Usage: ${b} [OPTIONS] PROGRAM -- [ARGS] | --version\n\n` +
    `Execute a program under the supervision of a valid init process (${b})\n\n` +
    'Command line options:\n\n' +
    '  --version: Show version and exit.\n' +
    '  -h: Show this help message and exit.\n' +
    '  -s: Register as a process subreaper (requires Linux >= 3.4).\n' +
    '  -p SIGNAL: Trigger SIGNAL when parent dies, e.g. "-p SIGKILL".\n' +
    '  -v: Generate more verbose output. Repeat up to 3 times.\n' +
    '  -w: Print a warning when processes are getting reaped.\n' +
    "  -g: Send signals to the child's process group.\n" +
    '  -e EXIT_CODE: Remap EXIT_CODE (from 0 to 255) to 0 (can be repeated).\n' +
    '  -l: Show license and exit.\n' +
    '\n' +
    'Environment variables:\n\n' +
    '  TINI_SUBREAPER: Register as a process subreaper (requires Linux >= 3.4).\n' +
    '  TINI_VERBOSITY: Set the verbosity level (default: 1).\n' +
    "  TINI_KILL_PROCESS_GROUP: Send signals to the child's process group.\n" +
    '\n'
  );
}

interface TiniState {
  role: 'parent' | 'child';
  args: string[];
  verbosity: number;
  killGroup: boolean;
  warnOnReap: boolean;
  /** Exit codes remapped to 0 (-e). */
  expect: number[];
  /** The mask tini started with (bigint as decimal text: state is plain data). */
  origMask: string;
  /** SIGTTIN/SIGTTOU were ignored before tini ignored them. */
  ttinIgnored: boolean;
  ttouIgnored: boolean;
  child: number;
  /** -1 until the main child has been reaped. */
  exitCode: number;
}

type Ctx = ProgramContext<TiniState>;
type Level = 'FATAL' | 'WARN ' | 'INFO ' | 'DEBUG' | 'TRACE';
const LEVEL_MIN: Record<Level, number> = { FATAL: 0, 'WARN ': 1, 'INFO ': 2, DEBUG: 3, TRACE: 4 };

function log(ctx: Ctx, verbosity: number, level: Level, msg: string): void {
  if (level !== 'FATAL' && verbosity <= LEVEL_MIN[level] - 1) return;
  const fd = level === 'FATAL' || level === 'WARN ' ? 2 : 1;
  write(ctx, fd, `[${level} tini (${ctx.getpid()})] ${msg}\n`);
}

/** strtol(arg, &end, 10) with *end == 0, in 0..255 (add_expect_status). */
function parseStatus(arg: string): number | undefined {
  if (arg === '') return 0;
  if (!/^\s*[+-]?\d+$/.test(arg)) return undefined;
  const n = Number.parseInt(arg, 10);
  return n >= 0 && n <= 255 ? n : undefined;
}

function childStart(ctx: Ctx): void {
  const s = ctx.state;
  const v = s.verbosity;
  // isolate_child()
  const pg = ctx.setpgid(0, 0);
  if (pg !== 0) {
    log(ctx, v, 'FATAL', `setpgid failed: ${errText(pg)}`);
    ctx.exit(1);
    return;
  }
  const tc = ctx.tcsetpgrp(0, ctx.getpgrp());
  if (tc !== 0) {
    if (tc === 'ENOTTY') log(ctx, v, 'DEBUG', 'tcsetpgrp failed: no tty (ok to proceed)');
    else if (tc === 'ENXIO')
      log(ctx, v, 'DEBUG', 'tcsetpgrp failed: no such device (ok to proceed)');
    else {
      log(ctx, v, 'FATAL', `tcsetpgrp failed: ${errText(tc)}`);
      ctx.exit(1);
      return;
    }
  }
  // restore_signals()
  ctx.sigprocmask('setmask', BigInt(s.origMask));
  ctx.sigaction(SIGTTIN, s.ttinIgnored ? 'ignore' : 'default');
  ctx.sigaction(SIGTTOU, s.ttouIgnored ? 'ignore' : 'default');
  const e = execvp(ctx, s.args[0]!, s.args);
  if (e === 0) return;
  const status = e === 'ENOENT' ? 127 : e === 'EACCES' ? 126 : 1;
  log(ctx, v, 'FATAL', `exec ${s.args[0]!} failed: ${errText(e)}`);
  ctx.exit(status);
}

/** wait_and_forward_signal() for one collected signal (or a timeout). */
function forward(ctx: Ctx, info: SigInfo | 'EAGAIN' | 'EINTR'): void {
  if (typeof info === 'string') return;
  const s = ctx.state;
  if (info.sig === SIGCHLD) {
    log(ctx, s.verbosity, 'DEBUG', 'Received SIGCHLD');
    return;
  }
  log(ctx, s.verbosity, 'DEBUG', `Passing signal: '${strsignal(info.sig)}'`);
  const r = ctx.kill(s.killGroup ? -s.child : s.child, info.sig);
  if (r === 'ESRCH') log(ctx, s.verbosity, 'WARN ', 'Child was dead when forwarding signal');
  else if (r !== 0) {
    log(ctx, s.verbosity, 'FATAL', `Unexpected error when forwarding signal: '${errText(r)}'`);
    s.exitCode = -2;
  }
}

/** reap_zombies(). */
function reap(ctx: Ctx): void {
  const s = ctx.state;
  const v = s.verbosity;
  for (;;) {
    const r = ctx.wait(-1, WNOHANG);
    if (isBlocked(r)) return;
    if (isErrno(r)) {
      if (r === 'ECHILD') {
        log(ctx, v, 'TRACE', 'No child to wait');
        return;
      }
      log(ctx, v, 'FATAL', `Error while waiting for pids: '${errText(r)}'`);
      s.exitCode = -2;
      return;
    }
    if (r.pid === 0) {
      log(ctx, v, 'TRACE', 'No child to reap');
      return;
    }
    log(ctx, v, 'DEBUG', `Reaped child with pid: '${r.pid}'`);
    if (r.pid === s.child) {
      let code: number;
      if (wifexited(r.status)) {
        code = wexitstatus(r.status);
        log(ctx, v, 'INFO ', `Main child exited normally (with status '${code}')`);
      } else if (wifsignaled(r.status)) {
        const sig = wtermsig(r.status);
        log(ctx, v, 'INFO ', `Main child exited with signal (with signal '${strsignal(sig)}')`);
        code = 128 + sig;
      } else {
        log(ctx, v, 'FATAL', 'Main child exited for unknown reason');
        s.exitCode = -2;
        return;
      }
      code %= 256;
      if (s.expect.includes(code)) code = 0;
      s.exitCode = code;
    } else if (s.warnOnReap) {
      log(ctx, v, 'WARN ', `Reaped zombie process with pid=${r.pid}`);
    }
  }
}

/** After a wake-up: reap, and exit when the main child is gone. Returns true when exited. */
function afterWake(ctx: Ctx): boolean {
  const s = ctx.state;
  if (s.exitCode === -2) {
    ctx.exit(1);
    return true;
  }
  reap(ctx);
  if (s.exitCode === -2) {
    ctx.exit(1);
    return true;
  }
  if (s.exitCode >= 0) {
    log(ctx, s.verbosity, 'TRACE', 'Exiting: child has exited');
    ctx.exit(s.exitCode);
    return true;
  }
  return false;
}

function mainLoop(ctx: Ctx): void {
  for (;;) {
    const r = ctx.sigtimedwait(waitableSet(TINI_PARENT_SIGSET), 1_000_000);
    if (isBlocked(r)) return;
    forward(ctx, r);
    if (afterWake(ctx)) return;
  }
}

function parentStart(ctx: Ctx): void {
  const argv = ctx.argv;
  const name = argv[0] ?? 'tini';
  // parse_args()
  if (argv.length === 2 && argv[1] === '--version') {
    write(ctx, 1, `${TINI_VERSION_STRING}\n`);
    ctx.exit(0);
    return;
  }
  let verbosity = 1;
  let subreaper = false;
  let pdeathsig = 0;
  let warnOnReap = false;
  let killGroup = false;
  const expect: number[] = [];
  const p = getopt(name, argv.slice(1), 'p:hvwgle:s', null, ctx.env);
  for (const it of p.items) {
    if (it.kind === 'error') {
      write(ctx, 2, it.message);
      write(ctx, 2, tiniUsage(name));
      ctx.exit(1);
      return;
    }
    const arg = it.arg ?? '';
    switch (it.opt) {
      case 'h':
        write(ctx, 1, tiniUsage(name));
        ctx.exit(0);
        return;
      case 's':
        subreaper = true;
        break;
      case 'p': {
        const n = SIGNAL_NAMES[arg];
        if (n === undefined) {
          write(ctx, 2, `[FATAL tini (${ctx.getpid()})] Not a valid option for -p: ${arg}\n`);
          ctx.exit(1);
          return;
        }
        pdeathsig = n;
        break;
      }
      case 'v':
        verbosity++;
        break;
      case 'w':
        warnOnReap = true;
        break;
      case 'g':
        killGroup = true;
        break;
      case 'e': {
        const n = parseStatus(arg);
        if (n === undefined) {
          write(ctx, 2, `[FATAL tini (${ctx.getpid()})] Not a valid option for -e: ${arg}\n`);
          ctx.exit(1);
          return;
        }
        expect.push(n);
        break;
      }
      case 'l':
        write(ctx, 1, LICENSE);
        ctx.exit(0);
        return;
    }
  }
  const args = p.operands;
  if (args.length === 0) {
    write(ctx, 2, tiniUsage(name));
    ctx.exit(1);
    return;
  }
  // parse_env()
  const env = ctx.env;
  if (env.TINI_SUBREAPER !== undefined) subreaper = true;
  if (env.TINI_KILL_PROCESS_GROUP !== undefined) killGroup = true;
  if (env.TINI_VERBOSITY !== undefined) {
    const n = atoi(env.TINI_VERBOSITY);
    verbosity = n < 0 ? 2 ** 32 + n : n; // unsigned int
  }
  // configure_signals(): what SIGTTIN/SIGTTOU were before (sigaction's old action).
  const ignored = ownSigSet(ctx, 'SigIgn');
  const origMask = ctx.sigprocmask('setmask', TINI_PARENT_SIGSET);
  ctx.sigaction(SIGTTIN, 'ignore');
  ctx.sigaction(SIGTTOU, 'ignore');
  const state: TiniState = {
    role: 'child',
    args,
    verbosity,
    killGroup,
    warnOnReap,
    expect,
    origMask: origMask.toString(),
    ttinIgnored: sigIsMember(ignored, SIGTTIN),
    ttouIgnored: sigIsMember(ignored, SIGTTOU),
    child: 0,
    exitCode: -1,
  };
  ctx.state = state;
  if (pdeathsig !== 0 && ctx.setPdeathsig(pdeathsig) !== 0) {
    log(ctx, verbosity, 'FATAL', 'Failed to set up parent death signal');
    ctx.exit(1);
    return;
  }
  if (subreaper) {
    ctx.setChildSubreaper(true);
    log(ctx, verbosity, 'TRACE', 'Registered as child subreaper');
  }
  // reaper_check()
  if (ctx.getpid() !== 1 && !subreaper) log(ctx, verbosity, 'WARN ', TINI_REAPER_WARNING);
  // spawn()
  const pid = ctx.fork({ program: 'tini', state });
  if (isErrno(pid)) {
    log(ctx, verbosity, 'FATAL', `fork failed: ${errText(pid)}`);
    ctx.exit(1);
    return;
  }
  log(ctx, verbosity, 'INFO ', `Spawned child process '${args[0]!}' with pid '${pid}'`);
  ctx.state = { ...state, role: 'parent', child: pid };
  mainLoop(ctx);
}

export const tini: Program<TiniState> = {
  name: 'tini',
  start(ctx) {
    if (ctx.state?.role === 'child') childStart(ctx);
    else parentStart(ctx);
  },
  resume(ctx, wake) {
    if (ctx.state?.role !== 'parent' || wake.call !== 'sigwait') return;
    forward(ctx, wake.result);
    if (afterWake(ctx)) return;
    mainLoop(ctx);
  },
  onSignal() {
    // tini installs no handler: everything it collects arrives through sigtimedwait.
  },
};
