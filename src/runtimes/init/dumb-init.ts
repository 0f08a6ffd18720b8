/**
 * dumb-init 1.2.5 (Yelp/dumb-init dumb-init.c). getopt_long "+hvVcr:" (stops at the first
 * operand), env DUMB_INIT_DEBUG=1 and DUMB_INIT_SETSID=0. It blocks every signal (a no-op
 * handler for 1..31) and takes them with sigwait(); in setsid mode (the default) it gives up
 * the terminal (TIOCNOTTY), its child calls setsid() + TIOCSCTTY, and every signal but SIGCHLD
 * goes, through the rewrite table, to the child's whole group (-child); with -c only to the
 * child. SIGTSTP/SIGTTOU/SIGTTIN become SIGSTOP in setsid mode unless rewritten explicitly.
 * When the main child is reaped it sends (translated) SIGTERM to the group and exits with the
 * child's code or 128+signal.
 */
import {
  SIGCHLD,
  SIGCONT,
  SIGHUP,
  SIGKILL,
  SIGSTOP,
  SIGTERM,
  SIGTSTP,
  SIGTTIN,
  SIGTTOU,
  WNOHANG,
  isErrno,
  wexitstatus,
  wifexited,
  wtermsig,
} from '../../kernel-sim/index.ts';
import type { Program, ProgramContext, SigInfo } from '../../kernel-sim/index.ts';
import {
  ERRNO_NUMBER,
  GLIBC_FULL_SET,
  errText,
  execvp,
  getopt,
  isBlocked,
  waitableSet,
  write,
} from './common.ts';
import type { LongOption } from './common.ts';

export const DUMB_INIT_VERSION = '1.2.5';
const MAXSIG = 31;

const LONG_OPTIONS: readonly LongOption[] = [
  { name: 'help', hasArg: false, val: 'h' },
  { name: 'single-child', hasArg: false, val: 'c' },
  { name: 'rewrite', hasArg: true, val: 'r' },
  { name: 'verbose', hasArg: false, val: 'v' },
  { name: 'version', hasArg: false, val: 'V' },
];

export function dumbInitHelp(argv0: string): string {
  return (
    `dumb-init v${DUMB_INIT_VERSION}\n` +
    `Usage: ${argv0} [option] command [[arg] ...]\n` +
    '\n' +
    'dumb-init is a simple process supervisor that forwards signals to children.\n' +
    'It is designed to run as PID1 in minimal container environments.\n' +
    '\n' +
    'Optional arguments:\n' +
    '   -c, --single-child   Run in single-child mode.\n' +
    '                        In this mode, signals are only proxied to the\n' +
    '                        direct child and not any of its descendants.\n' +
    '   -r, --rewrite s:r    Rewrite received signal s to new signal r before proxying.\n' +
    '                        To ignore (not proxy) a signal, rewrite it to 0.\n' +
    '                        This option can be specified multiple times.\n' +
    '   -v, --verbose        Print debugging information to stderr.\n' +
    '   -h, --help           Print this help message and exit.\n' +
    '   -V, --version        Print the current version and exit.\n' +
    '\n' +
    'Full help is available online at https://github.com/Yelp/dumb-init\n'
  );
}

const REWRITE_HELP =
  `Usage: -r option takes <signum>:<signum>, where <signum> is between 1 and ${MAXSIG}.\n` +
  'This option can be specified multiple times.\n' +
  'Use --help for full usage.\n';

interface DumbInitState {
  role: 'parent' | 'child';
  cmd: string[];
  debug: boolean;
  useSetsid: boolean;
  /** signal_rewrite[]: index = received signal, -1 = not rewritten. */
  rewrite: number[];
  /** ignore_signals[]: the tty hand-off SIGHUP/SIGCONT to swallow once. */
  ignore: number[];
  child: number;
  done: boolean;
}

type Ctx = ProgramContext<DumbInitState>;

function debug(ctx: Ctx, text: string): void {
  if (ctx.state.debug) write(ctx, 2, `[dumb-init] ${text}`);
}

/** sscanf("%d:%d") as parse_rewrite_signum() uses it. */
function parseRewrite(arg: string): [number, number] | undefined {
  const m = /^\s*([+-]?\d+):\s*([+-]?\d+)/.exec(arg);
  if (!m) return undefined;
  const s = Number.parseInt(m[1]!, 10);
  const r = Number.parseInt(m[2]!, 10);
  if (s < 1 || s > MAXSIG || r < 0 || r > MAXSIG) return undefined;
  return [s, r];
}

function translate(s: DumbInitState, sig: number): number {
  if (sig <= 0 || sig > MAXSIG) return sig;
  const r = s.rewrite[sig] ?? -1;
  return r === -1 ? sig : r;
}

function forwardSignal(ctx: Ctx, signum: number): void {
  const s = ctx.state;
  const sig = translate(s, signum);
  if (sig !== 0) {
    ctx.kill(s.useSetsid ? -s.child : s.child, sig);
    debug(ctx, `Forwarded signal ${sig} to children.\n`);
  } else {
    debug(ctx, `Not forwarding signal ${signum} to children (ignored).\n`);
  }
}

/** handle_signal(). */
function handleSignal(ctx: Ctx, signum: number): void {
  const s = ctx.state;
  debug(ctx, `Received signal ${signum}.\n`);
  if (s.ignore.includes(signum)) {
    debug(ctx, `Ignoring tty hand-off signal ${signum}.\n`);
    s.ignore = s.ignore.filter((x) => x !== signum);
    return;
  }
  if (signum === SIGCHLD) {
    for (;;) {
      const r = ctx.wait(-1, WNOHANG);
      if (isBlocked(r) || isErrno(r) || r.pid <= 0) return;
      let code: number;
      if (wifexited(r.status)) {
        code = wexitstatus(r.status);
        debug(ctx, `A child with PID ${r.pid} exited with exit status ${code}.\n`);
      } else {
        code = 128 + wtermsig(r.status);
        debug(ctx, `A child with PID ${r.pid} was terminated by signal ${code - 128}.\n`);
      }
      if (r.pid === s.child) {
        forwardSignal(ctx, SIGTERM);
        debug(ctx, `Child exited with status ${code}. Goodbye.\n`);
        s.done = true;
        ctx.exit(code & 0xff);
        return;
      }
    }
  }
  forwardSignal(ctx, signum);
  if (signum === SIGTSTP || signum === SIGTTOU || signum === SIGTTIN) {
    debug(ctx, 'Suspending self due to TTY signal.\n');
    ctx.kill(ctx.getpid(), SIGSTOP);
  }
}

function mainLoop(ctx: Ctx): void {
  while (!ctx.state.done) {
    const r = ctx.sigtimedwait(waitableSet(GLIBC_FULL_SET), null);
    if (isBlocked(r)) return;
    if (typeof r === 'string') continue;
    handleSignal(ctx, r.sig);
  }
}

function childStart(ctx: Ctx): void {
  const s = ctx.state;
  ctx.sigprocmask('unblock', GLIBC_FULL_SET);
  if (s.useSetsid) {
    const r = ctx.setsid();
    if (isErrno(r)) {
      write(
        ctx,
        2,
        `[dumb-init] Unable to setsid (errno=${ERRNO_NUMBER[r]} ${errText(r)}). Exiting.\n`,
      );
      ctx.exit(1);
      return;
    }
    const t = ctx.isatty(0) ? ctx.setControllingTty(0) : 'ENOTTY';
    if (t !== 0)
      debug(ctx, `Unable to attach to controlling tty (errno=${ERRNO_NUMBER[t]} ${errText(t)}).\n`);
    debug(ctx, 'setsid complete.\n');
  }
  const e = execvp(ctx, s.cmd[0]!, s.cmd);
  if (e === 0) return;
  write(ctx, 2, `[dumb-init] ${s.cmd[0]!}: ${errText(e)}\n`);
  ctx.exit(2);
}

function parentStart(ctx: Ctx): void {
  const argv0 = ctx.argv[0] ?? 'dumb-init';
  const s: DumbInitState = {
    role: 'parent',
    cmd: [],
    debug: false,
    useSetsid: true,
    rewrite: Array.from({ length: MAXSIG + 1 }, () => -1),
    ignore: [],
    child: 0,
    done: false,
  };
  ctx.state = s;
  // parse_command()
  const p = getopt(argv0, ctx.argv.slice(1), '+hvVcr:', LONG_OPTIONS, ctx.env);
  for (const it of p.items) {
    if (it.kind === 'error') {
      write(ctx, 2, it.message);
      ctx.exit(1);
      return;
    }
    switch (it.opt) {
      case 'h':
        write(ctx, 2, dumbInitHelp(argv0));
        ctx.exit(0);
        return;
      case 'v':
        s.debug = true;
        break;
      case 'V':
        write(ctx, 2, `dumb-init v${DUMB_INIT_VERSION}\n`);
        ctx.exit(0);
        return;
      case 'c':
        s.useSetsid = false;
        break;
      case 'r': {
        const rw = parseRewrite(it.arg ?? '');
        if (!rw) {
          write(ctx, 2, REWRITE_HELP);
          ctx.exit(1);
          return;
        }
        s.rewrite[rw[0]] = rw[1];
        break;
      }
    }
  }
  if (p.operands.length === 0) {
    write(ctx, 2, `Usage: ${argv0} [option] program [args]\nTry ${argv0} --help for full usage.\n`);
    ctx.exit(1);
    return;
  }
  s.cmd = p.operands;
  if (ctx.env.DUMB_INIT_DEBUG === '1') {
    s.debug = true;
    debug(ctx, 'Running in debug mode.\n');
  }
  if (ctx.env.DUMB_INIT_SETSID === '0') {
    s.useSetsid = false;
    debug(ctx, 'Not running in setsid mode.\n');
  }
  if (s.useSetsid)
    for (const sig of [SIGTSTP, SIGTTOU, SIGTTIN])
      if (s.rewrite[sig] === -1) s.rewrite[sig] = SIGSTOP;

  // main()
  ctx.sigprocmask('block', GLIBC_FULL_SET);
  for (let i = 1; i <= MAXSIG; i++) if (i !== SIGKILL && i !== SIGSTOP) ctx.sigaction(i, 'handler');
  if (s.useSetsid) {
    // ioctl(STDIN_FILENO, TIOCNOTTY): ENOTTY when stdin is not a terminal.
    const r = ctx.isatty(0) ? ctx.dropControllingTty() : 'ENOTTY';
    if (r !== 0) {
      debug(
        ctx,
        `Unable to detach from controlling tty (errno=${ERRNO_NUMBER[r]} ${errText(r)}).\n`,
      );
    } else if (ctx.getsid() === ctx.getpid()) {
      debug(
        ctx,
        'Detached from controlling tty, ignoring the first SIGHUP and SIGCONT we receive.\n',
      );
      s.ignore = [SIGHUP, SIGCONT];
    } else {
      debug(ctx, 'Detached from controlling tty, but was not session leader.\n');
    }
  }
  const pid = ctx.fork({ program: 'dumb-init', state: { ...s, role: 'child' } });
  if (isErrno(pid)) {
    write(ctx, 2, '[dumb-init] Unable to fork. Exiting.\n');
    ctx.exit(1);
    return;
  }
  s.child = pid;
  debug(ctx, `Child spawned with PID ${pid}.\n`);
  const cd = ctx.chdir('/');
  if (cd !== 0) debug(ctx, `Unable to chdir("/") (errno=${ERRNO_NUMBER[cd]} ${errText(cd)})\n`);
  mainLoop(ctx);
}

export const dumbInit: Program<DumbInitState> = {
  name: 'dumb-init',
  start(ctx) {
    if (ctx.state?.role === 'child') childStart(ctx);
    else parentStart(ctx);
  },
  resume(ctx, wake) {
    if (ctx.state?.role !== 'parent' || ctx.state.done || wake.call !== 'sigwait') return;
    const r: SigInfo | 'EAGAIN' | 'EINTR' = wake.result;
    if (typeof r !== 'string') handleSignal(ctx, r.sig);
    mainLoop(ctx);
  },
  onSignal() {
    // dummy(): every signal is blocked and taken with sigwait(); the handler never runs.
  },
};
