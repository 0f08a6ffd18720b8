/**
 * Plain-words explanations of trace events: what happened, and why (the rule, its text and its
 * source). This is what the lab shows next to every event.
 */
import type { NsId } from './types.ts';
import { ERRNO_TEXT, isErrno } from './types.ts';
import type { Rule } from './rules.ts';
import { RULES } from './rules.ts';
import type { TaskRef } from './state.ts';
import type { TraceEvent } from './trace.ts';
import { sigName } from './signals.ts';

export interface Explanation {
  /** One sentence: what happened. */
  readonly summary: string;
  readonly rule: Rule;
}

/** How to number processes: the chain of namespace ids of each namespace, and the viewpoint. */
export interface Viewpoint {
  readonly view: NsId;
  readonly chainOf: (ns: NsId) => readonly NsId[];
}

/**
 * "PID 3 (sleep)" as the viewpoint numbers it; a process in a deeper namespace also shows its
 * own innermost PID ("PID 4021 (sh, PID 1 in its namespace)"). Hidden: "a process outside".
 */
export function describePid(ref: TaskRef, vp?: Viewpoint): string {
  if (!vp) {
    const host = ref.nums[0] ?? 0;
    const inner = ref.nums[ref.nums.length - 1] ?? 0;
    return ref.nums.length > 1
      ? `PID ${host} (${ref.comm}, PID ${inner} in its namespace)`
      : `PID ${host} (${ref.comm})`;
  }
  const chain = vp.chainOf(ref.ns);
  const level = vp.chainOf(vp.view).length - 1;
  if (chain[level] !== vp.view) return `a process outside this namespace (${ref.comm})`;
  const nr = ref.nums[level] ?? 0;
  const inner = ref.nums[ref.nums.length - 1] ?? 0;
  return ref.nums.length - 1 > level
    ? `PID ${nr} (${ref.comm}, PID ${inner} in its namespace)`
    : `PID ${nr} (${ref.comm})`;
}

const statusText = (s: number): string => {
  const sig = s & 0x7f;
  if (sig === 0) return `exit status ${(s >> 8) & 0xff}`;
  return `killed by ${sigName(sig)} (${128 + sig} in a shell)`;
};

const result = (r: number | string): string => (isErrno(r) ? `${r} (${ERRNO_TEXT[r]})` : String(r));

export function explainEvent(e: TraceEvent, vp?: Viewpoint): Explanation {
  const p = (r: TaskRef): string => describePid(r, vp);
  return { summary: summarize(e, p), rule: RULES[e.rule] };
}

function summarize(e: TraceEvent, p: (r: TaskRef) => string): string {
  switch (e.type) {
    case 'boot':
      return `The host boots; ${p(e.task)} is its init.`;
    case 'fork':
      return e.rule === 'alloc_pid/init'
        ? `${p(e.parent)} forked ${p(e.task)}, the first process of a new PID namespace: its PID 1.`
        : `${p(e.parent)} forked ${p(e.task)}.`;
    case 'fork-failed':
      return `fork() in ${p(e.parent)} failed with ${result(e.errno)}.`;
    case 'threads':
      return `${p(e.task)} started ${e.count} thread${e.count === 1 ? '' : 's'}, each taking a PID number.`;
    case 'exec':
      return `${p(e.task)} replaced ${e.previous} with ${e.argv.join(' ')}.`;
    case 'exit':
      return `${p(e.task)} ended: ${statusText(e.status)}.`;
    case 'zombie':
      return `${p(e.task)} is a zombie until ${p(e.parent)} waits for it.`;
    case 'reap':
      return e.by
        ? `${p(e.by)} reaped ${p(e.task)} (${statusText(e.status)}); its PID is free again.`
        : `${p(e.task)} was released.`;
    case 'reparent':
      return `${p(e.task)} lost its parent ${p(e.from)}; ${p(e.to)} adopts it.`;
    case 'kill':
      return `${p(e.from)} called kill(${e.target}, ${e.sig === 0 ? '0' : sigName(e.sig)}): ${result(e.result)}.`;
    case 'signal': {
      const from = e.from ? ` from ${p(e.from)}` : ' from the kernel';
      if (e.outcome === 'dropped') return `${sigName(e.sig)}${from} to ${p(e.task)} was dropped.`;
      if (e.outcome === 'coalesced')
        return `${sigName(e.sig)}${from} to ${p(e.task)} merged with one already pending.`;
      return `${sigName(e.sig)}${from} to ${p(e.task)} is pending.`;
    }
    case 'deliver':
      switch (e.action) {
        case 'handler':
          return `${p(e.task)} runs its ${sigName(e.sig)} handler.`;
        case 'sigwait':
          return `${p(e.task)} takes ${sigName(e.sig)} with sigwait.`;
        case 'terminate':
        case 'core':
          return `${sigName(e.sig)} terminates ${p(e.task)}.`;
        case 'stop':
          return `${sigName(e.sig)} stops ${p(e.task)}.`;
        case 'skip':
          return `${p(e.task)} skips ${sigName(e.sig)}.`;
        default:
          return `${p(e.task)} ignores ${sigName(e.sig)}.`;
      }
    case 'stop':
      return `${p(e.task)} is stopped by ${sigName(e.sig)}.`;
    case 'continue':
      return `${p(e.task)} continues.`;
    case 'interrupt':
      return `${p(e.task)}'s blocking ${e.call} returns EINTR.`;
    case 'sigaction':
      return `${p(e.task)} sets ${sigName(e.sig)} to ${e.disposition === 'handler' ? 'a handler' : e.disposition === 'ignore' ? 'SIG_IGN' : 'SIG_DFL'}.`;
    case 'ns-create':
      return `${p(e.by)} created a PID namespace at level ${e.level}; its next child will be PID 1 there.`;
    case 'ns-setns':
      return `${p(e.by)} joined a PID namespace for its next children.`;
    case 'ns-zap':
      return `${p(e.init)}, PID 1 of its namespace, died: the kernel SIGKILLs the ${e.victims} other process${e.victims === 1 ? '' : 'es'} in it.`;
    case 'ns-empty':
      return `The namespace of ${p(e.init)} is empty; its init finishes exiting.`;
    case 'setsid':
      return `${p(e.task)} called setsid(): ${result(e.result)}.`;
    case 'setpgid':
      return `${p(e.task)} called setpgid(…, ${e.pgid}): ${result(e.result)}.`;
    case 'subreaper':
      return `${p(e.task)} ${e.on ? 'became' : 'is no longer'} a child subreaper.`;
    case 'pdeathsig':
      return `${p(e.task)} asked for ${e.sig === 0 ? 'no signal' : sigName(e.sig)} when its parent dies.`;
    case 'write':
      return `${p(e.task)} wrote ${JSON.stringify(e.text.length > 60 ? e.text.slice(0, 57) + '...' : e.text)} to fd ${e.fd}.`;
    case 'syscall-error':
      return `${p(e.task)} called ${e.call}(): ${result(e.errno)}.`;
    case 'panic':
      return `${p(e.task)} exited: Kernel panic - not syncing: Attempted to kill init!`;
  }
}
