/**
 * The trace: everything that happened, in virtual time, each decision with the rule that made it.
 * Events point at TaskRefs (immutable), so they still name the right PIDs after the task is gone.
 */
import type { Errno, Micros, NsId } from './types.ts';
import type { RuleId } from './rules.ts';
import type { TaskRef } from './state.ts';

interface Base {
  /** Position in the trace, from 0. */
  seq: number;
  /** Virtual time, microseconds. */
  t: Micros;
  rule: RuleId;
}

export type TraceEvent = Base &
  (
    | { type: 'boot'; task: TaskRef; ns: NsId }
    | { type: 'fork'; parent: TaskRef; task: TaskRef; threads?: number }
    | { type: 'fork-failed'; parent: TaskRef; errno: Errno; ns: NsId }
    | { type: 'threads'; task: TaskRef; count: number }
    | { type: 'exec'; task: TaskRef; previous: string; argv: readonly string[] }
    | { type: 'exit'; task: TaskRef; status: number }
    | { type: 'zombie'; task: TaskRef; parent: TaskRef }
    | { type: 'reap'; task: TaskRef; by: TaskRef | null; status: number }
    | { type: 'reparent'; task: TaskRef; from: TaskRef; to: TaskRef }
    | { type: 'kill'; from: TaskRef; target: number; sig: number; result: number | Errno }
    | {
        type: 'signal';
        from: TaskRef | null;
        task: TaskRef;
        sig: number;
        outcome: 'pending' | 'dropped' | 'coalesced';
        forced: boolean;
      }
    | {
        type: 'deliver';
        task: TaskRef;
        sig: number;
        action: 'handler' | 'ignore' | 'skip' | 'terminate' | 'core' | 'stop' | 'sigwait';
      }
    | { type: 'stop'; task: TaskRef; sig: number }
    | { type: 'continue'; task: TaskRef }
    | { type: 'interrupt'; task: TaskRef; call: string }
    | {
        type: 'sigaction';
        task: TaskRef;
        sig: number;
        disposition: 'default' | 'ignore' | 'handler';
      }
    | { type: 'ns-create'; ns: NsId; level: number; by: TaskRef }
    | { type: 'ns-setns'; ns: NsId; by: TaskRef }
    | { type: 'ns-zap'; ns: NsId; init: TaskRef; victims: number }
    | { type: 'ns-empty'; ns: NsId; init: TaskRef }
    | { type: 'setsid'; task: TaskRef; result: number | Errno }
    | { type: 'setpgid'; task: TaskRef; pgid: number; result: number | Errno }
    | { type: 'subreaper'; task: TaskRef; on: boolean }
    | { type: 'pdeathsig'; task: TaskRef; sig: number }
    | { type: 'write'; task: TaskRef; fd: number; text: string }
    | { type: 'panic'; task: TaskRef }
    /** A call refused by a rule that has no other event (unshare EINVAL/ENOSPC, wait ECHILD). */
    | { type: 'syscall-error'; task: TaskRef; call: 'unshare' | 'wait'; errno: Errno }
  );

export type TraceEventType = TraceEvent['type'];
