/**
 * catatonit 0.1.7 (openSUSE/catatonit catatonit.c). getopt_long "ghLPV" (permuting: use `--`),
 * --version. Blocks every signal but the fault ones and reads them from a signalfd; not PID 1 →
 * child subreaper. The child (setpgid + tcsetpgrp, original mask PLUS SIGTSTP/SIGTTOU/SIGTTIN
 * blocked, execvpe) is "pid1"; the parent ignores TSTP/TTOU/TTIN, reaps on SIGCHLD, forwards
 * everything else to pid1 (or its group with -g) and exits with pid1's code or 128+signal.
 * -P (pause mode): no child; SIGTERM/SIGINT → exit 0, anything else is ignored.
 */
import {
  SIGABRT,
  SIGBUS,
  SIGCHLD,
  SIGFPE,
  SIGILL,
  SIGINT,
  SIGSEGV,
  SIGSYS,
  SIGTERM,
  SIGTRAP,
  SIGTSTP,
  SIGTTIN,
  SIGTTOU,
  WNOHANG,
  isErrno,
  sigSetOf,
  wexitstatus,
  wifexited,
  wifsignaled,
  wtermsig,
} from '../../kernel-sim/index.ts';
import type { Errno, Program, ProgramContext, SigInfo } from '../../kernel-sim/index.ts';
import {
  GLIBC_FULL_SET,
  errText,
  execvp,
  getopt,
  isBlocked,
  waitableSet,
  write,
} from './common.ts';

export const CATATONIT_VERSION = '0.1.7';
const NAME = 'catatonit';
const URL = 'https://github.com/openSUSE/catatonit';
const BUGURL = 'https://github.com/openSUSE/catatonit/issues';

const KERNEL_SIGNALS = sigSetOf(SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGSYS);
/** init_sigmask: what catatonit blocks and reads from its signalfd. */
export const CATATONIT_SIGMASK = GLIBC_FULL_SET & ~KERNEL_SIGNALS;

const USAGE = `usage: ${NAME} [-ghLPV] [--] <progname> [<arguments>...]\n`;
const HELP =
  `${USAGE}\n` +
  'options:\n' +
  "  -g              Forward signals to pid1's process group.\n" +
  '  -h              Print this help page.\n' +
  '  -L              Print license information.\n' +
  '  -P              Run in pause mode (no program is run and quit on SIGINT).\n' +
  '  -V, --version   Print version information.\n' +
  '\n' +
  `The source code can be found at <${URL}>.\n` +
  `For bug reporting instructions, please see: <${BUGURL}>.\n`;
const LICENSE =
  'catatonit: a container init so simple it is effectively brain-dead\n' +
  'Copyright (C) 2018-2023 SUSE LLC\n\n' +
  'This program is free software: you can redistribute it and/or modify\n' +
  'it under the terms of the GNU General Public License as published by\n' +
  'the Free Software Foundation, either version 2 of the License, or\n' +
  '(at your option) any later version.\n';

type Level = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';
const LEVEL_NUM: Record<Level, number> = { FATAL: 0, ERROR: 1, WARN: 2, INFO: 3, DEBUG: 4 };

interface CatatonitState {
  role: 'parent' | 'child';
  args: string[];
  logLevel: number;
  /** The mask pid1 gets (the original one + SIGTSTP/SIGTTOU/SIGTTIN), bigint as text. */
  pid1Mask: string;
  pause: boolean;
  target: number;
  pid1: number;
  exitCode: number;
}

type Ctx = ProgramContext<CatatonitState>;

function log(ctx: Ctx, level: Level, msg: string): void {
  if (ctx.state.logLevel < LEVEL_NUM[level]) return;
  write(ctx, 2, `${level} (${NAME}:${ctx.getpid()}): ${msg}\n`);
}

function bail(ctx: Ctx, msg: string): void {
  log(ctx, 'ERROR', msg);
  ctx.exit(1);
}

/** spawn_pid1() in the child: make_foreground(), the pid1 mask, execvpe. */
function childStart(ctx: Ctx): void {
  const s = ctx.state;
  // rewrite_listen_pid_env(): LISTEN_PID pointing at the parent now points at us.
  let env: Record<string, string> | undefined;
  if (ctx.env.LISTEN_PID !== undefined && Number(ctx.env.LISTEN_PID) === ctx.getppid())
    env = { ...ctx.env, LISTEN_PID: String(ctx.getpid()) };
  if (ctx.setpgid(0, 0) !== 0) {
    bail(ctx, 'failed to create process group');
    return;
  }
  const pgrp = ctx.getpgrp();
  let ttyfd = ctx.open('/dev/tty', 'r');
  if (isErrno(ttyfd)) {
    log(ctx, 'INFO', `using stdin as tty fd: could not open /dev/tty: ${errText(ttyfd)}`);
    ttyfd = 0;
  }
  const tc = ctx.tcsetpgrp(ttyfd, pgrp);
  if (tc !== 0) {
    if (tc === 'ENOTTY' || tc === 'EBADF')
      log(ctx, 'DEBUG', `setting foreground process failed: no tty present: ${errText(tc)}`);
    else if (tc === 'ENXIO') log(ctx, 'DEBUG', 'setting foreground process failed: no such device');
    else {
      bail(ctx, `setting foreground process failed: ${errText(tc)}`);
      return;
    }
  }
  if (ttyfd !== 0) ctx.close(ttyfd);
  ctx.sigprocmask('setmask', BigInt(s.pid1Mask));
  const name = s.args[0]!;
  let e: 0 | Errno;
  if (env === undefined) e = execvp(ctx, name, s.args);
  else {
    const path = ctx.which(name);
    e = isErrno(path) ? path : ctx.exec(path, s.args, env);
  }
  if (e === 0) return;
  bail(ctx, `failed to exec pid1: ${errText(e)}`);
}

/** reap_zombies(). */
function reap(ctx: Ctx): void {
  const s = ctx.state;
  for (;;) {
    const r = ctx.wait(-1, WNOHANG);
    if (isBlocked(r)) return;
    if (isErrno(r)) {
      if (r === 'ECHILD') log(ctx, 'DEBUG', 'got ECHILD: no children left to monitor');
      return;
    }
    if (r.pid === 0) return;
    if (r.pid === s.pid1) {
      if (wifexited(r.status)) s.exitCode = wexitstatus(r.status);
      else if (wifsignaled(r.status)) s.exitCode = 128 + wtermsig(r.status);
      else if (ctx.kill(s.pid1, 0) !== 0) s.exitCode = 127;
      else log(ctx, 'WARN', `received SIGCHLD from pid1 (${s.pid1}) but it's still alive`);
      continue;
    }
    if (wifexited(r.status))
      log(ctx, 'DEBUG', `child process ${r.pid} exited with code ${wexitstatus(r.status)}`);
    else if (wifsignaled(r.status))
      log(ctx, 'DEBUG', `child process ${r.pid} exited due to signal ${wtermsig(r.status)}`);
  }
}

/** One signal read from the signalfd. Returns true when catatonit exited. */
function handle(ctx: Ctx, info: SigInfo): boolean {
  const s = ctx.state;
  const sig = info.sig;
  if (sig === SIGTSTP || sig === SIGTTOU || sig === SIGTTIN) {
    log(ctx, 'DEBUG', 'ignoring kernel attempting to stop us: tty has TOSTOP set');
  } else if (sig === SIGCHLD) {
    reap(ctx);
  } else if (s.pause) {
    if (sig === SIGTERM || sig === SIGINT) {
      ctx.exit(0);
      return true;
    }
  } else {
    const r = ctx.kill(s.target, sig);
    if (r !== 0)
      log(ctx, 'WARN', `forwarding of signal ${sig} to pid1 (${s.target}) failed: ${errText(r)}`);
  }
  if (s.exitCode >= 0) {
    ctx.exit(s.exitCode & 0xff);
    return true;
  }
  return false;
}

function mainLoop(ctx: Ctx): void {
  for (;;) {
    const r = ctx.signalfdRead(waitableSet(CATATONIT_SIGMASK));
    if (isBlocked(r)) return;
    if (handle(ctx, r)) return;
  }
}

function parentStart(ctx: Ctx): void {
  const s: CatatonitState = {
    role: 'parent',
    args: [],
    logLevel: ctx.env.CATATONIT_DEBUG !== undefined ? LEVEL_NUM.DEBUG : LEVEL_NUM.ERROR,
    pid1Mask: '0',
    pause: false,
    target: 0,
    pid1: 0,
    exitCode: -1,
  };
  ctx.state = s;
  if (ctx.env.CATATONIT_LOG !== undefined) {
    bail(ctx, 'CATATONIT_LOG is reserved for future use');
    return;
  }
  const orig = ctx.sigprocmask('setmask', CATATONIT_SIGMASK);
  s.pid1Mask = (orig | sigSetOf(SIGTSTP, SIGTTOU, SIGTTIN)).toString();
  const argv0 = ctx.argv[0] ?? NAME;
  const p = getopt(
    argv0,
    ctx.argv.slice(1),
    'ghLPV',
    [{ name: 'version', hasArg: false, val: 'V' }],
    ctx.env,
  );
  let killPgid = false;
  for (const it of p.items) {
    if (it.kind === 'error') {
      write(ctx, 2, it.message);
      write(ctx, 2, USAGE);
      ctx.exit(1);
      return;
    }
    switch (it.opt) {
      case 'g':
        killPgid = true;
        break;
      case 'P':
        s.pause = true;
        break;
      case 'h':
        write(ctx, 2, HELP);
        ctx.exit(0);
        return;
      case 'L':
        write(ctx, 1, LICENSE);
        ctx.exit(0);
        return;
      case 'V':
        write(ctx, 1, `tini version ${CATATONIT_VERSION}_${NAME}\n`);
        ctx.exit(0);
        return;
    }
  }
  s.args = p.operands;
  if (s.args.length < 1 && !s.pause) {
    log(ctx, 'ERROR', 'missing program name');
    write(ctx, 2, USAGE);
    ctx.exit(1);
    return;
  }
  if (ctx.getpid() !== 1) ctx.setChildSubreaper(true);
  if (!s.pause) {
    const pid = ctx.fork({ program: 'catatonit', state: { ...s, role: 'child' } });
    if (isErrno(pid)) {
      log(ctx, 'ERROR', `failed to fork child: ${errText(pid)}`);
      bail(ctx, `failed to spawn pid1: ${errText(pid)}`);
      return;
    }
    s.pid1 = pid;
    const k = ctx.kill(pid, 0);
    if (k !== 0) {
      bail(ctx, `self-check that pid1 (${pid}) was spawned failed: ${errText(k)}`);
      return;
    }
    log(ctx, 'DEBUG', `pid1 (${pid}) spawned: ${s.args[0]!}`);
  }
  ctx.chdir('/');
  s.target = s.pause ? 0 : killPgid ? -s.pid1 : s.pid1;
  mainLoop(ctx);
}

export const catatonit: Program<CatatonitState> = {
  name: 'catatonit',
  start(ctx) {
    if (ctx.state?.role === 'child') childStart(ctx);
    else parentStart(ctx);
  },
  resume(ctx, wake) {
    if (ctx.state?.role !== 'parent' || wake.call !== 'sigwait') return;
    if (typeof wake.result !== 'string' && handle(ctx, wake.result)) return;
    mainLoop(ctx);
  },
  onSignal() {
    // No handlers: signals are read from the signalfd.
  },
};
