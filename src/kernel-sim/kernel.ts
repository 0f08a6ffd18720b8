/**
 * The machine: boots a host (root PID namespace, its init), runs the event queue in virtual
 * time, runs program models in their tasks, and gives the rest of the lab its API: acting as a
 * task (sys), views, the trace, snapshots. Deterministic: no wall clock, no Math.random; ties
 * in time are broken by a sequence number.
 */
import { Core } from './core.ts';
import type { TraceListener, TtyOutputListener } from './core.ts';
import type { CgroupId, Errno, Micros, NsId, TaskId } from './types.ts';
import {
  ERRNO_TEXT,
  InvariantViolation,
  PID_MAX_DEFAULT,
  PID_MAX_LIMIT,
  PID_MAX_MIN,
  asCgroupId,
  asNsId,
  asTaskId,
} from './types.ts';
import type { KernelState, PidNamespace, QueueItem, SigInfo, Task, TaskRef, Tty } from './state.ts';
import {
  DEFAULT_SIGHAND,
  DISP_DEFAULT,
  DISP_HANDLER,
  DISP_IGNORE,
  NO_TASK,
  ROOT_CRED,
  TF_BUSY,
  TF_DID_EXEC,
  TF_GROUP_EXIT,
  TF_HAS_SUBREAPER,
  TF_REPORT_CONTINUED,
  TF_SUBREAPER,
  TF_UNKILLABLE,
  appendTo,
  extraOf,
  NO_EXTRA,
  isDefaultExtra,
  NONE,
  withInherited,
} from './state.ts';
import type { TraceEvent } from './trace.ts';
import type {
  Blocked,
  FileSystemView,
  ForkSpec,
  Program,
  ProgramContext,
  WaitResult,
  WakeEvent,
} from './programs/abi.ts';
import { BLOCKED } from './programs/abi.ts';
import { BUILTIN_BINARIES, BUILTIN_PROGRAMS } from './programs/builtin.ts';
import { lowestSignal } from './signals.ts';
import type { SigSet } from './signals.ts';
import {
  allocPid,
  compactPidTable,
  findTaskByPid,
  getPid,
  newPidTable,
  pidNrNs,
  rebuildPidTables,
  taskPidNr,
} from './pidns.ts';
import { chargePids, createCgroup, moveToCgroup } from './cgroup.ts';
import {
  copyProcess,
  execve,
  setChildSubreaper,
  setPdeathsig,
  setnsPid,
  spawnThreads,
  unsharePid,
} from './fork.ts';
import { doExit, finishZap } from './exit.ts';
import { migrateChildSets } from './children.ts';
import { doWait, exitedStatus } from './wait.ts';
import { dequeueSignal, doSigaction, doSigprocmask, getSignal, killSomething } from './signal.ts';
import type { DeliveryHooks } from './signal.ts';
import { joinGroup, setpgid, setsid } from './sessions.ts';
import { createProcView, processTable } from './views.ts';
import {
  DEFAULT_PATH,
  addFile,
  chmodPath,
  defaultTree,
  mkdirPath,
  rmdirPath,
  unlinkPath,
  normalizePath,
  readPath,
  readdirPath,
  statPath,
  whichPath,
} from './fs.ts';
import {
  closeFd,
  doDup2,
  doOpen,
  doPipe,
  doRead,
  doWrite,
  fileOf,
  forgetPipeWaiter,
  installFd,
  newFile,
} from './files.ts';
import {
  createTty,
  dropControllingTty,
  forgetTtyWaiter,
  mustTty,
  resizeTty,
  setControllingTty,
  tcgetpgrp,
  tcsetpgrp,
  ttyInput,
} from './tty.ts';
import type { ProcView, ProcessRow } from './views.ts';
import { checkInvariants } from './invariants.ts';

export interface KernelOptions {
  /** The host's kernel.pid_max (default 32768, as on the reference machine). */
  readonly pidMax?: number;
  readonly hostname?: string;
  /** Seed of the deterministic random generator programs may use. */
  readonly seed?: number;
  /** Record the trace (default true). */
  readonly trace?: boolean;
  /** Program models besides the builtin ones. */
  readonly programs?: readonly Program<never>[];
  /** Executable paths and the program each runs, besides the builtin ones. */
  readonly binaries?: Readonly<Record<string, string>>;
  /** Extra files: path -> text (mode 0644), or { content, mode } (e.g. 0o755 for a script). */
  readonly files?: Readonly<
    Record<string, string | { readonly content: string; readonly mode: number }>
  >;
}

/** A saved machine: restore it to continue from exactly that point. */
export interface KernelSnapshot {
  readonly version: 1;
  readonly state: KernelState;
  readonly trace: readonly TraceEvent[];
}

export class Kernel {
  private readonly k: Core;
  private readonly hooks: DeliveryHooks;

  private constructor(
    state: KernelState,
    private readonly options: KernelOptions,
    trace: readonly TraceEvent[],
  ) {
    const programs = new Map<string, Program>();
    for (const p of [...BUILTIN_PROGRAMS, execHelper, ...(options.programs ?? [])])
      programs.set(p.name, p as Program);
    this.k = new Core(state, programs, options.trace ?? true);
    // One by one: spreading a long trace into a push overflows the call stack (~120k events).
    for (const e of trace) this.k.trace.pushObject(e);
    migrateTaskRecords(state.tasks);
    migrateChildSets(state.tasks);
    // Packed anew (and read from the older array-of-records form of snapshots saved before
    // the table was columns).
    state.pids = compactPidTable(this.k, state.pids);
    rebuildPidTables(this.k);
    for (const t of this.k.tasks()) joinGroup(this.k, t);
    this.hooks = {
      runHandler: (t, info) =>
        this.runStep(t, true, (p, ctx) => {
          if (!p.onSignal) missingHook(p, 'onSignal');
          p.onSignal(ctx, info);
        }),
      interrupt: (t) => this.interrupt(t),
    };
  }

  /** Boots a host: the root PID namespace and its init (PID 1, /sbin/init). */
  static create(options: KernelOptions = {}): Kernel {
    const pidMax = options.pidMax ?? PID_MAX_DEFAULT;
    if (!Number.isInteger(pidMax) || pidMax < PID_MAX_MIN || pidMax > PID_MAX_LIMIT)
      throw new RangeError(`pidMax must be an integer from ${PID_MAX_MIN} to ${PID_MAX_LIMIT}`);
    const rootNs = asNsId(1);
    const rootCg = asCgroupId(1);
    const state: KernelState = {
      now: 0,
      seq: 0,
      nextTaskId: 1,
      nextNsId: 2,
      nextCgroupId: 1,
      nextTimerId: 1,
      rootNs,
      rootCgroup: rootCg,
      hostInit: NO_TASK,
      tasks: [],
      pids: newPidTable(),
      namespaces: new Map([
        [
          rootNs,
          {
            id: rootNs,
            level: 0,
            parent: 0,
            chain: [rootNs],
            childReaper: NO_TASK,
            adding: true,
            pidMax,
            cursor: 0,
            allocated: 0,
            name: 'host',
          },
        ],
      ]),
      cgroups: new Map(),
      queue: [],
      panicked: false,
      rng: (options.seed ?? 0x9e3779b9) >>> 0 || 1,
      hostname: options.hostname ?? 'host',
      files: new Map(),
      pipes: new Map(),
      ttys: new Map(),
      fs: defaultTree(options.hostname ?? 'host'),
      nextFileId: 1,
      nextPipeId: 1,
      nextTtyId: 1,
    };
    const binaries: Record<string, string> = { ...BUILTIN_BINARIES, ...(options.binaries ?? {}) };
    for (const [path, program] of Object.entries(binaries))
      addFile(state.fs, path, { type: 'exec', program, mode: 0o755 });
    for (const [path, f] of Object.entries(options.files ?? {}))
      addFile(
        state.fs,
        path,
        typeof f === 'string'
          ? { type: 'file', content: f, mode: 0o644 }
          : { type: 'file', content: f.content, mode: f.mode },
      );
    const kernel = new Kernel(state, options, []);
    kernel.bootInit();
    return kernel;
  }

  /** Continues a saved machine. Program models and binaries must be given again (they are code). */
  static restore(snapshot: KernelSnapshot, options: KernelOptions = {}): Kernel {
    if (snapshot.version !== 1)
      throw new RangeError(`unknown snapshot version ${String(snapshot.version)}`);
    return new Kernel(structuredClone(snapshot.state), options, snapshot.trace);
  }

  /** Creates the host's init by hand: there is no parent to fork it (Linux: rest_init). */
  private bootInit(): void {
    const k = this.k;
    const root = k.ns(k.state.rootNs);
    createCgroup(k, 0, '/');
    const id = asTaskId(k.state.nextTaskId++);
    const alloc = allocPid(k, root.id, id, NO_TASK);
    if (typeof alloc !== 'number' || !chargePids(k, k.state.rootCgroup, 1))
      throw new InvariantViolation('cannot boot');
    const init: Task = {
      id,
      ns: root.id,
      parent: NO_TASK,
      firstChild: NO_TASK,
      lastChild: NO_TASK,
      prevSibling: NO_TASK,
      nextSibling: NO_TASK,
      pgrp: id,
      session: id,
      comm: 'init',
      cred: ROOT_CRED,
      image: {
        exe: '/sbin/init',
        argv: ['/sbin/init'],
        env: { PATH: DEFAULT_PATH, HOME: '/root', TERM: 'linux' },
      },
      runState: 'sleeping',
      exiting: false,
      exitStatus: 0,
      exitSignal: 0,
      sighand: DEFAULT_SIGHAND,
      blocked: 0n,
      pending: 0n,
      flags: TF_UNKILLABLE | TF_DID_EXEC,
      extra: NO_EXTRA,
      inherited: {
        nsForChildren: root.id,
        procNs: root.id,
        cwd: '/',
        ctty: 0,
        cgroup: k.state.rootCgroup,
      },
      program: 'init',
      pstate: null,
      block: null,
      wakeToken: 0,
      startTime: 0,
      fds: [],
    };
    // As its own process group and session.
    getPid(k, id);
    getPid(k, id);
    k.state.tasks[id] = init;
    k.state.hostInit = id;
    root.childReaper = id;
    joinGroup(k, init);
    if (k.tracing)
      k.emit({
        seq: 0,
        t: 0,
        type: 'boot',
        task: k.ref(init),
        ns: root.id,
        rule: 'alloc_pid/init',
      });
    k.schedule('start', id, 0, 0);
    this.settle();
  }

  // ------------------------------------------------------------------ public state

  get now(): Micros {
    return this.k.state.now;
  }
  get hostInit(): TaskId {
    return this.k.state.hostInit;
  }
  get rootNs(): NsId {
    return this.k.state.rootNs;
  }
  get rootCgroup(): CgroupId {
    return this.k.state.rootCgroup;
  }
  get panicked(): boolean {
    return this.k.state.panicked;
  }
  get hostname(): string {
    return this.k.state.hostname;
  }
  /**
   * Every event so far, in order: a read-only array (index, length, iteration, slice, filter,
   * ...). Events are built from the trace's columns when first read, then kept, so the same
   * position always gives the same object (tracelog.ts).
   */
  get trace(): readonly TraceEvent[] {
    return this.k.trace.view();
  }
  get tracing(): boolean {
    return this.k.tracing;
  }
  set tracing(on: boolean) {
    this.k.tracing = on;
  }
  /** The program models this kernel can run, by name. */
  get programNames(): string[] {
    return [...this.k.programs.keys()];
  }

  onTrace(listener: TraceListener): () => void {
    this.k.listeners.add(listener);
    return () => this.k.listeners.delete(listener);
  }

  /** Everything that appears on terminal screens (program output and the echo of typing). */
  onTtyOutput(listener: TtyOutputListener): () => void {
    this.k.ttyListeners.add(listener);
    return () => this.k.ttyListeners.delete(listener);
  }

  // ------------------------------------------------------------------ terminals

  /** A new pseudo-terminal (/dev/pts/N); returns its id. */
  createTty(cols = 100, rows = 30): number {
    return createTty(this.k, cols, rows).id;
  }

  /**
   * The terminal window changed size (TIOCSWINSZ from the terminal emulator): the foreground
   * process group gets SIGWINCH so full-screen programs can redraw.
   */
  resizeTty(tty: number, cols: number, rows: number): void {
    resizeTty(this.k, mustTty(this.k, tty), cols, rows);
  }

  /** Keystrokes typed on the terminal (Ctrl-C is "\x03", Enter "\r"). */
  ttyInput(tty: number, data: string): void {
    ttyInput(this.k, mustTty(this.k, tty), data);
  }

  /** The terminal's settings and who uses it (for drivers such as `pidlab run`). */
  ttyInfo(tty: number): {
    name: string;
    canonical: boolean;
    echo: boolean;
    fgPgrp: number;
    session: number;
    readers: TaskId[];
  } {
    const t = mustTty(this.k, tty);
    const readers = t.waiters.filter((id) => this.k.task(id)?.block?.kind === 'read');
    return {
      name: t.name,
      canonical: t.canonical,
      echo: t.echo,
      fgPgrp: pidNrNs(this.k, t.fgPgrp, this.rootNs),
      session: pidNrNs(this.k, t.session, this.rootNs),
      readers,
    };
  }

  /** The task blocked reading the terminal, if any (a shell waiting at its prompt). */
  ttyReader(tty: number): TaskId | undefined {
    return this.ttyInfo(tty).readers[0];
  }

  /**
   * What a terminal login does: a child of the host's init that starts a new session, takes the
   * terminal as its controlling terminal (fds 0, 1, 2 on it, in the foreground) and execs `path`.
   */
  login(
    tty: number,
    path: string,
    argv: readonly string[] = [path],
    env?: Readonly<Record<string, string>>,
  ): TaskId {
    const init = this.k.mustTask(this.hostInit);
    const t = mustTty(this.k, tty);
    const child = copyProcess(this.k, init, EXEC_HELPER, { path, argv });
    if (typeof child === 'string') throw new RangeError(`login: fork failed: ${child}`);
    child.sighand = DEFAULT_SIGHAND;
    setsid(this.k, child);
    const file = newFile(this.k, { kind: 'tty', mode: 'rw', tty: t.id });
    for (const fd of [0, 1, 2]) installFd(this.k, child, fd, file);
    setControllingTty(this.k, child, t);
    withInherited(child, { cwd: '/root' });
    child.image = {
      ...child.image,
      env: {
        PATH: DEFAULT_PATH,
        HOME: '/root',
        TERM: 'xterm-256color',
        USER: 'root',
        SHELL: '/bin/bash',
        HOSTNAME: this.hostname,
        LANG: 'C.UTF-8',
        ...(env ?? {}),
      },
    };
    this.settle();
    return child.id;
  }

  /** Adds or replaces a file (scenarios put their scripts and apps here). */
  writeFile(path: string, content: string, mode = 0o644): void {
    addFile(this.k.state.fs, path, { type: 'file', content, mode });
  }

  hasTask(id: TaskId): boolean {
    return this.k.task(id) !== undefined;
  }

  /** A read-only look at a task's kernel record (for views and tests; do not mutate). */
  taskRecord(id: TaskId): Readonly<Task> | undefined {
    return this.k.task(id);
  }

  /** The task's TaskRef as it is now (id, namespace, PIDs at every level, comm). */
  taskRef(id: TaskId): TaskRef | undefined {
    const t = this.k.task(id);
    return t ? this.k.ref(t) : undefined;
  }

  /** All task ids, in creation order. */
  taskIds(): TaskId[] {
    return [...this.k.tasks()].map((t) => t.id);
  }

  /** The PID of a task in namespace `ns` (0: not visible there). */
  pidOf(task: TaskId, ns: NsId = this.rootNs): number {
    const t = this.k.task(task);
    return t ? taskPidNr(this.k, t, ns) : pidNrNs(this.k, task, ns);
  }

  /** The task with PID `pid` in namespace `ns`. */
  taskByPid(pid: number, ns: NsId = this.rootNs): TaskId | undefined {
    return findTaskByPid(this.k, pid, ns)?.id;
  }

  /** /proc as namespace `ns` shows it. */
  view(ns: NsId = this.rootNs): ProcView {
    return createProcView(this.k, ns);
  }

  /**
   * Every process with its PIDs at every namespace level, its parent task and its state: the
   * whole machine at once, for pictures of it (the page's process tree). Read-only.
   */
  processTable(): ProcessRow[] {
    return processTable(this.k);
  }

  /** The PID namespace a task lives in. */
  nsOf(task: TaskId): NsId {
    return this.k.mustTask(task).ns;
  }

  namespaceInfo(ns: NsId): Readonly<PidNamespace> {
    return this.k.ns(ns);
  }

  namespaceIds(): NsId[] {
    return [...this.k.state.namespaces.keys()];
  }

  cgroupInfo(
    id: CgroupId,
  ): Readonly<{ name: string; pidsMax: number; current: number; eventsMax: number }> {
    return this.k.cgroup(id);
  }

  /** Checks every structural invariant; returns the violations (empty when all hold). */
  checkInvariants(): string[] {
    return checkInvariants(this.k);
  }

  // ------------------------------------------------------------------ configuration (as root on the host)

  /**
   * Writes /proc/sys/kernel/pid_max as seen from namespace `ns` (per namespace since Linux 6.14).
   * Values below 301 or above 4194304 are refused with EINVAL.
   */
  setPidMax(ns: NsId, value: number): 0 | Errno {
    if (!Number.isInteger(value) || value < PID_MAX_MIN || value > PID_MAX_LIMIT) return 'EINVAL';
    this.k.ns(ns).pidMax = value;
    return 0;
  }

  createCgroup(name: string, pidsMax = Infinity, parent: CgroupId = this.rootCgroup): CgroupId {
    return createCgroup(this.k, parent, name, pidsMax).id;
  }

  setPidsMax(cg: CgroupId, max: number): void {
    this.k.cgroup(cg).pidsMax = max;
  }

  /** Moves a process (with its threads) into a cgroup; never refused, as in Linux. */
  moveToCgroup(task: TaskId, cg: CgroupId): void {
    const t = this.k.mustTask(task);
    moveToCgroup(this.k, 1 + t.extra.threads.length, t.inherited.cgroup, cg);
    withInherited(t, { cgroup: cg });
  }

  // ------------------------------------------------------------------ time

  /** Processes the next queued event; false when nothing is queued (or after a panic). */
  step(): boolean {
    const k = this.k;
    if (k.state.panicked) return false;
    const item = k.pop();
    if (!item) return false;
    if (item.at > k.state.now) k.state.now = item.at;
    this.dispatch(item);
    return true;
  }

  /** Processes everything due now (no time passes). */
  settle(): void {
    const k = this.k;
    while (!k.state.panicked) {
      const next = k.peek();
      if (!next || next.at > k.state.now) return;
      this.step();
    }
  }

  /** Lets virtual time pass up to `t`, processing events in order. */
  runUntil(t: Micros): void {
    const k = this.k;
    while (!k.state.panicked) {
      const next = k.peek();
      if (!next || next.at > t) break;
      this.step();
    }
    if (!k.state.panicked && t > k.state.now) k.state.now = t;
  }

  advance(micros: Micros): void {
    this.runUntil(this.k.state.now + micros);
  }

  /** When the next event is due (undefined when nothing is scheduled). */
  nextEventAt(): Micros | undefined {
    return this.k.peek()?.at;
  }

  // ------------------------------------------------------------------ acting as a task

  /**
   * Makes syscalls as task `task`, from outside its program (tests, conformance cases, and the
   * lab's drivers). Results of blocking calls go to the task's program (`resume`).
   */
  sys(task: TaskId): ProgramContext<unknown> {
    const t = this.k.mustTask(task);
    return new TaskContext(this, this.k, t, false, true);
  }

  /**
   * fork + execve: a child of `parent` that runs `path` (what a shell does for a command).
   * Returns the child's PID in the parent's namespace, or the fork error.
   */
  spawn(parent: TaskId, path: string, argv: readonly string[] = [path]): number | Errno {
    return this.sys(parent).fork({ program: EXEC_HELPER, state: { path, argv } });
  }

  random(): number {
    return nextRandom(this.k.state);
  }

  // ------------------------------------------------------------------ snapshots

  snapshot(): KernelSnapshot {
    const state = structuredClone(this.k.state);
    // Packed, as a restored kernel's is: a snapshot's struct pids do not depend on the history
    // of numbers freed before it (so snapshot -> restore -> snapshot gives the same snapshot).
    state.pids = compactPidTable(this.k, state.pids);
    return { version: 1, state, trace: this.k.trace.slice() };
  }

  /** A snapshot as JSON text (Maps, Sets, bigints and Infinity encoded). */
  serialize(): string {
    return JSON.stringify(this.snapshot(), jsonReplacer);
  }

  static deserialize(text: string, options: KernelOptions = {}): Kernel {
    return Kernel.restore(JSON.parse(text, jsonReviver) as KernelSnapshot, options);
  }

  // ------------------------------------------------------------------ the runner (internal)

  private program(t: Task): Program {
    const p = this.k.programs.get(t.program);
    if (!p) throw new InvariantViolation(`task ${t.id} runs unknown program '${t.program}'`);
    return p;
  }

  /** Runs one step of a task's program with a fresh context, then settles its state. */
  runStep(t: Task, inHandler: boolean, fn: (p: Program, ctx: TaskContext) => void): void {
    const k = this.k;
    if (k.state.panicked || t.exiting) return;
    const ctx = new TaskContext(this, k, t, inHandler, false);
    const prev = k.current;
    // A handler run for a signal the task sent itself, while its own step is still running.
    const nested = prev === t;
    k.current = t;
    // While its program runs the task is on a CPU (R): what it reads of /proc/self says so.
    if (t.runState === 'sleeping') t.runState = 'running';
    try {
      fn(this.program(t), ctx);
    } catch (e) {
      // The process died in the middle of its step (a signal it sent itself): its program's
      // remaining syscalls end the step, as nothing after a fatal signal runs on Linux.
      if (!(e instanceof TaskDied)) throw e;
    } finally {
      k.current = prev;
      ctx.finish();
    }
    if (!nested) this.afterStep(t, ctx.execed);
  }

  /**
   * Signals are acted on when a syscall returns to user space (exit_to_user_mode ->
   * arch_do_signal_or_restart -> get_signal): a signal a running process sent itself, or just
   * unblocked, is handled before the call returns, not after the program's step.
   */
  deliverOnReturn(t: Task): void {
    if (t.extra.fatalSig !== 0 || (t.pending & ~t.blocked) !== 0n) getSignal(this.k, t, this.hooks);
  }

  /**
   * After a step: a task that exec'd stays runnable until its new program starts; one that did
   * not block or exit is idle in its event loop (S), or busy on the CPU (R).
   */
  afterStep(t: Task, execed: boolean): void {
    if (t.exiting || !this.k.task(t.id)) return;
    if (execed) return;
    if (t.block !== null && t.block.kind !== 'idle') return;
    if (t.flags & TF_BUSY) {
      if (t.runState !== 'stopped') t.runState = 'running';
      return;
    }
    t.block = IDLE;
    if (t.runState !== 'stopped') t.runState = 'sleeping';
    this.requeueDeferred(t);
  }

  private requeueDeferred(t: Task): void {
    if (t.extra.deferred.length === 0) return;
    const items = t.extra.deferred;
    extraOf(t).deferred = NONE;
    for (const i of items) this.k.schedule(i.kind, i.task, this.k.state.now, i.token, i.tag);
  }

  private clearBlock(t: Task): void {
    if (t.block?.kind === 'sigwait' && !t.block.signalfd) {
      t.blocked = t.extra.realBlocked;
      extraOf(t).realBlocked = 0n;
    }
    t.block = null;
    t.wakeToken++;
  }

  private resume(t: Task, wake: WakeEvent): void {
    this.clearBlock(t);
    this.runStep(t, false, (p, ctx) => {
      if (!p.resume) missingHook(p, 'resume');
      p.resume(ctx, wake);
    });
  }

  /** A handler ran while the task was blocked in a syscall: the syscall returns EINTR. */
  private interrupt(t: Task): void {
    const b = t.block;
    if (!b) return;
    if (this.k.tracing)
      this.k.emit({
        seq: 0,
        t: 0,
        type: 'interrupt',
        task: this.k.ref(t),
        call: b.kind,
        rule: 'sig/eintr',
      });
    if (b.kind === 'read') {
      forgetTtyWaiter(this.k, t.id);
      forgetPipeWaiter(this.k, t.id);
    }
    const wake: WakeEvent =
      b.kind === 'read'
        ? { call: 'read', result: 'EINTR' }
        : b.kind === 'wait'
          ? { call: 'wait', result: 'EINTR' }
          : b.kind === 'sleep'
            ? { call: 'sleep', result: 'EINTR' }
            : b.kind === 'sigwait'
              ? { call: 'sigwait', result: 'EINTR' }
              : { call: 'pause', result: 'EINTR' };
    this.resume(t, wake);
  }

  private dispatch(item: QueueItem): void {
    const k = this.k;
    const t = k.task(item.task);
    if (!t) return;
    if (item.kind === 'deliver') {
      getSignal(k, t, this.hooks);
      return;
    }
    if (t.exiting) {
      if (item.kind === 'wake' && item.token === t.wakeToken) finishZap(k, t);
      return;
    }
    if (t.flags & TF_GROUP_EXIT) return; // doomed: no more user code runs (the kill is being delivered)
    if (t.runState === 'stopped') {
      extraOf(t).deferred = appendTo(t.extra.deferred, item);
      return;
    }
    switch (item.kind) {
      case 'start':
        if (item.token === t.wakeToken) this.runStep(t, false, startStep);
        return;
      case 'timer': {
        const i = t.extra.timers.indexOf(item.token);
        if (i < 0) return;
        if (t.block?.kind !== 'idle') {
          extraOf(t).deferred = appendTo(t.extra.deferred, item); // the event loop is busy or blocked in a syscall
          return;
        }
        t.extra.timers.splice(i, 1);
        this.runStep(t, false, (p, ctx) => {
          if (!p.onTimer) missingHook(p, 'onTimer');
          p.onTimer(ctx, item.tag ?? '', item.token);
        });
        return;
      }
      case 'wake':
        if (item.token === t.wakeToken) this.wake(t);
        return;
      default:
        return;
    }
  }

  private wake(t: Task): void {
    const b = t.block;
    if (!b) return;
    switch (b.kind) {
      case 'sleep':
        if (this.k.state.now >= b.until) this.resume(t, { call: 'sleep', result: 0 });
        return;
      case 'wait': {
        const r = doWait(this.k, t, b.pid, b.options);
        if (r !== null) this.resume(t, { call: 'wait', result: r });
        return;
      }
      case 'read': {
        const r = doRead(this.k, t, b.fd, b.count);
        if (r !== null) this.resume(t, { call: 'read', result: r });
        return;
      }
      case 'sigwait': {
        const ready = t.pending & b.set;
        if (ready !== 0n) {
          const info = dequeueSignal(t, lowestSignal(ready));
          if (this.k.tracing) this.k.traceDeliver(t, info.sig, 'sigwait', 'sig/sigwait');
          this.resume(t, { call: 'sigwait', result: info });
        } else if (b.until !== null && this.k.state.now >= b.until) {
          this.resume(t, { call: 'sigwait', result: 'EAGAIN' });
        }
        return;
      }
      default:
        return;
    }
  }
}

const IDLE = Object.freeze({ kind: 'idle' as const });
const startStep = (p: Program, ctx: TaskContext): void => p.start(ctx);

/** Thrown at a program that keeps making syscalls after a signal killed it mid-step. */
class TaskDied extends Error {
  override readonly name = 'TaskDied';
}
const EXEC_HELPER = '__exec';

/** A program was asked to run a hook it does not have (a bug in the program model). */
function missingHook(p: Program, name: 'resume' | 'onSignal' | 'onTimer'): never {
  throw new InvariantViolation(`program '${p.name}' has no ${name}`);
}

function nextRandom(state: KernelState): number {
  // xorshift32: small, fast and deterministic; its state is part of every snapshot.
  let x = state.rng;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  state.rng = x >>> 0;
  return state.rng / 0x100000000;
}

/**
 * The syscalls one task makes during one program step (or from outside, via Kernel.sys).
 * Numbers in and out are in the task's own namespace, as the real syscalls are.
 */
/** TaskContext.bits. */
const CTX_IN_HANDLER = 1;
const CTX_EXTERNAL = 2;
const CTX_DONE = 4;
const CTX_EXECED = 8;

class TaskContext implements ProgramContext<unknown> {
  // Three of these are made per fork cycle, so the fields are `declare`d and set in the
  // constructor (ES2022 class fields would first define each one, a separate initializer call
  // and a define per field, before the constructor assigns it again), and the four booleans
  // are bits of one number (CTX_*): four fields for seven, 56 bytes instead of 80 per context.
  declare private readonly kernel: Kernel;
  declare private readonly k: Core;
  declare private readonly t: Task;
  declare private bits: number;

  constructor(kernel: Kernel, k: Core, t: Task, inHandler: boolean, external: boolean) {
    this.kernel = kernel;
    this.k = k;
    this.t = t;
    this.bits = (inHandler ? CTX_IN_HANDLER : 0) | (external ? CTX_EXTERNAL : 0);
  }

  finish(): void {
    this.bits |= CTX_DONE;
  }

  /** The step ended in a successful exec (the new program's start is queued). */
  get execed(): boolean {
    return (this.bits & CTX_EXECED) !== 0;
  }

  private get inHandler(): boolean {
    return (this.bits & CTX_IN_HANDLER) !== 0;
  }

  private get external(): boolean {
    return (this.bits & CTX_EXTERNAL) !== 0;
  }

  private live(): Task {
    if (this.bits & CTX_DONE)
      throw new InvariantViolation(`task ${this.t.id}: syscall after its step ended`);
    if (this.t.exiting) {
      if (!this.external && this.k.current === this.t) throw new TaskDied();
      throw new InvariantViolation(`task ${this.t.id}: syscall after exit`);
    }
    if (this.k.state.panicked) throw new InvariantViolation('syscall after a kernel panic');
    return this.t;
  }

  /** Starts a blocking call; returns false when the task cannot block now. */
  private beginBlock(): Task {
    const t = this.live();
    if (this.inHandler)
      throw new InvariantViolation(`task ${t.id}: blocking call inside a signal handler`);
    if (t.block !== null && t.block.kind !== 'idle')
      throw new InvariantViolation(`task ${t.id}: already blocked in ${t.block.kind}`);
    return t;
  }

  private block(t: Task, b: NonNullable<Task['block']>): Blocked {
    t.block = b;
    t.wakeToken++;
    t.flags &= ~TF_BUSY;
    if (t.runState !== 'stopped') t.runState = 'sleeping';
    return BLOCKED;
  }

  get state(): unknown {
    return this.t.pstate;
  }
  set state(s: unknown) {
    this.t.pstate = s;
  }
  get now(): Micros {
    return this.k.state.now;
  }
  get argv(): readonly string[] {
    return this.t.image.argv;
  }
  get comm(): string {
    return this.t.comm;
  }
  get proc(): ProcView {
    return createProcView(this.k, this.t.inherited.procNs);
  }

  getpid(): number {
    return taskPidNr(this.k, this.t, this.t.ns);
  }
  getppid(): number {
    const p = this.k.task(this.t.parent);
    return p ? taskPidNr(this.k, p, this.t.ns) : 0;
  }
  getpgrp(): number {
    return pidNrNs(this.k, this.t.pgrp, this.t.ns);
  }
  getsid(): number {
    return pidNrNs(this.k, this.t.session, this.t.ns);
  }

  fork(spec: ForkSpec): number | Errno {
    const t = this.live();
    const child = copyProcess(
      this.k,
      t,
      spec.program,
      spec.state === undefined ? undefined : structuredClone(spec.state),
    );
    if (typeof child === 'string') return child;
    return taskPidNr(this.k, child, t.ns);
  }

  exec(path: string, argv: readonly string[], env?: Readonly<Record<string, string>>): 0 | Errno {
    const t = this.live();
    const r = execve(this.k, t, path, argv, env ?? t.image.env);
    if (r === 0) {
      this.bits |= CTX_DONE | CTX_EXECED;
    }
    return r;
  }

  exit(code: number): void {
    const t = this.live();
    doExit(this.k, t, exitedStatus(code), 'program');
    this.bits |= CTX_DONE;
  }

  kill(pid: number, sig: number): 0 | Errno {
    const t = this.live();
    const result = killSomething(this.k, t, pid, sig);
    if (this.k.tracing)
      this.k.emit({
        seq: 0,
        t: 0,
        type: 'kill',
        from: this.k.ref(t),
        target: pid,
        sig,
        result,
        rule: ruleForKill(pid, result),
      });
    this.returnToUser(t);
    return result;
  }

  sigaction(sig: number, disposition: 'default' | 'ignore' | 'handler', flags = 0): 0 | Errno {
    const d =
      disposition === 'handler'
        ? DISP_HANDLER
        : disposition === 'ignore'
          ? DISP_IGNORE
          : DISP_DEFAULT;
    return doSigaction(this.k, this.live(), sig, d, flags);
  }

  sigprocmask(how: 'block' | 'unblock' | 'setmask', set: SigSet): SigSet {
    const t = this.live();
    const old = doSigprocmask(this.k, t, how, set);
    this.returnToUser(t);
    return old;
  }

  /** Within a program step, a syscall returns through signal delivery (see deliverOnReturn). */
  private returnToUser(t: Task): void {
    if (!this.external && !this.inHandler && this.k.current === t) this.kernel.deliverOnReturn(t);
  }

  wait(pid: number, options: number): WaitResult | Errno | Blocked {
    const t = this.live();
    const r = doWait(this.k, t, pid, options);
    if (r !== null) return r;
    this.beginBlock();
    return this.block(t, { kind: 'wait', pid, options });
  }

  sleep(micros: Micros): Blocked {
    const t = this.beginBlock();
    const until = this.k.state.now + Math.max(0, Math.round(micros));
    this.block(t, { kind: 'sleep', until });
    this.k.schedule('wake', t.id, until, t.wakeToken);
    return BLOCKED;
  }

  pause(): Blocked {
    return this.block(this.beginBlock(), { kind: 'pause' });
  }

  sigtimedwait(set: SigSet, timeout: Micros | null): SigInfo | 'EAGAIN' | Blocked {
    const t = this.live();
    const ready = t.pending & set;
    if (ready !== 0n) return this.takeSigwait(t, lowestSignal(ready));
    if (timeout !== null && timeout <= 0) return 'EAGAIN';
    this.beginBlock();
    // do_sigtimedwait(): the waited-for signals are unblocked while it sleeps; the old mask is
    // kept in real_blocked, so they still are not judged "ignored" when they arrive.
    extraOf(t).realBlocked = t.blocked;
    t.blocked = t.blocked & ~set;
    const until = timeout === null ? null : this.k.state.now + timeout;
    this.block(t, { kind: 'sigwait', set, until, signalfd: false });
    if (until !== null) this.k.schedule('wake', t.id, until, t.wakeToken);
    return BLOCKED;
  }

  signalfdRead(set: SigSet): SigInfo | Blocked {
    const t = this.live();
    const ready = t.pending & set;
    if (ready !== 0n) return this.takeSigwait(t, lowestSignal(ready));
    this.beginBlock();
    return this.block(t, { kind: 'sigwait', set, until: null, signalfd: true });
  }

  private takeSigwait(t: Task, sig: number): SigInfo {
    const info = dequeueSignal(t, sig);
    if (this.k.tracing) this.k.traceDeliver(t, sig, 'sigwait', 'sig/sigwait');
    return info;
  }

  setTimer(micros: Micros, tag: string): number {
    const t = this.live();
    const id = this.k.state.nextTimerId++;
    extraOf(t).timers = appendTo(t.extra.timers, id);
    this.k.schedule('timer', t.id, this.k.state.now + Math.max(0, Math.round(micros)), id, tag);
    return id;
  }

  clearTimer(id: number): void {
    const t = this.live();
    const i = t.extra.timers.indexOf(id);
    if (i >= 0) t.extra.timers.splice(i, 1);
  }

  setsid(): number | Errno {
    return setsid(this.k, this.live());
  }
  setuid(uid: number): 0 | Errno {
    const t = this.live();
    if (!Number.isInteger(uid) || uid < 0) return 'EINVAL';
    const cred = t.cred;
    if (cred.euid === 0) {
      t.cred = { uid, euid: uid, suid: uid };
      return 0;
    }
    if (uid !== cred.uid && uid !== cred.suid) return 'EPERM';
    t.cred = { ...cred, euid: uid };
    return 0;
  }
  setpgid(pid: number, pgid: number): 0 | Errno {
    return setpgid(this.k, this.live(), pid, pgid);
  }
  setChildSubreaper(on: boolean): 0 {
    setChildSubreaper(this.k, this.live(), on);
    return 0;
  }
  setPdeathsig(sig: number): 0 | Errno {
    return setPdeathsig(this.k, this.live(), sig);
  }
  unsharePid(): 0 | Errno {
    return unsharePid(this.k, this.live());
  }
  setnsPid(pid: number): 0 | Errno {
    return setnsPid(this.k, this.live(), pid);
  }
  spawnThreads(count: number): 0 | Errno {
    return spawnThreads(this.k, this.live(), count);
  }

  setProcTitle(argv: readonly string[]): void {
    // setproctitle(3) / nginx's ngx_setproctitle: the process overwrites its own argv memory,
    // which is what /proc/PID/cmdline (and so ps) reads back. comm is unchanged.
    const t = this.live();
    if (argv.length > 0) t.image = { ...t.image, argv: [...argv] };
  }

  busy(): void {
    const t = this.live();
    t.flags |= TF_BUSY;
    if (t.block?.kind === 'idle') t.block = null;
    if (t.runState !== 'stopped') t.runState = 'running';
  }

  write(fd: number, text: string): number | Errno {
    const t = this.live();
    const r = doWrite(this.k, t, fd, text);
    if (this.k.tracing)
      this.k.emit({ seq: 0, t: 0, type: 'write', task: this.k.ref(t), fd, text, rule: 'program' });
    // The SIGPIPE pipe_write() raised is delivered on the way back to user space, before the
    // program sees EPIPE: a default SIGPIPE ends it there (a builtin's next line never runs).
    if (r === 'EPIPE') this.returnToUser(t);
    return r;
  }

  get env(): Readonly<Record<string, string>> {
    return this.t.image.env;
  }
  getcwd(): string {
    return this.t.inherited.cwd;
  }
  chdir(path: string): 0 | Errno {
    const t = this.live();
    const st = statPath(this.k, t, path);
    if (typeof st === 'string') return st;
    if (st.type !== 'dir') return 'ENOTDIR';
    withInherited(t, { cwd: normalizePath(t.inherited.cwd, path) });
    return 0;
  }
  which(name: string): string | Errno {
    return whichPath(this.k, this.live(), name);
  }
  read(fd: number, count?: number): string | 'EOF' | Errno | Blocked {
    const t = this.live();
    if (count !== undefined && (!Number.isInteger(count) || count < 1)) return 'EINVAL';
    const r = doRead(this.k, t, fd, count);
    if (r !== null) return r;
    this.beginBlock();
    const file = t.fds[fd] ?? -1;
    return this.block(
      t,
      count === undefined ? { kind: 'read', fd, file } : { kind: 'read', fd, file, count },
    );
  }
  open(path: string, mode: 'r' | 'w' | 'a'): number | Errno {
    return doOpen(this.k, this.live(), path, mode);
  }
  pipe(): readonly [number, number] | Errno {
    return doPipe(this.k, this.live());
  }
  dup2(oldfd: number, newfd: number): number | Errno {
    return doDup2(this.k, this.live(), oldfd, newfd);
  }
  close(fd: number): 0 | Errno {
    return closeFd(this.k, this.live(), fd);
  }
  private ttyOf(fd: number): Tty | Errno {
    const f = fileOf(this.k, this.live(), fd);
    if (f === 'EBADF') return 'EBADF';
    if (f.kind !== 'tty') return 'ENOTTY';
    return mustTty(this.k, f.tty!);
  }
  ttySize(fd: number): { readonly cols: number; readonly rows: number } | Errno {
    const tty = this.ttyOf(fd);
    return typeof tty === 'string' ? tty : { cols: tty.cols, rows: tty.rows };
  }
  isatty(fd: number): boolean {
    return typeof this.ttyOf(fd) !== 'string';
  }
  tcgetpgrp(fd: number): number | Errno {
    const tty = this.ttyOf(fd);
    return typeof tty === 'string' ? tty : tcgetpgrp(this.k, this.t, tty);
  }
  tcsetpgrp(fd: number, pgrp: number): 0 | Errno {
    const tty = this.ttyOf(fd);
    return typeof tty === 'string' ? tty : tcsetpgrp(this.k, this.t, tty, pgrp);
  }
  setTtyMode(fd: number, mode: { readonly canonical: boolean; readonly echo: boolean }): 0 | Errno {
    const tty = this.ttyOf(fd);
    if (typeof tty === 'string') return tty;
    if (tty.canonical !== mode.canonical) {
      // Switching modes hands over what was typed so far (tcsetattr TCSANOW).
      tty.input += tty.editing;
      tty.editing = '';
    }
    tty.canonical = mode.canonical;
    tty.echo = mode.echo;
    return 0;
  }
  setControllingTty(fd: number): 0 | Errno {
    const tty = this.ttyOf(fd);
    return typeof tty === 'string' ? tty : setControllingTty(this.k, this.live(), tty);
  }
  dropControllingTty(): 0 | Errno {
    return dropControllingTty(this.k, this.live());
  }
  get fs(): FileSystemView {
    const k = this.k;
    const t = this.t;
    return {
      stat: (path) => statPath(k, t, path),
      readdir: (path) => readdirPath(k, t, path),
      readFile: (path) => readPath(k, t, path),
      resolve: (path) => normalizePath(t.inherited.cwd, path),
    };
  }
  mkdir(path: string, mode = 0o755): 0 | Errno {
    return mkdirPath(this.k, this.live(), path, mode);
  }
  unlink(path: string): 0 | Errno {
    return unlinkPath(this.k, this.live(), path);
  }
  rmdir(path: string): 0 | Errno {
    return rmdirPath(this.k, this.live(), path);
  }
  chmod(path: string, mode: number): 0 | Errno {
    return chmodPath(this.k, this.live(), path, mode);
  }
  mountProc(): 0 | Errno {
    withInherited(this.live(), { procNs: this.t.ns });
    return 0;
  }
  setnsMount(pid: number): 0 | Errno {
    const t = this.live();
    const target = findTaskByPid(this.k, pid, t.ns);
    if (!target) return 'ESRCH';
    withInherited(t, { procNs: target.inherited.procNs });
    return 0;
  }

  random(): number {
    return nextRandom(this.k.state);
  }
}

function ruleForKill(pid: number, result: 0 | Errno): TraceEvent['rule'] {
  if (result === 'ESRCH') return 'kill/esrch';
  if (result === 'EPERM') return 'kill/eperm';
  if (pid === -1) return 'kill/all';
  if (pid <= 0) return 'kill/pgrp';
  return 'sig/sent';
}

/** The child side of Kernel.spawn: exec the program; if that fails, say so and exit 127. */
const execHelper: Program<{ path: string; argv: readonly string[] }> = {
  name: EXEC_HELPER,
  start(ctx) {
    const { path, argv } = ctx.state;
    const r = ctx.exec(path, argv);
    if (r !== 0) {
      ctx.write(2, `${path}: ${ERRNO_TEXT[r]}\n`);
      ctx.exit(r === 'ENOENT' ? 127 : 126);
    }
  },
};

// ------------------------------------------------------------------ older snapshots

/** The seven booleans a task record had before they became Task.flags bits, and their bits. */
const OLD_FLAG_FIELDS = [
  ['isSubreaper', TF_SUBREAPER],
  ['hasChildSubreaper', TF_HAS_SUBREAPER],
  ['unkillable', TF_UNKILLABLE],
  ['groupExit', TF_GROUP_EXIT],
  ['didExec', TF_DID_EXEC],
  ['reportContinued', TF_REPORT_CONTINUED],
  ['busy', TF_BUSY],
] as const;

/** Fields a task record had before they moved into Task.cred and Task.image. */
const OLD_CRED_FIELDS = ['uid', 'euid', 'suid'] as const;
const OLD_IMAGE_FIELDS = ['exe', 'argv', 'env'] as const;
/** Fields a task record had before they moved into Task.extra. */
const OLD_EXTRA_FIELDS = [
  'realBlocked',
  'pendingInfo',
  'fatalSig',
  'pdeathSignal',
  'reportStop',
  'threads',
  'timers',
  'deferred',
] as const;
/** Fields a task record had before they moved into Task.inherited. */
const OLD_INHERITED_FIELDS = ['nsForChildren', 'procNs', 'cwd', 'ctty', 'cgroup'] as const;
const OLD_FIELDS: ReadonlySet<string> = new Set([
  ...OLD_EXTRA_FIELDS,
  ...OLD_INHERITED_FIELDS,
  // Tasks kept their TaskRef until it became a value built on request (Core.ref).
  'ref',
  ...OLD_FLAG_FIELDS.map(([field]) => field),
  ...OLD_CRED_FIELDS,
  ...OLD_IMAGE_FIELDS,
]);

/**
 * Snapshots saved before Task.flags, Task.cred and Task.image (their tasks have seven booleans,
 * three user ids and exe/argv/env as fields of their own), or while a task still kept its
 * TaskRef (`ref`): each such task becomes the same record in the present shape. Runs on a
 * restored state before anything reads it.
 */
function migrateTaskRecords(tasks: (Task | null)[]): void {
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i];
    if (!t) continue;
    if (
      typeof t.flags !== 'number' ||
      t.cred === undefined ||
      t.image === undefined ||
      t.extra === undefined ||
      t.inherited === undefined ||
      'ref' in t
    )
      tasks[i] = presentShape(t);
    // A copied snapshot has one copy of NO_EXTRA shared by every task that had it (or, from
    // JSON, one per task): each becomes the shared frozen record again, so that a change goes
    // through extraOf and stays the task's own.
    const m = tasks[i]!;
    if (m.extra !== NO_EXTRA && isDefaultExtra(m.extra)) m.extra = NO_EXTRA;
  }
}

function presentShape(saved: Task): Task {
  const old = saved as unknown as Record<string, unknown>;
  // Copied field by field (no `delete`, which would leave a slow dictionary-mode object).
  const t: Record<string, unknown> = {};
  for (const key of Object.keys(old)) if (!OLD_FIELDS.has(key)) t[key] = old[key];
  if (typeof saved.flags !== 'number') {
    let flags = 0;
    for (const [field, bit] of OLD_FLAG_FIELDS) if (old[field] === true) flags |= bit;
    t.flags = flags;
  }
  if (saved.cred === undefined)
    t.cred = { uid: old.uid as number, euid: old.euid as number, suid: old.suid as number };
  if (saved.image === undefined)
    t.image = {
      exe: old.exe as string,
      argv: old.argv as readonly string[],
      env: old.env as Readonly<Record<string, string>>,
    };
  if (saved.inherited === undefined)
    t.inherited = {
      nsForChildren: old.nsForChildren,
      procNs: old.procNs,
      cwd: old.cwd,
      ctty: old.ctty,
      cgroup: old.cgroup,
    };
  if (saved.extra === undefined) {
    const extra: Record<string, unknown> = {};
    for (const field of OLD_EXTRA_FIELDS) extra[field] = old[field] ?? NO_EXTRA[field];
    t.extra = extra;
  }
  return t as unknown as Task;
}

// ------------------------------------------------------------------ JSON encoding of snapshots

function jsonReplacer(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value.entries()] };
  if (value instanceof Int32Array) return { $i32: Array.from(value) };
  if (value instanceof Set) return { $set: [...value.values()] };
  if (typeof value === 'bigint') return { $big: value.toString(16) };
  if (value === Infinity) return { $num: 'Infinity' };
  return value;
}

function jsonReviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if ('$map' in o) return new Map(o.$map as [unknown, unknown][]);
    if ('$set' in o) return new Set(o.$set as unknown[]);
    if ('$i32' in o) return Int32Array.from(o.$i32 as number[]);
    if ('$big' in o) return BigInt(`0x${String(o.$big)}`);
    if ('$num' in o) return Number(o.$num);
  }
  return value;
}
