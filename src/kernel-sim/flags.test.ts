/**
 * Task.flags: the seven per-task booleans kept as bits of one number (state.ts TF_*), and
 * snapshots saved while they were booleans.
 */
import { describe, expect, it } from 'vitest';
import { Kernel } from './kernel.ts';
import type { KernelSnapshot } from './kernel.ts';
import {
  TF_BUSY,
  TF_DID_EXEC,
  TF_GROUP_EXIT,
  TF_HAS_SUBREAPER,
  TF_REPORT_CONTINUED,
  TF_SUBREAPER,
  TF_UNKILLABLE,
} from './state.ts';
import { SIGCONT, SIGSTOP } from './signals.ts';
import { container, fork, hostPuppet } from './testkit.ts';

const OLD_FIELDS = [
  ['isSubreaper', TF_SUBREAPER],
  ['hasChildSubreaper', TF_HAS_SUBREAPER],
  ['unkillable', TF_UNKILLABLE],
  ['groupExit', TF_GROUP_EXIT],
  ['didExec', TF_DID_EXEC],
  ['reportContinued', TF_REPORT_CONTINUED],
  ['busy', TF_BUSY],
] as const;

describe('task flags', () => {
  it('are distinct bits', () => {
    const bits = OLD_FIELDS.map(([, bit]) => bit);
    expect(bits.reduce((a, b) => a | b, 0)).toBe(2 ** bits.length - 1);
  });

  it('are restored from a snapshot saved when they were seven booleans', () => {
    const k = Kernel.create();
    const c = container(k);
    const sub = hostPuppet(k);
    k.sys(sub.task).setChildSubreaper(true);
    const below = fork(k, sub.task); // has a subreaper above it
    const stopped = fork(k, c.init.task);
    k.sys(c.init.task).kill(k.pidOf(stopped.task, c.ns), SIGSTOP);
    k.settle();
    k.sys(c.init.task).kill(k.pidOf(stopped.task, c.ns), SIGCONT); // a continue to report
    k.settle();
    const snap = k.snapshot();
    // The old shape: a boolean per bit, no `flags`.
    const old = structuredClone(snap) as unknown as {
      state: { tasks: (Record<string, unknown> | null)[] };
    };
    for (const t of old.state.tasks) {
      if (!t) continue;
      for (const [field, bit] of OLD_FIELDS) t[field] = ((t.flags as number) & bit) !== 0;
      delete t.flags;
    }
    expect(old.state.tasks[below.task]).toMatchObject({
      isSubreaper: false,
      hasChildSubreaper: true,
    });
    expect(old.state.tasks[c.init.task]).toMatchObject({ unkillable: true });
    expect(old.state.tasks[stopped.task]).toMatchObject({ reportContinued: true });

    const restored = Kernel.restore(old as unknown as KernelSnapshot);
    expect(restored.checkInvariants()).toEqual([]);
    for (const id of k.taskIds()) {
      const rec = restored.taskRecord(id)!;
      expect(rec.flags).toBe(k.taskRecord(id)!.flags);
      for (const [field] of OLD_FIELDS) expect(rec).not.toHaveProperty(field);
    }
    expect(restored.taskRecord(sub.task)!.flags & TF_SUBREAPER).toBe(TF_SUBREAPER);
    expect(restored.taskRecord(c.init.task)!.flags & TF_UNKILLABLE).toBe(TF_UNKILLABLE);
    // The same machine (the flags come last in each migrated record, so compare as data).
    expect(JSON.parse(restored.serialize())).toEqual(JSON.parse(Kernel.restore(snap).serialize()));
  });
});
