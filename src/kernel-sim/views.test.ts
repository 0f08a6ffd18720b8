/**
 * processTable(): the whole machine at once, as the page's process tree reads it. It must agree
 * with /proc as each namespace shows it (NSpid, PPid, State), because the tree is a picture of
 * exactly that.
 */
import { describe, expect, it } from 'vitest';
import { boot, container, fork, hostProcess } from './testkit.ts';

describe('processTable', () => {
  it('lists every process with its PIDs at every level, its parent and its state', () => {
    const k = boot();
    const c = container(k);
    const child = fork(k, c.init.task);
    k.sys(child.task).exit(3); // a zombie until PID 1 of the namespace waits
    k.settle();

    const rows = k.processTable();
    expect(rows.map((r) => r.task)).toEqual(k.taskIds());
    const byTask = new Map(rows.map((r) => [r.task, r]));

    const init = byTask.get(c.init.task)!;
    expect(init.ref.ns).toBe(c.ns);
    expect(init.ref.nums).toEqual([k.pidOf(c.init.task), 1]);
    expect(init.parent).toBe(c.outer.task);

    const z = byTask.get(child.task)!;
    expect(z.state).toBe('Z');
    expect(z.ref.nums).toEqual([k.pidOf(child.task), 2]);
    expect(z.parent).toBe(c.init.task);

    expect(byTask.get(k.hostInit)!.parent).toBe(0);

    // The same facts as /proc/PID/status read from the host.
    for (const r of rows) {
      const e = k.view().get(r.ref.nums[0]!)!;
      expect(e.nspid).toEqual(r.ref.nums);
      expect(e.state).toBe(r.state);
      expect(e.comm).toBe(r.comm);
      expect(e.ppid).toBe(r.parent === 0 ? 0 : k.pidOf(r.parent));
    }
  });

  it('follows exec (comm, argv) and reaping (the row is gone)', () => {
    const k = boot();
    const p = hostProcess(k);
    expect(k.sys(p.task).exec('/bin/sleep', ['sleep', '100'])).toBe(0);
    k.settle();
    const row = k.processTable().find((r) => r.task === p.task)!;
    expect(row.comm).toBe('sleep');
    expect(row.argv).toEqual(['sleep', '100']);
    expect(row.ref.comm).toBe('sleep');

    k.sys(p.task).kill(k.pidOf(p.task), 9);
    k.settle();
    // The host's init reaps it: no row any more.
    expect(k.processTable().some((r) => r.task === p.task)).toBe(false);
  });
});
