/**
 * The pids cgroup controller: a limit on the number of tasks (processes and threads, zombies
 * included) in a cgroup subtree. Linux: kernel/cgroup/pids.c (pids_try_charge, pids_can_fork,
 * pids_event, pids_uncharge, pids_can_attach); Documentation/admin-guide/cgroup-v2.rst "PID".
 * Docker --pids-limit and the kubelet's podPidsLimit set pids.max. The file system view of these
 * cgroups (/sys/fs/cgroup) is cgroupfs.ts.
 */
import type { Core } from './core.ts';
import type { CgroupId } from './types.ts';
import { asCgroupId } from './types.ts';
import type { Cgroup, Task } from './state.ts';
import { withInherited } from './state.ts';

export function createCgroup(
  k: Core,
  parent: CgroupId | 0,
  name: string,
  pidsMax = Infinity,
): Cgroup {
  const cg: Cgroup = {
    id: asCgroupId(k.state.nextCgroupId++),
    parent,
    name,
    pidsMax,
    current: 0,
    eventsMax: 0,
    eventsMaxLocal: 0,
    forkFail: 0,
    peak: 0,
    // A systemd host (and Docker's) enables every controller at the root: children get pids.*.
    subtreePids: parent === 0,
    removed: false,
  };
  k.state.cgroups.set(cg.id, cg);
  return cg;
}

const parentOf = (k: Core, c: Cgroup): Cgroup | undefined =>
  c.parent ? k.cgroup(c.parent) : undefined;

/**
 * pids_try_charge(): every ancestor must have room; the walk goes from the task's cgroup up and
 * the first cgroup whose pids.max would be exceeded refuses (levels below it have already seen
 * the new count in their watermark, as in Linux). A refusal is pids_event(): the forking cgroup
 * counts a fork failure, the refusing cgroup its local "max" event, and it and its ancestors the
 * hierarchical "max" event (cgroup v2 since Linux 6.12). Returns false when refused.
 */
export function chargePids(k: Core, id: CgroupId, n: number): boolean {
  const leaf = k.cgroup(id);
  for (let c: Cgroup | undefined = leaf; c; c = parentOf(k, c)) {
    const next = c.current + n;
    if (next > c.pidsMax) {
      leaf.forkFail++;
      c.eventsMaxLocal++;
      for (let a: Cgroup | undefined = c; a; a = parentOf(k, a)) a.eventsMax++;
      return false;
    }
  }
  chargeForced(k, leaf, n);
  return true;
}

/** pids_charge(): never refused (a task moved in), so pids.current may exceed pids.max. */
function chargeForced(k: Core, leaf: Cgroup, n: number): void {
  for (let c: Cgroup | undefined = leaf; c; c = parentOf(k, c)) {
    c.current += n;
    if (c.current > c.peak) c.peak = c.current;
  }
}

export function unchargePids(k: Core, id: CgroupId, n: number): void {
  for (let c: Cgroup | undefined = k.cgroup(id); c; c = parentOf(k, c)) c.current -= n;
}

/** Moving a task in is never refused, so pids.current may exceed pids.max (pids.rst). */
export function moveToCgroup(k: Core, taskCount: number, from: CgroupId, to: CgroupId): void {
  unchargePids(k, from, taskCount);
  chargeForced(k, k.cgroup(to), taskCount);
}

/**
 * cgroup_attach_task() for a whole thread group (a write to cgroup.procs): the process and its
 * threads move, their charge moves with them (pids_can_attach). An exiting task (a zombie) is
 * skipped without an error (cgroup_migrate_add_task ignores PF_EXITING).
 */
export function attachProcess(k: Core, t: Task, to: CgroupId): void {
  if (t.inherited.cgroup === to || t.exiting) return;
  moveToCgroup(k, 1 + t.extra.threads.length, t.inherited.cgroup, to);
  withInherited(t, { cgroup: to });
}
