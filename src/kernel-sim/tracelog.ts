/**
 * Where the trace is kept: a chunked, typed-array (struct-of-arrays) store. The events that
 * every fork -> exit -> reap cycle produces (fork, exit, signal, zombie, reap, deliver) are
 * written as a few numbers into typed columns; an event object is built only when someone reads
 * it (and then kept, so the same position always gives the same object). Rarer events are
 * stored as the objects they were emitted as.
 *
 * Why: keeping ~5 event objects per fork cycle cost as much as the cycle itself (every object
 * survives, so the young-generation collector copies it twice and the old generation marks it
 * forever). A number in a typed array is never scanned by the collector. Chunks keep every
 * array small, so growing the trace never copies it, and no huge old-space array of pointers
 * takes a write barrier per event (what made a single flat array of fields slower).
 *
 * `view()` is the public face: a read-only array (a Proxy over an empty array, so
 * `Array.isArray` holds and every array method works) whose elements are the events. The
 * common methods (index, length, iteration, slice, filter, map, some, find, ...) are served
 * directly from the store.
 */
import type { TraceEvent } from './trace.ts';
import type { TaskRef } from './state.ts';
import type { RuleId } from './rules.ts';
import { RULES } from './rules.ts';
import { grow } from './typed.ts';

const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

/** What a slot holds: an event object (OBJ), or the columns of one of the hot event types. */
export const OBJ = 0;
export const FORK = 1;
export const EXIT = 2;
export const ZOMBIE = 3;
export const REAP = 4;
export const SIGNAL = 5;
export const DELIVER = 6;
type Kind =
  typeof FORK | typeof EXIT | typeof ZOMBIE | typeof REAP | typeof SIGNAL | typeof DELIVER;

const RULE_IDS = Object.keys(RULES) as RuleId[];
const RULE_INDEX = new Map<string, number>(RULE_IDS.map((r, i) => [r, i]));

const OUTCOMES = ['pending', 'dropped', 'coalesced'] as const;
export type Outcome = (typeof OUTCOMES)[number];
const OUTCOME_INDEX: Readonly<Record<Outcome, number>> = { pending: 0, dropped: 1, coalesced: 2 };
const ACTIONS = ['handler', 'ignore', 'skip', 'terminate', 'core', 'stop', 'sigwait'] as const;
export type Action = (typeof ACTIONS)[number];
const ACTION_INDEX: Readonly<Record<Action, number>> = {
  handler: 0,
  ignore: 1,
  skip: 2,
  terminate: 3,
  core: 4,
  stop: 5,
  sigwait: 6,
};

/**
 * A chunk: per event, the virtual time, and four int32s side by side: the code (kind in bits
 * 0-2, flags in bits 3-7 — signal: outcome | forced << 4, deliver: action — and the rule index
 * from bit 8), the task (TaskRef table index), the other task (index + 1, 0 for null) and the
 * number (status for exit and reap, signal number for signal and deliver). Code 0 (kind OBJ)
 * marks an event stored as an object.
 */
const INTS = 4;

class Chunk {
  /** Virtual time (microseconds). */
  declare readonly time: Float64Array;
  declare readonly ints: Int32Array;
  /** Events stored as objects, and the objects built for column events once read. */
  declare objs: (TraceEvent | undefined)[] | null;

  constructor() {
    this.objs = null;
    this.time = new Float64Array(CHUNK);
    this.ints = new Int32Array(CHUNK * INTS);
  }
}

export class TraceLog {
  private readonly chunks: Chunk[] = [];
  /** The chunk being filled. */
  private last: Chunk | null = null;
  private count = 0;
  /**
   * Every TaskRef a column event names, each once, kept as numbers (task id, namespace, the
   * PID numbers in a shared pool) and its comm: keeping the TaskRef objects themselves would keep
   * two objects alive per fork cycle after the task is reaped. Read back as one shared object
   * per entry (refObjs), equal to the task's TaskRef at the time.
   */
  private refCount = 0;
  private refId = new Int32Array(1024);
  private refNs = new Int32Array(1024);
  /** Where the entry's PID numbers start in numsPool, and how many (namespace level + 1). */
  private refAt = new Int32Array(1024);
  private refLen = new Uint8Array(1024);
  private readonly refComm: string[] = [];
  private numsPool = new Int32Array(4096);
  private numsUsed = 0;
  private readonly refObjs: (TaskRef | undefined)[] = [];
  /**
   * By task id: index + 1 of the last entry stored for that task. A task's id, namespace and
   * numbers never change; only exec changes its comm, so an entry is reused while the comm is
   * the same.
   */
  private refSlot = new Int32Array(1024);
  private proxy: readonly TraceEvent[] | null = null;
  /** The last rule stored for each kind and its index: a hot path repeats the same few rules. */
  private readonly lastRule: string[] = ['', '', '', '', '', '', ''];
  private readonly lastRuleIndex = new Int32Array(7);

  get length(): number {
    return this.count;
  }

  /** The chunk that position `i` (the next one to append) goes to, starting a new one at need. */
  private chunkFor(i: number): Chunk {
    if ((i & MASK) !== 0) return this.last!;
    const ch = new Chunk();
    this.chunks.push(ch);
    this.last = ch;
    return ch;
  }

  /**
   * The table entry of task `id` as it is now (with comm `comm`), or -1 when there is none yet
   * (the caller adds it with addTask). Tasks are named by their fields, not by a TaskRef object:
   * a task keeps no TaskRef of its own, which is one object fewer per zombie for the collector
   * to copy (ARCHITECTURE.md, Performance).
   */
  findTask(id: number, comm: string): number {
    if (id < this.refSlot.length) {
      const s = this.refSlot[id]!;
      if (s !== 0 && this.refComm[s - 1] === comm) return s - 1;
    }
    return -1;
  }

  /**
   * Adds a table entry for task `id`: its namespace, its PID numbers (`len` of them from
   * `nums[from]`, host first) and comm. Returns the entry.
   */
  addTask(
    id: number,
    ns: number,
    nums: ArrayLike<number>,
    from: number,
    len: number,
    comm: string,
  ): number {
    if (id >= this.refSlot.length) this.refSlot = grow(this.refSlot, id + 1);
    const r = this.refCount++;
    if (r >= this.refId.length) {
      this.refId = grow(this.refId, r + 1);
      this.refNs = grow(this.refNs, r + 1);
      this.refAt = grow(this.refAt, r + 1);
      this.refLen = grow(this.refLen, r + 1);
    }
    const at = this.numsUsed;
    if (at + len > this.numsPool.length) this.numsPool = grow(this.numsPool, at + len);
    for (let l = 0; l < len; l++) this.numsPool[at + l] = nums[from + l]!;
    this.numsUsed = at + len;
    this.refId[r] = id;
    this.refNs[r] = ns;
    this.refAt[r] = at;
    this.refLen[r] = len;
    this.refComm.push(comm);
    this.refSlot[id] = r + 1;
    return r;
  }

  /**
   * The PID numbers last recorded for task `id` (undefined if the trace never named it): what a
   * TaskRef of a task whose struct pid is already freed is built from.
   */
  numsOf(id: number): number[] | undefined {
    const s = id < this.refSlot.length ? this.refSlot[id]! : 0;
    if (s === 0) return undefined;
    const at = this.refAt[s - 1]!;
    const nums: number[] = [];
    for (let l = 0; l < this.refLen[s - 1]!; l++) nums.push(this.numsPool[at + l]!);
    return nums;
  }

  /** The TaskRef of table entry `r`, built on first read and shared by every event naming it. */
  private refAtIndex(r: number): TaskRef {
    const cached = this.refObjs[r];
    if (cached !== undefined) return cached;
    const at = this.refAt[r]!;
    const nums: number[] = [];
    for (let l = 0; l < this.refLen[r]!; l++) nums.push(this.numsPool[at + l]!);
    const ref: TaskRef = {
      id: this.refId[r] as TaskRef['id'],
      ns: this.refNs[r] as TaskRef['ns'],
      nums,
      comm: this.refComm[r]!,
    };
    this.refObjs[r] = ref;
    return ref;
  }

  /** Appends an event object (its seq and t already stamped). Returns its position. */
  pushObject(ev: TraceEvent): number {
    const i = this.count;
    const ch = this.chunkFor(i);
    const j = i & MASK;
    ch.ints[j * INTS] = OBJ;
    (ch.objs ??= new Array<TraceEvent | undefined>(CHUNK))[j] = ev;
    this.count = i + 1;
    return i;
  }

  /**
   * Appends a hot event as columns. `task` is a table entry (findTask/addTask), `other` the
   * second task's entry + 1 (0 for none: reap's `by` and signal's `from` may be null); `num`
   * the status or signal; `flags` the outcome/action code.
   * Returns its position, or -1 when the rule is unknown (the caller stores an object then).
   */
  push(
    kind: Kind,
    time: number,
    rule: RuleId,
    task: number,
    other: number,
    num: number,
    flags: number,
  ): number {
    let r: number;
    if (rule === this.lastRule[kind]) r = this.lastRuleIndex[kind]!;
    else {
      const found = RULE_INDEX.get(rule);
      if (found === undefined) return -1;
      this.lastRule[kind] = rule;
      this.lastRuleIndex[kind] = r = found;
    }
    const i = this.count;
    const ch = this.chunkFor(i);
    const j = i & MASK;
    ch.time[j] = time;
    const ints = ch.ints;
    const at = j * INTS;
    ints[at] = kind | (flags << 3) | (r << 8);
    ints[at + 1] = task;
    ints[at + 2] = other;
    ints[at + 3] = num;
    this.count = i + 1;
    return i;
  }

  /** The event at position `i` (0 <= i < length), built on first read and kept. */
  get(i: number): TraceEvent {
    const ch = this.chunks[i >> CHUNK_BITS]!;
    const j = i & MASK;
    const cached = ch.objs?.[j];
    if (cached !== undefined) return cached;
    const ev = this.build(ch, j, i);
    (ch.objs ??= new Array<TraceEvent | undefined>(CHUNK))[j] = ev;
    return ev;
  }

  /** The event object of a column slot, with the same fields in the same order as emitted. */
  private build(ch: Chunk, j: number, seq: number): TraceEvent {
    const t = ch.time[j]!;
    const at = j * INTS;
    const code = ch.ints[at]!;
    const rule = RULE_IDS[code >>> 8]!;
    const task = this.refAtIndex(ch.ints[at + 1]!);
    const o = ch.ints[at + 2]!;
    const other = o === 0 ? null : this.refAtIndex(o - 1);
    const num = ch.ints[at + 3]!;
    const flags = (code >> 3) & 0x1f;
    switch ((code & 7) as Kind) {
      case FORK:
        return { seq, t, type: 'fork', parent: other!, task, rule };
      case EXIT:
        return { seq, t, type: 'exit', task, status: num, rule };
      case ZOMBIE:
        return { seq, t, type: 'zombie', task, parent: other!, rule };
      case REAP:
        return { seq, t, type: 'reap', task, by: other, status: num, rule };
      case SIGNAL:
        return {
          seq,
          t,
          type: 'signal',
          from: other,
          task,
          sig: num,
          outcome: OUTCOMES[flags & 0xf]!,
          forced: (flags & 0x10) !== 0,
          rule,
        };
      case DELIVER:
        return { seq, t, type: 'deliver', task, sig: num, action: ACTIONS[flags]!, rule };
    }
  }

  /** The events from `start` to `end` (exclusive) as a plain array. */
  slice(start = 0, end = this.count): TraceEvent[] {
    const n = this.count;
    const from = start < 0 ? Math.max(n + start, 0) : Math.min(start, n);
    const to = end < 0 ? Math.max(n + end, 0) : Math.min(end, n);
    const out: TraceEvent[] = [];
    for (let i = from; i < to; i++) out.push(this.get(i));
    return out;
  }

  /** The trace as a read-only array of events (one Proxy per log, created on first use). */
  view(): readonly TraceEvent[] {
    return (this.proxy ??= createView(this));
  }
}

export const outcomeCode = (outcome: Outcome, forced: boolean): number =>
  OUTCOME_INDEX[outcome] | (forced ? 0x10 : 0);
export const actionCode = (action: Action): number => ACTION_INDEX[action];

type Pred<R> = (e: TraceEvent, i: number, a: readonly TraceEvent[]) => R;

/** A canonical array index ("0", "17"; not "01" or "1.5"), or -1. */
function indexOf(prop: string): number {
  const n = prop.length > 0 && prop.length < 16 ? Number(prop) : NaN;
  return Number.isInteger(n) && n >= 0 && String(n) === prop ? n : -1;
}

function createView(log: TraceLog): readonly TraceEvent[] {
  const target: TraceEvent[] = [];
  // Fast versions of the read-only array methods callers use; every other method falls back to
  // Array.prototype on the proxy, which reads through the traps below.
  const fast: Record<PropertyKey, unknown> = {
    at: (i: number) => {
      const n = log.length;
      const k = Math.trunc(i) || 0;
      const x = k < 0 ? n + k : k;
      return x >= 0 && x < n ? log.get(x) : undefined;
    },
    slice: (start?: number, end?: number) => log.slice(start, end),
    filter: (f: Pred<unknown>) => {
      const out: TraceEvent[] = [];
      for (let i = 0; i < log.length; i++) {
        const e = log.get(i);
        if (f(e, i, self)) out.push(e);
      }
      return out;
    },
    map: <R>(f: Pred<R>) => {
      const out: R[] = [];
      for (let i = 0; i < log.length; i++) out.push(f(log.get(i), i, self));
      return out;
    },
    flatMap: <R>(f: Pred<R | readonly R[]>) => {
      const out: R[] = [];
      for (let i = 0; i < log.length; i++) {
        const r = f(log.get(i), i, self);
        if (Array.isArray(r)) out.push(...(r as R[]));
        else out.push(r as R);
      }
      return out;
    },
    forEach: (f: Pred<unknown>) => {
      for (let i = 0; i < log.length; i++) f(log.get(i), i, self);
    },
    some: (f: Pred<unknown>) => {
      for (let i = 0; i < log.length; i++) if (f(log.get(i), i, self)) return true;
      return false;
    },
    every: (f: Pred<unknown>) => {
      for (let i = 0; i < log.length; i++) if (!f(log.get(i), i, self)) return false;
      return true;
    },
    find: (f: Pred<unknown>) => {
      for (let i = 0; i < log.length; i++) {
        const e = log.get(i);
        if (f(e, i, self)) return e;
      }
      return undefined;
    },
    findIndex: (f: Pred<unknown>) => {
      for (let i = 0; i < log.length; i++) if (f(log.get(i), i, self)) return i;
      return -1;
    },
    findLast: (f: Pred<unknown>) => {
      for (let i = log.length - 1; i >= 0; i--) {
        const e = log.get(i);
        if (f(e, i, self)) return e;
      }
      return undefined;
    },
    findLastIndex: (f: Pred<unknown>) => {
      for (let i = log.length - 1; i >= 0; i--) if (f(log.get(i), i, self)) return i;
      return -1;
    },
    values: function* () {
      for (let i = 0; i < log.length; i++) yield log.get(i);
    },
    [Symbol.iterator]: function* () {
      for (let i = 0; i < log.length; i++) yield log.get(i);
    },
    toJSON: () => log.slice(),
  };
  const readOnly = (): never => {
    throw new TypeError('the kernel trace is read-only');
  };
  const self: readonly TraceEvent[] = new Proxy(target, {
    get(t, prop, receiver) {
      if (typeof prop === 'string') {
        if (prop === 'length') return log.length;
        const c = prop.charCodeAt(0);
        if (c >= 48 && c <= 57) {
          const i = indexOf(prop);
          if (i >= 0) return i < log.length ? log.get(i) : undefined;
        }
      }
      if (Object.prototype.hasOwnProperty.call(fast, prop)) return fast[prop];
      return Reflect.get(t, prop, receiver) as unknown;
    },
    has(t, prop) {
      if (typeof prop === 'string') {
        const i = indexOf(prop);
        if (i >= 0) return i < log.length;
      }
      return Reflect.has(t, prop);
    },
    ownKeys() {
      const keys: string[] = [];
      for (let i = 0; i < log.length; i++) keys.push(String(i));
      keys.push('length');
      return keys;
    },
    getOwnPropertyDescriptor(t, prop) {
      if (prop === 'length')
        return { value: log.length, writable: true, enumerable: false, configurable: false };
      if (typeof prop === 'string') {
        const i = indexOf(prop);
        if (i >= 0 && i < log.length)
          return { value: log.get(i), writable: false, enumerable: true, configurable: true };
      }
      return Reflect.getOwnPropertyDescriptor(t, prop);
    },
    set: readOnly,
    defineProperty: readOnly,
    deleteProperty: readOnly,
    setPrototypeOf: readOnly,
    preventExtensions: readOnly,
  });
  return self;
}
