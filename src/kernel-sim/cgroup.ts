/**
 * The pids cgroup controller: a limit on the number of tasks (processes and threads, zombies
 * included) in a cgroup subtree. Linux: kernel/cgroup/pids.c (pids_try_charge, pids_can_fork,
 * pids_uncharge); Documentation/admin-guide/cgroup-v1/pids.rst. Docker --pids-limit and the
 * kubelet's podPidsLimit set pids.max.
 */
import type { Core } from './core.ts';
import type { CgroupId } from './types.ts';
import { asCgroupId } from './types.ts';
import type { Cgroup } from './state.ts';

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
  };
  k.state.cgroups.set(cg.id, cg);
  return cg;
}

/**
 * pids_try_charge(): every ancestor must have room (the strictest one wins); the cgroup that is
 * at its limit counts the refusal in pids.events "max". Returns false when refused.
 */
export function chargePids(k: Core, id: CgroupId, n: number): boolean {
  for (let c: Cgroup | undefined = k.cgroup(id); c; c = c.parent ? k.cgroup(c.parent) : undefined) {
    if (c.current + n > c.pidsMax) {
      c.eventsMax++;
      return false;
    }
  }
  for (let c: Cgroup | undefined = k.cgroup(id); c; c = c.parent ? k.cgroup(c.parent) : undefined)
    c.current += n;
  return true;
}

export function unchargePids(k: Core, id: CgroupId, n: number): void {
  for (let c: Cgroup | undefined = k.cgroup(id); c; c = c.parent ? k.cgroup(c.parent) : undefined)
    c.current -= n;
}

/** Moving a task in is never refused, so pids.current may exceed pids.max (pids.rst). */
export function moveToCgroup(k: Core, taskCount: number, from: CgroupId, to: CgroupId): void {
  unchargePids(k, from, taskCount);
  for (let c: Cgroup | undefined = k.cgroup(to); c; c = c.parent ? k.cgroup(c.parent) : undefined)
    c.current += taskCount;
}
