/**
 * PID namespaces and PID numbers: allocation at every level, translation between namespaces,
 * freeing, and the lookups kill(), wait() and /proc need.
 * Linux: kernel/pid.c (alloc_pid, free_pid, pid_nr_ns, find_pid_ns) and kernel/pid_namespace.c.
 */
import type { Core } from './core.ts';
import type { Errno, NsId, TaskId } from './types.ts';
import {
  InvariantViolation,
  MAX_PID_NS_LEVEL,
  PID_MAX_LIMIT,
  RESERVED_PIDS,
  asNsId,
} from './types.ts';
import type { PidEntry, PidNamespace, PidTable, Task } from './state.ts';
import { NO_TASK } from './state.ts';
import { grow } from './typed.ts';

/** An empty struct pid table with room for ids below `capacity`. */
export function newPidTable(capacity = 64): PidTable {
  return {
    ns: new Int32Array(capacity),
    users: new Int32Array(capacity),
    owner: new Int32Array(capacity),
    at: new Int32Array(capacity),
    nums: new Int32Array(capacity * 2),
    numsUsed: 0,
  };
}

/** Makes room for struct pid `id` and for `levels` more numbers. */
function reserve(p: PidTable, id: number, levels: number): void {
  if (id >= p.ns.length) {
    p.ns = grow(p.ns, id + 1);
    p.users = grow(p.users, id + 1);
    p.owner = grow(p.owner, id + 1);
    p.at = grow(p.at, id + 1);
  }
  if (p.numsUsed + levels > p.nums.length) p.nums = grow(p.nums, p.numsUsed + levels);
}

/** Whether struct pid `id` exists (is allocated and not yet freed). */
export function pidExists(k: Core, id: TaskId): boolean {
  const p = k.state.pids;
  return id > 0 && id < p.ns.length && p.ns[id] !== 0;
}

/** The numbers of an existing struct pid `id` of table `p`, host first. */
function numsIn(k: Core, p: PidTable, id: number): number[] {
  const level = k.ns(p.ns[id] as NsId).level;
  const at = p.at[id]!;
  const out = new Array<number>(level + 1);
  for (let l = 0; l <= level; l++) out[l] = p.nums[at + l]!;
  return out;
}

/** An existing struct pid `id` of table `p` as a record (a copy). */
function entryIn(k: Core, p: PidTable, id: number): PidEntry {
  return {
    id: id as TaskId,
    ns: p.ns[id] as NsId,
    nums: numsIn(k, p, id),
    users: p.users[id]!,
    owner: p.owner[id] as TaskId,
  };
}

/** The numbers of struct pid `id`, host first (empty when there is no such struct pid). */
export function pidNumsOf(k: Core, id: TaskId): number[] {
  return pidExists(k, id) ? numsIn(k, k.state.pids, id) : [];
}

/** Struct pid `id` as a record (a copy), or undefined when it does not exist. */
export function pidEntry(k: Core, id: TaskId): PidEntry | undefined {
  return pidExists(k, id) ? entryIn(k, k.state.pids, id) : undefined;
}

/** The ids of every existing struct pid, in order. */
export function pidIds(k: Core): TaskId[] {
  const p = k.state.pids;
  const out: TaskId[] = [];
  for (let id = 1; id < p.ns.length; id++) if (p.ns[id] !== 0) out.push(id as TaskId);
  return out;
}

/** Grows (doubling) and returns the PID table of a namespace so that index `nr` exists. */
function tableFor(k: Core, ns: NsId, nr: number): Int32Array {
  let t = k.pidTables[ns];
  if (!t) {
    t = new Int32Array(Math.max(64, nr + 1));
    k.pidTables[ns] = t;
  } else if (nr >= t.length) {
    t = grow(t, nr + 1);
    k.pidTables[ns] = t;
  }
  return t;
}

/** The struct pid id holding number `nr` in namespace `ns`, or 0 (find_pid_ns). */
export function findPidNs(k: Core, nr: number, ns: NsId): TaskId {
  const t = k.pidTables[ns];
  if (!t || nr <= 0 || nr >= t.length) return NO_TASK;
  return t[nr] as TaskId;
}

/**
 * The number struct pid `id` has in namespace `ns`, 0 when it is not visible there or does
 * not exist (pid_nr_ns). A pid is visible in its own namespace and every ancestor; never in a
 * sibling or descendant.
 */
export function pidNrNs(k: Core, id: TaskId, ns: NsId): number {
  const p = k.state.pids;
  if (id <= 0 || id >= p.ns.length) return 0;
  const ownId = p.ns[id]! as NsId;
  if (ownId === 0) return 0;
  const own = k.ns(ownId);
  // Seen from its own namespace (the common case): the innermost number.
  if (ownId === ns) return p.nums[p.at[id]! + own.level]!;
  const target = k.ns(ns);
  if (target.level > own.level || own.chain[target.level] !== ns) return 0;
  return p.nums[p.at[id]! + target.level]!;
}

/** A task's PID as seen from namespace `ns` (0: not visible). */
export const taskPidNr = (k: Core, task: Task, ns: NsId): number => pidNrNs(k, task.id, ns);

/** Whether `inner` is `outer` or nested (at any depth) inside it. */
export function nsIsSameOrDescendant(k: Core, inner: NsId, outer: NsId): boolean {
  const i = k.ns(inner);
  const o = k.ns(outer);
  return o.level <= i.level && i.chain[o.level] === outer;
}

/** The task whose own PID is `nr` in `ns` (find_task_by_pid_ns); threads resolve to their process. */
export function findTaskByPid(k: Core, nr: number, ns: NsId): Task | undefined {
  const id = findPidNs(k, nr, ns);
  if (id === NO_TASK) return undefined;
  const direct = k.task(id);
  if (direct) return direct;
  const owner = k.state.pids.owner[id] as TaskId;
  return owner !== NO_TASK ? k.task(owner) : undefined;
}

/**
 * copy_pid_ns()/create_pid_namespace(): a new namespace one level below `parent`. Its pid_max
 * starts at PID_MAX_LIMIT (per-namespace since Linux 6.14); deeper than 32 levels is ENOSPC.
 */
export function createPidNamespace(k: Core, parent: NsId, name: string): PidNamespace | 'ENOSPC' {
  const p = k.ns(parent);
  const level = p.level + 1;
  if (level > MAX_PID_NS_LEVEL) return 'ENOSPC';
  const id = asNsId(k.state.nextNsId++);
  const ns: PidNamespace = {
    id,
    level,
    parent,
    chain: [...p.chain, id],
    childReaper: NO_TASK,
    adding: true,
    pidMax: PID_MAX_LIMIT,
    cursor: 0,
    allocated: 0,
    name,
  };
  k.state.namespaces.set(id, ns);
  return ns;
}

export interface AllocFailure {
  readonly errno: Errno;
  /** The namespace where allocation failed. */
  readonly ns: NsId;
}

/**
 * alloc_pid(): one number in `nsId` and in each ancestor, innermost first. In each namespace the
 * number is the lowest free one at or above the cursor, wrapping to the bottom of the range;
 * once the cursor has passed RESERVED_PIDS the range starts at 300 (idr_alloc_cyclic with
 * pid_min). Numbers taken before a failure are released again, but cursors stay advanced.
 * After allocating, a namespace whose init has died (PIDNS_ADDING cleared) refuses: ENOMEM.
 * Returns the number in `nsId` itself (what the new task's own namespace calls it).
 */
export function allocPid(k: Core, nsId: NsId, id: TaskId, owner: TaskId): number | AllocFailure {
  const ns = k.ns(nsId);
  const p = k.state.pids;
  reserve(p, id, ns.level + 1);
  const at = p.numsUsed;
  const nums = p.nums;
  k.lastAllocWrapped = false;
  for (let level = ns.level; level >= 0; level--) {
    const lns = k.ns(ns.chain[level]!);
    const nr = allocNumber(k, lns);
    if (nr === 0) {
      for (let l = level + 1; l <= ns.level; l++)
        releaseNumber(k, k.ns(ns.chain[l]!), nums[at + l]!);
      return { errno: 'EAGAIN', ns: lns.id };
    }
    tableFor(k, lns.id, nr)[nr] = id;
    lns.allocated++;
    nums[at + level] = nr;
  }
  if (!ns.adding) {
    for (let l = 0; l <= ns.level; l++) releaseNumber(k, k.ns(ns.chain[l]!), nums[at + l]!);
    return { errno: 'ENOMEM', ns: ns.id };
  }
  p.numsUsed = at + ns.level + 1;
  p.ns[id] = nsId;
  p.users[id] = 1;
  p.owner[id] = owner;
  p.at[id] = at;
  return nums[at + ns.level]!;
}

/** idr_alloc_cyclic(idr, pid_min, pid_max): 0 when the range is full. Advances the cursor. */
function allocNumber(k: Core, ns: PidNamespace): number {
  const min = ns.cursor > RESERVED_PIDS ? RESERVED_PIDS : 1;
  const max = ns.pidMax; // exclusive
  const table = k.pidTables[ns.id];
  const start = Math.max(ns.cursor, min);
  const found = scanFree(table, start, max);
  const nr = found !== 0 ? found : scanFree(table, min, Math.min(start, max));
  if (found === 0 && nr !== 0) k.lastAllocWrapped = true;
  if (nr !== 0) ns.cursor = nr + 1;
  return nr;
}

function scanFree(table: Int32Array | undefined, from: number, to: number): number {
  if (from >= to) return 0;
  if (!table || from >= table.length) return from;
  const end = Math.min(to, table.length);
  for (let i = from; i < end; i++) if (table[i] === 0) return i;
  return end < to ? end : 0;
}

function releaseNumber(k: Core, ns: PidNamespace, nr: number): void {
  const table = k.pidTables[ns.id];
  if (!table || table[nr] === 0)
    throw new InvariantViolation(`pid ${nr} not allocated in ns ${ns.id}`);
  table[nr] = 0;
  ns.allocated--;
  if (ns.allocated === 1 && ns.childReaper !== NO_TASK) {
    // free_pid() wakes the dying init sleeping in zap_pid_ns_processes() once only its own PID is left.
    const init = k.task(ns.childReaper);
    if (init && init.block?.kind === 'zap')
      k.schedule('wake', init.id, k.state.now, init.wakeToken);
  }
}

/** Takes a reference to a struct pid (a task joins a group or session it names). */
export function getPid(k: Core, id: TaskId): void {
  if (!pidExists(k, id)) throw new InvariantViolation(`no struct pid ${id}`);
  k.state.pids.users[id]!++;
}

/**
 * Drops a reference; the last one frees the numbers at every level (free_pid). A group leader
 * that has been reaped keeps its number while its group or session still has members.
 */
export function putPid(k: Core, id: TaskId): void {
  if (!pidExists(k, id)) throw new InvariantViolation(`no struct pid ${id}`);
  const p = k.state.pids;
  if (--p.users[id]! > 0) return;
  const ns = k.ns(p.ns[id] as NsId);
  p.ns[id] = 0;
  const at = p.at[id]!;
  for (let l = 0; l <= ns.level; l++) releaseNumber(k, k.ns(ns.chain[l]!), p.nums[at + l]!);
}

/**
 * A struct pid table with the same struct pids, its numbers packed (what a restored snapshot
 * gets). Also reads the earlier form, an array of records indexed by id (null: none).
 */
export function compactPidTable(k: Core, saved: PidTable | readonly (PidEntry | null)[]): PidTable {
  const entries: PidEntry[] = [];
  if (Array.isArray(saved)) {
    for (const e of saved as readonly (PidEntry | null)[]) if (e) entries.push(e);
  } else {
    const p = saved as PidTable;
    for (let id = 1; id < p.ns.length; id++) if (p.ns[id] !== 0) entries.push(entryIn(k, p, id));
  }
  const last = entries.length > 0 ? entries[entries.length - 1]!.id : 0;
  const out = newPidTable(Math.max(64, last + 1));
  for (const e of entries) {
    reserve(out, e.id, e.nums.length);
    out.ns[e.id] = e.ns;
    out.users[e.id] = e.users;
    out.owner[e.id] = e.owner;
    out.at[e.id] = out.numsUsed;
    for (let l = 0; l < e.nums.length; l++) out.nums[out.numsUsed + l] = e.nums[l]!;
    out.numsUsed += e.nums.length;
  }
  return out;
}

/** Rebuilds the PID tables from the struct pids (after restoring a snapshot). */
export function rebuildPidTables(k: Core): void {
  k.pidTables.length = 0;
  const p = k.state.pids;
  for (let id = 1; id < p.ns.length; id++) {
    const nsId = p.ns[id]! as NsId;
    if (nsId === 0) continue;
    const ns = k.ns(nsId);
    for (let l = 0; l <= ns.level; l++) {
      const nr = p.nums[p.at[id]! + l]!;
      tableFor(k, ns.chain[l]!, nr)[nr] = id;
    }
  }
}
