/**
 * Process groups and sessions: setsid, setpgid, and orphaned process groups.
 * Linux: kernel/sys.c (ksys_setsid, setpgid), kernel/exit.c (will_become_orphaned_pgrp,
 * kill_orphaned_pgrp); credentials(7), setsid(2), setpgid(2).
 */
import type { Core } from './core.ts';
import type { Errno, TaskId } from './types.ts';
import type { Task } from './state.ts';
import { NO_TASK, TF_DID_EXEC, withInherited } from './state.ts';
import { findPidNs, findTaskByPid, getPid, putPid, taskPidNr } from './pidns.ts';
import { killPgrp } from './signal.ts';
import { SIGCONT, SIGHUP } from './signals.ts';

/** Counts a task in its process group. */
export function joinGroup(k: Core, t: Task): void {
  k.groupSize[t.pgrp] = (k.groupSize[t.pgrp] ?? 0) + 1;
}

export function leaveGroup(k: Core, t: Task): void {
  k.groupSize[t.pgrp] = (k.groupSize[t.pgrp] ?? 1) - 1;
}

export const groupSizeOf = (k: Core, pgrp: TaskId): number => k.groupSize[pgrp] ?? 0;

/** The members of a process group, in creation order (do_each_pid_task over PIDTYPE_PGID). */
export function groupMembers(k: Core, pgrp: TaskId): Task[] {
  const out: Task[] = [];
  if (groupSizeOf(k, pgrp) === 0) return out;
  for (const t of k.tasks()) if (t.pgrp === pgrp) out.push(t);
  return out;
}

function changePgrp(k: Core, t: Task, pgrp: TaskId): void {
  if (t.pgrp === pgrp) return;
  leaveGroup(k, t);
  getPid(k, pgrp);
  const old = t.pgrp;
  t.pgrp = pgrp;
  joinGroup(k, t);
  putPid(k, old);
}

function changeSession(k: Core, t: Task, session: TaskId): void {
  if (t.session === session) return;
  getPid(k, session);
  const old = t.session;
  t.session = session;
  putPid(k, old);
}

/**
 * ksys_setsid(): fails with EPERM if a process group already uses the caller's PID (it leads a
 * group); otherwise the caller leads a new session and a new group, both numbered with its PID.
 */
export function setsid(k: Core, t: Task): number | Errno {
  const taken = groupSizeOf(k, t.id) > 0;
  const result: number | Errno = taken ? 'EPERM' : taskPidNr(k, t, t.ns);
  if (!taken) {
    changePgrp(k, t, t.id);
    changeSession(k, t, t.id);
    withInherited(t, { ctty: 0 }); // a new session has no controlling terminal
  }
  if (k.tracing)
    k.emit({
      seq: 0,
      t: 0,
      type: 'setsid',
      task: k.ref(t),
      result,
      rule: taken ? 'setsid/eperm' : 'setsid',
    });
  return result;
}

/**
 * setpgid(pid, pgid): pid 0 means the caller, pgid 0 means "same as pid". The target must be the
 * caller or a child of it in the same session that has not exec'd yet (else ESRCH/EPERM/EACCES);
 * a session leader cannot move (EPERM); the group must exist in the caller's session (EPERM).
 */
export function setpgid(k: Core, caller: Task, pid: number, pgid: number): 0 | Errno {
  const result = doSetpgid(k, caller, pid, pgid);
  if (k.tracing)
    k.emit({ seq: 0, t: 0, type: 'setpgid', task: k.ref(caller), pgid, result, rule: 'setpgid' });
  return result;
}

function doSetpgid(k: Core, caller: Task, pid: number, pgid: number): 0 | Errno {
  const selfNr = taskPidNr(k, caller, caller.ns);
  if (pid === 0) pid = selfNr;
  if (pgid === 0) pgid = pid;
  if (pgid < 0) return 'EINVAL';
  const p = findTaskByPid(k, pid, caller.ns);
  if (!p) return 'ESRCH';
  if (p.parent === caller.id) {
    if (p.session !== caller.session) return 'EPERM';
    if (p.flags & TF_DID_EXEC) return 'EACCES';
  } else if (p !== caller) {
    return 'ESRCH';
  }
  if (p.session === p.id) return 'EPERM';
  let pgrp: TaskId = p.id;
  if (pgid !== pid) {
    pgrp = findPidNs(k, pgid, caller.ns);
    const g = pgrp === NO_TASK ? undefined : groupMembers(k, pgrp)[0];
    if (!g || g.session !== caller.session) return 'EPERM';
  }
  changePgrp(k, p, pgrp);
  return 0;
}

/**
 * will_become_orphaned_pgrp(): true when no member (other than `ignored`, exited ones, and
 * children of the host's init) has a parent in a different group of the same session.
 */
export function willBecomeOrphanedPgrp(k: Core, pgrp: TaskId, ignored: Task | null): boolean {
  for (const p of groupMembers(k, pgrp)) {
    if (p === ignored || p.runState === 'zombie' || p.exiting) continue;
    const parent = k.task(p.parent);
    if (!parent || parent.id === k.state.hostInit) continue;
    if (parent.pgrp !== pgrp && parent.session === p.session) return false;
  }
  return true;
}

export const isCurrentPgrpOrphaned = (k: Core, t: Task): boolean =>
  willBecomeOrphanedPgrp(k, t.pgrp, null);

function hasStoppedJobs(k: Core, pgrp: TaskId): boolean {
  return groupMembers(k, pgrp).some((t) => t.runState === 'stopped');
}

/**
 * kill_orphaned_pgrp(): when an exit (parent null) or a reparenting (parent = the old parent)
 * leaves `t`'s group orphaned while members are stopped, each member gets SIGHUP then SIGCONT
 * (POSIX: otherwise they could never be continued from a terminal).
 */
export function killOrphanedPgrp(k: Core, t: Task, oldParent: Task | null): void {
  const parent = oldParent ?? k.task(t.parent);
  const ignored = oldParent ? null : t;
  if (!parent) return;
  if (
    parent.pgrp !== t.pgrp &&
    parent.session === t.session &&
    hasStoppedJobs(k, t.pgrp) &&
    willBecomeOrphanedPgrp(k, t.pgrp, ignored)
  ) {
    killPgrp(k, null, t.pgrp, SIGHUP, 'pgrp/orphaned-hup');
    killPgrp(k, null, t.pgrp, SIGCONT, 'pgrp/orphaned-hup');
  }
}
