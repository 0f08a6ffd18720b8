/**
 * Helpers for the model's own tests: boot a host, make puppet processes, build a container
 * (unshare --pid --fork) and read what happened. Not part of the public API.
 */
import { Kernel } from './kernel.ts';
import type { KernelOptions } from './kernel.ts';
import type { NsId, TaskId } from './types.ts';
import type { TraceEvent } from './trace.ts';
import type { PuppetState } from './programs/builtin.ts';
import type { RuleId } from './rules.ts';

export interface Proc {
  readonly task: TaskId;
  /** PID in the parent's namespace as fork returned it. */
  readonly pid: number;
}

export function boot(options: KernelOptions = {}): Kernel {
  return Kernel.create(options);
}

/** fork() a puppet child of `parent` and let it start. Throws if the fork fails. */
export function fork(k: Kernel, parent: TaskId, state?: Partial<PuppetState>): Proc {
  const pid = k
    .sys(parent)
    .fork(state === undefined ? { program: 'puppet' } : { program: 'puppet', state });
  if (typeof pid === 'string') throw new Error(`fork failed: ${pid}`);
  k.settle();
  const ns = k.taskRecord(parent)!.ns;
  const task = k.taskByPid(pid, ns);
  if (task === undefined) throw new Error(`forked pid ${pid} not found`);
  return { task, pid };
}

/**
 * A process started on the host the way a real one is: forked by init and exec'd, so it starts
 * with default signal dispositions (not init's SIGCHLD handler). `exitOn` becomes argv.
 */
export function hostProcess(
  k: Kernel,
  state?: Partial<PuppetState>,
  parent: TaskId = k.hostInit,
): Proc {
  const argv = [
    'puppet',
    ...Object.entries(state?.exitOn ?? {}).map(([s, c]) => `--exit-on=${s}:${c}`),
  ];
  const pid = k.spawn(parent, '/usr/local/bin/puppet', argv);
  if (typeof pid === 'string') throw new Error(`spawn failed: ${pid}`);
  k.settle();
  const task = k.taskByPid(pid, k.taskRecord(parent)!.ns);
  if (task === undefined) throw new Error(`spawned pid ${pid} not found`);
  return { task, pid };
}

export interface Container {
  /** The process that called unshare(CLONE_NEWPID) (unshare --fork). */
  readonly outer: Proc;
  /** PID 1 of the new namespace. */
  readonly init: Proc;
  readonly ns: NsId;
}

/** `unshare --pid --fork`: a host process unshares and forks PID 1 of a new namespace. */
export function container(
  k: Kernel,
  initState?: Partial<PuppetState>,
  parent: TaskId = k.hostInit,
): Container {
  const outer = hostProcess(k, undefined, parent);
  const r = k.sys(outer.task).unsharePid();
  if (r !== 0) throw new Error(`unshare failed: ${r}`);
  const init = fork(k, outer.task, initState);
  return { outer, init, ns: k.nsOf(init.task) };
}

export const log = (k: Kernel, task: TaskId): PuppetState['log'] =>
  (k.taskRecord(task)?.pstate as PuppetState).log;

export const eventsOf = <T extends TraceEvent['type']>(
  k: Kernel,
  type: T,
): Extract<TraceEvent, { type: T }>[] =>
  k.trace.filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);

export const rulesIn = (k: Kernel): Set<RuleId> => new Set(k.trace.map((e) => e.rule));

/** Process table rows as "pid ppid state comm" strings, as a namespace sees them. */
export const table = (k: Kernel, ns: NsId = k.rootNs): string[] =>
  k
    .view(ns)
    .list()
    .map((e) => `${e.pid} ${e.ppid} ${e.state} ${e.comm}`);
