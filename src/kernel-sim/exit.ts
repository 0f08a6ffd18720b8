/**
 * Process exit: zombies, reparenting of orphans, the death of a namespace's init, and releasing
 * a reaped task. Linux: kernel/exit.c (do_exit, exit_notify, forget_original_parent,
 * find_child_reaper, find_new_reaper, reparent_leader, release_task) and
 * kernel/pid_namespace.c (zap_pid_ns_processes).
 */
import type { Core } from './core.ts';
import { InvariantViolation } from './types.ts';
import type { RuleId } from './rules.ts';
import type { Task } from './state.ts';
import {
  DISP_IGNORE,
  NONE,
  NO_TASK,
  TF_BUSY,
  TF_GROUP_EXIT,
  TF_HAS_SUBREAPER,
  TF_SUBREAPER,
  extraOf,
} from './state.ts';
import { SIGCHLD, SIGKILL } from './signals.ts';
import { putPid } from './pidns.ts';
import { doNotifyParent, sendSignal, withDisposition } from './signal.ts';
import { killOrphanedPgrp, leaveGroup } from './sessions.ts';
import { unchargePids } from './cgroup.ts';
import { addChild, childIds, hasChildren, removeChild } from './children.ts';
import { closeAllFds, forgetPipeWaiter } from './files.ts';
import { disassociateCtty, forgetTtyWaiter } from './tty.ts';

/** Releases the PID numbers and pids-cgroup charge of a task's extra threads (they exit first). */
export function exitThreads(k: Core, t: Task): void {
  if (t.extra.threads.length === 0) return;
  for (const id of t.extra.threads) putPid(k, id);
  unchargePids(k, t.inherited.cgroup, t.extra.threads.length);
  extraOf(t).threads = NONE;
}

/**
 * do_exit(): `status` is the wait status word (exitedStatus(code) or the killing signal).
 * The process stops running, its threads go, and then:
 * - the host's init may not exit: the kernel panics;
 * - a namespace's init first tears its namespace down (zap_pid_ns_processes) and finishes
 *   exiting only once every other PID of the namespace is gone;
 * - everyone else goes straight to exit_notify().
 */
export function doExit(k: Core, t: Task, status: number, rule: RuleId): void {
  if (t.exiting) return;
  t.exiting = true;
  t.flags |= TF_GROUP_EXIT;
  t.exitStatus = status;
  if (t.block?.kind === 'read') {
    forgetTtyWaiter(k, t.id);
    forgetPipeWaiter(k, t.id);
  }
  t.block = null;
  t.wakeToken++;
  if (t.extra.timers.length > 0) extraOf(t).timers = NONE;
  if (t.extra.deferred.length > 0) extraOf(t).deferred = NONE;
  t.flags &= ~TF_BUSY;
  t.pending = 0n;
  if (t.extra.pendingInfo.length > 0) extraOf(t).pendingInfo = NONE;
  exitThreads(k, t);
  if (t.fds.length > 0) closeAllFds(k, t);
  if (k.tracing) k.traceExit(t, status, rule);
  // A session leader that owns a terminal hangs it up (do_exit -> disassociate_ctty).
  const tty =
    t.inherited.ctty !== 0 && t.session === t.id ? k.state.ttys.get(t.inherited.ctty) : undefined;
  if (tty && tty.session === t.session) disassociateCtty(k, tty);
  if (t.id === k.state.hostInit) {
    k.state.panicked = true;
    if (k.tracing)
      k.emit({ seq: 0, t: 0, type: 'panic', task: k.ref(t), rule: 'exit/global-init' });
    return;
  }
  const ns = k.ns(t.ns);
  if (ns.childReaper === t.id) {
    zapPidNsProcesses(k, t);
    if (ns.allocated > 1) {
      t.block = { kind: 'zap' };
      t.runState = 'sleeping';
      return;
    }
    if (k.tracing)
      k.emit({
        seq: 0,
        t: 0,
        type: 'ns-empty',
        ns: ns.id,
        init: k.ref(t),
        rule: 'zap_pid_ns/wait',
      });
  }
  exitNotify(k, t);
}

/** Called when a dying init sleeping in zap_pid_ns_processes() is woken by free_pid(). */
export function finishZap(k: Core, t: Task): void {
  const ns = k.ns(t.ns);
  if (t.block?.kind !== 'zap' || ns.allocated > 1) return;
  t.block = null;
  t.wakeToken++;
  if (k.tracing)
    k.emit({ seq: 0, t: 0, type: 'ns-empty', ns: ns.id, init: k.ref(t), rule: 'zap_pid_ns/wait' });
  exitNotify(k, t);
}

/**
 * zap_pid_ns_processes(): no new PIDs in the namespace; the init's SIGCHLD is set to SIG_IGN so
 * its children are released as they die; SIGKILL (SEND_SIG_PRIV, cannot be blocked or dropped)
 * to every task with a PID in the namespace (nested namespaces included), in PID order, except
 * those already dying; then the init reaps the zombie children it already had.
 */
function zapPidNsProcesses(k: Core, init: Task): void {
  const ns = k.ns(init.ns);
  ns.adding = false;
  init.sighand = withDisposition(init.sighand, SIGCHLD, DISP_IGNORE, 0);
  const table = k.pidTables[ns.id];
  const targets: Task[] = [];
  if (table) {
    for (let nr = 2; nr < table.length; nr++) {
      const id = table[nr]!;
      if (id === 0) continue;
      const victim = k.task(id as Task['id']);
      if (victim && !victim.exiting && victim.extra.fatalSig === 0) targets.push(victim);
    }
  }
  if (k.tracing)
    k.emit({
      seq: 0,
      t: 0,
      type: 'ns-zap',
      ns: ns.id,
      init: k.ref(init),
      victims: targets.length,
      rule: 'zap_pid_ns/kill',
    });
  for (const victim of targets)
    sendSignal(k, SIGKILL, victim, { sender: null, priv: true, rule: 'zap_pid_ns/kill' });
  for (const id of childIds(k, init)) {
    const c = k.task(id);
    if (c && c.runState === 'zombie') releaseTask(k, c, init, 'zap_pid_ns/kill');
  }
}

/**
 * exit_notify(): hand the children to their new parent, check for newly orphaned stopped
 * process groups, then notify the parent: the task becomes a zombie, or is released at once if
 * the parent ignores SIGCHLD.
 */
function exitNotify(k: Core, t: Task): void {
  forgetOriginalParent(k, t);
  killOrphanedPgrp(k, t, null);
  t.runState = 'zombie';
  const parent = k.mustTask(t.parent);
  const autoreap = doNotifyParent(k, t);
  if (autoreap) releaseTask(k, t, parent, 'exit/autoreap');
  else if (k.tracing) k.traceZombie(t, parent, 'exit/zombie');
}

/** find_child_reaper(): PID 1 of the exiting task's own namespace (the task itself if it is it). */
function findChildReaper(k: Core, father: Task): Task {
  const ns = k.ns(father.ns);
  const reaper = k.task(ns.childReaper);
  if (!reaper)
    throw new InvariantViolation(
      `namespace ${ns.id} has no child reaper while task ${father.id} exits`,
    );
  return reaper;
}

/**
 * find_new_reaper(): if the father is below a subreaper (has_child_subreaper), walk up its
 * ancestors that are in the same PID namespace level and take the first one that is a
 * subreaper and not itself exiting; otherwise the namespace's child reaper.
 */
function findNewReaper(k: Core, father: Task, childReaper: Task): { reaper: Task; rule: RuleId } {
  if (father.flags & TF_HAS_SUBREAPER) {
    const level = k.ns(father.ns).level;
    for (let r = k.task(father.parent); r && k.ns(r.ns).level === level; r = k.task(r.parent)) {
      if ((r.flags & TF_SUBREAPER) === 0) continue;
      if (!r.exiting) return { reaper: r, rule: 'reparent/subreaper' };
    }
  }
  return { reaper: childReaper, rule: 'reparent/child-reaper' };
}

/**
 * forget_original_parent(): every child moves to the new reaper (to the end of its children
 * list). A child with a parent-death signal gets it now; an already-exited child is reported
 * to its new parent (reparent_leader).
 */
function forgetOriginalParent(k: Core, father: Task): void {
  if (!hasChildren(father)) return;
  const { reaper, rule } = findNewReaper(k, father, findChildReaper(k, father));
  if (reaper === father) return;
  const kids = childIds(k, father);
  father.firstChild = father.lastChild = NO_TASK;
  for (const id of kids) {
    const p = k.mustTask(id);
    p.parent = reaper.id;
    addChild(k, reaper, p);
    if (k.tracing)
      k.emit({
        seq: 0,
        t: 0,
        type: 'reparent',
        task: k.ref(p),
        from: k.ref(father),
        to: k.ref(reaper),
        rule,
      });
    if (p.extra.pdeathSignal !== 0)
      sendSignal(k, p.extra.pdeathSignal, p, {
        sender: father,
        noinfo: true,
        rule: 'reparent/pdeathsig',
      });
    reparentLeader(k, father, p);
  }
}

/**
 * reparent_leader(): the child's exit signal is reset to SIGCHLD; if it is already a zombie the
 * new parent is notified (and releases it at once if it ignores SIGCHLD).
 */
function reparentLeader(k: Core, father: Task, p: Task): void {
  p.exitSignal = SIGCHLD;
  if (p.runState === 'zombie' && doNotifyParent(k, p))
    releaseTask(k, p, k.task(p.parent) ?? null, 'reparent/zombie');
  killOrphanedPgrp(k, p, father);
}

/**
 * release_task(): the zombie is gone. Its PIDs are freed at every level (unless still used as a
 * process group or session ID), the pids cgroup is uncharged, and a parent waiting in wait()
 * re-checks (it may now get ECHILD).
 */
export function releaseTask(k: Core, t: Task, by: Task | null, rule: RuleId): void {
  const parent = k.task(t.parent);
  if (parent) removeChild(k, parent, t);
  leaveGroup(k, t);
  unchargePids(k, t.inherited.cgroup, 1);
  k.state.tasks[t.id] = null;
  const ns = k.ns(t.ns);
  if (ns.childReaper === t.id) ns.childReaper = NO_TASK;
  // Traced before the struct pid is freed: the event names the numbers the zombie held.
  if (k.tracing) k.traceReap(t, by, t.exitStatus, rule);
  putPid(k, t.id);
  putPid(k, t.pgrp);
  putPid(k, t.session);
  if (parent && parent.block?.kind === 'wait')
    k.schedule('wake', parent.id, k.state.now, parent.wakeToken);
}
