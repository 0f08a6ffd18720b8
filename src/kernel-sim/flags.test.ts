/**
 * The task record's packed parts: Task.flags (seven booleans as bits of one number, state.ts
 * TF_*), Task.cred (the user ids, shared until changed) and Task.image (exe, argv, env), and
 * snapshots saved while these were fields of the task record itself.
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
import type { TaskId } from './types.ts';

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

  it('share the parent’s cred and image from fork until one of them changes its own', () => {
    const k = Kernel.create();
    const parent = hostPuppet(k);
    const child = fork(k, parent.task);
    const rec = (p: { task: TaskId }) => k.taskRecord(p.task)!;
    expect(rec(child).cred).toBe(rec(parent).cred);
    expect(rec(child).image).toBe(rec(parent).image);
    expect(k.sys(child.task).setuid(1000)).toBe(0);
    expect(rec(child).cred).toEqual({ uid: 1000, euid: 1000, suid: 1000 });
    expect(rec(parent).cred).toEqual({ uid: 0, euid: 0, suid: 0 });
    k.sys(parent.task).setProcTitle(['renamed']);
    expect(rec(parent).image.argv).toEqual(['renamed']);
    expect(rec(child).image.argv).toEqual(['puppet']);
  });

  it('are restored from a snapshot saved when they were fields of the task record', () => {
    const k = Kernel.create();
    const c = container(k);
    const sub = hostPuppet(k);
    const user = fork(k, sub.task);
    expect(k.sys(user.task).setuid(1000)).toBe(0);
    expect(k.sys(user.task).setPdeathsig(SIGCONT)).toBe(0); // a TaskExtra of its own
    k.sys(sub.task).setChildSubreaper(true);
    const below = fork(k, sub.task); // has a subreaper above it
    const stopped = fork(k, c.init.task);
    k.sys(c.init.task).kill(k.pidOf(stopped.task, c.ns), SIGSTOP);
    k.settle();
    k.sys(c.init.task).kill(k.pidOf(stopped.task, c.ns), SIGCONT); // a continue to report
    k.settle();
    const snap = k.snapshot();
    // The old shape: a boolean per bit, no `flags`; uid, euid, suid, exe, argv and env as fields;
    // and the task's own TaskRef.
    const old = structuredClone(snap) as unknown as {
      state: { tasks: (Record<string, unknown> | null)[] };
    };
    for (const t of old.state.tasks) {
      if (!t) continue;
      for (const [field, bit] of OLD_FIELDS) t[field] = ((t.flags as number) & bit) !== 0;
      Object.assign(t, t.cred, t.image, t.extra, t.inherited);
      t.ref = { id: t.id, ns: t.ns, nums: k.taskRef(t.id as TaskId)!.nums, comm: t.comm };
      delete t.flags;
      delete t.cred;
      delete t.image;
      delete t.extra;
      delete t.inherited;
    }
    expect(old.state.tasks[user.task]).toMatchObject({ uid: 1000, euid: 1000, argv: ['puppet'] });
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
      for (const field of [
        'uid',
        'euid',
        'suid',
        'exe',
        'argv',
        'env',
        'ref',
        'threads',
        'timers',
        'cwd',
        'ctty',
      ])
        expect(rec).not.toHaveProperty(field);
      expect(rec.cred).toEqual(k.taskRecord(id)!.cred);
      expect(rec.image).toEqual(k.taskRecord(id)!.image);
    }
    expect(restored.taskRecord(user.task)!.cred.uid).toBe(1000);
    expect(restored.taskRecord(user.task)!.extra.pdeathSignal).toBe(SIGCONT);
    expect(restored.taskRecord(sub.task)!.flags & TF_SUBREAPER).toBe(TF_SUBREAPER);
    expect(restored.taskRecord(c.init.task)!.flags & TF_UNKILLABLE).toBe(TF_UNKILLABLE);
    // The same machine (the moved fields come last in each migrated record: compare as data).
    expect(JSON.parse(restored.serialize())).toEqual(JSON.parse(Kernel.restore(snap).serialize()));
  });

  it('give a restored task a TaskExtra of its own on its first change, never a shared one', () => {
    const k = Kernel.create();
    const a = hostPuppet(k);
    const b = hostPuppet(k);
    for (const restored of [Kernel.restore(k.snapshot()), Kernel.deserialize(k.serialize())]) {
      expect(restored.sys(a.task).setPdeathsig(SIGCONT)).toBe(0);
      expect(restored.taskRecord(a.task)!.extra.pdeathSignal).toBe(SIGCONT);
      expect(restored.taskRecord(b.task)!.extra.pdeathSignal).toBe(0);
      expect(restored.taskRecord(restored.hostInit)!.extra.pdeathSignal).toBe(0);
    }
    expect(k.taskRecord(a.task)!.extra.pdeathSignal).toBe(0);
  });
});
