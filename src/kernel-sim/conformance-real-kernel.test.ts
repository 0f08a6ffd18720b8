/**
 * Conformance tests against observations made on a real kernel (Linux 6.18.44):
 * shared/reference/real-kernel (cases NN-*, results/*.json) and the VERIFIED lines of
 * shared/reference/semantics.md. Each test names the case it reproduces. Only cases that
 * need nothing but the kernel are here (no shells, tini, node...): the entrypoints are
 * puppets and the builtin sleep.
 */
import { describe, expect, it } from 'vitest';
import {
  BLOCKED,
  Kernel,
  PID_MAX_LIMIT,
  SIGCHLD,
  SIGCONT,
  SIGKILL,
  SIGSTOP,
  SIGTERM,
  SIGUSR1,
  WNOHANG,
  exitedStatus,
  shellExitCode,
  signaledStatus,
  wexitstatus,
} from './index.ts';
import type { NsId, TaskId } from './index.ts';

import {
  container,
  forkPuppet,
  hostPuppet,
  isWaitResult,
  puppetLog,
  signalsLogged,
  statusField,
} from './testkit.ts';
import type { Proc, Container } from './testkit.ts';

const expectSound = (k: Kernel): void => expect(k.checkInvariants()).toEqual([]);

/** Forks `/bin/true` from `parent` (exits 0 at once, stays a zombie until reaped). */
function forkTrue(k: Kernel, parent: TaskId): number | string {
  const r = k.spawn(parent, '/bin/true', ['true']);
  k.settle();
  return r;
}

/** Reaps every zombie child of `parent` with waitpid(-1, WNOHANG); returns their PIDs. */
function reapAll(k: Kernel, parent: TaskId): number[] {
  const out: number[] = [];
  for (;;) {
    const w = k.sys(parent).wait(-1, WNOHANG);
    if (!isWaitResult(w) || w.pid === 0) return out;
    out.push(w.pid);
  }
}

/** "Gone" as a process table shows it: no entry, or only a zombie waiting for its parent. */
const deadIn = (k: Kernel, ns: NsId, pid: number): boolean => {
  const e = k.view(ns).get(pid);
  return e === undefined || e.state === 'Z';
};

/** The signals the model generated for a task (trace 'signal' events), in order. */
const signalsSentTo = (k: Kernel, task: TaskId): number[] =>
  k.trace.flatMap((e) => (e.type === 'signal' && e.task.id === task ? [e.sig] : []));

describe('real kernel: namespace init, orphans and teardown', () => {
  // real-kernel 05-orphan-reparent (a): the orphan is ns PID 3 with PPID 1 inside, its host
  // PPID is the init's host PID, and after it exits PID 1 reaps it (gone). semantics.md §4
  // VERIFIED reparent.py: "ppid after parent exit = 1", PID 1's waitpid reaped it.
  it('05 orphan reparenting: PPID becomes 1 inside, host PPID = init host pid, reaped by PID 1', () => {
    const k = Kernel.create();
    const c = container(k);
    const parent = forkPuppet(k, c.init.task);
    const orphan = forkPuppet(k, parent.task);
    expect([parent.pid, orphan.pid]).toEqual([2, 3]);
    expect(k.sys(orphan.task).getppid()).toBe(2);
    // PID 1 sits in wait(-1) like a reaping init.
    expect(k.sys(c.init.task).wait(-1, 0)).toBe(BLOCKED);
    k.sys(parent.task).exit(0);
    k.settle();
    expect(k.sys(orphan.task).getppid()).toBe(1);
    const inside = k.view(c.ns).get(3);
    expect(inside).toMatchObject({ pid: 3, ppid: 1, state: 'S' });
    const orphanHost = k.pidOf(orphan.task);
    expect(k.view().get(orphanHost)?.ppid).toBe(c.init.pid);
    expect(k.view(c.ns).get(2)).toBeUndefined(); // the exited parent was reaped by PID 1
    expect(k.sys(c.init.task).wait(-1, 0)).toBe(BLOCKED);
    k.sys(orphan.task).exit(0);
    k.settle();
    expect(k.view(c.ns).get(3)).toBeUndefined();
    expect(
      k
        .view(c.ns)
        .list()
        .map((e) => e.pid),
    ).toEqual([1]);
    expect(puppetLog(k, c.init.task)).toEqual([
      { call: 'wait', result: { pid: 2, status: exitedStatus(0) } },
      { call: 'wait', result: { pid: 3, status: exitedStatus(0) } },
    ]);
    expectSound(k);
  });

  /** A namespace with 5 members besides PID 1; one of them has a SIGTERM handler. */
  function populated(k: Kernel): { c: Container; members: TaskId[] } {
    const c = container(k);
    const trap = forkPuppet(k, c.init.task);
    k.sys(trap.task).sigaction(SIGTERM, 'handler');
    const grandchild = forkPuppet(k, trap.task); // inherits the SIGTERM handler
    const sleeps = [100, 200].map((n) => {
      const pid = k.spawn(c.init.task, '/bin/sleep', ['sleep', String(n)]);
      if (typeof pid === 'string') throw new Error(pid);
      return pid;
    });
    const other = forkPuppet(k, c.init.task);
    k.settle();
    const members = [
      trap.task,
      grandchild.task,
      ...sleeps.map((p) => k.taskByPid(p, c.ns)!),
      other.task,
    ];
    expect(k.view(c.ns).list()).toHaveLength(6);
    return { c, members };
  }

  // real-kernel 09-pid1-death-teardown (SIGKILL to PID 1 from the host): init killed by
  // SIGKILL (137); all 5 member host PIDs gone; no TERM trap ran (every member got SIGKILL).
  it('09 PID 1 death tears down the namespace: SIGKILL from the host', () => {
    const k = Kernel.create();
    const { c, members } = populated(k);
    expect(k.sys(k.hostInit).kill(c.init.pid, SIGKILL)).toBe(0);
    k.settle();
    for (const m of members) expect(k.hasTask(m)).toBe(false);
    for (const m of members) expect(signalsSentTo(k, m)).toEqual([SIGKILL]);
    const w = k.sys(c.outer.task).wait(c.init.pid, 0);
    if (!isWaitResult(w)) throw new Error(JSON.stringify(w));
    expect(w.status).toBe(signaledStatus(SIGKILL));
    expect(shellExitCode(w.status)).toBe(137);
    expect(k.view(c.ns).list()).toEqual([]);
    expect(k.trace.some((e) => e.type === 'ns-zap' && e.rule === 'zap_pid_ns/kill')).toBe(true);
    expectSound(k);
  });

  // real-kernel 09-pid1-death-teardown (PID 1 exiting 0 on its own): exited 0, its 5 other
  // members gone, no TERM trap ran. semantics.md §2 VERIFIED deadns2.py (status 3, the
  // grandchild ignoring SIGTERM/SIGHUP was gone).
  it('09 PID 1 death tears down the namespace: PID 1 exits 0 on its own', () => {
    const k = Kernel.create();
    const { c, members } = populated(k);
    k.sys(c.init.task).exit(0);
    k.settle();
    for (const m of members) expect(k.hasTask(m)).toBe(false);
    for (const m of members) expect(signalsSentTo(k, m)).toEqual([SIGKILL]);
    expect(k.sys(c.outer.task).wait(c.init.pid, 0)).toEqual({
      pid: c.init.pid,
      status: exitedStatus(0),
    });
    expect(
      k
        .view()
        .list()
        .map((e) => e.comm),
    ).toEqual(['init', 'puppet']);
    expectSound(k);
  });

  // semantics.md §2 VERIFIED deadns.py: P unshares, forks init and a second child C (ns PID 2,
  // PPid = P); C exits (zombie), init exits, P blocks in waitpid(init). init stays in state S
  // (in zap_pid_ns_processes), C stays Z, P stays in wait. Killing P lets everything finish.
  it('§2 teardown deadlock: init is not reapable while an outside parent holds a zombie member', () => {
    const k = Kernel.create();
    const c = container(k);
    const child = forkPuppet(k, c.outer.task);
    expect(k.pidOf(child.task, c.ns)).toBe(2);
    expect(k.view().get(child.pid)?.ppid).toBe(c.outer.pid);
    k.sys(child.task).exit(0);
    k.settle();
    k.sys(c.init.task).exit(0);
    k.settle();
    expect(k.sys(c.outer.task).wait(c.init.pid, 0)).toBe(BLOCKED);
    k.settle();
    k.advance(10_000_000);
    expect(k.view().get(c.init.pid)?.state).toBe('S');
    expect(k.view().get(child.pid)?.state).toBe('Z');
    expect(puppetLog(k, c.outer.task)).toEqual([]);
    // Kill P: C and init go to the host init, which reaps them; the namespace empties.
    expect(k.sys(k.hostInit).kill(c.outer.pid, SIGKILL)).toBe(0);
    k.settle();
    expect(k.hasTask(c.outer.task)).toBe(false);
    expect(k.hasTask(child.task)).toBe(false);
    expect(k.hasTask(c.init.task)).toBe(false);
    expect(
      k
        .view()
        .list()
        .map((e) => e.comm),
    ).toEqual(['init']);
    expect(k.trace.some((e) => e.type === 'ns-empty')).toBe(true);
    expectSound(k);
  });

  // semantics.md §4 VERIFIED nsenter_test.sh: a process entered with setns has PPID 0 inside;
  // its orphan is adopted by the container init; and when the outside parent (nsenter) is
  // killed, the entered process's host PPID becomes 1 (host init), inside still 0.
  it('§4 setns: entered process has PPID 0; its orphans go to the container init; its own orphaning goes to the host init', () => {
    const k = Kernel.create();
    const c = container(k);
    const nsenter = hostPuppet(k);
    expect(k.sys(nsenter.task).setnsPid(c.init.pid)).toBe(0);
    expect(k.nsOf(nsenter.task)).toBe(k.rootNs);
    const entered = forkPuppet(k, nsenter.task);
    expect(k.nsOf(entered.task)).toBe(c.ns);
    const insidePid = k.pidOf(entered.task, c.ns);
    expect(insidePid).toBe(2);
    expect(k.sys(entered.task).getppid()).toBe(0);
    expect(k.view(c.ns).get(2)?.ppid).toBe(0);
    // An entered shell starts `sleep 7 &` and exits: the sleep is adopted by the container init.
    const shell = forkPuppet(k, nsenter.task);
    const bg = k.spawn(shell.task, '/bin/sleep', ['sleep', '7']);
    k.settle();
    expect(typeof bg).toBe('number');
    k.sys(shell.task).exit(0);
    k.settle();
    expect(k.view(c.ns).get(bg as number)?.ppid).toBe(1);
    // kill -KILL <nsenter host pid>: the entered process goes to the host init.
    expect(k.sys(k.hostInit).kill(nsenter.pid, SIGKILL)).toBe(0);
    k.settle();
    expect(k.view().get(entered.pid)?.ppid).toBe(1);
    expect(k.sys(entered.task).getppid()).toBe(0);
    expect(k.view(c.ns).get(2)?.ppid).toBe(0);
    expectSound(k);
  });
});

describe('real kernel: signals to PID 1', () => {
  /** `unshare --pid --fork sleep 300`: the namespace init runs the builtin sleep. */
  function sleepInit(k: Kernel): { outer: Proc; initHost: number; ns: NsId; init: TaskId } {
    const outer = hostPuppet(k);
    expect(k.sys(outer.task).unsharePid()).toBe(0);
    const initHost = k.spawn(outer.task, '/bin/sleep', ['sleep', '300']);
    if (typeof initHost === 'string') throw new Error(initHost);
    k.settle();
    const init = k.taskByPid(initHost)!;
    return { outer, initHost, ns: k.nsOf(init), init };
  }

  // real-kernel 10-kill-pid1-from-inside (a) and semantics.md §3 VERIFIED sig1.sh: sleep as
  // PID 1; from inside (nsenter'd sender) KILL, TERM, STOP → rc 0, state S; from the host
  // TERM → S, STOP → T, CONT → S, KILL → killed by SIGKILL (137).
  it('10 sleep as PID 1: inside KILL/TERM/STOP dropped; host TERM dropped, STOP/CONT work, KILL kills (137)', () => {
    const k = Kernel.create();
    const s = sleepInit(k);
    expect(k.view(s.ns).get(1)).toMatchObject({ ppid: 0, state: 'S', comm: 'sleep' });
    const nsenter = hostPuppet(k);
    expect(k.sys(nsenter.task).setnsPid(s.initHost)).toBe(0);
    const sender = forkPuppet(k, nsenter.task);
    expect(k.sys(sender.task).getpid()).toBe(2);
    for (const sig of [SIGKILL, SIGTERM, SIGSTOP]) {
      expect(k.sys(sender.task).kill(1, sig)).toBe(0);
      k.settle();
      expect(k.view(s.ns).get(1)?.state).toBe('S');
    }
    const host = k.sys(k.hostInit);
    expect(host.kill(s.initHost, SIGTERM)).toBe(0);
    k.settle();
    expect(k.view(s.ns).get(1)?.state).toBe('S');
    expect(host.kill(s.initHost, SIGSTOP)).toBe(0);
    k.settle();
    expect(k.view(s.ns).get(1)?.state).toBe('T');
    expect(statusField(k, k.rootNs, s.initHost, 'State')).toBe('T (stopped)');
    expect(host.kill(s.initHost, SIGCONT)).toBe(0);
    k.settle();
    expect(k.view(s.ns).get(1)?.state).toBe('S');
    expect(host.kill(s.initHost, SIGKILL)).toBe(0);
    k.settle();
    // Every inside send and the host SIGTERM were dropped by the unkillable-init rule; the host
    // SIGSTOP/SIGKILL were forced (sender in an ancestor namespace); SIGCONT continues the task
    // at generation and is then ignored like any SIG_DFL signal to an init (sig_task_ignored).
    const toInit = k.trace.flatMap((e) =>
      e.type === 'signal' && e.task.id === s.init ? [`${e.sig}:${e.outcome}:${e.rule}`] : [],
    );
    expect(toInit).toEqual([
      `${SIGKILL}:dropped:sig/unkillable-init`,
      `${SIGTERM}:dropped:sig/unkillable-init`,
      `${SIGSTOP}:dropped:sig/unkillable-init`,
      `${SIGTERM}:dropped:sig/unkillable-init`,
      `${SIGSTOP}:pending:sig/forced`,
      `${SIGCONT}:dropped:sig/unkillable-init`, // resumed at generation, then ignored (SIG_DFL)
      `${SIGKILL}:pending:sig/forced`,
    ]);
    // The entered sender was SIGKILLed by the teardown; its parent (nsenter, outside) must reap
    // it before the init can finish exiting (semantics.md §2, step 5).
    expect(k.sys(nsenter.task).wait(sender.pid, 0)).toEqual({
      pid: sender.pid,
      status: signaledStatus(SIGKILL),
    });
    k.settle();
    const w = k.sys(s.outer.task).wait(s.initHost, 0);
    if (!isWaitResult(w)) throw new Error(JSON.stringify(w));
    expect(w.status).toBe(signaledStatus(SIGKILL));
    expect(shellExitCode(w.status)).toBe(137);
    expect(k.hasTask(sender.task)).toBe(false);
    expectSound(k);
  });

  // real-kernel 10-kill-pid1-from-inside (b): a child of PID 1 doing kill -KILL 1 and
  // kill -TERM 1 gets rc 0 and PID 1 survives; (c): PID 1 with a SIGTERM handler, SIGTERM
  // from inside → handler ran, exited 0.
  it('10 child of PID 1: kill -KILL 1 / -TERM 1 return 0 and PID 1 survives; with a handler TERM exits 0', () => {
    const k = Kernel.create();
    const c = container(k);
    const kid = forkPuppet(k, c.init.task);
    expect(k.sys(kid.task).kill(1, SIGKILL)).toBe(0);
    expect(k.sys(kid.task).kill(1, SIGTERM)).toBe(0);
    k.settle();
    expect(k.view(c.ns).get(1)?.state).toBe('S');

    const k2 = Kernel.create();
    const c2 = container(k2, { exitOn: { [SIGTERM]: 0 } });
    k2.sys(c2.init.task).sigaction(SIGTERM, 'handler');
    const kid2 = forkPuppet(k2, c2.init.task);
    expect(k2.sys(kid2.task).kill(1, SIGTERM)).toBe(0);
    k2.settle();
    const w = k2.sys(c2.outer.task).wait(c2.init.pid, 0);
    expect(w).toEqual({ pid: c2.init.pid, status: exitedStatus(0) });
    expectSound(k);
    expectSound(k2);
  });

  // semantics.md §3 VERIFIED: host kill -STOP → T (stopped); then kill -CONT 1 from inside →
  // rc 0, state S (the continue side effect happens even though the signal is ignored).
  it('§3 SIGCONT from inside resumes a stopped init', () => {
    const k = Kernel.create();
    const c = container(k);
    const member = forkPuppet(k, c.init.task);
    expect(k.sys(k.hostInit).kill(c.init.pid, SIGSTOP)).toBe(0);
    k.settle();
    expect(k.view(c.ns).get(1)?.state).toBe('T');
    expect(k.sys(member.task).kill(1, SIGCONT)).toBe(0);
    k.settle();
    expect(k.view(c.ns).get(1)?.state).toBe('S');
    expectSound(k);
  });

  // semantics.md §3 VERIFIED: `setsid sh -c 'trap … USR1; unshare -pf sh -c "kill -USR1 0"'`:
  // the outer shell's trap ran, unshare died of SIGUSR1 (138), the namespace init survived.
  it('§3 kill(0) from an init that never called setsid reaches its outside process group', () => {
    const k = Kernel.create();
    const shell = hostPuppet(k);
    expect(k.sys(shell.task).setsid()).toBe(shell.pid);
    k.sys(shell.task).sigaction(SIGUSR1, 'handler');
    const unshare = hostPuppet(k, shell.task); // exec'd: SIGUSR1 back to SIG_DFL
    expect(k.sys(unshare.task).unsharePid()).toBe(0);
    const init = forkPuppet(k, unshare.task);
    const ns = k.nsOf(init.task);
    expect(k.sys(init.task).getpgrp()).toBe(0); // its group leader is outside
    expect(k.sys(init.task).kill(0, SIGUSR1)).toBe(0);
    k.settle();
    expect(signalsLogged(k, shell.task).map((i) => i.sig)).toEqual([SIGUSR1]);
    const w = k.sys(shell.task).wait(unshare.pid, WNOHANG);
    if (!isWaitResult(w)) throw new Error(JSON.stringify(w));
    expect(w).toEqual({ pid: unshare.pid, status: signaledStatus(SIGUSR1) });
    expect(shellExitCode(w.status)).toBe(138);
    expect(k.hasTask(init.task)).toBe(true);
    expect(k.view(ns).get(1)?.state).toBe('S');
    expectSound(k);
  });
});

describe('real kernel: nested namespaces and kill(-1)', () => {
  /**
   * real-kernel 12 tree: the outer init (ns PID 1) has `unshare` (2) and a sleep (3); unshare's
   * child is the inner init (outer 4 / inner 1) with two sleeps (outer 5, 6 / inner 2, 3).
   */
  function nestedTree(k: Kernel) {
    const c = container(k);
    const unshare = forkPuppet(k, c.init.task);
    const sleep = k.spawn(c.init.task, '/bin/sleep', ['sleep', '100']);
    k.settle();
    expect([unshare.pid, sleep]).toEqual([2, 3]);
    expect(k.sys(unshare.task).unsharePid()).toBe(0);
    const inner = forkPuppet(k, unshare.task);
    expect(inner.pid).toBe(4);
    const innerNs = k.nsOf(inner.task);
    const innerSleeps = [1, 2].map(() => {
      const p = k.spawn(inner.task, '/bin/sleep', ['sleep', '100']);
      if (typeof p === 'string') throw new Error(p);
      return p;
    });
    k.settle();
    expect(innerSleeps).toEqual([2, 3]);
    const tasks = [
      c.init.task,
      unshare.task,
      k.taskByPid(3, c.ns)!,
      inner.task,
      k.taskByPid(2, innerNs)!,
      k.taskByPid(3, innerNs)!,
    ];
    return { c, unshare, inner, innerNs, tasks };
  }

  // real-kernel 12-nested-pidns (a): NSpid lines from the host are "H 1", "H 2", "H 3",
  // "H 4 1", "H 5 2", "H 6 3"; SIGTERM to the inner init from the outer namespace (no handler)
  // → alive, state S; SIGKILL to the outer init from the host → nothing of either namespace
  // is left.
  it('12 nested namespaces: NSpid columns, SIGTERM to inner init dropped, SIGKILL to outer init kills both', () => {
    const k = Kernel.create();
    const { c, inner, innerNs, tasks } = nestedTree(k);
    const nspid = tasks.map((t) => statusField(k, k.rootNs, k.pidOf(t), 'NSpid'));
    const host = tasks.map((t) => k.pidOf(t));
    expect(nspid).toEqual([
      `${host[0]}\t1`,
      `${host[1]}\t2`,
      `${host[2]}\t3`,
      `${host[3]}\t4\t1`,
      `${host[4]}\t5\t2`,
      `${host[5]}\t6\t3`,
    ]);
    expect(statusField(k, c.ns, 5, 'NSpid')).toBe('5\t2');
    expect(statusField(k, innerNs, 2, 'NSpid')).toBe('2');
    expect(
      k
        .view(innerNs)
        .list()
        .map((e) => [e.pid, e.ppid, e.comm]),
    ).toEqual([
      [1, 0, 'puppet'],
      [2, 1, 'sleep'],
      [3, 1, 'sleep'],
    ]);
    // (a) SIGTERM to the inner init from the outer namespace, no handler: dropped.
    expect(k.sys(c.init.task).kill(4, SIGTERM)).toBe(0);
    k.settle();
    expect(k.hasTask(inner.task)).toBe(true);
    expect(k.view(c.ns).get(4)?.state).toBe('S');
    // SIGKILL to the outer init from the host.
    expect(k.sys(k.hostInit).kill(c.init.pid, SIGKILL)).toBe(0);
    k.settle();
    for (const t of tasks.slice(1)) expect(k.hasTask(t)).toBe(false);
    expect(k.sys(c.outer.task).wait(c.init.pid, 0)).toEqual({
      pid: c.init.pid,
      status: signaledStatus(SIGKILL),
    });
    expect(k.hasTask(c.init.task)).toBe(false);
    expectSound(k);
  });

  // real-kernel 12-nested-pidns (b): SIGKILL to the inner init from the outer namespace (an
  // ancestor of the inner one): the inner namespace dies, the outer one stays ("1", "3" left
  // after `unshare` (2) returned and was reaped by the outer init).
  it('12 nested namespaces: SIGKILL to the inner init from the outer ns kills only the inner namespace', () => {
    const k = Kernel.create();
    const { c, unshare, inner, tasks } = nestedTree(k);
    // `unshare --fork` waits for its child.
    expect(k.sys(unshare.task).wait(-1, 0)).toBe(BLOCKED);
    expect(k.sys(c.init.task).kill(4, SIGKILL)).toBe(0);
    k.settle();
    expect(k.hasTask(inner.task)).toBe(false);
    expect(k.hasTask(tasks[4]!)).toBe(false);
    expect(k.hasTask(tasks[5]!)).toBe(false);
    expect(puppetLog(k, unshare.task)).toEqual([
      { call: 'wait', result: { pid: 4, status: signaledStatus(SIGKILL) } },
    ]);
    // unshare then exits and the outer init reaps it.
    k.sys(unshare.task).exit(1);
    k.settle();
    expect(k.sys(c.init.task).wait(2, 0)).toEqual({ pid: 2, status: exitedStatus(1) });
    expect(
      k
        .view(c.ns)
        .list()
        .map((e) => `${e.pid}:${e.comm}:${e.state}`),
    ).toEqual(['1:puppet:S', '3:sleep:S']);
    expectSound(k);
  });

  /**
   * real-kernel 15 tree, PID 1 with a SIGUSR1 handler: child-node (handler), child-sh (handler)
   * with a child sleep, a plain sleep, `unshare` (SIG_DFL) whose child is a nested init
   * (handler); the sender is entered with setns and has its own handler; a host sentinel too.
   */
  function killAllTree(k: Kernel) {
    const sentinel = hostPuppet(k);
    k.sys(sentinel.task).sigaction(SIGUSR1, 'handler');
    const c = container(k);
    k.sys(c.init.task).sigaction(SIGUSR1, 'handler');
    const childNode = forkPuppet(k, c.init.task); // inherits the handler
    const childSh = forkPuppet(k, c.init.task);
    const shSleep = k.spawn(childSh.task, '/bin/sleep', ['sleep', '0.2']) as number;
    const sleep30 = k.spawn(c.init.task, '/bin/sleep', ['sleep', '30']) as number;
    k.settle();
    const unshare = hostPuppet(k, c.init.task, ['unshare']); // exec'd: SIG_DFL
    expect(k.sys(unshare.task).unsharePid()).toBe(0);
    const nested = forkPuppet(k, unshare.task);
    k.sys(nested.task).sigaction(SIGUSR1, 'handler');
    const nsenter = hostPuppet(k);
    expect(k.sys(nsenter.task).setnsPid(c.init.pid)).toBe(0);
    const sender = forkPuppet(k, nsenter.task);
    k.sys(sender.task).sigaction(SIGUSR1, 'handler');
    expect(
      k
        .view(c.ns)
        .list()
        .map((e) => [e.pid, e.ppid, e.comm]),
    ).toEqual([
      [1, 0, 'puppet'],
      [2, 1, 'puppet'],
      [3, 1, 'puppet'],
      [4, 3, 'sleep'],
      [5, 1, 'sleep'],
      [6, 1, 'puppet'],
      [7, 6, 'puppet'],
      [8, 0, 'puppet'],
    ]);
    return { sentinel, c, childNode, childSh, shSleep, sleep30, unshare, nested, sender };
  }

  // real-kernel 15-kill-minus-one (a): kill(-1, SIGUSR1) from an nsenter'd process (PPID 0)
  // returned 0; the sender did not get it; received by child-node, child-sh and the nested
  // init (pid 1 of its own ns); PID 1 did not log it (it did after a direct kill(1)); the host
  // sentinel did not; sleep 30, unshare and the sh's sleep died (SIGUSR1 default action).
  it('15 kill(-1) from a non-init member reaches all but PID 1 and itself, including a nested init', () => {
    const k = Kernel.create();
    const t = killAllTree(k);
    expect(k.sys(t.sender.task).getppid()).toBe(0);
    expect(k.sys(t.sender.task).kill(-1, SIGUSR1)).toBe(0);
    k.settle();
    expect(signalsLogged(k, t.sender.task)).toEqual([]);
    expect(signalsLogged(k, t.c.init.task)).toEqual([]);
    expect(signalsLogged(k, t.sentinel.task)).toEqual([]);
    expect(signalsLogged(k, t.childNode.task).map((i) => [i.sig, i.pid])).toEqual([[SIGUSR1, 8]]);
    expect(signalsLogged(k, t.childSh.task).map((i) => [i.sig, i.pid])).toEqual([[SIGUSR1, 8]]);
    // The nested init is signalled from an ancestor namespace: si_pid 0 (semantics §3).
    expect(signalsLogged(k, t.nested.task).map((i) => [i.sig, i.pid])).toEqual([[SIGUSR1, 0]]);
    for (const pid of [t.shSleep, t.sleep30, t.unshare.pid])
      expect(deadIn(k, t.c.ns, pid)).toBe(true);
    // The nested init lost its parent (`unshare`) and was adopted by PID 1, still running.
    expect(k.view(t.c.ns).get(7)).toMatchObject({ ppid: 1, state: 'S' });
    expect(k.view(t.c.ns).get(1)?.state).toBe('S');
    // Control: a direct kill(1, SIGUSR1) reaches PID 1's handler.
    expect(k.sys(t.sender.task).kill(1, SIGUSR1)).toBe(0);
    k.settle();
    expect(signalsLogged(k, t.c.init.task).map((i) => [i.sig, i.pid])).toEqual([[SIGUSR1, 8]]);
    expectSound(k);
  });

  // real-kernel 15-kill-minus-one (b): kill(-1, SIGKILL) from inside: only PID 1 is left
  // running (besides zombies waiting for their parents); PID 1 still running.
  it('15 kill(-1, SIGKILL) from a member leaves only PID 1 (and the caller) running', () => {
    const k = Kernel.create();
    const t = killAllTree(k);
    expect(k.sys(t.sender.task).kill(-1, SIGKILL)).toBe(0);
    k.settle();
    const running = k
      .view(t.c.ns)
      .list()
      .filter((e) => e.state !== 'Z')
      .map((e) => e.pid);
    expect(running).toEqual([1, 8]);
    expect(k.hasTask(t.sentinel.task)).toBe(true);
    expect(k.view().get(t.sentinel.pid)?.state).toBe('S');
    expectSound(k);
  });
});

describe('real kernel: PID allocation and exhaustion', () => {
  // real-kernel 13-pid-exhaustion (a): pids.max=8 for waitstatus + unshare + PID 1 and its
  // children (3 processes before the forks); 12 fork attempts of children that exit at once:
  // zombies [2..6], pids.current 8, 7 failures (the 6th fork is the first, EAGAIN),
  // pids.events max 7; after reaping, 3 new children get 14 15 16 (pids.current 6).
  it('13 PID exhaustion with a pids cgroup max 8: zombies 2..6, 7 EAGAIN, events 7, then 14 15 16', () => {
    const k = Kernel.create();
    const cg = k.createCgroup('ctr', 8);
    const waitstatus = hostPuppet(k, k.hostInit, ['waitstatus']);
    k.moveToCgroup(waitstatus.task, cg);
    const unshare = hostPuppet(k, waitstatus.task, ['unshare']);
    expect(k.sys(unshare.task).unsharePid()).toBe(0);
    const init = forkPuppet(k, unshare.task);
    const ns = k.nsOf(init.task);
    expect(k.cgroupInfo(cg).current).toBe(3);
    const results = Array.from({ length: 12 }, () => forkTrue(k, init.task));
    expect(results).toEqual([
      2,
      3,
      4,
      5,
      6,
      'EAGAIN',
      'EAGAIN',
      'EAGAIN',
      'EAGAIN',
      'EAGAIN',
      'EAGAIN',
      'EAGAIN',
    ]);
    expect(
      k
        .view(ns)
        .list()
        .filter((e) => e.state === 'Z')
        .map((e) => e.pid),
    ).toEqual([2, 3, 4, 5, 6]);
    expect(k.cgroupInfo(cg).current).toBe(8);
    expect(k.cgroupInfo(cg).eventsMax).toBe(7);
    expect(reapAll(k, init.task)).toEqual([2, 3, 4, 5, 6]);
    expect(k.cgroupInfo(cg).current).toBe(3);
    const fresh = [1, 2, 3].map(() => {
      const p = k.sys(init.task).fork({ program: 'puppet' });
      k.settle();
      return p;
    });
    expect(fresh).toEqual([14, 15, 16]);
    expect(k.cgroupInfo(cg).current).toBe(6);
    expectSound(k);
  });

  // real-kernel 13-pid-exhaustion (b): without a limit, 12 zombies 2..13, then 14 15 16.
  it('13 PID numbering without a limit: zombies 2..13, after reaping 14 15 16', () => {
    const k = Kernel.create();
    const c = container(k);
    const results = Array.from({ length: 12 }, () => forkTrue(k, c.init.task));
    expect(results).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(reapAll(k, c.init.task)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect([1, 2, 3].map(() => forkTrue(k, c.init.task))).toEqual([14, 15, 16]);
    expectSound(k);
  });

  // semantics.md §1 VERIFIED pidwrap.c as PID 1: pid_max 300 → EINVAL, 400 ok; 398 zombies
  // (2..399), then EAGAIN; reap 5 and 350 → next fork 350, then EAGAIN (5 never reused);
  // reap 299 and 300 → next 300, then EAGAIN; reap everything → 301, 302.
  it('§1 pid_max wrap in a namespace: 2..399, then 350, then 300, never 5', () => {
    const k = Kernel.create();
    const c = container(k);
    expect(k.view(c.ns).pidMax()).toBe(PID_MAX_LIMIT);
    expect(k.view().pidMax()).toBe(32768);
    expect(k.setPidMax(c.ns, 300)).toBe('EINVAL');
    expect(k.setPidMax(c.ns, 400)).toBe(0);
    expect(k.view(c.ns).pidMax()).toBe(400);
    const pids: (number | string)[] = [];
    for (let i = 0; i < 398; i++) pids.push(forkTrue(k, c.init.task));
    expect(pids).toEqual(Array.from({ length: 398 }, (_, i) => i + 2));
    expect(forkTrue(k, c.init.task)).toBe('EAGAIN');
    const wait = (pid: number) => k.sys(c.init.task).wait(pid, WNOHANG);
    expect(wait(5)).toEqual({ pid: 5, status: 0 });
    expect(wait(350)).toEqual({ pid: 350, status: 0 });
    expect(forkTrue(k, c.init.task)).toBe(350);
    expect(forkTrue(k, c.init.task)).toBe('EAGAIN');
    expect(wait(299)).toEqual({ pid: 299, status: 0 });
    expect(wait(300)).toEqual({ pid: 300, status: 0 });
    expect(forkTrue(k, c.init.task)).toBe(300);
    expect(forkTrue(k, c.init.task)).toBe('EAGAIN');
    reapAll(k, c.init.task);
    expect(forkTrue(k, c.init.task)).toBe(301);
    expect(forkTrue(k, c.init.task)).toBe(302);
    expectSound(k);
  });

  // semantics.md §1 VERIFIED: level 1 sets pid_max 400; a level-2 namespace (which still reads
  // 4194304) can create only as many processes as level 1 has numbers left (394 on the VM,
  // where level 1 held 5 other processes; here level 1 holds 3: its init, unshare, the level-2
  // init, so 399 - 3 = 396).
  it('§1 a level-2 namespace under a level-1 with pid_max 400 creates only what fits at level 1', () => {
    const k = Kernel.create();
    const c = container(k);
    expect(k.setPidMax(c.ns, 400)).toBe(0);
    const unshare = forkPuppet(k, c.init.task);
    expect(k.sys(unshare.task).unsharePid()).toBe(0);
    const init2 = forkPuppet(k, unshare.task);
    const ns2 = k.nsOf(init2.task);
    expect(k.view(ns2).pidMax()).toBe(PID_MAX_LIMIT);
    let made = 0;
    let last: number | string = 0;
    for (let i = 0; i < 500; i++) {
      last = forkTrue(k, init2.task);
      if (typeof last === 'string') break;
      made++;
    }
    expect(last).toBe('EAGAIN');
    expect(made).toBe(399 - 3);
    expect(k.view(ns2).list().at(-1)?.pid).toBe(made + 1);
    expectSound(k);
  });

  // The issue's transcript: in `unshare --pid --fork` with PID 1 a puppet, `sleep 100 &` and
  // `sleep 200 &` are PIDs 2 and 3 (a `ps` run next would be PID 4, the one after 5); PID 1
  // has PPID 0 and, without setsid, PGID and SID 0 (leaders outside).
  it('transcript: unshare --pid --fork; sleep 100 & sleep 200 & → ps shows 1 (ppid 0), 2, 3 (ppid 1)', () => {
    const k = Kernel.create();
    const c = container(k);
    expect(k.spawn(c.init.task, '/bin/sleep', ['sleep', '100'])).toBe(2);
    expect(k.spawn(c.init.task, '/bin/sleep', ['sleep', '200'])).toBe(3);
    k.settle();
    const ps = k
      .view(c.ns)
      .list()
      .map((e) => `${e.pid} ${e.ppid} ${e.pgid} ${e.sid} ${e.state} ${e.argv.join(' ')}`);
    expect(ps).toEqual(['1 0 0 0 S puppet', '2 1 0 0 S sleep 100', '3 1 0 0 S sleep 200']);
    expect(k.spawn(c.init.task, '/bin/true', ['ps'])).toBe(4);
    expect(k.spawn(c.init.task, '/bin/true', ['ps'])).toBe(5);
    expectSound(k);
  });
});

describe('real kernel: exit status and auto-reaping', () => {
  // semantics.md §5 VERIFIED autoreap.py: SIG_DFL → three zombies, wait() returns status 7
  // each, then ECHILD; SIGCHLD SIG_IGN → no zombies and wait() returns ECHILD at once.
  it('§5 autoreap: SIGCHLD SIG_IGN leaves no zombies and wait gives ECHILD', () => {
    const k = Kernel.create();
    const dfl = hostPuppet(k);
    const dflKids = [0, 1, 2].map(() => forkPuppet(k, dfl.task));
    for (const c of dflKids) k.sys(c.task).exit(7);
    k.settle();
    expect(dflKids.map((c) => k.view().get(c.pid)?.state)).toEqual(['Z', 'Z', 'Z']);
    for (let i = 0; i < 3; i++) {
      const w = k.sys(dfl.task).wait(-1, 0);
      if (!isWaitResult(w)) throw new Error(JSON.stringify(w));
      expect(wexitstatus(w.status)).toBe(7);
    }
    expect(k.sys(dfl.task).wait(-1, 0)).toBe('ECHILD');

    const ign = hostPuppet(k);
    expect(k.sys(ign.task).sigaction(SIGCHLD, 'ignore')).toBe(0);
    const kids = [0, 1, 2].map(() => forkPuppet(k, ign.task));
    for (const c of kids) k.sys(c.task).exit(7);
    k.settle();
    for (const c of kids) expect(k.view().get(c.pid)).toBeUndefined();
    expect(
      k
        .view()
        .list()
        .filter((e) => e.state === 'Z'),
    ).toEqual([]);
    expect(k.sys(ign.task).wait(-1, 0)).toBe('ECHILD');
    expectSound(k);
  });

  // semantics.md §5: exit(300) reports 44 (VERIFIED: `tini -- sh -c 'exit 300'` → 44).
  it('§5 exit(300) gives exit status 44', () => {
    const k = Kernel.create();
    const p = hostPuppet(k);
    const c = forkPuppet(k, p.task);
    k.sys(c.task).exit(300);
    k.settle();
    const w = k.sys(p.task).wait(c.pid, 0);
    if (!isWaitResult(w)) throw new Error(JSON.stringify(w));
    expect(wexitstatus(w.status)).toBe(44);
    expect(w.status).toBe(exitedStatus(44));
    expect(shellExitCode(w.status)).toBe(44);
    expectSound(k);
  });
});
