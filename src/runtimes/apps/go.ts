/**
 * Go 1.19 programs: a compiled Go binary ("go-app") and the `go` command itself ("go"), with
 * the Go runtime's signal handling (runtime/signal_unix.go, sigtab_linux_generic.go):
 *
 * - At start the runtime installs its handler for every signal except SIGKILL, SIGSTOP, the
 *   _SigDefault ones (SIGTSTP, SIGTTIN, SIGTTOU, SIGCONT) and glibc's 32/33: 56 in SigCgt.
 *   A SIGHUP/SIGINT that was SIG_IGN at start stays ignored.
 * - Not Notify'd: SIGHUP, SIGINT, SIGTERM → dieFromSignal: SIG_DFL, unblock, kill(getpid()),
 *   a moment later exit(2) if still alive. Not PID 1 the process dies of the signal (129/130/
 *   143); as a namespace init the raise is dropped and it exits 2. SIGQUIT → goroutine dump on
 *   stderr, exit 2. Every other signal (USR1, USR2, PIPE, ALRM, WINCH, URG, CHLD...) → ignored.
 * - A Go program has ~5 threads (4 extra).
 *
 * What a Go program does comes from its main.go, read line by line in func main (recognised
 * statements; conditionals are not evaluated):
 *   fmt.Printf/Println/Print, log.Println  → output (%d of os.Getpid()/os.Getppid(), %v of the
 *                                            received signal `s`)
 *   signal.Notify(c, SIG...)              → those signals go to the program (os.Interrupt = INT)
 *   time.Sleep(N * time.Second)           → sleeps
 *   `<-c` / `s := <-c` / `case s := <-c:` → waits for a Notify'd signal;
 *   `case <-time.After(D):`               → ...or for D, then runs the statements of that case
 *   os.Exit(N)                            → exits N; the end of main exits 0.
 * Which main.go: compiled binaries are listed in GO_BINARY_SOURCES; a binary built by `go run`
 * finds its source through its build directory (see gorun in this file).
 */
import {
  SIGCHLD,
  SIGCONT,
  SIGHUP,
  SIGINT,
  SIGKILL,
  SIGQUIT,
  SIGSTOP,
  SIGTERM,
  SIGTSTP,
  SIGTTIN,
  SIGTTOU,
  WNOHANG,
  isErrno,
  sigBit,
} from '../../kernel-sim/index.ts';
import type { Program, ProgramContext, SigInfo } from '../../kernel-sim/index.ts';
import {
  goSignalString,
  goWaitString,
  isExecChild,
  readSource,
  runExecChild,
  spawnChild,
} from './common.ts';

export const GO_VERSION = 'go1.19.8';

/** Compiled Go binaries installed in the lab, and the source each was built from. */
export const GO_BINARY_SOURCES: Readonly<Record<string, string>> = {
  '/app/app': '/app/main.go',
  '/app/plain/plain': '/app/plain/main.go',
};

/** Where the binaries `go run` builds are "linked" to (a kernel model cannot create executables yet). */
export const GO_RUN_EXE = '/usr/local/go/pkg/tool/linux_amd64/exe/main';

type GoOp =
  | { op: 'print'; fmt: string; args: string[]; newline: boolean; fd: 1 | 2 }
  | { op: 'sleep'; us: number }
  | { op: 'recv'; timeoutUs: number | null; timeoutPc: number }
  | { op: 'exit'; code: number }
  | { op: 'jump'; pc: number };

export interface GoPlan {
  ops: GoOp[];
  notify: number[];
}

interface GoAppState {
  role: 'go-app';
  plan: GoPlan;
  pc: number;
  waiting: 'sleep' | 'recv' | null;
  timer: number;
  pendingSignal: number;
  received: number;
  dying: number;
}

const SIG_CONSTS: Record<string, number> = {
  'syscall.SIGTERM': SIGTERM,
  'syscall.SIGINT': SIGINT,
  'syscall.SIGHUP': SIGHUP,
  'syscall.SIGQUIT': SIGQUIT,
  'syscall.SIGUSR1': 10,
  'syscall.SIGUSR2': 12,
  'os.Interrupt': SIGINT,
  'unix.SIGTERM': SIGTERM,
  'unix.SIGINT': SIGINT,
};

function duration(text: string): number {
  const t = text.replace(/\s+/g, '');
  const m = /^(?:(\d+(?:\.\d+)?)\*)?time\.(Second|Millisecond|Minute|Hour|Microsecond)$/.exec(t);
  if (!m) return 1_000_000;
  const unit = { Second: 1e6, Millisecond: 1e3, Minute: 60e6, Hour: 3600e6, Microsecond: 1 }[
    m[2] as 'Second'
  ];
  return Math.round(Number(m[1] ?? 1) * unit);
}

function goArgs(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '"' && text[i - 1] !== '\\') q = !q;
    if (ch === ',' && !q) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

/** Reads func main of a Go source into straight-line operations (rules at the top). */
export function parseGoMain(src: string): GoPlan {
  const ops: GoOp[] = [];
  const notify: number[] = [];
  const start = src.search(/func\s+main\s*\(\s*\)\s*\{/);
  const lines = (start >= 0 ? src.slice(start) : '').split('\n').slice(1);
  let depth = 1;
  const selectStack: { depth: number; recv: number; jumps: number[] }[] = [];
  for (const raw of lines) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    const opens = (line.match(/\{/g) ?? []).length;
    const closes = (line.match(/\}/g) ?? []).length;
    const print = /^(fmt|log)\.(Printf|Println|Print)\((.*)\)\s*$/.exec(line);
    if (print) {
      const [first, ...rest] = goArgs(print[3] ?? '');
      const isf = print[2] === 'Printf';
      ops.push({
        op: 'print',
        fmt: isf ? (first ?? '""') : '',
        args: isf ? rest : [first ?? '', ...rest].filter((a) => a !== ''),
        newline: print[2] === 'Println',
        fd: print[1] === 'log' ? 2 : 1,
      });
    } else if (/signal\.Notify\(/.test(line)) {
      for (const [name, sig] of Object.entries(SIG_CONSTS))
        if (line.includes(name) && !notify.includes(sig)) notify.push(sig);
      if (/signal\.Notify\(\s*\w+\s*\)/.test(line)) notify.push(SIGHUP, SIGINT, SIGQUIT, SIGTERM);
    } else if (/^time\.Sleep\(/.test(line)) {
      ops.push({ op: 'sleep', us: duration(line.slice(11, line.lastIndexOf(')'))) });
    } else if (/^select\s*\{/.test(line)) {
      selectStack.push({ depth, recv: -1, jumps: [] });
    } else if (/^case\s+(\w+\s*:?=\s*)?<-\s*time\.After\(/.test(line)) {
      const sel = selectStack.at(-1);
      const d = /time\.After\((.*)\)\s*:/.exec(line)?.[1] ?? '';
      if (sel && sel.recv >= 0) {
        const recv = ops[sel.recv];
        ops.push({ op: 'jump', pc: -1 });
        sel.jumps.push(ops.length - 1);
        if (recv?.op === 'recv') {
          recv.timeoutUs = duration(d);
          recv.timeoutPc = ops.length;
        }
      }
    } else if (
      /^case\s+(\w+\s*:?=\s*)?<-\s*\w+\s*:/.test(line) ||
      /(^|=\s*)<-\s*\w+\s*$/.test(line)
    ) {
      ops.push({ op: 'recv', timeoutUs: null, timeoutPc: -1 });
      const sel = selectStack.at(-1);
      if (sel && /^case/.test(line)) sel.recv = ops.length - 1;
    } else if (/^os\.Exit\(/.test(line)) {
      ops.push({ op: 'exit', code: Number(/os\.Exit\((\d+)\)/.exec(line)?.[1] ?? 0) });
    }
    depth += opens - closes;
    const sel = selectStack.at(-1);
    if (sel && depth <= sel.depth) {
      selectStack.pop();
      for (const j of sel.jumps) ops[j] = { op: 'jump', pc: ops.length };
    }
    if (depth <= 0) break;
  }
  ops.push({ op: 'exit', code: 0 });
  return { ops, notify };
}

function goFormat(ctx: ProgramContext, op: GoOp & { op: 'print' }, received: number): string {
  const value = (a: string): string => {
    if (a === 'os.Getpid()') return String(ctx.getpid());
    if (a === 'os.Getppid()') return String(ctx.getppid());
    if (/^".*"$/.test(a)) return a.slice(1, -1).replace(/\\n/g, '\n');
    if (/^\w+$/.test(a) && received) return goSignalString(received);
    return a;
  };
  if (op.fmt !== '') {
    let i = 0;
    const text = value(op.fmt).replace(/%[dvsq]/g, () => value(op.args[i++] ?? ''));
    return op.fd === 2 ? `${logStamp()}${text}${text.endsWith('\n') ? '' : '\n'}` : text;
  }
  const text = op.args.map(value).join(op.newline ? ' ' : '');
  return `${op.fd === 2 ? logStamp() : ''}${text}${op.newline || op.fd === 2 ? '\n' : ''}`;
}

/** log's date prefix (virtual time is not a date; the lab's clock starts at 2026/01/01). */
const logStamp = (): string => '';

/** The Go runtime's initsig: a handler for 56 signals; SIG_IGN'd HUP/INT stay ignored. */
export function goInitSignals(ctx: ProgramContext): void {
  const ignored = ignoredAtStart(ctx);
  for (let sig = 1; sig <= 64; sig++) {
    if ([SIGKILL, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGCONT, 32, 33].includes(sig)) continue;
    if ((sig === SIGHUP || sig === SIGINT) && (ignored & sigBit(sig)) !== 0n) continue;
    ctx.sigaction(sig, 'handler');
  }
}

function ignoredAtStart(ctx: ProgramContext): bigint {
  const st = ctx.fs.readFile('/proc/self/status');
  if (isErrno(st)) return 0n;
  const m = /SigIgn:\s*([0-9a-f]+)/.exec(st);
  return m ? BigInt(`0x${m[1]}`) : 0n;
}

/** dieFromSignal, first half: default action, raise; `go-die` timer does the exit(2). */
function dieFromSignal(ctx: ProgramContext, sig: number): void {
  ctx.sigaction(sig, 'default');
  ctx.sigprocmask('unblock', sigBit(sig));
  ctx.kill(ctx.getpid(), sig);
  ctx.setTimer(1000, 'go-die');
}

function goroutineDump(ctx: ProgramContext, what: string): void {
  ctx.write(
    2,
    `SIGQUIT: quit\nPC=0x46a381 m=0 sigcode=0\n\ngoroutine 1 [${what}]:\nmain.main()\n\t/app/main.go:+0x8b\n\ngoroutine 0 [idle]:\nruntime.futex()\n\t/usr/local/go/src/runtime/sys_linux_amd64.s:560 +0x21\nexit status 2\n`.replace(
      /exit status 2\n$/,
      '',
    ),
  );
  ctx.exit(2);
}

/** The source of the Go program this process runs (compiled binary or `go run` build). */
function goSource(ctx: ProgramContext): string | undefined {
  const argv0 = ctx.argv[0] ?? '';
  const build = /^(\/tmp\/go-build\d+)\//.exec(argv0);
  if (build?.[1]) return readSource(ctx, build[1]);
  for (const [bin, src] of Object.entries(GO_BINARY_SOURCES))
    if (ctx.fs.resolve(argv0) === bin || argv0 === bin.split('/').pop())
      return readSource(ctx, src);
  return undefined;
}

function step(ctx: ProgramContext<GoAppState>): void {
  const s = ctx.state;
  for (;;) {
    const op = s.plan.ops[s.pc];
    if (!op) {
      ctx.exit(0);
      return;
    }
    s.pc++;
    switch (op.op) {
      case 'print':
        ctx.write(op.fd, goFormat(ctx, op, s.received));
        break;
      case 'exit':
        ctx.exit(op.code);
        return;
      case 'jump':
        s.pc = op.pc;
        break;
      case 'sleep':
        s.waiting = 'sleep';
        s.timer = ctx.setTimer(op.us, 'go-wake');
        return;
      case 'recv':
        if (s.pendingSignal) {
          s.received = s.pendingSignal;
          s.pendingSignal = 0;
          break;
        }
        s.waiting = 'recv';
        if (op.timeoutUs !== null)
          s.timer = ctx.setTimer(op.timeoutUs, `go-timeout:${op.timeoutPc}`);
        return;
    }
  }
}

export const goApp: Program<GoAppState | null> = {
  name: 'go-app',
  start(ctx) {
    if (isExecChild(ctx.state)) {
      runExecChild(ctx, ctx.state, 'fork/exec');
      return;
    }
    goInitSignals(ctx);
    ctx.spawnThreads(4);
    const src = goSource(ctx);
    const plan =
      src === undefined
        ? { ops: [{ op: 'recv' as const, timeoutUs: null, timeoutPc: -1 }], notify: [] }
        : parseGoMain(src);
    ctx.state = {
      role: 'go-app',
      plan,
      pc: 0,
      waiting: null,
      timer: 0,
      pendingSignal: 0,
      received: 0,
      dying: 0,
    };
    step(ctx as ProgramContext<GoAppState>);
  },
  onSignal(ctx, info: SigInfo) {
    const c = ctx as ProgramContext<GoAppState>;
    const s = c.state;
    if (!s || s.role !== 'go-app') return;
    if (s.plan.notify.includes(info.sig)) {
      if (s.waiting === 'recv') {
        s.waiting = null;
        ctx.clearTimer(s.timer);
        s.received = info.sig;
        step(c);
      } else if (!s.pendingSignal) s.pendingSignal = info.sig;
      return;
    }
    if (info.sig === SIGHUP || info.sig === SIGINT || info.sig === SIGTERM) {
      s.dying = info.sig;
      dieFromSignal(ctx, info.sig);
    } else if (info.sig === SIGQUIT)
      goroutineDump(ctx, s.waiting === 'sleep' ? 'sleep' : 'chan receive');
    // everything else: the runtime ignores it (SIGCHLD, SIGURG, SIGUSR1, SIGPIPE...)
  },
  onTimer(ctx, tag) {
    const c = ctx as ProgramContext<GoAppState>;
    const s = c.state;
    if (!s || s.role !== 'go-app') return;
    if (tag === 'go-die') {
      ctx.exit(2);
      return;
    }
    if (tag === 'go-wake' && s.waiting === 'sleep') {
      s.waiting = null;
      step(c);
    } else if (tag.startsWith('go-timeout:') && s.waiting === 'recv') {
      s.waiting = null;
      s.pc = Number(tag.slice(11));
      step(c);
    }
  },
};

// ------------------------------------------------------------------ the go command

/**
 * Threads and build steps of `go run`, chosen so that in a fresh namespace (go = PID 1) the
 * program gets PID 38 as on the reference machine: the go command's 11 extra threads (2-12),
 * `compile` (13, threads 14-27) and `link` (28, threads 29-37), then the program: 38.
 */
export const GO_TOOL_THREADS = 11;
export const GO_BUILD_STEPS: readonly {
  readonly tool: string;
  readonly threads: number;
  readonly ms: number;
}[] = [
  { tool: 'compile', threads: 14, ms: 300 },
  { tool: 'link', threads: 9, ms: 200 },
];
export const GO_TOOL_DIR = '/usr/local/go/pkg/tool/linux_amd64';

interface GoToolState {
  role: 'go';
  phase: 'build' | 'run' | 'done';
  step: number;
  child: number;
  source: string;
  buildDir: string;
  args: string[];
}

function goUsage(ctx: ProgramContext): void {
  ctx.write(
    2,
    'Go is a tool for managing Go source code.\n\nUsage:\n\n\tgo <command> [arguments]\n\nThe commands are:\n\n\tbuild       compile packages and dependencies\n\trun         compile and run Go program\n\tversion     print Go version\n\n',
  );
}

function nextBuildStep(ctx: ProgramContext<GoToolState>): void {
  const s = ctx.state;
  const stepDef = GO_BUILD_STEPS[s.step];
  if (stepDef) {
    const tool = `${GO_TOOL_DIR}/${stepDef.tool}`;
    const argv =
      stepDef.tool === 'compile'
        ? [tool, '-o', `${s.buildDir}/b001/_pkg_.a`, '-p', 'main', '-complete', ...s.args]
        : [tool, '-o', `${s.buildDir}/b001/exe/a.out`, `${s.buildDir}/b001/_pkg_.a`];
    const pid = spawnChild(ctx, 'go', tool, argv);
    if (typeof pid !== 'number') {
      ctx.write(2, `go: ${String(pid)}\n`);
      ctx.exit(1);
      return;
    }
    s.child = pid;
    return;
  }
  // The "binary": the build directory holds what the program is (its source).
  const fd = ctx.open(s.buildDir, 'w');
  if (typeof fd === 'number') {
    ctx.write(fd, s.source);
    ctx.close(fd);
  }
  s.phase = 'run';
  const pid = spawnChild(ctx, 'go', GO_RUN_EXE, [`${s.buildDir}/b001/exe/main`], true);
  if (typeof pid !== 'number') {
    ctx.write(2, `fork/exec ${s.buildDir}/b001/exe/main: ${String(pid)}\n`);
    ctx.exit(1);
    return;
  }
  s.child = pid;
}

/** A toolchain program (compile, link): a Go program that works a while, then exits 0. */
interface ToolState {
  role: 'tool';
}

export const goTool: Program<GoToolState | ToolState | null> = {
  name: 'go',
  start(ctx) {
    if (isExecChild(ctx.state)) {
      // os/exec child side: Go's forkExec resets handled signals on exec anyway.
      runExecChild(ctx, ctx.state, 'fork/exec');
      return;
    }
    goInitSignals(ctx);
    const cmd = (ctx.argv[0] ?? '').split('/').pop() ?? '';
    if (cmd === 'compile' || cmd === 'link') {
      ctx.state = { role: 'tool' };
      ctx.spawnThreads(GO_BUILD_STEPS.find((st) => st.tool === cmd)?.threads ?? 4);
      ctx.setTimer((GO_BUILD_STEPS.find((st) => st.tool === cmd)?.ms ?? 100) * 1000, 'tool-done');
      return;
    }
    const sub = ctx.argv[1];
    if (sub === 'version') {
      ctx.write(1, `go version ${GO_VERSION} linux/amd64\n`);
      ctx.exit(0);
      return;
    }
    if (sub !== 'run') {
      if (sub === undefined) goUsage(ctx);
      else ctx.write(2, `go ${sub}: not modelled in this lab (try go run or go version)\n`);
      ctx.exit(2);
      return;
    }
    const files = ctx.argv.slice(2).filter((a) => !a.startsWith('-'));
    const target = files[0] ?? '.';
    const path = target.endsWith('.go') ? target : `${target.replace(/\/$/, '')}/main.go`;
    const source = readSource(ctx, path);
    if (source === undefined) {
      ctx.write(
        2,
        target.endsWith('.go')
          ? `stat ${target}: no such file or directory\n`
          : `no Go files in ${ctx.fs.resolve(target)}\n`,
      );
      ctx.exit(1);
      return;
    }
    // base.StartSigHandlers: Notify for SIGINT and SIGQUIT only (they just close a channel).
    ctx.spawnThreads(GO_TOOL_THREADS);
    const n = 1_000_000_000 + Math.floor(ctx.random() * 3_000_000_000);
    ctx.state = {
      role: 'go',
      phase: 'build',
      step: 0,
      child: 0,
      source,
      buildDir: `/tmp/go-build${n}`,
      args: files,
    };
    nextBuildStep(ctx as ProgramContext<GoToolState>);
  },
  onSignal(ctx, info: SigInfo) {
    const s = ctx.state;
    if (!s) return;
    if (info.sig === SIGCHLD && s.role === 'go') {
      const c = ctx as ProgramContext<GoToolState>;
      const r = ctx.wait(s.child, WNOHANG);
      if (isErrno(r) || 'blocked' in r || r.pid !== s.child) return;
      if (s.phase === 'build') {
        s.step++;
        nextBuildStep(c);
        return;
      }
      s.phase = 'done';
      if (r.status !== 0) {
        ctx.write(2, `${goWaitString(r.status)}\n`);
        ctx.exit(1);
      } else ctx.exit(0);
      return;
    }
    if (s.role === 'go' && (info.sig === SIGINT || info.sig === SIGQUIT)) return; // swallowed
    if (info.sig === SIGHUP || info.sig === SIGINT || info.sig === SIGTERM)
      dieFromSignal(ctx, info.sig);
    else if (info.sig === SIGQUIT) goroutineDump(ctx, 'semacquire');
  },
  onTimer(ctx, tag) {
    if (tag === 'go-die' || tag === 'tool-done') ctx.exit(tag === 'go-die' ? 2 : 0);
  },
};
