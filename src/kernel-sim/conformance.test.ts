/**
 * Conformance tests: the kernel model against the LTP PID-namespace tests
 * (linux-test-project/ltp testcases/kernel/containers/pidns/, syscalls/prctl/prctl03,
 * syscalls/unshare/unshare05, the kernel selftest pid_namespace/regression_enomem).
 * Each test cites the case it reproduces. The cases observed on a real kernel
 * (shared/reference/real-kernel, semantics.md VERIFIED lines) are in
 * conformance-real-kernel.test.ts.
 *
 * Only the public API is used: Kernel, Kernel.sys (the syscalls), views, the trace.
 */
import { describe, expect, it } from 'vitest';
import {
  BLOCKED,
  ERRNO_TEXT,
  Kernel,
  MAX_PID_NS_LEVEL,
  SIGKILL,
  SIGUSR1,
  WNOHANG,
  exitedStatus,
  sigSetOf,
  signaledStatus,
  wifsignaled,
  wtermsig,
} from './index.ts';

import {
  container,
  forkPuppet,
  hostPuppet,
  isWaitResult,
  signalsLogged,
  statusField,
} from './testkit.ts';

const expectSound = (k: Kernel): void => expect(k.checkInvariants()).toEqual([]);

describe('LTP containers/pidns', () => {
  // LTP pidns01: a child cloned into a new PID namespace sees getpid() = 1, getppid() = 0.
  it('pidns01: the namespace init has getpid() 1 and getppid() 0', () => {
    const k = Kernel.create();
    const c = container(k);
    expect(k.sys(c.init.task).getpid()).toBe(1);
    expect(k.sys(c.init.task).getppid()).toBe(0);
    expect(k.view(c.ns).get(1)?.ppid).toBe(0);
    expectSound(k);
  });

  // LTP pidns02: before setsid() getsid(0) = getpgid(0) = 0 (leader outside); after, both 1.
  it('pidns02: getsid/getpgid are 0 before setsid and 1 after', () => {
    const k = Kernel.create();
    const c = container(k);
    const sys = k.sys(c.init.task);
    expect(sys.getsid()).toBe(0);
    expect(sys.getpgrp()).toBe(0);
    expect(sys.setsid()).toBe(1);
    expect(k.sys(c.init.task).getsid()).toBe(1);
    expect(k.sys(c.init.task).getpgrp()).toBe(1);
    expectSound(k);
  });

  // LTP pidns04: the container init calls kill(1, SIGKILL) on itself: returns 0, keeps running.
  it('pidns04: init kill(1, SIGKILL) on itself returns 0 and init keeps running', () => {
    const k = Kernel.create();
    const c = container(k);
    expect(k.sys(c.init.task).kill(1, SIGKILL)).toBe(0);
    k.settle();
    k.advance(1_000_000);
    expect(k.hasTask(c.init.task)).toBe(true);
    expect(k.view(c.ns).get(1)?.state).toBe('S');
    const drop = k.trace.filter(
      (e) => e.type === 'signal' && e.task.id === c.init.task && e.sig === SIGKILL,
    );
    expect(drop.map((e) => (e.type === 'signal' ? [e.outcome, e.rule] : []))).toEqual([
      ['dropped', 'sig/unkillable-init'],
    ]);
    expectSound(k);
  });

  // LTP pidns05: 5 nested PID namespaces; SIGKILL to the level-1 init from the parent
  // namespace kills every nested init.
  it('pidns05: SIGKILL to the level-1 init kills all 5 nested namespace inits', () => {
    const k = Kernel.create();
    const top = hostPuppet(k);
    const inits: { task: ReturnType<typeof forkPuppet>['task']; pid: number }[] = [];
    let creator = top.task;
    for (let level = 1; level <= 5; level++) {
      expect(k.sys(creator).unsharePid()).toBe(0);
      const init = forkPuppet(k, creator);
      expect(k.sys(init.task).getpid()).toBe(1);
      expect(k.namespaceInfo(k.nsOf(init.task)).level).toBe(level);
      inits.push(init);
      creator = init.task;
    }
    const level1Host = k.pidOf(inits[0]!.task);
    expect(k.sys(top.task).kill(level1Host, SIGKILL)).toBe(0);
    k.settle();
    const w = k.sys(top.task).wait(level1Host, 0);
    expect(w).toEqual({ pid: level1Host, status: signaledStatus(SIGKILL) });
    for (const init of inits) expect(k.hasTask(init.task)).toBe(false);
    expect(
      k
        .view()
        .list()
        .map((e) => e.comm),
    ).toEqual(['init', 'puppet']);
    expectSound(k);
  });

  // LTP pidns06: the child cannot signal its creator by the creator's (host) PID: ESRCH.
  it('pidns06: kill(parent host pid, SIGKILL) from inside fails with ESRCH', () => {
    const k = Kernel.create();
    const c = container(k);
    expect(k.view(c.ns).get(c.outer.pid)).toBeUndefined();
    expect(k.sys(c.init.task).kill(c.outer.pid, SIGKILL)).toBe('ESRCH');
    k.settle();
    expect(k.hasTask(c.outer.task)).toBe(true);
    expect(k.view().get(c.outer.pid)?.state).toBe('S');
    expectSound(k);
  });

  // LTP pidns10: init alone in its namespace: kill(-1, SIGKILL) fails with ESRCH.
  it('pidns10: kill(-1, SIGKILL) by a lone init fails with ESRCH', () => {
    const k = Kernel.create();
    const c = container(k);
    expect(k.sys(c.init.task).kill(-1, SIGKILL)).toBe('ESRCH');
    k.settle();
    expect(k.hasTask(c.init.task)).toBe(true);
    expectSound(k);
  });

  // LTP pidns12 (si_pid 0 from the parent namespace) and pidns16 (then a self-sent signal
  // gives si_pid 1); semantics.md §3 VERIFIED: si_pid=42 from ns PID 42 inside.
  it('pidns12/pidns16: handler si_pid is 0 from the parent ns, the sender PID inside, 1 self-sent', () => {
    const k = Kernel.create();
    const c = container(k);
    expect(k.sys(c.init.task).sigaction(SIGUSR1, 'handler')).toBe(0);
    const member = forkPuppet(k, c.init.task); // ns PID 2
    expect(member.pid).toBe(2);
    // From the parent namespace (pidns12).
    expect(k.sys(c.outer.task).kill(c.init.pid, SIGUSR1)).toBe(0);
    k.settle();
    // From a process inside (the VERIFIED si_pid = sender's ns PID).
    expect(k.sys(member.task).kill(1, SIGUSR1)).toBe(0);
    k.settle();
    // Self-sent (pidns16).
    expect(k.sys(c.init.task).kill(1, SIGUSR1)).toBe(0);
    k.settle();
    expect(signalsLogged(k, c.init.task)).toEqual([
      { sig: SIGUSR1, pid: 0, code: 'SI_USER' },
      { sig: SIGUSR1, pid: 2, code: 'SI_USER' },
      { sig: SIGUSR1, pid: 1, code: 'SI_USER' },
    ]);
    expectSound(k);
  });

  // LTP pidns17: init forks 10 children, kill(-1, SIGUSR1) from init: every child is reaped
  // WIFSIGNALED with WTERMSIG = SIGUSR1; init itself is unaffected.
  it('pidns17: kill(-1, SIGUSR1) from init kills its 10 children, not init', () => {
    const k = Kernel.create();
    const c = container(k);
    const kids = Array.from({ length: 10 }, () => forkPuppet(k, c.init.task));
    expect(kids.map((x) => x.pid)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(k.sys(c.init.task).kill(-1, SIGUSR1)).toBe(0);
    k.settle();
    const reaped: number[] = [];
    for (let i = 0; i < 10; i++) {
      const w = k.sys(c.init.task).wait(-1, WNOHANG);
      if (!isWaitResult(w)) throw new Error(`wait returned ${JSON.stringify(w)}`);
      expect(wifsignaled(w.status)).toBe(true);
      expect(wtermsig(w.status)).toBe(SIGUSR1);
      reaped.push(w.pid);
    }
    expect(reaped.sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(k.sys(c.init.task).wait(-1, WNOHANG)).toBe('ECHILD');
    expect(k.hasTask(c.init.task)).toBe(true);
    expect(signalsLogged(k, c.init.task)).toEqual([]);
    expect(
      k
        .view(c.ns)
        .list()
        .map((e) => e.pid),
    ).toEqual([1]);
    expectSound(k);
  });

  // LTP pidns20: PID 1 (SIG_DFL) blocks SIGUSR1; the parent ns sends it → pending, not
  // dropped; after installing a handler and unblocking, the handler runs exactly once.
  it('pidns20: a blocked SIGUSR1 from the parent ns stays pending, handler runs once on unblock', () => {
    const k = Kernel.create();
    const c = container(k);
    const set = sigSetOf(SIGUSR1);
    k.sys(c.init.task).sigprocmask('block', set);
    expect(k.sys(c.outer.task).kill(c.init.pid, SIGUSR1)).toBe(0);
    k.settle();
    expect(statusField(k, c.ns, 1, 'ShdPnd')).toBe('0000000000000200');
    expect(statusField(k, c.ns, 1, 'SigBlk')).toBe('0000000000000200');
    expect(signalsLogged(k, c.init.task)).toEqual([]);
    expect(k.sys(c.init.task).sigaction(SIGUSR1, 'handler')).toBe(0);
    k.sys(c.init.task).sigprocmask('unblock', set);
    k.settle();
    expect(signalsLogged(k, c.init.task)).toEqual([{ sig: SIGUSR1, pid: 0, code: 'SI_USER' }]);
    expect(statusField(k, c.ns, 1, 'ShdPnd')).toBe('0000000000000000');
    k.advance(1_000_000);
    expect(signalsLogged(k, c.init.task)).toHaveLength(1);
    expectSound(k);
  });

  // LTP pidns32 (and semantics.md §1 VERIFIED nestmax.c): nesting reaches exactly 32 levels;
  // creating level 33 fails with ENOSPC.
  it('pidns32: nesting reaches exactly 32 levels, the 33rd unshare gives ENOSPC', () => {
    const k = Kernel.create();
    let creator = hostPuppet(k).task;
    for (let level = 1; level <= 32; level++) {
      expect(k.sys(creator).unsharePid()).toBe(0);
      const init = forkPuppet(k, creator);
      expect(k.namespaceInfo(k.nsOf(init.task)).level).toBe(level);
      creator = init.task;
    }
    expect(MAX_PID_NS_LEVEL).toBe(32);
    expect(k.sys(creator).unsharePid()).toBe('ENOSPC');
    expect(ERRNO_TEXT.ENOSPC).toBe('No space left on device');
    // The deepest process has 33 numbers: NSpid from the host has 33 columns.
    const hostPid = k.pidOf(creator);
    expect(statusField(k, k.rootNs, hostPid, 'NSpid')?.split('\t')).toHaveLength(33);
    expectSound(k);
  });
});

describe('LTP syscalls and kernel selftests around PID namespaces', () => {
  // LTP prctl03: PR_SET_CHILD_SUBREAPER makes the subreaper adopt an orphaned descendant
  // and wait() for it; the attribute is not inherited by fork.
  it('prctl03: a subreaper adopts the orphan and reaps it; the flag is not inherited', () => {
    const k = Kernel.create();
    const p = hostPuppet(k);
    expect(k.sys(p.task).setChildSubreaper(true)).toBe(0);
    const child = forkPuppet(k, p.task);
    const grandchild = forkPuppet(k, child.task);
    const great = forkPuppet(k, grandchild.task);
    // The grandchild exits: if `child` had inherited the subreaper attribute it would adopt.
    k.sys(grandchild.task).exit(0);
    k.settle();
    expect(k.sys(great.task).getppid()).toBe(p.pid);
    expect(k.view().get(great.pid)?.ppid).toBe(p.pid);
    // The subreaper collects its adopted orphan.
    k.sys(great.task).exit(5);
    k.settle();
    expect(k.sys(p.task).wait(great.pid, WNOHANG)).toEqual({
      pid: great.pid,
      status: exitedStatus(5),
    });
    // The exited grandchild itself stays a zombie of its own parent until that parent reaps it.
    expect(k.view().get(grandchild.pid)?.state).toBe('Z');
    expect(k.view().get(grandchild.pid)?.ppid).toBe(child.pid);
    expectSound(k);
  });

  // LTP unshare05: after unshare(CLONE_NEWPID) the first child gets PID 1 (the caller keeps
  // its own PID).
  it('unshare05: the first child after unshare(CLONE_NEWPID) is PID 1', () => {
    const k = Kernel.create();
    const p = hostPuppet(k);
    expect(k.sys(p.task).unsharePid()).toBe(0);
    expect(k.sys(p.task).getpid()).toBe(p.pid);
    expect(k.nsOf(p.task)).toBe(k.rootNs);
    const first = forkPuppet(k, p.task);
    const ns = k.nsOf(first.task);
    expect(ns).not.toBe(k.rootNs);
    expect(k.pidOf(first.task, ns)).toBe(1);
    expect(k.sys(first.task).getpid()).toBe(1);
    // fork() returned the child's PID in the caller's namespace.
    expect(k.pidOf(first.task, k.rootNs)).toBe(first.pid);
    const second = forkPuppet(k, p.task);
    expect(k.pidOf(second.task, ns)).toBe(2);
    expectSound(k);
  });

  // tools/testing/selftests/pid_namespace/regression_enomem.c: after the namespace init has
  // died, fork() by the unshare(CLONE_NEWPID) caller fails with ENOMEM
  // (semantics.md §2 VERIFIED deadns2.py: "two further fork() calls raised ENOMEM").
  it('regression_enomem: fork by the unshare caller after the namespace init died gives ENOMEM', () => {
    const k = Kernel.create();
    const c = container(k);
    k.sys(c.init.task).exit(3);
    k.settle();
    expect(k.sys(c.outer.task).wait(c.init.pid, 0)).toEqual({
      pid: c.init.pid,
      status: exitedStatus(3),
    });
    expect(k.sys(c.outer.task).fork({ program: 'puppet' })).toBe('ENOMEM');
    expect(k.sys(c.outer.task).fork({ program: 'puppet' })).toBe('ENOMEM');
    expectSound(k);
  });

  // semantics.md §2 VERIFIED unshare2.py: unshare(CLONE_NEWPID) twice → 0 then EINVAL.
  it('unshare twice: the second unshare(CLONE_NEWPID) fails with EINVAL', () => {
    const k = Kernel.create();
    const p = hostPuppet(k);
    expect(k.sys(p.task).unsharePid()).toBe(0);
    expect(k.sys(p.task).unsharePid()).toBe('EINVAL');
    expectSound(k);
  });

  // semantics.md §2 VERIFIED: after unshare(CLONE_NEWPID) no thread can be created
  // (clone(CLONE_THREAD) with pid_for_children ≠ active namespace → EINVAL).
  it('threads after unshare: creating a thread fails with EINVAL', () => {
    const k = Kernel.create();
    const p = hostPuppet(k);
    expect(k.sys(p.task).spawnThreads(1)).toBe(0);
    const q = hostPuppet(k);
    expect(k.sys(q.task).unsharePid()).toBe(0);
    expect(k.sys(q.task).spawnThreads(1)).toBe('EINVAL');
    expect(k.view().get(q.pid)?.threads).toBe(1);
    expectSound(k);
  });

  // Sanity of the BLOCKED marker used below (wait without WNOHANG on a live child blocks).
  it('a blocking wait on a live child returns BLOCKED and completes later', () => {
    const k = Kernel.create();
    const c = container(k);
    const kid = forkPuppet(k, c.init.task);
    expect(k.sys(c.init.task).wait(-1, 0)).toBe(BLOCKED);
    k.sys(kid.task).exit(0);
    k.settle();
    expect(k.view(c.ns).get(kid.pid)).toBeUndefined();
    expectSound(k);
  });
});
