/**
 * Node.js 20 (`node script.js`, `node -e CODE`), as src/node.cc and libuv behave towards
 * signals and children:
 *
 * - At start node resets every signal to SIG_DFL except SIGPIPE (SIG_IGN), then installs its
 *   one-shot `SignalExit` handler for SIGINT and SIGTERM with SA_RESETHAND, a SIGUSR1 handler
 *   (inspector), a SIGSEGV handler and one for realtime signal 33 — the SigCgt observed on a real
 *   node 20: INT, USR1, SEGV, TERM, 33. `SignalExit` re-raises the signal with kill(getpid()):
 *   not PID 1 → node dies of it (130/143); as a namespace init the re-raise is dropped and, the
 *   handler being one-shot, every later SIGINT/SIGTERM is dropped at generation: node runs on.
 * - node has 7 threads (main + 4 libuv workers + platform/inspector threads): 6 extra threads.
 * - libuv reaps only the children it spawned (waitpid on their PIDs when SIGCHLD arrives), so
 *   orphans adopted by a node PID 1 stay zombies.
 *
 * What the script does is read from its text, by these recognised patterns (so an edited file
 * still behaves sensibly; anything else is ignored):
 * 1. `process.on('SIGxxx', fn)` / `process.once(...)`: a JS listener; node installs a plain
 *    handler (no SA_RESETHAND) instead of SignalExit. When the signal comes, the listener's
 *    `console.log(...)` calls print and a `process.exit(N)` in it exits with N; without one node
 *    keeps running. Listeners run on the event loop: never while a busy loop holds it.
 * 2. `while (true)` / `for (;;)` at the top level: after the code before it, a CPU loop (state R).
 * 3. `spawn(cmd, [args])`, `execFile(cmd, [args])`, `exec('command line')` (sh -c) from
 *    child_process: fork + execvp. At the top level they run once at start.
 * 4. `setInterval(fn, MS)` / `setTimeout(fn, MS)`: timers running fn's recognised statements
 *    (console.log, process.exit, spawn/exec, nested setTimeout, `child.kill('SIGxxx')`, which
 *    signals the child last spawned by that body).
 * 5. `console.log` / `console.error` at the top level print at start; template literals know
 *    `process.pid`, `process.ppid`, `child.pid` and top-level string constants.
 * 6. node exits 0 when the top-level code has run and nothing keeps the event loop alive
 *    (timers, running children, `.listen(` of a server, `process.stdin`).
 * A missing script file: node's "Cannot find module" error, exit 1.
 */
import {
  SIGCHLD,
  SIGINT,
  SIGKILL,
  SIGPIPE,
  SIGSEGV,
  SIGSTOP,
  SIGTERM,
  SIGUSR1,
  SA_RESETHAND,
  WNOHANG,
  isErrno,
} from '../../kernel-sim/index.ts';
import type { Program, ProgramContext, SigInfo } from '../../kernel-sim/index.ts';
import {
  findCalls,
  isExecChild,
  matchClose,
  millis,
  readSource,
  runExecChild,
  signalByName,
  spawnChild,
  stringLiteral,
} from './common.ts';
import type { Call } from './common.ts';

export const NODE_VERSION = 'v20.20.2';

type Stmt =
  | { op: 'log'; fd: 1 | 2; args: string[] }
  | { op: 'exit'; code: number }
  | { op: 'spawn'; path: string; argv: string[] }
  | { op: 'kill'; sig: number }
  | { op: 'timer'; ms: number; repeat: boolean; body: number }
  | { op: 'on'; sig: number; body: number }
  | { op: 'busy' };

export interface NodePlan {
  /** Statements of the top level, then of each callback body (index = body number). */
  bodies: Stmt[][];
  consts: Record<string, string>;
  server: boolean;
}

interface NodeState {
  role: 'node';
  plan: NodePlan;
  /** Signal → body of its JS listener. */
  listeners: Record<string, number>;
  /** Children spawned by libuv, still to be reaped. */
  children: number[];
  /** Last child spawned by a body (for `child.kill` / `child.pid`). */
  lastChild: Record<string, number>;
  timers: number;
  busy: boolean;
  inspector: boolean;
}

const CALLS = [
  'console.log',
  'console.error',
  'process.exit',
  'spawn',
  'execFile',
  'exec',
  'setInterval',
  'setTimeout',
  'process.on',
  'process.once',
  '.kill',
  '.listen',
];

/** The code of a callback argument: the inside of `() => { ... }` / `function () {...}`, or the expression. */
function callbackBody(arg: string): string {
  const arrow = arg.indexOf('=>');
  const fn = /^\s*(async\s+)?function\b/.test(arg);
  if (arrow < 0 && !fn) return '';
  const rest = fn ? arg.slice(arg.indexOf('{')) : arg.slice(arrow + 2).trimStart();
  if (rest.startsWith('{')) return rest.slice(1, matchClose(rest, 0) - 1);
  return rest;
}

function stringArray(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!t.startsWith('[') || !t.endsWith(']')) return undefined;
  const out: string[] = [];
  for (const part of t
    .slice(1, -1)
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const v = stringLiteral(part);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** Parses a script into a plan (see the rules at the top of this file). */
export function parseNodeScript(src: string): NodePlan {
  const plan: NodePlan = { bodies: [], consts: {}, server: false };
  for (const m of src.matchAll(
    /(?:^|\n)\s*(?:const|let|var)\s+(\w+)\s*=\s*([`'"][^\n]*?[`'"])\s*;?\s*(?=\n|$)/g,
  ))
    if (m[1] && m[2]) plan.consts[m[1]] = m[2];
  plan.server = /\.listen\s*\(|process\.stdin/.test(src);
  parseBody(plan, src);
  return plan;
}

function parseBody(plan: NodePlan, text: string): number {
  const index = plan.bodies.length;
  const stmts: Stmt[] = [];
  plan.bodies.push(stmts);
  const found: (Call & { name: string })[] = [];
  for (const name of CALLS) for (const c of findCalls(text, name)) found.push({ ...c, name });
  found.sort((a, b) => a.start - b.start);
  // Busy loops at this level.
  const busyAt = /(^|\n)[ \t]*(while\s*\(\s*(true|1)\s*\)|for\s*\(\s*;\s*;\s*\))/.exec(text);
  const busyPos = busyAt ? busyAt.index : -1;
  let coveredUntil = -1;
  let busyAdded = false;
  for (const c of found) {
    if (c.depth !== 0 || c.start < coveredUntil) continue;
    if (c.name === 'exec' && text.slice(Math.max(0, c.start - 1), c.start) === '.') continue;
    if (busyPos >= 0 && !busyAdded && c.start > busyPos) {
      stmts.push({ op: 'busy' });
      busyAdded = true;
    }
    coveredUntil = c.end;
    const stmt = toStmt(plan, c.name, c.args);
    if (stmt) stmts.push(stmt);
  }
  if (busyPos >= 0 && !busyAdded) stmts.push({ op: 'busy' });
  return index;
}

function toStmt(plan: NodePlan, name: string, args: string[]): Stmt | undefined {
  switch (name) {
    case 'console.log':
    case 'console.error':
      return { op: 'log', fd: name === 'console.log' ? 1 : 2, args };
    case 'process.exit':
      return { op: 'exit', code: Number(args[0] ?? 0) || 0 };
    case 'spawn':
    case 'execFile': {
      const cmd = stringLiteral(args[0] ?? '');
      if (cmd === undefined) return undefined;
      return { op: 'spawn', path: cmd, argv: [cmd, ...(stringArray(args[1]) ?? [])] };
    }
    case 'exec': {
      const line = stringLiteral(args[0] ?? '');
      if (line === undefined) return undefined;
      return { op: 'spawn', path: '/bin/sh', argv: ['/bin/sh', '-c', line] };
    }
    case 'setInterval':
    case 'setTimeout': {
      const ms = millis(args[1]) ?? 0;
      return {
        op: 'timer',
        ms,
        repeat: name === 'setInterval',
        body: parseBody(plan, callbackBody(args[0] ?? '')),
      };
    }
    case 'process.on':
    case 'process.once': {
      const sigName = stringLiteral(args[0] ?? '');
      const sig = sigName === undefined ? undefined : signalByName(sigName);
      if (sig === undefined || !sigName?.startsWith('SIG')) return undefined;
      return { op: 'on', sig, body: parseBody(plan, callbackBody(args[1] ?? '')) };
    }
    case '.kill': {
      const s = stringLiteral(args[0] ?? '');
      const sig = s === undefined ? (args[0] ? Number(args[0]) : SIGTERM) : signalByName(s);
      return sig === undefined || Number.isNaN(sig) ? undefined : { op: 'kill', sig };
    }
    default:
      return undefined;
  }
}

// ------------------------------------------------------------------ evaluation

function evalExpr(ctx: ProgramContext<NodeState>, expr: string, body: number, depth = 0): string {
  const e = expr.trim();
  const s = ctx.state;
  if (depth > 5) return e;
  const lit = stringLiteral(e);
  if (lit !== undefined) return lit;
  if (e.startsWith('`') && e.endsWith('`'))
    return e
      .slice(1, -1)
      .replace(/\$\{([^}]*)\}/g, (_, inner: string) => evalExpr(ctx, inner, body, depth + 1));
  if (e === 'process.pid') return String(ctx.getpid());
  if (e === 'process.ppid') return String(ctx.getppid());
  if (/^\w+\.pid$/.test(e)) {
    // The child of the enclosing body: the nearest earlier body that spawned one.
    for (let b = body; b >= 0; b--) {
      const pid = s.lastChild[String(b)];
      if (pid !== undefined) return String(pid);
    }
    return 'undefined';
  }
  if (/^\d+(\.\d+)?$/.test(e)) return e;
  const argv = /^process\.argv\[(\d+)\]$/.exec(e);
  if (argv) return ctx.argv[Number(argv[1])] ?? 'undefined';
  const c = s.plan.consts[e];
  if (c !== undefined) return evalExpr(ctx, c, body, depth + 1);
  return e;
}

function runBody(ctx: ProgramContext<NodeState>, body: number): boolean {
  const s = ctx.state;
  for (const st of s.plan.bodies[body] ?? []) {
    switch (st.op) {
      case 'log':
        ctx.write(st.fd, st.args.map((a) => evalExpr(ctx, a, body)).join(' ') + '\n');
        break;
      case 'exit':
        ctx.exit(st.code);
        return false;
      case 'spawn': {
        ctx.sigaction(SIGCHLD, 'handler'); // libuv's SIGCHLD watcher
        const pid = spawnChild(ctx, 'node', st.path, st.argv);
        if (typeof pid === 'number') {
          s.children.push(pid);
          s.lastChild[String(body)] = pid;
        } else {
          ctx.write(2, `node: spawn ${st.path} ${String(pid)}\n`);
        }
        break;
      }
      case 'kill': {
        // The child of the enclosing body: the nearest earlier body that spawned one.
        let pid: number | undefined;
        for (let b = body; b >= 0 && pid === undefined; b--) pid = s.lastChild[String(b)];
        if (pid !== undefined && s.children.includes(pid)) ctx.kill(pid, st.sig);
        break;
      }
      case 'timer':
        s.timers++;
        ctx.setTimer(st.ms * 1000, `${st.repeat ? 'interval' : 'timeout'}:${st.body}:${st.ms}`);
        break;
      case 'on':
        s.listeners[String(st.sig)] = st.body;
        if (st.sig !== SIGKILL && st.sig !== SIGSTOP) ctx.sigaction(st.sig, 'handler');
        break;
      case 'busy':
        s.busy = true;
        ctx.busy();
        return false;
    }
  }
  return true;
}

function maybeExit(ctx: ProgramContext<NodeState>): void {
  const s = ctx.state;
  if (s.busy || s.plan.server || s.timers > 0 || s.children.length > 0) return;
  ctx.exit(0);
}

function reapChildren(ctx: ProgramContext<NodeState>): void {
  const s = ctx.state;
  for (const pid of [...s.children]) {
    const r = ctx.wait(pid, WNOHANG);
    if (isErrno(r)) s.children = s.children.filter((p) => p !== pid);
    else if (!('blocked' in r) && r.pid === pid) s.children = s.children.filter((p) => p !== pid);
  }
}

function uuid(ctx: ProgramContext): string {
  const hex = (n: number): string =>
    Array.from({ length: n }, () => Math.floor(ctx.random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}

export const node: Program<NodeState | null> = {
  name: 'node',
  start(ctx) {
    if (isExecChild(ctx.state)) {
      runExecChild(ctx, ctx.state, 'node');
      return;
    }
    const c = ctx as ProgramContext<NodeState>;
    // PlatformInit: every signal back to SIG_DFL, SIGPIPE ignored; then node's own handlers.
    for (let sig = 1; sig <= 64; sig++)
      if (sig !== SIGKILL && sig !== SIGSTOP && sig !== 32 && sig !== 33)
        ctx.sigaction(sig, 'default');
    ctx.sigaction(SIGPIPE, 'ignore');
    ctx.sigaction(SIGINT, 'handler', SA_RESETHAND);
    ctx.sigaction(SIGTERM, 'handler', SA_RESETHAND);
    ctx.sigaction(SIGUSR1, 'handler');
    ctx.sigaction(SIGSEGV, 'handler');
    ctx.sigaction(33, 'handler');
    ctx.spawnThreads(6);

    const args = ctx.argv.slice(1);
    let src: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] ?? '';
      if (a === '-e' || a === '--eval' || a === '-p' || a === '--print') {
        src = args[i + 1] ?? '';
        break;
      }
      if (a === '-v' || a === '--version') {
        ctx.write(1, `${NODE_VERSION}\n`);
        ctx.exit(0);
        return;
      }
      if (a.startsWith('-')) continue;
      src = readSource(ctx, a);
      if (src === undefined) {
        const full = ctx.fs.resolve(a);
        ctx.write(
          2,
          `node:internal/modules/cjs/loader:1228\n  throw err;\n  ^\n\nError: Cannot find module '${full}'\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)\n    at node:internal/main/run_main_module:28:49 {\n  code: 'MODULE_NOT_FOUND',\n  requireStack: []\n}\n\nNode.js ${NODE_VERSION}\n`,
        );
        ctx.exit(1);
        return;
      }
      break;
    }
    const plan =
      src === undefined ? { bodies: [[]], consts: {}, server: true } : parseNodeScript(src);
    c.state = {
      role: 'node',
      plan,
      listeners: {},
      children: [],
      lastChild: {},
      timers: 0,
      busy: false,
      inspector: false,
    };
    if (runBody(c, 0)) maybeExit(c);
  },
  onSignal(ctx, info: SigInfo) {
    const c = ctx as ProgramContext<NodeState>;
    const s = c.state;
    if (!s || s.role !== 'node') return;
    const listener = s.listeners[String(info.sig)];
    if (info.sig === SIGCHLD) {
      reapChildren(c);
      if (!s.busy) maybeExit(c);
      return;
    }
    if (listener !== undefined) {
      // JS listeners run on the event loop, which a busy loop never gives back.
      if (!s.busy) runBody(c, listener);
      return;
    }
    if (info.sig === SIGINT || info.sig === SIGTERM) {
      // SignalExit: restore the terminal, raise(sig). SA_RESETHAND made it SIG_DFL already.
      ctx.kill(ctx.getpid(), info.sig);
      return;
    }
    if (info.sig === SIGUSR1 && !s.inspector) {
      s.inspector = true;
      ctx.write(
        2,
        `Debugger listening on ws://127.0.0.1:9229/${uuid(ctx)}\nFor help, see: https://nodejs.org/en/docs/inspector\n`,
      );
    }
  },
  onTimer(ctx, tag) {
    const c = ctx as ProgramContext<NodeState>;
    const s = c.state;
    if (!s || s.role !== 'node') return;
    const [kind, body, ms] = tag.split(':');
    s.timers--;
    if (kind === 'interval') {
      s.timers++;
      ctx.setTimer(Number(ms) * 1000, tag);
    }
    if (runBody(c, Number(body))) maybeExit(c);
  },
};
