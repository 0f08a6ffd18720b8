/**
 * The trace store (tracelog.ts): the events kept as columns read back exactly as the objects
 * they stand for, and `kernel.trace` behaves as a read-only array of them.
 */
import { describe, expect, it } from 'vitest';
import { Kernel } from './kernel.ts';
import type { TraceEvent } from './trace.ts';
import type { TaskId } from './types.ts';
import { SIGCHLD, SIGKILL, SIGTERM } from './signals.ts';
import { WNOHANG } from './programs/abi.ts';
import { fork, hostPuppet } from './testkit.ts';

/** A run that produces every column event type (fork, exit, signal, zombie, reap, deliver). */
function busyKernel(): { k: Kernel; seen: TraceEvent[]; parent: TaskId } {
  const k = Kernel.create({ pidMax: 400 });
  const seen: TraceEvent[] = [];
  const parent = hostPuppet(k);
  const off = k.onTrace((e) => seen.push(e));
  const a = fork(k, parent.task);
  k.sys(a.task).exit(3);
  k.settle();
  k.sys(parent.task).wait(a.pid, WNOHANG);
  const b = fork(k, parent.task);
  k.sys(parent.task).kill(b.pid, SIGTERM); // default action: deliver 'terminate'
  k.settle();
  k.sys(parent.task).sigaction(SIGCHLD, 'ignore');
  const c = fork(k, parent.task);
  k.sys(parent.task).kill(c.pid, SIGKILL); // autoreaped by the parent
  k.settle();
  off();
  return { k, seen, parent: parent.task };
}

describe('the trace store', () => {
  it('reads column events back with the fields, order and values they were emitted with', () => {
    const { k, seen, parent } = busyKernel();
    const types = new Set(k.trace.map((e) => e.type));
    for (const t of ['fork', 'exit', 'signal', 'zombie', 'reap', 'deliver'] as const)
      expect(types, t).toContain(t);
    k.trace.forEach((e, i) => expect(e.seq).toBe(i));
    const exit = k.trace.find((e) => e.type === 'exit' && e.status === 3 << 8);
    expect(exit && Object.keys(exit)).toEqual(['seq', 't', 'type', 'task', 'status', 'rule']);
    const sig = k.trace.find((e) => e.type === 'signal');
    expect(sig && Object.keys(sig)).toEqual([
      'seq',
      't',
      'type',
      'from',
      'task',
      'sig',
      'outcome',
      'forced',
      'rule',
    ]);
    const autoreap = k.trace.find((e) => e.type === 'reap' && e.rule === 'exit/autoreap');
    expect(autoreap).toMatchObject({ type: 'reap', status: SIGKILL });
    expect(autoreap?.type === 'reap' && autoreap.by).toEqual(k.taskRef(parent)!);
    // A second task of null (SIGCHLD comes from the kernel: no sender).
    expect(k.trace.find((e) => e.type === 'signal' && e.sig === SIGCHLD)).toMatchObject({
      from: null,
      outcome: 'dropped',
      forced: false,
    });
    const term = k.trace.find((e) => e.type === 'deliver' && e.action === 'terminate');
    expect(term).toMatchObject({ sig: SIGTERM, rule: 'sig/terminate' });
    // The same events as a JSON round trip (which stores them as plain objects again).
    const copy = Kernel.deserialize(k.serialize(), { pidMax: 400 });
    expect(JSON.stringify(copy.trace)).toBe(JSON.stringify(k.trace));
    // Events name the task as its TaskRef was then, one shared object per task and comm.
    const forked = k.trace.filter((e) => e.type === 'fork');
    const last = forked[forked.length - 1]!;
    expect(last.type === 'fork' && last.parent).toEqual(k.taskRef(parent)!);
    expect(last.type === 'fork' && Object.keys(last.parent)).toEqual(['id', 'ns', 'nums', 'comm']);
    const first = forked[forked.length - 2]!;
    expect(first.type === 'fork' && first.parent).toBe(last.type === 'fork' && last.parent);
    // A listener gets the same object the trace gives at that position.
    for (const e of seen) expect(k.trace[e.seq]).toBe(e);
  });

  it('is a read-only array: index, length, iteration, slice, at, spread', () => {
    const { k } = busyKernel();
    const t = k.trace;
    const n = t.length;
    expect(Array.isArray(t)).toBe(true);
    expect(t[0]!.type).toBe('boot');
    expect(t[n]).toBeUndefined();
    expect(t.at(-1)).toBe(t[n - 1]);
    expect([...t]).toHaveLength(n);
    expect(t.slice(-2)).toEqual([t[n - 2], t[n - 1]]);
    expect(t.slice(1, 3).map((e) => e.seq)).toEqual([1, 2]);
    expect(Object.keys(t)).toHaveLength(n);
    expect(n - 1 in t).toBe(true);
    expect(n in t).toBe(false);
    expect(t.indexOf(t[2]!)).toBe(2);
    expect(t.reduce((acc) => acc + 1, 0)).toBe(n);
    expect(() => ((t as TraceEvent[])[0] = t[1]!)).toThrow(TypeError);
    expect(() => (t as TraceEvent[]).push(t[1]!)).toThrow(TypeError);
    expect(t.length).toBe(n);
  });

  it('stores many events across chunks and still numbers them in order', () => {
    const k = Kernel.create({ pidMax: 32768 });
    const parent = hostPuppet(k);
    for (let i = 0; i < 3000; i++) {
      const c = fork(k, parent.task);
      k.sys(c.task).exit(i & 0xff);
      k.settle();
      k.sys(parent.task).wait(c.pid, WNOHANG);
    }
    const t = k.trace;
    expect(t.length).toBeGreaterThan(4096 * 3);
    for (let i = 0; i < t.length; i += 997) expect(t[i]!.seq).toBe(i);
    const statuses = t.flatMap((e) => (e.type === 'exit' ? [e.status >> 8] : []));
    expect(statuses.slice(-3)).toEqual([2997 & 0xff, 2998 & 0xff, 2999 & 0xff]);
  });
});

describe('the TaskRefs of column events', () => {
  it('keep the comm a task had at each event, across exec, and every PID number', () => {
    const k = Kernel.create({ pidMax: 400 });
    const outer = hostPuppet(k);
    expect(k.sys(outer.task).unsharePid()).toBe(0);
    const init = fork(k, outer.task); // PID 1 of the new namespace: two numbers
    const child = fork(k, init.task);
    expect(k.sys(child.task).exec('/bin/sleep', ['sleep', '5'])).toBe(0);
    k.settle();
    k.sys(child.task).kill(0, SIGKILL);
    k.settle();
    const mine = k.trace.flatMap((e) =>
      (e.type === 'fork' || e.type === 'exec' || e.type === 'exit') && e.task.id === child.task
        ? [{ type: e.type, task: e.task }]
        : [],
    );
    expect(mine.map((e) => [e.type, e.task.comm])).toEqual([
      ['fork', 'puppet'],
      ['exec', 'sleep'],
      ['exit', 'sleep'],
    ]);
    const forkEv = mine[0]!;
    expect(forkEv.task.nums).toEqual([k.pidOf(child.task), 2]);
    expect(forkEv.task.ns).toBe(k.nsOf(child.task));
    // The exit event's ref is the exec'd one (same content, read back from the columns).
    expect(mine[2]!.task).toEqual(k.taskRef(child.task) ?? mine[1]!.task);
  });
});
