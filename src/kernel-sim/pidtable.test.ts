import { describe, expect, it } from 'vitest';

import { Kernel, type KernelSnapshot } from './kernel.ts';
import { WNOHANG } from './programs/abi.ts';
import type { NsId } from './types.ts';
import { container, fork, hostPuppet } from './testkit.ts';

describe('struct pid table (columns)', () => {
  it('restores a snapshot saved when struct pids were an array of records', () => {
    const k = Kernel.create();
    const c = container(k);
    const parent = hostPuppet(k);
    const kids = [fork(k, parent.task), fork(k, c.init.task), fork(k, c.init.task)];
    k.sys(kids[1]!.task).exit(3); // a zombie in the container
    k.settle();
    const snap = k.snapshot();
    // The old form: pids[id] = { id, ns, nums, users, owner } or null.
    const old = structuredClone(snap) as unknown as { state: { pids: unknown } };
    const p = snap.state.pids;
    old.state.pids = Array.from({ length: snap.state.nextTaskId }, (_, id) => {
      const ns = p.ns[id] ?? 0;
      if (ns === 0) return null;
      const level = snap.state.namespaces.get(ns as NsId)!.level;
      const nums = Array.from(p.nums.subarray(p.at[id]!, p.at[id]! + level + 1));
      return { id, ns, nums, users: p.users[id], owner: p.owner[id] };
    });
    expect((old.state.pids as unknown[]).filter((e) => e !== null).length).toBeGreaterThan(6);
    const restored = Kernel.restore(old as unknown as KernelSnapshot);
    expect(restored.checkInvariants()).toEqual([]);
    expect(restored.serialize()).toBe(k.serialize());
    // The restored machine goes on numbering where the old one would.
    const next = restored.sys(c.init.task).fork({ program: 'puppet' });
    expect(next).toBe(k.sys(c.init.task).fork({ program: 'puppet' }));
    expect(restored.sys(c.init.task).wait(-1, WNOHANG)).toEqual(
      k.sys(c.init.task).wait(-1, WNOHANG),
    );
  });

  it('survives JSON and packs its numbers: snapshot -> restore -> snapshot is the same', () => {
    const k = Kernel.create();
    const c = container(k);
    // Many forks and reaps leave freed numbers behind in the live table.
    for (let i = 0; i < 200; i++) {
      const child = fork(k, c.init.task);
      k.sys(child.task).exit(0);
      k.settle();
      k.sys(c.init.task).wait(-1, WNOHANG);
    }
    const text = k.serialize();
    const again = Kernel.deserialize(text);
    expect(again.checkInvariants()).toEqual([]);
    expect(again.serialize()).toBe(text);
    expect(again.pidOf(c.init.task, c.ns)).toBe(1);
  });
});
