/**
 * The kernel's working context: the state, the derived indexes, the trace and the event queue.
 * The rule modules (pidns.ts, fork.ts, exit.ts, wait.ts, signal.ts, sessions.ts) are functions
 * over a Core, as Linux's are functions over task_struct and the tasklist. "Preconditions:" in
 * their comments name what the caller must guarantee.
 */
import type { Micros, NsId, TaskId } from './types.ts';
import { InvariantViolation } from './types.ts';
import type {
  KernelState,
  PidEntry,
  PidNamespace,
  QueueItem,
  QueueKind,
  Task,
  Cgroup,
} from './state.ts';
import type { TraceEvent } from './trace.ts';
import type { RuleId } from './rules.ts';
import type { TaskRef } from './state.ts';
import {
  DELIVER,
  EXIT,
  FORK,
  REAP,
  SIGNAL,
  TraceLog,
  ZOMBIE,
  actionCode,
  outcomeCode,
} from './tracelog.ts';
import type { Action, Outcome } from './tracelog.ts';
import type { ProgramRegistry } from './programs/abi.ts';
import { pidEntry, pidExists, pidNumsOf } from './pidns.ts';

export type TraceListener = (event: TraceEvent) => void;
export type TtyOutputListener = (tty: number, text: string) => void;

export class Core {
  /**
   * Per-namespace PID table, indexed by namespace id: number -> struct pid id (0 = free).
   * Derived; rebuilt on restore.
   */
  readonly pidTables: (Int32Array | undefined)[] = [];
  /**
   * How many processes each process group has (index: the group's struct pid id). Derived.
   * The members themselves are found by a scan (groupMembers): only setsid needs the count on
   * a hot path, and a Set per group cost more than every walk it saves.
   */
  readonly groupSize: number[] = [];
  /**
   * PID namespaces by id: a cache of state.namespaces (ids are dense counters and namespaces
   * are never removed), because the hot paths look namespaces up several times per fork.
   */
  private readonly nsById: (PidNamespace | undefined)[] = [];
  /** Set by the last allocPid when some level wrapped around (for the trace's rule). */
  lastAllocWrapped = false;
  /** The task whose program step is running now (the kernel's `current`). */
  current: Task | null = null;
  tracing: boolean;
  /** The trace (tracelog.ts): columns for the hot event types, objects for the rest. */
  readonly trace = new TraceLog();
  readonly listeners = new Set<TraceListener>();
  readonly ttyListeners = new Set<TtyOutputListener>();

  constructor(
    public state: KernelState,
    readonly programs: ProgramRegistry,
    tracing: boolean,
  ) {
    this.tracing = tracing;
  }

  // ------------------------------------------------------------ lookups

  /** Every task (process), in creation order. */
  *tasks(): IterableIterator<Task> {
    for (const t of this.state.tasks) if (t) yield t;
  }

  task(id: TaskId): Task | undefined {
    return this.state.tasks[id] ?? undefined;
  }

  mustTask(id: TaskId): Task {
    const t = this.state.tasks[id];
    if (!t) throw new InvariantViolation(`no task ${id}`);
    return t;
  }

  ns(id: NsId): PidNamespace {
    const cached = this.nsById[id];
    if (cached !== undefined) return cached;
    const n = this.state.namespaces.get(id);
    if (!n) throw new InvariantViolation(`no pid namespace ${id}`);
    this.nsById[id] = n;
    return n;
  }

  /** Struct pid `id` as a record (a copy: off the hot path only), or undefined. */
  entry(id: TaskId): PidEntry | undefined {
    return pidEntry(this, id);
  }

  cgroup(id: Cgroup['id']): Cgroup {
    const c = this.state.cgroups.get(id);
    if (!c) throw new InvariantViolation(`no cgroup ${id}`);
    return c;
  }

  // ------------------------------------------------------------ trace

  /**
   * Appends an event, stamping its position and time. Callers pass a fresh literal that starts
   * with `seq: 0, t: 0`, so every event is born with its final shape (no hidden-class change).
   * The events of the fork/exit/reap path have their own methods below, which store them as
   * columns without building an object (tracelog.ts).
   */
  emit(ev: TraceEvent): void {
    const full = ev;
    full.seq = this.trace.length;
    full.t = this.state.now;
    this.trace.pushObject(full);
    if (this.listeners.size > 0) for (const l of this.listeners) l(full);
  }

  /** Listeners get the event object (built now, and kept by the log). */
  private notify(i: number): void {
    const ev = this.trace.get(i);
    for (const l of this.listeners) l(ev);
  }

  /**
   * The TaskRef of a task as it is now: id, namespace, PID numbers and comm. Built on request;
   * a task keeps none (one object fewer per zombie; ARCHITECTURE.md, Performance). A task whose
   * struct pid is already freed (it is being released) gets the numbers the trace recorded.
   */
  ref(t: Task): TaskRef {
    const nums = pidExists(this, t.id) ? pidNumsOf(this, t.id) : (this.trace.numsOf(t.id) ?? []);
    return { id: t.id, ns: t.ns, nums, comm: t.comm };
  }

  /** The trace's table entry for a task as it is now, added on first use. */
  private taskIndex(t: Task): number {
    const i = this.trace.findTask(t.id, t.comm);
    if (i >= 0) return i;
    const p = this.state.pids;
    if (pidExists(this, t.id))
      return this.trace.addTask(t.id, t.ns, p.nums, p.at[t.id]!, this.ns(t.ns).level + 1, t.comm);
    const nums = this.trace.numsOf(t.id) ?? [];
    return this.trace.addTask(t.id, t.ns, nums, 0, nums.length, t.comm);
  }

  /** Appends a hot event as columns; false when its rule has no index (store an object then). */
  private column(
    kind: Parameters<TraceLog['push']>[0],
    rule: RuleId,
    task: Task,
    other: Task | null,
    num: number,
    flags: number,
  ): boolean {
    const i = this.trace.push(
      kind,
      this.state.now,
      rule,
      this.taskIndex(task),
      other === null ? 0 : this.taskIndex(other) + 1,
      num,
      flags,
    );
    if (i < 0) return false;
    if (this.listeners.size > 0) this.notify(i);
    return true;
  }

  traceFork(parent: Task, task: Task, rule: RuleId): void {
    if (!this.column(FORK, rule, task, parent, 0, 0))
      this.emit({
        seq: 0,
        t: 0,
        type: 'fork',
        parent: this.ref(parent),
        task: this.ref(task),
        rule,
      });
  }

  traceExit(task: Task, status: number, rule: RuleId): void {
    if (!this.column(EXIT, rule, task, null, status, 0))
      this.emit({ seq: 0, t: 0, type: 'exit', task: this.ref(task), status, rule });
  }

  traceZombie(task: Task, parent: Task, rule: RuleId): void {
    if (!this.column(ZOMBIE, rule, task, parent, 0, 0))
      this.emit({
        seq: 0,
        t: 0,
        type: 'zombie',
        task: this.ref(task),
        parent: this.ref(parent),
        rule,
      });
  }

  traceReap(task: Task, by: Task | null, status: number, rule: RuleId): void {
    if (!this.column(REAP, rule, task, by, status, 0))
      this.emit({
        seq: 0,
        t: 0,
        type: 'reap',
        task: this.ref(task),
        by: by === null ? null : this.ref(by),
        status,
        rule,
      });
  }

  traceSignal(
    from: Task | null,
    task: Task,
    sig: number,
    outcome: Outcome,
    forced: boolean,
    rule: RuleId,
  ): void {
    if (!this.column(SIGNAL, rule, task, from, sig, outcomeCode(outcome, forced)))
      this.emit({
        seq: 0,
        t: 0,
        type: 'signal',
        from: from === null ? null : this.ref(from),
        task: this.ref(task),
        sig,
        outcome,
        forced,
        rule,
      });
  }

  traceDeliver(task: Task, sig: number, action: Action, rule: RuleId): void {
    if (!this.column(DELIVER, rule, task, null, sig, actionCode(action)))
      this.emit({ seq: 0, t: 0, type: 'deliver', task: this.ref(task), sig, action, rule });
  }

  // ------------------------------------------------------------ queue (binary heap on (at, seq))

  schedule(kind: QueueKind, task: TaskId, at: Micros, token = 0, tag?: string): void {
    const item: QueueItem =
      tag === undefined
        ? { at, seq: this.state.seq++, kind, task, token }
        : { at, seq: this.state.seq++, kind, task, token, tag };
    const q = this.state.queue;
    q.push(item);
    let i = q.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (before(q[p]!, item)) break;
      q[i] = q[p]!;
      i = p;
    }
    q[i] = item;
  }

  peek(): QueueItem | undefined {
    return this.state.queue[0];
  }

  pop(): QueueItem | undefined {
    const q = this.state.queue;
    const top = q[0];
    if (top === undefined) return undefined;
    const last = q.pop()!;
    if (q.length > 0) {
      let i = 0;
      const n = q.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(q[r]!, q[l]!) ? r : l;
        if (before(last, q[c]!)) break;
        q[i] = q[c]!;
        i = c;
      }
      q[i] = last;
    }
    return top;
  }
}

const before = (a: QueueItem, b: QueueItem): boolean =>
  a.at < b.at || (a.at === b.at && a.seq < b.seq);
