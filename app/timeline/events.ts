/**
 * The event log's headless side: which kind each trace event is (for the filter), which
 * processes it involves (for highlighting), how its time reads, and an incremental filter
 * that keeps up with a growing trace without rescanning it (30,000 events and more).
 */
import type {
  Micros,
  TaskId,
  TaskRef,
  TraceEvent,
  TraceEventType,
} from '../../src/kernel-sim/index.ts';

export const EVENT_KINDS = [
  { id: 'process', label: 'Forks' },
  { id: 'exit', label: 'Exits' },
  { id: 'reap', label: 'Reaping' },
  { id: 'signal', label: 'Signals' },
  { id: 'namespace', label: 'Namespaces' },
  { id: 'session', label: 'Sessions' },
  { id: 'output', label: 'Output' },
] as const;

export type EventKind = (typeof EVENT_KINDS)[number]['id'];

const KIND_OF: Readonly<Record<TraceEventType, EventKind>> = {
  boot: 'process',
  fork: 'process',
  'fork-failed': 'process',
  'syscall-error': 'process',
  threads: 'process',
  exec: 'process',
  exit: 'exit',
  zombie: 'exit',
  panic: 'exit',
  reap: 'reap',
  reparent: 'reap',
  kill: 'signal',
  signal: 'signal',
  deliver: 'signal',
  stop: 'signal',
  continue: 'signal',
  interrupt: 'signal',
  sigaction: 'signal',
  'ns-create': 'namespace',
  'ns-setns': 'namespace',
  'ns-zap': 'namespace',
  'ns-empty': 'namespace',
  setsid: 'session',
  setpgid: 'session',
  subreaper: 'session',
  pdeathsig: 'session',
  write: 'output',
};

export function kindOf(e: TraceEvent): EventKind {
  return KIND_OF[e.type];
}

/** Shown at first: everything but program output (every echoed key is a write). */
export const DEFAULT_KINDS: ReadonlySet<EventKind> = new Set(
  EVENT_KINDS.map((k) => k.id).filter((k) => k !== 'output'),
);

/** The processes an event is about: actor first, then the others (no duplicates). */
export function tasksOf(e: TraceEvent): TaskId[] {
  const refs: (TaskRef | null | undefined)[] = [];
  switch (e.type) {
    case 'fork':
      refs.push(e.parent, e.task);
      break;
    case 'fork-failed':
      refs.push(e.parent);
      break;
    case 'zombie':
      refs.push(e.task, e.parent);
      break;
    case 'reap':
      refs.push(e.by, e.task);
      break;
    case 'reparent':
      refs.push(e.task, e.from, e.to);
      break;
    case 'kill':
      refs.push(e.from);
      break;
    case 'signal':
      refs.push(e.from, e.task);
      break;
    case 'ns-create':
    case 'ns-setns':
      refs.push(e.by);
      break;
    case 'ns-zap':
    case 'ns-empty':
      refs.push(e.init);
      break;
    default:
      refs.push(e.task);
  }
  const ids: TaskId[] = [];
  for (const r of refs) if (r && !ids.includes(r.id)) ids.push(r.id);
  return ids;
}

/** Virtual time as the log shows it: seconds with milliseconds ("12.345 s"). */
export function formatTime(t: Micros): string {
  const ms = Math.floor(t / 1000);
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')} s`;
}

/**
 * Indexes of the trace events of the chosen kinds. Appending events only scans the new ones; a
 * different trace (a restored machine) or other kinds start over.
 */
export class EventFilter {
  private trace: readonly TraceEvent[] | null = null;
  private scanned = 0;
  private kinds: ReadonlySet<EventKind> = DEFAULT_KINDS;
  private indexes: number[] = [];
  /** Events of each kind, for the filter's counts. */
  private readonly counts = new Map<EventKind, number>();

  update(trace: readonly TraceEvent[], kinds: ReadonlySet<EventKind>): readonly number[] {
    const restart = trace !== this.trace || kinds !== this.kinds || trace.length < this.scanned;
    if (restart) {
      this.trace = trace;
      this.kinds = kinds;
      this.scanned = 0;
      this.indexes = [];
      this.counts.clear();
    }
    for (let i = this.scanned; i < trace.length; i += 1) {
      const e = trace[i];
      if (e === undefined) continue;
      const kind = KIND_OF[e.type];
      this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
      if (kinds.has(kind)) this.indexes.push(i);
    }
    this.scanned = trace.length;
    return this.indexes;
  }

  count(kind: EventKind): number {
    return this.counts.get(kind) ?? 0;
  }
}
