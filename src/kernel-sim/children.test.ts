/**
 * The children list (children.ts): list_add_tail order for forks, wait() collecting in list
 * order, removal from the middle, and reparenting appending to the new parent's tail in the
 * dead parent's order (forget_original_parent walks father->children with list_move_tail).
 */
import { describe, expect, it } from 'vitest';
import { Kernel } from './kernel.ts';
import type { KernelSnapshot } from './kernel.ts';
import { WNOHANG } from './programs/abi.ts';
import { container, fork, hostPuppet } from './testkit.ts';
import type { TaskId } from './types.ts';

/** The host PIDs of a task's children, in list order, as the model keeps them. */
function childPids(k: Kernel, parent: TaskId): number[] {
  const out: number[] = [];
  for (let id = k.taskRecord(parent)!.firstChild; id !== 0; id = k.taskRecord(id)!.nextSibling)
    out.push(k.pidOf(id));
  return out;
}

describe('a task’s children list', () => {
  it('keeps fork order, loses a reaped child from the middle, and wait(-1) takes the first zombie', () => {
    const k = Kernel.create();
    const p = hostPuppet(k);
    const kids = [1, 2, 3, 4].map(() => fork(k, p.task));
    expect(childPids(k, p.task)).toEqual(kids.map((c) => c.pid));
    // Reap the second one: the list closes up around it.
    k.sys(kids[1]!.task).exit(0);
    k.settle();
    expect(k.sys(p.task).wait(kids[1]!.pid, WNOHANG)).toEqual({ pid: kids[1]!.pid, status: 0 });
    expect(childPids(k, p.task)).toEqual([kids[0]!.pid, kids[2]!.pid, kids[3]!.pid]);
    // The last and then the first exit: wait(-1) takes the one earlier in the list.
    k.sys(kids[3]!.task).exit(3);
    k.sys(kids[0]!.task).exit(1);
    k.settle();
    expect(k.sys(p.task).wait(-1, WNOHANG)).toEqual({ pid: kids[0]!.pid, status: 1 << 8 });
    expect(k.sys(p.task).wait(-1, WNOHANG)).toEqual({ pid: kids[3]!.pid, status: 3 << 8 });
    expect(childPids(k, p.task)).toEqual([kids[2]!.pid]);
    expect(k.checkInvariants()).toEqual([]);
  });

  it('hands the children of a dead parent to the reaper, appended in their order', () => {
    const k = Kernel.create();
    const c = container(k);
    const early = fork(k, c.init.task); // already the init's child
    const mid = fork(k, c.init.task);
    const orphans = [1, 2, 3].map(() => fork(k, mid.task));
    k.sys(orphans[1]!.task).exit(0); // a zombie among them: adopted as a zombie (a puppet never reaps)
    k.settle();
    k.sys(mid.task).exit(0);
    k.settle();
    expect(childPids(k, c.init.task)).toEqual([early, mid, ...orphans].map((t) => k.pidOf(t.task)));
    expect(childPids(k, mid.task)).toEqual([]);
    expect(k.checkInvariants()).toEqual([]);
  });

  it('is rebuilt from the Sets of a snapshot saved before the list existed', () => {
    const k = Kernel.create();
    const c = container(k);
    const kids = [1, 2, 3].map(() => fork(k, c.init.task));
    k.sys(kids[1]!.task).exit(0);
    k.settle();
    const snap = k.snapshot();
    // The old shape: `children` (ids in list order, or null) instead of the four links.
    const old = structuredClone(snap) as unknown as {
      state: { tasks: (Record<string, unknown> | null)[] };
    };
    for (const t of old.state.tasks) {
      if (!t) continue;
      const ids: number[] = [];
      for (let id = t.firstChild as number; id !== 0;) {
        ids.push(id);
        id = old.state.tasks[id]!.nextSibling as number;
      }
      t.children = ids.length > 0 ? new Set(ids) : null;
      for (const f of ['firstChild', 'lastChild', 'prevSibling', 'nextSibling']) delete t[f];
    }
    const restored = Kernel.restore(old as unknown as KernelSnapshot);
    expect(restored.checkInvariants()).toEqual([]);
    expect(childPids(restored, c.init.task)).toEqual(childPids(k, c.init.task));
    expect(childPids(restored, k.hostInit)).toEqual(childPids(k, k.hostInit));
    // The same machine (the links come last in each migrated record, so compare as data).
    expect(JSON.parse(restored.serialize())).toEqual(JSON.parse(Kernel.restore(snap).serialize()));
  });
});
