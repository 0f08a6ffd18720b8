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
import type { SigInfo } from './state.ts';
import type { WaitResult } from './programs/abi.ts';

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
 * A process started the way a shell starts one: forked by `parent` and exec'd, so it begins
 * with default signal dispositions (not the parent's handlers, e.g. init's SIGCHLD handler).
 */
export function hostPuppet(
  k: Kernel,
  parent: TaskId = k.hostInit,
  argv: readonly string[] = ['puppet'],
): Proc {
  const pid = k.spawn(parent, '/usr/local/bin/puppet', argv);
  if (typeof pid === 'string') throw new Error(`spawn failed: ${pid}`);
  k.settle();
  const task = k.taskByPid(pid, k.nsOf(parent));
  if (task === undefined) throw new Error(`spawned pid ${pid} not found`);
  return { task, pid };
}

/** A host process (see hostPuppet) whose `exitOn` reactions are passed to it as argv. */
export function hostProcess(
  k: Kernel,
  state?: Partial<PuppetState>,
  parent: TaskId = k.hostInit,
): Proc {
  const exitOn = Object.entries(state?.exitOn ?? {}).map(([s, c]) => `--exit-on=${s}:${c}`);
  return hostPuppet(k, parent, ['puppet', ...exitOn]);
}

/** fork() of a puppet child (it inherits the parent's dispositions), then let it start. */
export const forkPuppet = fork;

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
  (k.taskRecord(task)?.pstate as PuppetState | undefined)?.log ?? [];
export const puppetLog = log;

/** The handled signals a puppet recorded, in order. */
export const signalsLogged = (k: Kernel, task: TaskId): SigInfo[] =>
  log(k, task).flatMap((e) => (e.call === 'signal' ? [e.info] : []));

export const isWaitResult = (w: unknown): w is WaitResult =>
  typeof w === 'object' && w !== null && 'pid' in w && 'status' in w;

/** One field of /proc/PID/status as namespace `ns` shows it. */
export const statusField = (k: Kernel, ns: NsId, pid: number, field: string): string | undefined =>
  k
    .view(ns)
    .status(pid)
    ?.split('\n')
    .find((l) => l.startsWith(`${field}:`))
    ?.slice(field.length + 1)
    .trim();

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
