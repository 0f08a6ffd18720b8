/**
 * The shell interpreter as an explicit, resumable state machine. The evaluation stack lives in
 * the program state (`st.frames`); `run` steps the top frame until the shell blocks in a
 * syscall, exits or execs. Blocking results come back through `resumeShell`.
 */
import type { Node, Word } from './ast.ts';
import {
  ERRNO_TEXT,
  SIGCHLD,
  SIGCONT,
  SIGINT,
  SIGKILL,
  SIGQUIT,
  SIGTERM,
  SIGTSTP,
  SIGTTIN,
  SIGTTOU,
  WCONTINUED,
  WNOHANG,
  WUNTRACED,
  isErrno,
  wexitstatus,
  wifexited,
  wifsignaled,
  wifstopped,
  wtermsig,
} from '../kernel-sim/index.ts';
import type { Errno, ProgramContext, SigInfo, WaitResult, WakeEvent } from '../kernel-sim/index.ts';
import {
  ExpandError,
  collectSubs,
  expandFields,
  expandPattern,
  expandString,
  patternMatches,
} from './expand.ts';
import type { ExpandEnv } from './expand.ts';
import { parseNext } from './parser.ts';
import { formatSyntaxError, notFound, prefix, signalText } from './messages.ts';
import type { Flavor, Frame, Job, SavedFd, Setup, ShState, XRedir } from './state.ts';
import { isShState } from './state.ts';
import { BUILTINS, runBuiltin } from './builtins.ts';
import { replSignal, replStep } from './interactive.ts';

export type Ctx = ProgramContext<unknown>;
/** What a step did: keep going, blocked in a syscall, or the process is gone (exit/exec). */
export type R = 'next' | 'block' | 'gone';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Steps a shell runs before it yields the CPU (an endless `while :; do :; done`). */
const SPIN_LIMIT = 20000;

export const S = (ctx: Ctx): ShState => ctx.state as ShState;

// ------------------------------------------------------------------ output helpers

export function out(ctx: Ctx, text: string): void {
  if (text !== '') ctx.write(1, text);
}
export function err(ctx: Ctx, text: string): void {
  if (text !== '') ctx.write(2, text);
}

// ------------------------------------------------------------------ entry points

/** A fresh exec of the shell binary: parse the arguments and start. */
export function startShell(ctx: Ctx, flavor: Flavor): void {
  if (isShState(ctx.state)) {
    // A forked child: it carries the parent's state and a setup to apply first.
    const st = S(ctx);
    if (st.setup) {
      const s = st.setup;
      st.setup = null;
      if (!applySetup(ctx, st, s)) return;
    }
    run(ctx, st);
    return;
  }
  const argv = [...ctx.argv];
  let arg0 = argv[0] ?? 'sh';
  let rest = argv.slice(1);
  if (flavor === 'ash' && basename(arg0) === 'busybox') {
    if (rest.length === 0) {
      ctx.write(
        1,
        'BusyBox v1.35.0 multi-call binary.\nUsage: busybox [function [arguments]...]\n',
      );
      ctx.exit(0);
      return;
    }
    arg0 = rest[0] ?? 'sh';
    rest = rest.slice(1);
  }
  if (flavor === 'ash' && !['sh', 'ash', '-sh', '-ash'].includes(basename(arg0))) {
    ctx.write(2, `${basename(arg0)}: applet not found\n`);
    ctx.exit(127);
    return;
  }
  const st = initialState(ctx, flavor, arg0);
  ctx.state = st;
  let cmd: string | null = null;
  let forceI = false;
  let i = 0;
  for (; i < rest.length; i++) {
    const a = rest[i] ?? '';
    if (a === '--') {
      i++;
      break;
    }
    if (flavor === 'bash' && a.startsWith('--')) {
      if (a === '--login') st.login = true;
      else if (!['--norc', '--noprofile', '--posix', '--noediting'].includes(a)) {
        err(ctx, `${arg0}: ${a}: invalid option\n`);
        ctx.exit(2);
        return;
      }
      continue;
    }
    if (!/^[-+][a-zA-Z]+$/.test(a)) break;
    for (const c of a.slice(1)) {
      if (c === 'c') cmd = '';
      else if (c === 'i') forceI = true;
      else if (c === 'l') st.login = true;
      else if (c === 'e') st.opts.e = a.startsWith('-');
      else if (c === 'u') st.opts.u = a.startsWith('-');
      else if (c === 'x') st.opts.x = a.startsWith('-');
      else if (c === 's' || c === 'm' || c === 'v' || c === 'f' || c === 'h' || c === 'b') continue;
      else {
        err(
          ctx,
          flavor === 'bash'
            ? `${arg0}: -${c}: invalid option\n`
            : flavor === 'dash'
              ? `${arg0}: 0: Illegal option -${c}\n`
              : `${arg0}: invalid option -- '${c}'\n`,
        );
        ctx.exit(2);
        return;
      }
    }
  }
  const operands = rest.slice(i);
  if (cmd !== null) {
    if (operands.length === 0) {
      err(
        ctx,
        flavor === 'bash'
          ? `${arg0}: -c: option requires an argument\n`
          : flavor === 'dash'
            ? `${arg0}: 0: -c requires an argument\n`
            : `${arg0}: -c requires an argument\n`,
      );
      ctx.exit(2);
      return;
    }
    cmd = operands[0] ?? '';
    st.mode = 'c';
    if (operands.length > 1) st.arg0 = operands[1] ?? arg0;
    st.pos = operands.slice(2);
    installSignals(ctx, st);
    st.frames.push({ k: 'script', src: cmd, pos: 0, line: 1, top: true });
    run(ctx, st);
    return;
  }
  if (operands.length > 0) {
    const file = operands[0] ?? '';
    const text = ctx.fs.readFile(file);
    if (isErrno(text)) {
      err(
        ctx,
        flavor === 'bash'
          ? `${arg0}: ${file}: ${errnoText(text)}\n`
          : flavor === 'dash'
            ? `${arg0}: 0: cannot open ${file}: ${text === 'ENOENT' ? 'No such file' : errnoText(text)}\n`
            : `${arg0}: can't open '${file}': ${errnoText(text)}\n`,
      );
      ctx.exit(flavor === 'dash' ? 2 : 127);
      return;
    }
    st.mode = 'script';
    st.arg0 = file;
    st.pos = operands.slice(1);
    installSignals(ctx, st);
    st.frames.push({ k: 'script', src: text, pos: 0, line: 1, top: true });
    run(ctx, st);
    return;
  }
  st.pos = [];
  if (forceI || (ctx.isatty(0) && ctx.isatty(2))) {
    st.mode = 'interactive';
    st.interactive = true;
    st.interactiveShell = true;
    installSignals(ctx, st);
    // Job control: the shell leads its own process group, in the terminal's foreground.
    ctx.setpgid(0, 0);
    st.pgid = ctx.getpgrp();
    ctx.tcsetpgrp(0, st.pgid);
    st.frames.push({ k: 'repl', phase: 'prompt', buf: '', queue: [] });
    run(ctx, st);
    return;
  }
  // Commands from standard input: read it all, then run it as a script.
  st.mode = 'stdin';
  installSignals(ctx, st);
  st.frames.push({ k: 'script', src: '', pos: -1, line: 1, top: true });
  run(ctx, st);
}

export function resumeShell(ctx: Ctx, wake: WakeEvent): void {
  if (!isShState(ctx.state)) return;
  const st = S(ctx);
  st.wake = wake;
  st.spin = 0;
  run(ctx, st);
}

export function timerShell(ctx: Ctx, tag: string): void {
  if (!isShState(ctx.state)) return;
  const st = S(ctx);
  if (tag === 'sigint-exit') {
    ctx.exit(128 + SIGINT);
    return;
  }
  const top = st.frames[st.frames.length - 1];
  if (tag === 'forkretry' && top?.k === 'forkretry') top.fired = true;
  st.spin = 0;
  run(ctx, st);
}

export function signalShell(ctx: Ctx, info: SigInfo): void {
  if (!isShState(ctx.state)) return;
  const st = S(ctx);
  const top = st.frames[st.frames.length - 1];
  if (top?.k === 'forkretry' && top.chldBlocked && info.sig === SIGCHLD) {
    // Blocked while a pipeline forks: no handler runs, nothing is reaped until make_child's
    // next waitchld() (or the wait for the pipeline); the sleep goes on.
    st.chld = true;
    if (st.traps[String(SIGCHLD)]) queueTrap(st, SIGCHLD);
    return;
  }
  if (top?.k === 'forkretry' && !top.fired && !top.interrupted) {
    // The handler interrupts make_child()'s sleep(): the retry loop ends (EINTR).
    top.interrupted = true;
    ctx.clearTimer(top.timer);
    top.timer = ctx.setTimer(0, 'forkretry');
  }
  handleSignal(ctx, st, info);
}

function handleSignal(ctx: Ctx, st: ShState, info: SigInfo): void {
  const sig = info.sig;
  if (sig === SIGCHLD) {
    st.chld = true;
    // bash reaps from its SIGCHLD handler at any time; dash and ash only when they wait.
    if (st.flavor === 'bash') reapNohang(ctx, st);
    if (st.traps[String(SIGCHLD)]) queueTrap(st, sig);
    return;
  }
  const trap = st.traps[String(sig)];
  if (trap !== undefined && trap !== '') {
    queueTrap(st, sig);
    return;
  }
  if (sig === SIGINT) {
    if (st.interactive) {
      replSignal(ctx, st);
      return;
    }
    st.sigint = true;
  }
}

function queueTrap(st: ShState, sig: number): void {
  if (!st.pending.includes(sig)) st.pending.push(sig);
}

// ------------------------------------------------------------------ state and setup

function initialState(ctx: Ctx, flavor: Flavor, arg0: string): ShState {
  const vars: Record<string, string> = {};
  const exported: Record<string, true> = {};
  for (const [k, v] of Object.entries(ctx.env)) {
    vars[k] = v;
    exported[k] = true;
  }
  vars.PATH ??= DEFAULT_PATH;
  vars.HOME ??= '/root';
  vars.PWD = ctx.getcwd();
  exported.PWD = true;
  vars.PPID = String(ctx.getppid());
  return {
    v: 'sh1',
    flavor,
    arg0,
    mode: 'c',
    interactive: false,
    interactiveShell: false,
    login: arg0.startsWith('-'),
    shellPid: ctx.getpid(),
    pgid: ctx.getpgrp(),
    vars,
    exported,
    pos: [],
    funcs: {},
    traps: {},
    pending: [],
    status: 0,
    lastBg: null,
    jobs: [],
    nextJob: 1,
    jobOrder: [],
    frames: [],
    isChild: false,
    line: 1,
    ctl: null,
    sigint: false,
    chld: false,
    readBuf: '',
    setup: null,
    editor: null,
    opts: { e: false, u: false, x: false },
    wake: null,
    nextSave: 10,
    subStatus: 0,
    spin: 0,
    exiting: false,
  };
}

/** The dispositions a shell sets for itself (§11: SigCgt = SIGINT|SIGCHLD). */
export function installSignals(ctx: Ctx, st: ShState): void {
  ctx.sigaction(SIGINT, 'handler');
  ctx.sigaction(SIGCHLD, 'handler');
  if (st.interactive) {
    for (const s of [SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU]) ctx.sigaction(s, 'ignore');
    if (st.flavor === 'bash') ctx.sigaction(SIGTERM, 'ignore');
  }
}

/** The disposition a signal goes back to when its trap is removed. */
export function shellDefault(ctx: Ctx, st: ShState, sig: number): void {
  if (sig === SIGINT || sig === SIGCHLD) ctx.sigaction(sig, 'handler');
  else if (st.interactive && [SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU].includes(sig))
    ctx.sigaction(sig, 'ignore');
  else if (st.interactive && st.flavor === 'bash' && sig === SIGTERM) ctx.sigaction(sig, 'ignore');
  else if (sig > 0) ctx.sigaction(sig, 'default');
}

/** The state a forked child of this shell starts with. */
export function childState(st: ShState, frames: Frame[], setup: Setup): ShState {
  const traps: Record<string, string> = {};
  // A subshell keeps ignored signals ignored; other traps are reset (POSIX).
  for (const [k, v] of Object.entries(st.traps)) if (v === '') traps[k] = v;
  return {
    ...st,
    frames,
    setup,
    isChild: true,
    jobs: [],
    jobOrder: [],
    traps,
    pending: [],
    editor: null,
    wake: null,
    ctl: null,
    sigint: false,
    spin: 0,
    exiting: false,
    // A subshell's own children are not in job control.
    interactive: false,
    mode: st.mode === 'interactive' ? 'c' : st.mode,
  };
}

/** Runs in the child right after fork. Returns false when the child is gone. */
function applySetup(ctx: Ctx, st: ShState, s: Setup): boolean {
  if (s.pgid !== null) {
    ctx.setpgid(0, s.pgid);
    if (s.fg) ctx.tcsetpgrp(0, ctx.getpgrp());
  }
  // The parent's traps other than ignores are reset in a subshell.
  for (const sig of [SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGTERM]) {
    if (st.traps[String(sig)] === '') continue;
    ctx.sigaction(sig, 'default');
  }
  if (s.asyncIgnore) {
    ctx.sigaction(SIGINT, 'ignore');
    ctx.sigaction(SIGQUIT, 'ignore');
    const fd = ctx.open('/dev/null', 'r');
    if (typeof fd === 'number') {
      if (fd !== 0) {
        ctx.dup2(fd, 0);
        ctx.close(fd);
      }
    }
  }
  for (const [from, to] of s.dups) if (from !== to) ctx.dup2(from, to);
  for (const fd of s.closes) ctx.close(fd);
  return true;
}

// ------------------------------------------------------------------ the machine

export function run(ctx: Ctx, st: ShState): void {
  try {
    for (;;) {
      if (st.spin++ > SPIN_LIMIT) {
        // A CPU-bound loop of builtins: give the rest of the machine a turn.
        ctx.setTimer(1000, 'spin');
        return;
      }
      if (st.ctl !== null) {
        const r = unwind(ctx, st);
        if (r !== 'next') return;
        continue;
      }
      const top = st.frames[st.frames.length - 1];
      if (top === undefined) {
        if (finish(ctx, st) === 'gone') return;
        continue;
      }
      if (st.pending.length > 0 && trapSafe(top)) {
        const sig = st.pending.shift() as number;
        const action = st.traps[String(sig)];
        if (action) {
          st.frames.push({ k: 'trap', status: st.status });
          st.frames.push({ k: 'script', src: action, pos: 0, line: 1, top: false });
        }
        continue;
      }
      if (st.sigint && !st.interactive && trapSafe(top) && !st.traps[String(SIGINT)]) {
        dieOfSigint(ctx);
        return;
      }
      const r = step(ctx, st, top);
      // A wake-up belongs to the frame that blocked, which is always the first to step.
      st.wake = null;
      if (r === 'gone') return;
      if (r === 'block') {
        st.spin = 0;
        return;
      }
    }
  } catch (e) {
    // Never let an error escape into the kernel: report it like a shell would and carry on.
    const msg = e instanceof Error ? e.message : String(e);
    try {
      err(ctx, `${prefix(st)}internal error: ${msg}\n`);
      if (st.interactive && !st.isChild) {
        st.frames = [{ k: 'repl', phase: 'prompt', buf: '', queue: [] }];
        st.ctl = null;
        st.status = 2;
        run(ctx, st);
      } else ctx.exit(2);
    } catch {
      // The process may already be gone.
    }
  }
}

/** Frames at which a pending trap may run: between commands, not inside one. */
function trapSafe(f: Frame): boolean {
  return !['fg', 'cmdsub', 'subs', 'waitb', 'readb', 'execve', 'repl', 'forkretry'].includes(f.k);
}

function dieOfSigint(ctx: Ctx): void {
  // dash/bash: reset SIGINT and kill ourselves with it; exit 130 if the kernel drops it (PID 1).
  ctx.sigaction(SIGINT, 'default');
  ctx.kill(ctx.getpid(), SIGINT);
  ctx.setTimer(0, 'sigint-exit');
}

/** The shell has nothing left to run. */
function finish(ctx: Ctx, st: ShState): R {
  return exitShell(ctx, st, st.status);
}

/** `exit`: runs the EXIT trap (once), then exits. */
export function exitShell(ctx: Ctx, st: ShState, code: number): R {
  const action = st.traps['0'];
  if (action && !st.exiting && !st.isChild) {
    st.exiting = true;
    delete st.traps['0'];
    st.ctl = null;
    st.status = code;
    st.frames = [{ k: 'exit', code }];
    st.frames.push({ k: 'script', src: action, pos: 0, line: 1, top: false });
    return 'next';
  }
  ctx.exit(code & 255);
  return 'gone';
}

export function done(st: ShState, status: number): R {
  st.status = status;
  st.frames.pop();
  return 'next';
}

/** Unwinds frames for break/continue/return. */
function unwind(ctx: Ctx, st: ShState): R {
  const ctl = st.ctl;
  const top = st.frames[st.frames.length - 1];
  if (ctl === null) return 'next';
  if (top === undefined) {
    st.ctl = null;
    return 'next';
  }
  if (top.k === 'loop' || top.k === 'for') {
    if (ctl.k === 'break') {
      ctl.n--;
      st.frames.pop();
      if (ctl.n <= 0) st.ctl = null;
      return 'next';
    }
    if (ctl.k === 'continue') {
      ctl.n--;
      if (ctl.n <= 0) {
        st.ctl = null;
        if (top.k === 'loop') top.phase = 0;
        return 'next';
      }
      st.frames.pop();
      return 'next';
    }
  }
  if (top.k === 'func' && ctl.k === 'return') {
    st.ctl = null;
    return step(ctx, st, top);
  }
  if (top.k === 'func' || top.k === 'restore' || top.k === 'trap' || top.k === 'exit') {
    // Leave the function/redirection/trap properly before unwinding further.
    if (top.k === 'func' && ctl.k !== 'return') {
      // break outside a loop inside a function: stops at the function.
      st.ctl = null;
      return 'next';
    }
    if (top.k === 'exit') {
      st.ctl = null;
      return 'next';
    }
    const saved = st.ctl;
    st.ctl = null;
    const r = step(ctx, st, top);
    st.ctl = saved;
    return r;
  }
  if (top.k === 'repl') {
    st.ctl = null;
    return 'next';
  }
  if (top.k === 'script' && top.top) {
    st.ctl = null;
    return 'next';
  }
  st.frames.pop();
  return 'next';
}

/** Pushes the frame that evaluates `node`. `tail`: this is the last thing the process does. */
export function pushNode(st: ShState, node: Node, tail: boolean): void {
  const bash = st.flavor === 'bash';
  switch (node.t) {
    case 'simple':
      st.frames.push({ k: 'simple', node, tail, subs: null });
      return;
    case 'list':
      st.frames.push({ k: 'list', node, i: 0, tail });
      return;
    case 'andor':
      st.frames.push({ k: 'andor', node, phase: 0, tail });
      return;
    case 'pipeline':
      if (node.cmds.length === 1) {
        st.frames.push({ k: 'bang' });
        pushNode(st, node.cmds[0] as Node, false);
        return;
      }
      st.frames.push({ k: 'pipe', node, phase: 0 });
      return;
    case 'func':
      st.funcs[node.name] = node.body;
      st.status = 0;
      return;
    default:
      st.frames.push({ k: 'compound', node, tail: tail && !bash, subs: null });
  }
}

function step(ctx: Ctx, st: ShState, f: Frame): R {
  switch (f.k) {
    case 'script':
      return stepScript(ctx, st, f);
    case 'repl':
      return replStep(ctx, st, f);
    case 'list': {
      if (f.plain && errexitNow(st)) return exitShell(ctx, st, st.status);
      const item = f.node.items[f.i];
      if (item === undefined) {
        st.frames.pop();
        return 'next';
      }
      f.i++;
      const last = f.i === f.node.items.length;
      f.plain = !item.bg && errexitPlain(item.node);
      if (item.bg) return startAsync(ctx, st, item.node, item.src);
      pushNode(st, item.node, f.tail && last);
      return 'next';
    }
    case 'andor':
      if (f.phase === 0) {
        f.phase = 1;
        pushNode(st, f.node.left, false);
        return 'next';
      }
      st.frames.pop();
      if ((f.node.op === '&&') === (st.status === 0)) pushNode(st, f.node.right, f.tail);
      return 'next';
    case 'bang':
      return done(st, st.status === 0 ? 1 : 0);
    case 'pipe':
      return stepPipe(ctx, st, f);
    case 'compound':
      return stepCompound(ctx, st, f);
    case 'if': {
      const n = f.node;
      if (f.phase === 0) {
        const c = n.clauses[f.i];
        if (c === undefined) {
          f.phase = 2;
          if (n.else) {
            pushNode(st, n.else, f.tail);
            return 'next';
          }
          return done(st, 0);
        }
        f.phase = 1;
        pushNode(st, c.cond, false);
        return 'next';
      }
      if (f.phase === 1) {
        if (st.status === 0) {
          f.phase = 2;
          pushNode(st, (n.clauses[f.i] as { body: Node }).body, f.tail);
          return 'next';
        }
        f.i++;
        f.phase = 0;
        return 'next';
      }
      st.frames.pop();
      return 'next';
    }
    case 'loop': {
      if (f.phase === 0) {
        f.phase = 1;
        pushNode(st, f.node.cond, false);
        return 'next';
      }
      if (f.phase === 1) {
        if ((st.status === 0) !== f.node.until) {
          f.phase = 2;
          pushNode(st, f.node.body, false);
          return 'next';
        }
        return done(st, f.last);
      }
      f.last = st.status;
      f.phase = 0;
      return 'next';
    }
    case 'for': {
      if (f.items === null) {
        if (f.node.items === null) f.items = [...st.pos];
        else {
          const r = needSubs(st, f, f.node.items);
          if (r !== null) return r;
          const env = expandEnv(ctx, st, f.subs ?? []);
          try {
            f.items = f.node.items.flatMap((w) => expandFields(w, env));
          } catch (e) {
            return expandFailed(ctx, st, e);
          }
        }
      }
      if (f.i > 0) f.last = st.status;
      const v = f.items[f.i];
      if (v === undefined) return done(st, f.last);
      f.i++;
      setVar(st, f.node.name, v);
      pushNode(st, f.node.body, false);
      return 'next';
    }
    case 'case':
      return stepCase(ctx, st, f);
    case 'simple':
      return stepSimple(ctx, st, f);
    case 'subs': {
      if (f.out.length < f.srcs.length) {
        st.frames.push({
          k: 'cmdsub',
          src: f.srcs[f.out.length] ?? '',
          phase: 0,
          fd: -1,
          buf: '',
          job: 0,
        });
        return 'next';
      }
      st.frames.pop();
      const below = st.frames[st.frames.length - 1];
      if (below && 'subs' in below) below.subs = f.out;
      return 'next';
    }
    case 'cmdsub':
      return stepCmdsub(ctx, st, f);
    case 'fg':
      return stepFg(ctx, st, f);
    case 'waitb':
      return stepWaitBuiltin(ctx, st, f);
    case 'readb':
      return stepRead(ctx, st, f);
    case 'restore':
      restoreFds(ctx, f.fds);
      for (const v of f.vars) restoreVar(st, v);
      st.frames.pop();
      return 'next';
    case 'func':
      for (const v of f.locals) restoreVar(st, v);
      st.pos = f.pos;
      st.frames.pop();
      return 'next';
    case 'trap':
      st.frames.pop();
      st.status = f.status;
      return 'next';
    case 'exit':
      ctx.exit((f.code ?? st.status) & 255);
      return 'gone';
    case 'execve':
      return stepExecve(ctx, st, f);
    case 'forkretry':
      return stepForkRetry(ctx, st, f);
  }
}

/** `set -e` applies to this command's status (not to && / || lists or ! pipelines). */
function errexitPlain(n: Node): boolean {
  return n.t !== 'andor' && !(n.t === 'pipeline' && n.bang) && n.t !== 'func';
}

/** `set -e` is on, the last command failed, and it was not part of a condition. */
function errexitNow(st: ShState): boolean {
  if (!st.opts.e || st.status === 0) return false;
  return !st.frames.some(
    (f) =>
      (f.k === 'if' && f.phase === 1) ||
      (f.k === 'loop' && f.phase === 1) ||
      (f.k === 'andor' && f.phase === 1) ||
      f.k === 'bang' ||
      f.k === 'repl',
  );
}

function restoreVar(st: ShState, v: { name: string; old: string | null; exp: boolean }): void {
  if (v.old === null) delete st.vars[v.name];
  else st.vars[v.name] = v.old;
  if (v.exp) st.exported[v.name] = true;
  else delete st.exported[v.name];
}

// ------------------------------------------------------------------ scripts

function stepScript(ctx: Ctx, st: ShState, f: Extract<Frame, { k: 'script' }>): R {
  if (f.pos === -1) {
    // Standard input: read it to the end first.
    const wake = takeRead(st);
    if (wake !== undefined) {
      if (wake === 'EOF' || isErrno(wake)) f.pos = 0;
      else f.src += wake;
    }
    while (f.pos === -1) {
      const r = ctx.read(0);
      if (typeof r === 'object' && 'blocked' in r) return 'block';
      if (typeof r !== 'string' || r === 'EOF' || isErrno(r)) f.pos = 0;
      else f.src += r;
    }
  }
  if (f.plain && errexitNow(st)) return exitShell(ctx, st, st.status);
  const r = parseNext(f.src, f.pos, f.line, { bash: st.flavor === 'bash' });
  if (!r.ok) {
    st.line = r.error.line;
    const srcLine = f.src.split('\n')[r.error.line - 1] ?? '';
    err(ctx, formatSyntaxError(st, r.error, srcLine));
    st.status = 2;
    if (!st.interactive || st.isChild) return exitShell(ctx, st, 2);
    st.frames.pop();
    return 'next';
  }
  if (r.node === null) {
    st.frames.pop();
    return 'next';
  }
  f.pos = r.pos;
  f.line = r.line;
  f.plain = errexitPlain(r.node);
  // -c strings: bash and busybox exec the last command instead of forking (§11); Debian dash
  // never does. A trap set by then prevents it (checked when the command runs).
  const tail = f.top && st.mode === 'c' && st.flavor !== 'dash' && r.atEnd;
  pushNode(st, r.node, tail || (f.top && st.isChild && r.atEnd));
  return 'next';
}

export function takeWait(st: ShState): WaitResult | Errno | undefined {
  const w = st.wake;
  if (w === null || w.call !== 'wait') return undefined;
  st.wake = null;
  return w.result;
}

export function takeRead(st: ShState): string | undefined {
  const w = st.wake;
  if (w === null || w.call !== 'read') return undefined;
  st.wake = null;
  return w.result;
}

// ------------------------------------------------------------------ compound commands

function stepCompound(ctx: Ctx, st: ShState, f: Extract<Frame, { k: 'compound' }>): R {
  const n = f.node;
  if (
    n.t !== 'subshell' &&
    n.t !== 'group' &&
    n.t !== 'if' &&
    n.t !== 'loop' &&
    n.t !== 'for' &&
    n.t !== 'case'
  )
    return done(st, 0);
  // Redirections of the compound command.
  const targets = n.redirs.map((r) => r.target);
  const r = needSubs(st, f, targets);
  if (r !== null) return r;
  let xr: XRedir[];
  try {
    const env = expandEnv(ctx, st, f.subs ?? []);
    xr = n.redirs.map((rd) => ({ fd: rd.fd, op: rd.op, target: expandString(rd.target, env) }));
  } catch (e) {
    return expandFailed(ctx, st, e);
  }
  if (n.t === 'subshell') {
    const nofork = f.forked === true || (f.tail && st.flavor !== 'bash' && !hasTraps(st));
    if (!nofork) {
      st.frames.pop();
      const child = childState(st, [{ k: 'exit', code: null }], noSetup());
      pushNode(child, n.body, true);
      return forkJob(ctx, st, child, xr, nodeText(n));
    }
  }
  st.frames.pop();
  if (xr.length > 0) {
    const saved = applyRedirs(ctx, st, xr, true);
    if (typeof saved === 'string') {
      err(ctx, saved);
      st.status = 1;
      return 'next';
    }
    st.frames.push({ k: 'restore', fds: saved, vars: [] });
  }
  switch (n.t) {
    case 'subshell':
    case 'group':
      pushNode(st, n.body, f.tail);
      return 'next';
    case 'if':
      st.frames.push({ k: 'if', node: n, i: 0, phase: 0, tail: f.tail });
      return 'next';
    case 'loop':
      st.frames.push({ k: 'loop', node: n, phase: 0, last: 0 });
      return 'next';
    case 'for':
      st.frames.push({ k: 'for', node: n, items: null, i: 0, last: 0, subs: null });
      return 'next';
    case 'case':
      st.frames.push({ k: 'case', node: n, subs: null, tail: f.tail, done: false });
      return 'next';
  }
}

function stepCase(ctx: Ctx, st: ShState, f: Extract<Frame, { k: 'case' }>): R {
  if (f.done) {
    st.frames.pop();
    return 'next';
  }
  const words: Word[] = [f.node.word, ...f.node.arms.flatMap((a) => a.patterns)];
  const r = needSubs(st, f, words);
  if (r !== null) return r;
  const env = expandEnv(ctx, st, f.subs ?? []);
  try {
    const subject = expandString(f.node.word, env);
    for (const arm of f.node.arms) {
      for (const p of arm.patterns) {
        if (patternMatches(expandPattern(p, env), subject)) {
          f.done = true;
          if (arm.body === null) return done(st, 0);
          pushNode(st, arm.body, f.tail);
          return 'next';
        }
      }
    }
  } catch (e) {
    return expandFailed(ctx, st, e);
  }
  return done(st, 0);
}

/**
 * Before expanding `words`, run their command substitutions (a 'subs' frame fills f.subs).
 * Returns null when the outputs are ready.
 */
function needSubs(st: ShState, f: { subs: string[] | null }, words: readonly Word[]): R | null {
  if (f.subs !== null) return null;
  const srcs = collectSubs(words);
  if (srcs.length === 0) {
    f.subs = [];
    return null;
  }
  st.frames.push({ k: 'subs', srcs, out: [] });
  return 'next';
}

export function expandEnv(ctx: Ctx, st: ShState, subs: readonly string[]): ExpandEnv {
  return {
    getVar: (name) => getVar(ctx, st, name),
    setVar: (name, value) => setVar(st, name, value),
    special: (name) => {
      switch (name) {
        case '?':
          return String(st.status);
        case '$':
          return String(st.shellPid);
        case '!':
          return st.lastBg === null ? undefined : String(st.lastBg);
        case '0':
          return st.arg0;
        case '-':
          return (st.opts.e ? 'e' : '') + (st.opts.u ? 'u' : '') + (st.interactive ? 'i' : '');
        default:
          return undefined;
      }
    },
    positional: st.pos,
    subs: { list: subs, i: 0 },
    readdir: (path) => {
      const r = ctx.fs.readdir(path);
      return isErrno(r) ? null : r;
    },
    cwd: ctx.getcwd(),
    nounset: st.opts.u,
  };
}

export function getVar(ctx: Ctx, st: ShState, name: string): string | undefined {
  if (name === 'PWD') return st.vars.PWD ?? ctx.getcwd();
  if (name === 'LINENO') return String(st.line);
  if (name === 'RANDOM' && st.flavor === 'bash') return String(Math.floor(ctx.random() * 32768));
  return st.vars[name];
}

export function setVar(st: ShState, name: string, value: string): void {
  st.vars[name] = value;
}

function expandFailed(ctx: Ctx, st: ShState, e: unknown): R {
  if (!(e instanceof ExpandError)) throw e;
  err(ctx, `${prefix(st)}${e.message}\n`);
  if (e.fatal && !st.interactive) return exitShell(ctx, st, st.flavor === 'bash' ? 1 : 2);
  st.frames.pop();
  st.status = 1;
  return 'next';
}

/**
 * A trap prevents exec'ing the last command. Only traps with an action count: dash/ash's
 * have_traps() skips empty ones, and bash 5.2 still execs after `trap '' TERM` (checked on
 * Debian 12 by the fidelity suite: `bash -c 'trap "" TERM; ps'` runs ps as the same PID).
 */
export function hasTraps(st: ShState): boolean {
  return Object.values(st.traps).some((a) => a !== '');
}

// ------------------------------------------------------------------ simple commands

function stepSimple(ctx: Ctx, st: ShState, f: Extract<Frame, { k: 'simple' }>): R {
  const n = f.node;
  st.line = n.line;
  const r = needSubs(st, f, [
    ...n.words,
    ...n.redirs.map((x) => x.target),
    ...n.assigns.map((a) => a.value),
  ]);
  if (r !== null) return r;
  const hadSubs = (f.subs ?? []).length > 0;
  let argv: string[];
  let xr: XRedir[];
  let assigns: { name: string; value: string }[];
  try {
    const env = expandEnv(ctx, st, f.subs ?? []);
    argv = n.words.flatMap((w) => expandFields(w, env));
    xr = n.redirs.map((rd) => ({ fd: rd.fd, op: rd.op, target: expandString(rd.target, env) }));
    assigns = n.assigns.map((a) => ({ name: a.name, value: expandString(a.value, env) }));
  } catch (e) {
    return expandFailed(ctx, st, e);
  }
  st.frames.pop();
  if (st.opts.x) {
    err(ctx, `+ ${[...assigns.map((a) => `${a.name}=${a.value}`), ...argv].join(' ')}\n`);
  }
  const name = argv[0];
  if (name === undefined) {
    for (const a of assigns) setVar(st, a.name, a.value);
    if (xr.length > 0) {
      const saved = applyRedirs(ctx, st, xr, true);
      if (typeof saved === 'string') {
        err(ctx, saved);
        st.status = 1;
        return 'next';
      }
      restoreFds(ctx, saved);
    }
    st.status = hadSubs ? st.subStatus : 0;
    return 'next';
  }
  // Special builtins, then functions, then builtins, then PATH.
  const special = BUILTIN_SPECIAL.has(name);
  if (!special && Object.hasOwn(st.funcs, name)) {
    const saved = xr.length > 0 ? applyRedirs(ctx, st, xr, true) : [];
    if (typeof saved === 'string') {
      err(ctx, saved);
      st.status = 1;
      return 'next';
    }
    st.frames.push({ k: 'restore', fds: saved, vars: tempVars(st, assigns) });
    st.frames.push({ k: 'func', pos: st.pos, locals: [] });
    st.pos = argv.slice(1);
    pushNode(st, st.funcs[name] as Node, false);
    return 'next';
  }
  if (Object.hasOwn(BUILTINS, name) && !(name === 'help' && st.flavor !== 'bash')) {
    if (name === 'exec') return execBuiltin(ctx, st, argv, xr, assigns);
    const saved = xr.length > 0 ? applyRedirs(ctx, st, xr, true) : [];
    if (typeof saved === 'string') {
      err(ctx, saved);
      st.status = 1;
      return 'next';
    }
    let vars: { name: string; old: string | null; exp: boolean }[] = [];
    if (special) for (const a of assigns) setVar(st, a.name, a.value);
    else vars = tempVars(st, assigns);
    st.frames.push({ k: 'restore', fds: saved, vars });
    return runBuiltin(ctx, st, argv);
  }
  // An external command.
  const path = resolveCommand(ctx, st, name);
  if (typeof path !== 'string') {
    err(ctx, path.message);
    st.status = path.code;
    return 'next';
  }
  const env = exportedEnv(st, assigns);
  const text = nodeText(n);
  if (f.tail && canTailExec(st, xr)) {
    const saved = applyRedirs(ctx, st, xr, false);
    if (typeof saved === 'string') {
      err(ctx, saved);
      return exitShell(ctx, st, 1);
    }
    return doExec(ctx, st, path, argv, env, true);
  }
  const child = childState(st, [{ k: 'execve', path, argv, env, redirs: xr }], noSetup());
  return forkJob(ctx, st, child, [], text);
}

/** bash: no redirections on the command; none of the shells with a trap set (§11). */
function canTailExec(st: ShState, xr: readonly XRedir[]): boolean {
  if (hasTraps(st)) return false;
  if (st.flavor === 'bash' && xr.length > 0 && !st.isChild) return false;
  return true;
}

function tempVars(
  st: ShState,
  assigns: readonly { name: string; value: string }[],
): { name: string; old: string | null; exp: boolean }[] {
  const saved = assigns.map((a) => ({
    name: a.name,
    old: st.vars[a.name] ?? null,
    exp: st.exported[a.name] === true,
  }));
  for (const a of assigns) {
    st.vars[a.name] = a.value;
    st.exported[a.name] = true;
  }
  return saved;
}

export function exportedEnv(
  st: ShState,
  assigns: readonly { name: string; value: string }[] = [],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of Object.keys(st.exported)) {
    const v = st.vars[k];
    if (v !== undefined) env[k] = v;
  }
  for (const a of assigns) env[a.name] = a.value;
  return env;
}

export function resolveCommand(
  ctx: Ctx,
  st: ShState,
  name: string,
): string | { message: string; code: number } {
  if (name.includes('/')) {
    const s = ctx.fs.stat(name);
    if (isErrno(s)) {
      if (st.flavor === 'bash') return { message: notFound(st, name), code: 127 };
      return { message: notFound(st, name), code: 127 };
    }
    if (s.type === 'dir')
      return {
        message:
          st.flavor === 'bash'
            ? `${prefix(st)}${name}: Is a directory\n`
            : `${prefix(st)}${name}: Permission denied\n`,
        code: 126,
      };
    return name;
  }
  // Search the shell's own PATH (which may differ from the environment it was started with).
  let denied = false;
  for (const dir of (st.vars.PATH ?? DEFAULT_PATH).split(':')) {
    const path = `${dir === '' ? '.' : dir.replace(/\/$/, '')}/${name}`;
    const s = ctx.fs.stat(path);
    if (isErrno(s)) continue;
    if (s.type === 'exec') return path;
    if (s.type === 'file') denied = true;
  }
  if (denied) return { message: `${prefix(st)}${name}: Permission denied\n`, code: 126 };
  return { message: notFound(st, name), code: 127 };
}

function execBuiltin(
  ctx: Ctx,
  st: ShState,
  argv: string[],
  xr: XRedir[],
  assigns: { name: string; value: string }[],
): R {
  const saved = applyRedirs(ctx, st, xr, false);
  if (typeof saved === 'string') {
    err(ctx, saved);
    if (!st.interactive) return exitShell(ctx, st, st.flavor === 'dash' ? 2 : 1);
    st.status = 1;
    return 'next';
  }
  let args = argv.slice(1);
  if (args[0] === '--') args = args.slice(1);
  const name = args[0];
  if (name === undefined) {
    for (const a of assigns) setVar(st, a.name, a.value);
    st.status = 0;
    return 'next';
  }
  const path = resolveCommand(ctx, st, name);
  if (typeof path !== 'string') {
    const msg =
      st.flavor === 'dash'
        ? `${prefix(st)}exec: ${name}: not found\n`
        : st.flavor === 'bash'
          ? `${prefix(st)}exec: ${name}: not found\n`
          : `${prefix(st)}exec: ${name}: not found\n`;
    err(ctx, msg);
    if (st.interactive && st.flavor === 'bash') {
      st.status = path.code;
      return 'next';
    }
    return exitShell(ctx, st, path.code);
  }
  if (st.interactive) {
    for (const s of [SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGTERM]) ctx.sigaction(s, 'default');
    ctx.setTtyMode(0, { canonical: true, echo: true });
  }
  return doExec(ctx, st, path, args, exportedEnv(st, assigns), !st.interactive);
}

/** execve; on failure print the error and exit (or carry on, for interactive `exec`). */
function doExec(
  ctx: Ctx,
  st: ShState,
  path: string,
  argv: readonly string[],
  env: Record<string, string>,
  exitOnFail: boolean,
): R {
  const r = ctx.exec(path, argv, env);
  if (r === 0) return 'gone';
  const name = argv[0] ?? path;
  const code = r === 'ENOENT' ? 127 : 126;
  err(ctx, r === 'ENOENT' ? notFound(st, name) : `${prefix(st)}${name}: ${errnoText(r)}\n`);
  if (exitOnFail) {
    ctx.exit(code);
    return 'gone';
  }
  st.status = code;
  return 'next';
}

function stepExecve(ctx: Ctx, st: ShState, f: Extract<Frame, { k: 'execve' }>): R {
  const saved = applyRedirs(ctx, st, f.redirs, false);
  if (typeof saved === 'string') {
    err(ctx, saved);
    ctx.exit(1);
    return 'gone';
  }
  return doExec(ctx, st, f.path, f.argv, f.env, true);
}

export function noSetup(): Setup {
  return { pgid: null, fg: false, asyncIgnore: false, dups: [], closes: [] };
}

// ------------------------------------------------------------------ jobs

/** Forks `child` as a (foreground) job and waits for it. */
function forkJob(ctx: Ctx, st: ShState, child: ShState, xr: XRedir[], text: string): R {
  // Redirections of a forked compound command: set up around the fork, the child inherits them.
  const saved = xr.length > 0 ? applyRedirs(ctx, st, xr, true) : [];
  if (typeof saved === 'string') {
    err(ctx, saved);
    st.status = 1;
    return 'next';
  }
  const jc = st.interactive && !st.isChild;
  child.setup = { ...(child.setup ?? noSetup()), pgid: jc ? 0 : null, fg: jc };
  const pid = shellFork(ctx, st, child, { kind: 'job', child, xr, text });
  restoreFds(ctx, saved);
  if (pid === 'retry') return 'next';
  return afterFork(ctx, st, pid, text);
}

function afterFork(ctx: Ctx, st: ShState, pid: number | Errno, text: string): R {
  if (typeof pid !== 'number') return forkFailed(ctx, st, pid);
  const job = newJob(st, [pid], text, false);
  if (st.interactive && !st.isChild) {
    ctx.setpgid(pid, pid);
    ctx.tcsetpgrp(0, pid);
  }
  st.frames.push({ k: 'fg', job: job.id });
  return 'next';
}

/** bash jobs.c FORKSLEEP_MAX: make_child() sleeps 1, 2, 4 and 8 seconds between attempts. */
const FORKSLEEP_MAX = 16;

type ForkThen = Extract<Frame, { k: 'forkretry' }>['then'];

/**
 * fork() as the shell does it. bash's make_child() (jobs.c) retries EAGAIN: it reaps what has
 * exited (waitchld), says "fork: retry: ..." (sys_error, no line number), sleeps forksleep
 * seconds and tries again with forksleep doubled, until forksleep reaches FORKSLEEP_MAX; a signal
 * handler that interrupts the sleep (SIGCHLD's, a trap's) ends the loop with EINTR. dash and
 * busybox ash try once (forkshell). Returns the PID, 'retry' when a forkretry frame now sleeps
 * (the caller undoes its setup and returns 'next'), or the errno of a final failure.
 */
function shellFork(
  ctx: Ctx,
  st: ShState,
  child: ShState,
  then: ForkThen,
  chldBlocked = false,
): number | Errno | 'retry' {
  const sleep = st.forkSleep ?? 1;
  delete st.forkSleep;
  const pid = ctx.fork({ program: programOf(st), state: child });
  if (typeof pid === 'number') return pid;
  if (st.flavor !== 'bash' || pid !== 'EAGAIN' || sleep >= FORKSLEEP_MAX) return pid;
  reapNohang(ctx, st);
  err(ctx, `${st.arg0}: fork: retry: ${errnoText(pid)}\n`);
  const timer = ctx.setTimer(sleep * 1_000_000, 'forkretry');
  st.frames.push({
    k: 'forkretry',
    secs: sleep,
    timer,
    fired: false,
    interrupted: false,
    ...(chldBlocked ? { chldBlocked } : {}),
    then,
  });
  return 'retry';
}

/** The sleep between two fork attempts ended (timer), or a signal handler interrupted it. */
function stepForkRetry(ctx: Ctx, st: ShState, f: Extract<Frame, { k: 'forkretry' }>): R {
  if (!f.fired) return 'block';
  st.frames.pop();
  if (f.interrupted) return forkFailed(ctx, st, 'EINTR');
  st.forkSleep = f.secs * 2;
  switch (f.then.kind) {
    case 'job':
      return forkJob(ctx, st, f.then.child, f.then.xr, f.then.text);
    case 'async':
      return startAsync(ctx, st, f.then.node, f.then.src);
    case 'restep':
      return 'next';
  }
}

/**
 * A fork that failed for good. bash: sys_error("fork"), status EX_NOEXEC (126) | 128 = 254, and
 * throw_to_top_level() (sig.c): an interactive shell drops the rest of what it was running and
 * prompts again, any other shell (a subshell, `bash -c`, a script) exits. dash:
 * sh_error("Cannot fork") and busybox ash: "can't fork: ERR" (ash_msg_and_raise_perror), status 2,
 * the same two outcomes (an EXERROR exception).
 */
function forkFailed(ctx: Ctx, st: ShState, e: Errno): R {
  let code: number;
  if (st.flavor === 'bash') {
    err(ctx, `${st.arg0}: fork: ${errnoText(e)}\n`);
    code = 254;
  } else if (st.flavor === 'dash') {
    err(ctx, `${prefix(st)}Cannot fork\n`);
    code = 2;
  } else {
    err(ctx, `${prefix(st)}can't fork: ${errnoText(e)}\n`);
    code = 2;
  }
  st.status = code;
  if (!st.interactive || st.isChild) return exitShell(ctx, st, code);
  // throw_to_top_level(): give_terminal_to(shell_pgrp), which a pipeline member that was
  // already forked may have taken (without this the prompt's read gets EIO: a logout).
  ctx.tcsetpgrp(0, st.pgid);
  for (let i = st.frames.length - 1; i >= 0; i--) {
    const f = st.frames[i];
    if (f?.k === 'restore') restoreFds(ctx, f.fds);
  }
  const repl = st.frames.find((f) => f.k === 'repl');
  st.frames = [
    repl?.k === 'repl'
      ? { k: 'repl', phase: 'prompt', buf: '', queue: repl.queue }
      : { k: 'repl', phase: 'prompt', buf: '', queue: [] },
  ];
  st.ctl = null;
  return 'next';
}

export function programOf(st: ShState): string {
  return st.flavor === 'dash' ? 'dash' : st.flavor === 'bash' ? 'bash' : 'busybox';
}

export function newJob(st: ShState, pids: number[], cmd: string, bg: boolean, hidden = false): Job {
  const id = hidden ? -st.nextJob : nextJobId(st);
  if (hidden) st.nextJob++;
  const job: Job = {
    id,
    pgid: pids[0] ?? 0,
    pids,
    st: pids.map(() => null),
    cmd,
    stopped: false,
    bg,
    hidden,
  };
  st.jobs.push(job);
  if (hidden) return job;
  if (st.flavor === 'bash') {
    // stop_pipeline(): an asynchronous job resets the current job (a stopped one stays
    // current); a foreground job leaves it alone.
    if (bg) resetCurrent(st);
    return job;
  }
  // A new id is never in jobOrder: removeJob takes an id out of both lists.
  st.jobOrder.push(id);
  return job;
}

/*
 * bash's current (%+) and previous (%-) job, jobs.c: set_current_job() and reset_current(),
 * with jobOrder as [previous, current]. Jobs are ordered by number (bash's job slots); a job
 * is stopped, running, or dead (done but not yet reported).
 */
const liveJob = (st: ShState, id: number | undefined): Job | undefined => {
  if (id === undefined) return undefined;
  // From the newest: the current and previous jobs are nearly always the last ones.
  for (let i = st.jobs.length - 1; i >= 0; i--) {
    const j = st.jobs[i]!;
    if (j.id === id && !j.hidden) return j;
  }
  return undefined;
};
const isStopped = (j: Job | undefined): boolean => j !== undefined && j.stopped && !jobDone(j);
const isRunning = (j: Job | undefined): boolean => j !== undefined && !j.stopped && !jobDone(j);

/**
 * most_recent_job_in_state(): the newest job numbered below `below` that is in that state.
 * Visible jobs are in the table in number order (each new one is numbered above all others),
 * so the search runs from the end and stops at the first match.
 */
function newestBelow(st: ShState, below: number, pred: (j: Job) => boolean): number | undefined {
  for (let i = st.jobs.length - 1; i >= 0; i--) {
    const j = st.jobs[i]!;
    if (!j.hidden && j.id < below && pred(j)) return j.id;
  }
  return undefined;
}

/**
 * The newest stopped job numbered below `below`. While no job of this shell has ever stopped,
 * none is stopped now: a loop of `cmd &` asks this for every new job, and would otherwise look
 * at the whole table each time.
 */
const newestStopped = (st: ShState, below: number): number | undefined =>
  st.someStopped === true ? newestBelow(st, below, isStopped) : undefined;

/** set_current_job(): `id` becomes current; the previous job is chosen as bash does. */
export function setCurrentJob(st: ShState, id: number): void {
  let cur = st.jobOrder.at(-1);
  let prev = st.jobOrder.length > 1 ? st.jobOrder.at(-2) : undefined;
  if (cur !== id) {
    prev = cur;
    cur = id;
  }
  const done = (p: number | undefined): void => {
    st.jobOrder = p === undefined ? [id] : [p, id];
  };
  if (prev !== cur && isStopped(liveJob(st, prev))) return done(prev);
  const current = liveJob(st, cur);
  if (isStopped(current)) {
    const c = newestStopped(st, id);
    if (c !== undefined) return done(c);
  }
  const c = newestBelow(st, isRunning(current) ? id : Infinity, isRunning);
  done(c ?? id);
}

/** reset_current(): keep a stopped current job, else the previous, newest stopped, newest running. */
export function resetCurrent(st: ShState): void {
  const cur = st.jobOrder.at(-1);
  const prev = st.jobOrder.length > 1 ? st.jobOrder.at(-2) : undefined;
  let candidate: number | undefined;
  if (isStopped(liveJob(st, cur))) candidate = cur;
  else {
    if (isStopped(liveJob(st, prev))) candidate = prev;
    candidate ??= newestStopped(st, Infinity);
    candidate ??= newestBelow(st, Infinity, isRunning);
  }
  if (candidate !== undefined) setCurrentJob(st, candidate);
  else st.jobOrder = [];
}

/**
 * One more than the highest job number in use (bash and dash number jobs this way). Jobs are
 * kept in creation order and each new one is numbered above every job then in the table, so
 * the highest is the last visible job: found from the end, not by a scan of a table that a
 * loop of `cmd &` grows to thousands of entries.
 */
function nextJobId(st: ShState): number {
  for (let i = st.jobs.length - 1; i >= 0; i--) {
    const j = st.jobs[i]!;
    if (!j.hidden) return j.id + 1;
  }
  return 1;
}

export function jobDone(j: Job): boolean {
  return j.st.every((s) => s !== null);
}

export function jobStatus(j: Job): number {
  const s = j.st[j.st.length - 1];
  if (s === null || s === undefined) return 0;
  return statusCode(s);
}

export function statusCode(s: number): number {
  if (wifexited(s)) return wexitstatus(s);
  if (wifsignaled(s)) return 128 + wtermsig(s);
  return 0;
}

export function removeJob(st: ShState, id: number): void {
  st.jobs = st.jobs.filter((j) => j.id !== id);
  if (st.flavor === 'bash') {
    // delete_job(): the current or previous job deleted, reset_current().
    if (st.lastStopped === id) st.lastStopped = undefined;
    if (st.jobOrder.includes(id)) resetCurrent(st);
    return;
  }
  st.jobOrder = st.jobOrder.filter((j) => j !== id);
}

/** Removes several jobs at once (one pass over the table, not one per job). */
export function removeJobs(st: ShState, jobs: readonly Job[]): void {
  if (jobs.length === 0) return;
  const gone = new Set(jobs.map((j) => j.id));
  st.jobs = st.jobs.filter((j) => !gone.has(j.id));
  st.jobOrder = st.jobOrder.filter((id) => !gone.has(id));
}

/** Records a wait result in the job table (other children, e.g. adopted orphans, are dropped). */
export function recordWait(st: ShState, pid: number, status: number): void {
  // Children are mostly reaped in the order they were started, so the search starts at the
  // job the last one belonged to and wraps around: a shell reaping thousands of background
  // jobs finds each at once instead of scanning the table from the top every time.
  const n = st.jobs.length;
  const hint = st.waitHint !== undefined && st.waitHint < n ? st.waitHint : 0;
  for (let k = 0; k < n; k++) {
    const at = (hint + k) % n;
    const j = st.jobs[at]!;
    const i = j.pids.indexOf(pid);
    if (i < 0) continue;
    st.waitHint = at;
    if (wifstopped(status)) {
      j.stopped = true;
      st.someStopped = true;
      j.told = false;
      if (st.flavor === 'bash' && !j.hidden) {
        // waitchld(): a job that stopped is last_stopped_job and becomes current.
        st.lastStopped = j.id;
        setCurrentJob(st, j.id);
      }
      return;
    }
    if (wifexited(status) || wifsignaled(status)) {
      j.st[i] = status;
      if (st.lastStopped === j.id && jobDone(j)) st.lastStopped = undefined;
      return;
    }
    j.stopped = false; // continued
    if (st.flavor === 'bash' && !j.hidden) {
      // waitchld(): a job continued: set_current_job(last_stopped_job), else reset_current().
      const last = liveJob(st, st.lastStopped);
      if (last !== undefined && !jobDone(last)) setCurrentJob(st, last.id);
      else resetCurrent(st);
    }
    return;
  }
  // A member of the pipeline still being forked (bash's the_pipeline, not a job yet).
  const p = st.pipeFork;
  if (p?.pids.includes(pid) && (wifexited(status) || wifsignaled(status)))
    p.ended.push([pid, status]);
}

/** bash's SIGCHLD handler: collect every child that changed state. */
export function reapNohang(ctx: Ctx, st: ShState): void {
  const opts = WNOHANG | (st.interactive ? WUNTRACED | continued(st) : 0);
  for (let i = 0; i < 10000; i++) {
    const r = ctx.wait(-1, opts);
    if (typeof r === 'string' || 'blocked' in r || r.pid === 0) return;
    recordWait(st, r.pid, r.status);
  }
}

/**
 * bash waits with WCONTINUED when job control is on (jobs.c waitchld: `WUNTRACED|wcontinued`):
 * a stopped job continued by someone else is seen running again, and the current job reset.
 */
const continued = (st: ShState): number =>
  st.flavor === 'bash' && st.interactive && !st.isChild ? WCONTINUED : 0;

/** Waits once for any child; returns 'block' when it had to block. */
function waitAny(
  ctx: Ctx,
  st: ShState,
  untraced: boolean,
  jobIds: number[] | (() => number[]),
  lost = 127,
): 'block' | 'next' {
  // The jobs' ids are needed only when the children are gone (ECHILD).
  const ids = (): number[] => (typeof jobIds === 'function' ? jobIds() : jobIds);
  const wake = takeWait(st);
  if (wake !== undefined) {
    if (typeof wake === 'object') recordWait(st, wake.pid, wake.status);
    else if (wake === 'ECHILD') markLost(st, ids(), lost);
    return 'next';
  }
  const r = ctx.wait(-1, untraced ? WUNTRACED | continued(st) : 0);
  if (typeof r === 'object' && 'blocked' in r) return 'block';
  if (typeof r === 'object' && 'pid' in r) recordWait(st, r.pid, r.status);
  else if (r === 'ECHILD') markLost(st, ids(), lost);
  return 'next';
}

/**
 * The status a job the shell waits for in the foreground (or for a command substitution) gets
 * when wait fails with ECHILD, e.g. under `trap '' CHLD` (the kernel reaped it): bash's
 * wait_for() marks it done with status 0 ("can't find true status", jobs.c); 127 otherwise.
 */
const lostStatus = (st: ShState): number => (st.flavor === 'bash' ? 0 : 127);

/** No children left, but the job table thinks some run: they are gone (status `lost`). */
function markLost(st: ShState, jobIds: number[], lost: number): void {
  for (const j of st.jobs) {
    if (!jobIds.includes(j.id)) continue;
    j.st = j.st.map((s) => s ?? lost << 8);
    j.stopped = false;
  }
}

/**
 * A bound on the loops that wait or read within one step: above anything legitimate (a PID
 * namespace holds at most 4,194,304 PIDs, so no wait loop reaps more children, and no line the
 * lab reads is that long), so it only stops a bug in the model from spinning forever. It was
 * 10,000, and a shell with more zombie children than that (`sleep 0 &` in a loop, then any
 * foreground command) took its foreground job for done after reaping 10,000 of them.
 */
const STEP_GUARD = 1 << 23;

function stepFg(ctx: Ctx, st: ShState, f: Extract<Frame, { k: 'fg' }>): R {
  const job = st.jobs.find((j) => j.id === f.job);
  const jc = st.interactive && !st.isChild;
  if (job === undefined) return done(st, st.status);
  for (let guard = 0; guard < STEP_GUARD; guard++) {
    if (jobDone(job) || job.stopped) break;
    if (waitAny(ctx, st, jc, [job.id], lostStatus(st)) === 'block') return 'block';
  }
  st.frames.pop();
  if (jc) {
    ctx.tcsetpgrp(0, st.pgid);
  }
  if (job.stopped) {
    job.bg = true;
    // bash made it current when it saw it stop (recordWait: waitchld).
    if (st.flavor !== 'bash') st.jobOrder = [...st.jobOrder.filter((j) => j !== job.id), job.id];
    const stopSig = SIGTSTP;
    if (jc) err(ctx, `\n${jobLine(st, job, 'Stopped')}\n`);
    job.told = true;
    st.status = 128 + stopSig;
    if (jc) notifyAfterForeground(ctx, st);
    return 'next';
  }
  const last = job.st[job.st.length - 1] ?? 0;
  if (!job.hidden) removeJob(st, job.id);
  st.status = statusCode(last);
  // Report a job killed by a signal.
  const killer =
    job.st.map((s) => (s !== null && wifsignaled(s) ? wtermsig(s) : 0)).find((s) => s !== 0) ?? 0;
  if (killer !== 0 && killer !== 13) {
    const core = (last & 0x80) !== 0 ? ' (core dumped)' : '';
    if (killer === SIGINT) {
      if (jc && interruptsLine(st)) return abandonLine(ctx, st);
      if (jc) err(ctx, '\n');
    } else if (jc || st.flavor === 'dash' || st.flavor === 'ash') {
      err(ctx, `${signalText(killer)}${core}\n`);
    } else {
      err(
        ctx,
        `${prefix(st)}${String(job.pids[job.pids.length - 1]).padStart(5)} ${signalText(killer).padEnd(24)}${core}${job.cmd}\n`,
      );
    }
  }
  // Cooperative SIGINT exit: dash always, bash only if the child died of it.
  if (st.sigint && !jc) {
    if (st.flavor === 'bash' && !(wifsignaled(last) && wtermsig(last) === SIGINT))
      st.sigint = false;
  }
  if (jc) notifyAfterForeground(ctx, st);
  return 'next';
}

/**
 * bash's wait_for(): a foreground job of an interactive shell with job control killed by SIGINT
 * (^C) in a for/while/until loop, or in a list (`a; b`, `a && b`, `a || b`: executing_list,
 * compatibility level above 32), makes the shell act as if it got the SIGINT itself
 * (ADDINTERRUPT) unless SIGINT is trapped outside a loop: throw_to_top_level() abandons the rest
 * of the line, prints a newline and prompts again, $? 130. Alone, the job gets only the newline.
 */
function interruptsLine(st: ShState): boolean {
  if (st.flavor !== 'bash' || st.frames[0]?.k !== 'repl') return false;
  const loop = st.frames.some((f) => f.k === 'loop' || f.k === 'for');
  const list = st.frames.some(
    (f) => (f.k === 'list' && f.node.items.length > 1) || f.k === 'andor',
  );
  const trapped = st.traps[String(SIGINT)] !== undefined;
  return loop || (!trapped && list);
}

/** throw_to_top_level() in an interactive shell: the newline, $? 130, the prompt again. */
function abandonLine(ctx: Ctx, st: ShState): R {
  err(ctx, '\n');
  st.frames = [{ k: 'repl', phase: 'prompt', buf: '', queue: [] }];
  st.ctl = null;
  st.status = 128 + SIGINT;
  return 'next';
}

/**
 * bash's wait_for() ends with notify_and_cleanup(): with job control on, the other jobs that
 * stopped or finished meanwhile are reported right after each foreground job, not only at the
 * next prompt (jobs.c notify_of_job_status; a stopped job's line follows an empty line).
 * `sleep 0.1 & sleep 0.3; echo x` prints "[1]+  Done" before "x". dash reports at the prompt.
 */
function notifyAfterForeground(ctx: Ctx, st: ShState): void {
  if (st.flavor !== 'bash') return;
  const reported: number[] = [];
  for (const j of [...st.jobs]) {
    if (j.hidden) continue;
    if (jobDone(j)) {
      err(ctx, `${jobLine(st, j, doneText(j))}\n`);
      reported.push(j.id); // deleted after the whole report (cleanup_dead_jobs)
    } else if (j.stopped && j.told === false) {
      err(ctx, `\n${jobLine(st, j, 'Stopped')}\n`);
      j.told = true;
    }
  }
  for (const id of reported) removeJob(st, id);
}

/** "[1]+  Stopped                 sleep 100" */
export function jobLine(st: ShState, job: Job, state: string): string {
  const cur = st.jobOrder[st.jobOrder.length - 1];
  const prev = st.jobOrder[st.jobOrder.length - 2];
  const mark = job.id === cur ? '+' : job.id === prev ? '-' : ' ';
  return `[${job.id}]${mark}  ${state.padEnd(24)}${jobText(job.cmd)}`;
}

/**
 * bash prints a job's command re-rendered from its parse (print_command), which puts a space
 * after a redirection operator: `cmd </dev/null` is listed as `cmd < /dev/null`. Only
 * redirections outside quotes are touched.
 */
function jobText(cmd: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    out += c;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < cmd.length) out += cmd[++i]!;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '\\' && i + 1 < cmd.length) out += cmd[++i]!;
    else if (
      (c === '<' || c === '>') &&
      cmd[i + 1] !== '&' &&
      cmd[i + 1] !== c &&
      cmd[i + 1] !== ' ' &&
      i + 1 < cmd.length
    )
      out += ' ';
  }
  return out;
}

export function doneText(job: Job): string {
  const last = job.st[job.st.length - 1] ?? 0;
  if (wifsignaled(last)) return signalText(wtermsig(last));
  const code = wexitstatus(last);
  return code === 0 ? 'Done' : `Exit ${code}`;
}

/** Whether `wait` waits for job `j`: every visible job, or the ones it was given. */
const waitTarget = (f: Extract<Frame, { k: 'waitb' }>, j: Job): boolean =>
  f.all ? !j.hidden : f.jobs.includes(j.id);

/**
 * Whether some job `wait` waits for is still running. Jobs before `f.from` are done and stay
 * done, so a `wait` for thousands of background jobs (a loop of `cmd &`) looks at each job
 * about once in all, not once per child it reaps.
 */
function stillWaiting(st: ShState, f: Extract<Frame, { k: 'waitb' }>): boolean {
  let i = Math.min(f.from ?? 0, st.jobs.length);
  while (i < st.jobs.length && (jobDone(st.jobs[i]!) || !waitTarget(f, st.jobs[i]!))) i++;
  f.from = i;
  for (; i < st.jobs.length; i++) {
    const j = st.jobs[i]!;
    if (waitTarget(f, j) && !j.stopped && !jobDone(j)) return true;
  }
  return false;
}

function stepWaitBuiltin(ctx: Ctx, st: ShState, f: Extract<Frame, { k: 'waitb' }>): R {
  for (let guard = 0; guard < STEP_GUARD; guard++) {
    if (st.pending.length > 0) {
      // A trapped signal interrupts `wait`: status 128+sig, then the trap runs.
      return done(st, 128 + (st.pending[0] ?? 0));
    }
    if (st.sigint && !st.interactive) return done(st, 130);
    if (!stillWaiting(st, f)) {
      let status = f.missing > 0 ? 127 : 0;
      // An interactive shell reports each job `wait` collected right away ("[1]+  Exit 3 ...",
      // before the next command's output), as bash 5.2 does; a script just forgets them.
      const collected = st.jobs.filter((j) => waitTarget(f, j) && jobDone(j));
      if (!f.all) {
        const lastId = f.jobs[f.jobs.length - 1];
        const lastJob = st.jobs.find((j) => j.id === lastId);
        if (lastJob) status = jobStatus(lastJob);
      } else status = 0;
      if (st.interactive) {
        // Each report sees the table as it is after the previous job left (its +/- marks).
        for (const j of collected) {
          if (!j.hidden) err(ctx, `${jobLine(st, j, doneText(j))}\n`);
          removeJob(st, j.id);
        }
      } else removeJobs(st, collected);
      return done(st, status);
    }
    const waiting = (): number[] =>
      st.jobs.filter((j) => waitTarget(f, j) && !j.stopped && !jobDone(j)).map((j) => j.id);
    // dash waits for its arguments in order (waitcmd: dowait(DOWAIT_BLOCK, job) for each), and
    // dowait() prints how the job it waits for ended when that is a signal other than SIGINT
    // and SIGPIPE ("Terminated", "Quit"): a job that was done before `wait` reached it, or that
    // ends while dash waits for another, is not reported. `wait` with no arguments reports none.
    const current =
      st.flavor === 'dash' && !f.all
        ? f.jobs.map((id) => st.jobs.find((j) => j.id === id)).find((j) => j && !jobDone(j))
        : undefined;
    if (waitAny(ctx, st, false, waiting) === 'block') return 'block';
    if (current !== undefined && jobDone(current)) {
      const last = current.st[current.st.length - 1] ?? 0;
      const sig = wifsignaled(last) ? wtermsig(last) : 0;
      if (sig !== 0 && sig !== SIGINT && sig !== 13)
        err(ctx, `${signalText(sig)}${(last & 0x80) !== 0 ? ' (core dumped)' : ''}\n`);
    }
  }
  return 'block';
}

function stepRead(ctx: Ctx, st: ShState, f: Extract<Frame, { k: 'readb' }>): R {
  for (let guard = 0; guard < STEP_GUARD; guard++) {
    if (st.pending.length > 0) return done(st, 128 + (st.pending[0] ?? 0));
    if (st.sigint && !st.interactive) return done(st, 130);
    const nl = st.readBuf.indexOf('\n');
    let line: string;
    let eof = false;
    if (nl >= 0) {
      line = st.readBuf.slice(0, nl);
      st.readBuf = st.readBuf.slice(nl + 1);
    } else {
      const wake = takeRead(st);
      let r: ReturnType<Ctx['read']>;
      // One byte at a time, as dash, bash (on a pipe or terminal) and busybox do: what follows
      // the line stays in the pipe for the next reader (`(read x; cat)`).
      if (wake !== undefined) r = wake;
      else r = ctx.read(0, 1);
      if (typeof r === 'object' && 'blocked' in r) return 'block';
      if (r === 'EINTR') continue;
      if (r === 'EOF' || isErrno(r)) {
        eof = true;
        line = st.readBuf;
        st.readBuf = '';
      } else {
        st.readBuf += r;
        continue;
      }
    }
    assignRead(ctx, st, f.names, line, f.raw);
    return done(st, eof ? 1 : 0);
  }
  return 'block';
}

function assignRead(ctx: Ctx, st: ShState, names: string[], line: string, raw: boolean): void {
  let text = line;
  if (!raw) text = text.replace(/\\(.)/g, '$1');
  const ifs = getVar(ctx, st, 'IFS') ?? ' \t\n';
  const isIfs = (c: string): boolean => ifs.includes(c);
  const vars = names.length === 0 ? ['REPLY'] : names;
  let rest = text;
  const trimStart = (s: string): string => {
    let i = 0;
    while (i < s.length && isIfs(s[i] ?? '') && /\s/.test(s[i] ?? '')) i++;
    return s.slice(i);
  };
  rest = trimStart(rest);
  vars.forEach((name, idx) => {
    if (idx === vars.length - 1) {
      let end = rest.length;
      while (end > 0 && isIfs(rest[end - 1] ?? '') && /\s/.test(rest[end - 1] ?? '')) end--;
      setVar(st, name, rest.slice(0, end));
      rest = '';
      return;
    }
    let i = 0;
    while (i < rest.length && !isIfs(rest[i] ?? '')) i++;
    setVar(st, name, rest.slice(0, i));
    rest = trimStart(rest.slice(i + (i < rest.length && !/\s/.test(rest[i] ?? '') ? 1 : 0)));
  });
}

// ------------------------------------------------------------------ pipelines, async lists, $( )

function stepPipe(ctx: Ctx, st: ShState, f: Extract<Frame, { k: 'pipe' }>): R {
  if (f.phase === 1) {
    st.frames.pop();
    if (f.node.bang) st.status = st.status === 0 ? 1 : 0;
    return 'next';
  }
  const forked = forkPipeline(ctx, st, f.node, false, { kind: 'restep' });
  if (typeof forked === 'string') return forked;
  const jc = st.interactive && !st.isChild;
  const job = pipelineJob(st, forked, nodeText(f.node), false);
  if (jc) ctx.tcsetpgrp(0, job.pgid);
  f.phase = 1;
  st.frames.push({ k: 'fg', job: job.id });
  return 'next';
}

/**
 * Forks every member of a pipeline from this shell, connected by pipes (dash evalpipe, bash
 * execute_pipeline), in the foreground or in the background (`a | b &` has no extra shell in
 * between). Returns the PIDs, or what the step does when a fork failed or is being retried.
 */
function forkPipeline(
  ctx: Ctx,
  st: ShState,
  n: Extract<Node, { t: 'pipeline' }>,
  bg: boolean,
  then: ForkThen,
): Forked | R {
  // Resuming after make_child()'s sleep: the pipes and the members already forked.
  const resumed = st.pipeFork;
  delete st.pipeFork;
  const pipes: [number, number][] = resumed ? resumed.pipes : [];
  for (let i = pipes.length; i < n.cmds.length - 1; i++) {
    const p = ctx.pipe();
    if (typeof p === 'string') {
      err(ctx, `${prefix(st)}Pipe call failed\n`);
      for (const [a, b] of pipes) {
        ctx.close(a);
        ctx.close(b);
      }
      if (bg) {
        st.status = 2;
        return 'next';
      }
      return done(st, 2);
    }
    pipes.push([p[0], p[1]]);
  }
  const all = pipes.flat();
  const jc = st.interactive && !st.isChild;
  const pids: number[] = resumed ? resumed.pids : [];
  const ended: [number, number][] = resumed ? resumed.ended : [];
  let pgid = resumed ? resumed.pgid : 0;
  for (let i = resumed ? resumed.next : 0; i < n.cmds.length; i++) {
    const dups: [number, number][] = [];
    if (i > 0) dups.push([(pipes[i - 1] as [number, number])[0], 0]);
    if (i < n.cmds.length - 1) dups.push([(pipes[i] as [number, number])[1], 1]);
    const setup: Setup = {
      pgid: jc ? pgid : null,
      fg: jc && !bg,
      asyncIgnore: bg && !jc,
      dups,
      closes: all.filter((fd) => fd > 2),
    };
    const tmp = childState(st, [{ k: 'exit', code: null }], setup);
    pushNode(tmp, n.cmds[i] as Node, true);
    markForked(tmp);
    // bash retries every member's fork (make_child), keeping the members already running.
    // Kept in the state while make_child() runs: what its waitchld() reaps is recorded there.
    st.pipeFork = { pipes, pids, pgid, next: i, ended };
    const pid = shellFork(ctx, st, tmp, then, true);
    if (pid === 'retry') return 'next';
    delete st.pipeFork;
    if (typeof pid !== 'number') {
      for (const fd of all) ctx.close(fd);
      // terminate_current_pipeline(): SIGTERM and SIGCONT to the members already forked (their
      // own group under job control); kill_current_pipeline() forgets them, so no job is
      // made of them and the shell reaps them as strangers.
      if (jc && pgid !== 0) {
        ctx.kill(-pgid, SIGTERM);
        ctx.kill(-pgid, SIGCONT);
      }
      return forkFailed(ctx, st, pid);
    }
    if (jc) {
      ctx.setpgid(pid, pgid === 0 ? pid : pgid);
      if (pgid === 0) pgid = pid;
    }
    pids.push(pid);
  }
  for (const fd of all) ctx.close(fd);
  return { pids, ended };
}

interface Forked {
  pids: number[];
  /** Members already reaped while a later one's fork was retried: [pid, wait status]. */
  ended: [number, number][];
}

/** The job of a forked pipeline, with the statuses of members that ended meanwhile. */
function pipelineJob(st: ShState, forked: Forked, text: string, bg: boolean): Job {
  const job = newJob(st, forked.pids, text, bg);
  for (const [pid, status] of forked.ended) job.st[job.pids.indexOf(pid)] = status;
  return job;
}

/**
 * bash runs a `( ... )` that is a pipeline member or an asynchronous command in the child it forks
 * for it (execute_command_internal: make_child, then execute_in_subshell), not in another one.
 */
function markForked(child: ShState): void {
  const top = child.frames[child.frames.length - 1];
  if (child.flavor === 'bash' && top?.k === 'compound' && top.node.t === 'subshell')
    top.forked = true;
}

/** `cmd &`: fork the whole and-or list; do not wait. */
function startAsync(ctx: Ctx, st: ShState, node: Node, src: string): R {
  const jc = st.interactive && !st.isChild;
  const setup: Setup = {
    pgid: jc ? 0 : null,
    fg: false,
    asyncIgnore: !jc,
    dups: [],
    closes: [],
  };
  const text = src.replace(/\s*&$/, '') || nodeText(node);
  // dash wraps `cmd &` in a node whose line number its parser never sets (parser.c list(): a
  // fresh stalloc'd nredir), so an error before the child's first command (Cannot fork) names
  // line 0 on Linux; a compound command with redirections is already such a node, with its line.
  const ownLine =
    'redirs' in node && node.redirs.length > 0 && node.t !== 'simple' && node.t !== 'subshell';
  if (st.flavor === 'dash' && !(node.t === 'pipeline' && node.cmds.length > 1) && !ownLine)
    st.line = 0;
  if (node.t === 'pipeline' && node.cmds.length > 1) {
    const forked = forkPipeline(ctx, st, node, true, { kind: 'async', node, src });
    if (typeof forked === 'string') return forked;
    const job = pipelineJob(st, forked, text, true);
    const last = forked.pids[forked.pids.length - 1] as number;
    st.lastBg = last;
    if (jc) err(ctx, `[${job.id}] ${last}\n`);
    st.status = 0;
    return 'next';
  }
  const child = childState(st, [{ k: 'exit', code: null }], setup);
  pushNode(child, node, true);
  markForked(child);
  const pid = shellFork(ctx, st, child, { kind: 'async', node, src });
  if (pid === 'retry') return 'next';
  if (typeof pid !== 'number') return forkFailed(ctx, st, pid);
  if (jc) ctx.setpgid(pid, pid);
  const job = newJob(st, [pid], text, true);
  st.lastBg = pid;
  if (jc) err(ctx, `[${job.id}] ${pid}\n`);
  // Non-interactive shells keep at most a few finished jobs for `wait`.
  st.status = 0;
  return 'next';
}

function stepCmdsub(ctx: Ctx, st: ShState, f: Extract<Frame, { k: 'cmdsub' }>): R {
  if (f.phase === 0) {
    const p = ctx.pipe();
    if (typeof p === 'string') {
      err(ctx, `${prefix(st)}Pipe call failed\n`);
      return finishSub(st, f, '');
    }
    const [r, w] = p;
    const parsed = parseNext(f.src, 0, st.line, { bash: st.flavor === 'bash' });
    const setup: Setup = {
      pgid: null,
      fg: false,
      asyncIgnore: false,
      dups: [[w, 1]],
      closes: [r, w].filter((x) => x > 2),
    };
    const child = childState(st, [{ k: 'exit', code: null }], setup);
    child.frames.push({ k: 'script', src: f.src, pos: 0, line: st.line, top: true });
    void parsed;
    const pid = shellFork(ctx, st, child, { kind: 'restep' });
    ctx.close(w);
    if (typeof pid !== 'number') {
      ctx.close(r);
      return pid === 'retry' ? 'next' : forkFailed(ctx, st, pid);
    }
    f.fd = r;
    f.job = newJob(st, [pid], '', false, true).id;
    f.phase = 1;
  }
  if (f.phase === 1) {
    for (let guard = 0; guard < STEP_GUARD; guard++) {
      const wake = takeRead(st);
      const r = wake !== undefined ? wake : ctx.read(f.fd);
      if (typeof r === 'object' && 'blocked' in r) return 'block';
      if (r === 'EINTR') continue;
      if (r === 'EOF' || isErrno(r)) break;
      f.buf += r;
    }
    ctx.close(f.fd);
    f.phase = 2;
  }
  const job = st.jobs.find((j) => j.id === f.job);
  if (job) {
    for (let guard = 0; guard < STEP_GUARD && !jobDone(job); guard++) {
      if (waitAny(ctx, st, false, [job.id], lostStatus(st)) === 'block') return 'block';
    }
    st.subStatus = jobStatus(job);
    removeJob(st, job.id);
  }
  return finishSub(st, f, f.buf);
}

function finishSub(st: ShState, f: Extract<Frame, { k: 'cmdsub' }>, text: string): R {
  void f;
  st.frames.pop();
  const below = st.frames[st.frames.length - 1];
  if (below?.k === 'subs') below.out.push(text);
  return 'next';
}

// ------------------------------------------------------------------ redirections

/** Applies redirections; with `save`, returns how to undo them. A string is an error message. */
export function applyRedirs(
  ctx: Ctx,
  st: ShState,
  xr: readonly XRedir[],
  save: boolean,
): SavedFd[] | string {
  const saved: SavedFd[] = [];
  // Descriptors saved around redirections start at 10 again when nothing is saved any more.
  if (save && !st.frames.some((f) => f.k === 'restore')) st.nextSave = 10;
  const saveFd = (fd: number): void => {
    if (!save || saved.some((s) => s.fd === fd)) return;
    const to = st.nextSave++;
    const r = ctx.dup2(fd, to);
    saved.push({ fd, save: typeof r === 'number' ? to : -1 });
  };
  for (const r of xr) {
    if (r.op === '>&' || r.op === '<&') {
      if (r.target === '-') {
        saveFd(r.fd);
        ctx.close(r.fd);
        continue;
      }
      if (/^\d+$/.test(r.target)) {
        const from = Number(r.target);
        saveFd(r.fd);
        const d = from === r.fd ? 0 : ctx.dup2(from, r.fd);
        if (typeof d === 'string') {
          restoreFds(ctx, saved);
          return st.flavor === 'bash'
            ? `${prefix(st)}${r.target}: Bad file descriptor\n`
            : `${prefix(st)}${r.target}: Bad file descriptor\n`;
        }
        continue;
      }
      if (r.op === '<&') {
        restoreFds(ctx, saved);
        return `${prefix(st)}${r.target}: ambiguous redirect\n`;
      }
    }
    const both = r.op === '&>' || (r.op === '>&' && !/^\d+$/.test(r.target));
    const mode = r.op === '<' ? 'r' : r.op === '>>' ? 'a' : r.op === '<>' ? 'r' : 'w';
    const fd = ctx.open(r.target, mode);
    if (typeof fd === 'string') {
      restoreFds(ctx, saved);
      return redirError(st, r.target, fd, mode !== 'r');
    }
    const targets = both ? [1, 2] : [r.fd];
    for (const t of targets) {
      saveFd(t);
      if (fd !== t) ctx.dup2(fd, t);
    }
    if (!targets.includes(fd)) ctx.close(fd);
  }
  return saved;
}

export function restoreFds(ctx: Ctx, saved: readonly SavedFd[]): void {
  for (let i = saved.length - 1; i >= 0; i--) {
    const s = saved[i] as SavedFd;
    if (s.save < 0) ctx.close(s.fd);
    else {
      ctx.dup2(s.save, s.fd);
      ctx.close(s.save);
    }
  }
}

function redirError(st: ShState, target: string, e: Errno, write: boolean): string {
  if (st.flavor === 'dash') {
    const why = e === 'ENOENT' ? (write ? 'Directory nonexistent' : 'No such file') : errnoText(e);
    return `${prefix(st)}cannot ${write ? 'create' : 'open'} ${target}: ${why}\n`;
  }
  if (st.flavor === 'ash') {
    const why = e === 'ENOENT' && write ? 'nonexistent directory' : errnoText(e);
    return `${prefix(st)}can't ${write ? 'create' : 'open'} ${target}: ${why}\n`;
  }
  return `${prefix(st)}${target}: ${errnoText(e)}\n`;
}

export function errnoText(e: string): string {
  const T: Record<string, string> = {
    ENOENT: 'No such file or directory',
    EACCES: 'Permission denied',
    EISDIR: 'Is a directory',
    ENOTDIR: 'Not a directory',
    EBADF: 'Bad file descriptor',
    EPERM: 'Operation not permitted',
    ESRCH: 'No such process',
    EAGAIN: 'Resource temporarily unavailable',
    ENOMEM: 'Cannot allocate memory',
    EINVAL: 'Invalid argument',
    EEXIST: 'File exists',
    EMFILE: 'Too many open files',
    EIO: 'Input/output error',
    ENOTTY: 'Inappropriate ioctl for device',
    EPIPE: 'Broken pipe',
  };
  return T[e] ?? (isErrno(e) ? ERRNO_TEXT[e] : e);
}

// ------------------------------------------------------------------ text of commands

export function nodeText(n: Node): string {
  switch (n.t) {
    case 'simple':
      return [
        ...n.assigns.map((a) => `${a.name}=${a.value.raw}`),
        ...n.words.map((w) => w.raw),
        ...n.redirs.map(
          (r) => `${r.fd === (r.op.startsWith('<') ? 0 : 1) ? '' : r.fd}${r.op}${r.target.raw}`,
        ),
      ].join(' ');
    case 'pipeline':
      return (n.bang ? '! ' : '') + n.cmds.map(nodeText).join(' | ');
    case 'andor':
      return `${nodeText(n.left)} ${n.op} ${nodeText(n.right)}`;
    case 'list':
      return n.items
        .map((i) => (i.src !== '' ? i.src : nodeText(i.node) + (i.bg ? ' &' : ';')))
        .join(' ');
    case 'subshell':
      return `( ${nodeText(n.body)} )`;
    case 'group':
      return `{ ${nodeText(n.body)}; }`;
    case 'func':
      return n.src;
    case 'if':
      return 'if ...';
    case 'loop':
      return n.until ? 'until ...' : 'while ...';
    case 'for':
      return `for ${n.name} ...`;
    case 'case':
      return 'case ...';
  }
}

export function basename(p: string): string {
  const s = p.replace(/^-/, '');
  const i = s.lastIndexOf('/');
  return i >= 0 ? s.slice(i + 1) : s;
}

export const BUILTIN_SPECIAL = new Set([
  ':',
  '.',
  'break',
  'continue',
  'eval',
  'exec',
  'exit',
  'export',
  'readonly',
  'return',
  'set',
  'shift',
  'trap',
  'unset',
]);

export { SIGKILL };
