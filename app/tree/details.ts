/**
 * What the details panel says about one process, read the way a person would read it on Linux:
 * from /proc/PID/status as the viewpoint's /proc shows it (fs/proc/array.c: task_state,
 * render_sigset_t) and from the trace. Pure functions.
 */
import { explainEvent, sigName } from '../../src/kernel-sim/index.ts';
import type { Kernel, NsId, TaskId, TaskRef, TraceEvent } from '../../src/kernel-sim/index.ts';
import type { StateWord } from './model.ts';

/**
 * The signals in a /proc/PID/status mask, lowest first: bit n-1 is signal n (render_sigset_t
 * prints the sigset_t as 16 hex digits, most significant first).
 */
export function decodeSigMask(hex: string): string[] {
  const text = hex.trim();
  if (!/^[0-9a-fA-F]{1,16}$/.test(text)) throw new RangeError(`not a signal mask: "${hex}"`);
  const set = BigInt(`0x${text}`);
  const out: string[] = [];
  for (let sig = 1; sig <= 64; sig++) {
    if ((set >> BigInt(sig - 1)) & 1n) out.push(sigName(sig));
  }
  return out;
}

/** The fields of a /proc/PID/status text, by name (tabs and the trailing newline removed). */
export function parseStatus(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

const numbers = (field: string | undefined): number[] =>
  field === undefined || field === '' ? [] : field.split(/\s+/).map(Number);

export interface TaskDetails {
  readonly task: TaskId;
  readonly comm: string;
  readonly argv: readonly string[];
  readonly state: StateWord;
  /** Its PID at each level it is visible from, viewpoint first: [{ ns name, level, pid }]. */
  readonly pids: readonly { readonly ns: string; readonly level: number; readonly pid: number }[];
  readonly ppid: number;
  readonly parentComm: string | null;
  /** Process group and session IDs, each at every visible level (NSpgid, NSsid). */
  readonly pgids: readonly number[];
  readonly sids: readonly number[];
  readonly threads: number;
  readonly caught: readonly string[];
  readonly ignored: readonly string[];
  readonly blocked: readonly string[];
  readonly tty: string;
}

const STATE_LETTER: Readonly<Record<string, StateWord>> = {
  R: 'running',
  S: 'sleeping',
  T: 'stopped',
  Z: 'zombie',
};

type DetailSource = Pick<Kernel, 'view' | 'pidOf' | 'namespaceInfo' | 'nsOf' | 'hasTask'>;

/**
 * The details of `task` as namespace `viewNs` sees it; undefined when it is gone (reaped) or not
 * visible from there.
 */
export function taskDetails(k: DetailSource, task: TaskId, viewNs: NsId): TaskDetails | undefined {
  if (!k.hasTask(task)) return undefined;
  const pid = k.pidOf(task, viewNs);
  if (pid === 0) return undefined;
  const view = k.view(viewNs);
  const entry = view.get(pid);
  const status = view.status(pid);
  if (entry === undefined || status === undefined) return undefined;
  const f = parseStatus(status);
  const chain = k.namespaceInfo(k.nsOf(task)).chain;
  const viewLevel = k.namespaceInfo(viewNs).level;
  const nspid = numbers(f.get('NSpid'));
  const parent = entry.ppid === 0 ? undefined : view.get(entry.ppid);
  return {
    task,
    comm: entry.comm,
    argv: entry.argv,
    state: STATE_LETTER[(f.get('State') ?? 'S').charAt(0)] ?? 'sleeping',
    pids: nspid.map((p, i) => {
      const ns = chain[viewLevel + i]!;
      return { ns: k.namespaceInfo(ns).name, level: viewLevel + i, pid: p };
    }),
    ppid: entry.ppid,
    parentComm: parent?.comm ?? null,
    pgids: numbers(f.get('NSpgid')),
    sids: numbers(f.get('NSsid')),
    threads: Number(f.get('Threads') ?? '1'),
    caught: decodeSigMask(f.get('SigCgt') ?? '0'),
    ignored: decodeSigMask(f.get('SigIgn') ?? '0'),
    blocked: decodeSigMask(f.get('SigBlk') ?? '0'),
    tty: entry.tty,
  };
}

/** The TaskRefs an event names (sender, target, parent, adopter ...). */
export function refsOf(e: TraceEvent): TaskRef[] {
  const out: TaskRef[] = [];
  const add = (r: TaskRef | null | undefined): void => {
    if (r) out.push(r);
  };
  switch (e.type) {
    case 'fork':
      add(e.parent);
      add(e.task);
      break;
    case 'fork-failed':
      add(e.parent);
      break;
    case 'zombie':
      add(e.task);
      add(e.parent);
      break;
    case 'reap':
      add(e.task);
      add(e.by);
      break;
    case 'reparent':
      add(e.task);
      add(e.from);
      add(e.to);
      break;
    case 'kill':
      add(e.from);
      break;
    case 'signal':
      add(e.from);
      add(e.task);
      break;
    case 'ns-create':
    case 'ns-setns':
      add(e.by);
      break;
    case 'ns-zap':
    case 'ns-empty':
      add(e.init);
      break;
    default:
      add(e.task);
  }
  return out;
}

/** Whether an event is about `task`. */
export const involves = (e: TraceEvent, task: TaskId): boolean =>
  refsOf(e).some((r) => r.id === task);

/**
 * The last `limit` events about `task`, oldest first, looking back at most `scan` events (a
 * trace of hundreds of thousands of events must not stall a click). `write` events (terminal
 * output) are left out: they say nothing about the process tree.
 */
export function recentEvents(
  trace: readonly TraceEvent[],
  task: TaskId,
  limit = 8,
  scan = 20_000,
): TraceEvent[] {
  const out: TraceEvent[] = [];
  const stop = Math.max(0, trace.length - scan);
  for (let i = trace.length - 1; i >= stop && out.length < limit; i--) {
    const e = trace[i]!;
    if (e.type !== 'write' && involves(e, task)) out.push(e);
  }
  return out.reverse();
}

/** Virtual time as the event log shows it: seconds with three decimals. */
export const formatTime = (micros: number): string => `${(micros / 1_000_000).toFixed(3)} s`;

/** An event in plain words, numbered as the viewpoint numbers processes. */
export function eventWords(
  k: Pick<Kernel, 'namespaceInfo'>,
  e: TraceEvent,
  viewNs: NsId,
): { readonly summary: string; readonly why: string; readonly source: string } {
  const ex = explainEvent(e, { view: viewNs, chainOf: (ns) => k.namespaceInfo(ns).chain });
  return { summary: ex.summary, why: ex.rule.title, source: ex.rule.source };
}

/** The last event that says what became of a task that is gone (its reap), if still in reach. */
export function endOf(
  trace: readonly TraceEvent[],
  task: TaskId,
  scan = 20_000,
): TraceEvent | undefined {
  const stop = Math.max(0, trace.length - scan);
  for (let i = trace.length - 1; i >= stop; i--) {
    const e = trace[i]!;
    if (e.type === 'reap' && e.task.id === task) return e;
  }
  return undefined;
}
