/**
 * One test per kernel rule in rules.ts, named after the rule. The last test checks that every
 * rule in the catalogue has one, so a new rule cannot land untested.
 */
import { describe, expect, it } from 'vitest';
import { RULES } from './rules.ts';
import type { RuleId } from './rules.ts';
import type { Kernel } from './kernel.ts';
import type { Program } from './programs/abi.ts';
import { BLOCKED, WNOHANG, WUNTRACED } from './programs/abi.ts';
import {
  SA_NOCLDSTOP,
  SA_NOCLDWAIT,
  SA_RESETHAND,
  SA_RESTART,
  TF_HAS_SUBREAPER,
  TF_SUBREAPER,
  TF_UNKILLABLE,
} from './state.ts';
import {
  SIGCHLD,
  SIGCONT,
  SIGHUP,
  SIGKILL,
  SIGQUIT,
  SIGSTOP,
  SIGTERM,
  SIGTSTP,
  SIGTTIN,
  SIGTTOU,
  SIGINT,
  SIGUSR1,
  SIGUSR2,
  SIGWINCH,
  sigSetOf,
} from './signals.ts';
import { shellExitCode, wifstopped } from './wait.ts';
import { boot, container, eventsOf, fork, hostProcess, log, rulesIn, table } from './testkit.ts';
import type { TaskId } from './types.ts';

const covered = new Set<RuleId>();
function ruleTest(id: RuleId, name: string, fn: () => void): void {
  covered.add(id);
  it(`${id}: ${name}`, fn);
}

const statusLine = (
  k: Kernel,
  ns: Kernel['rootNs'],
  pid: number,
  field: string,
): string | undefined =>
  k
    .view(ns)
    .status(pid)
    ?.split('\n')
    .find((l) => l.startsWith(`${field}:`))
    ?.slice(field.length + 1)
    .trim();

/** Forks `n` puppet children of `parent` that exit at once and are not reaped. */
function zombies(k: Kernel, parent: TaskId, n: number): number[] {
  const pids: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = fork(k, parent);
    k.sys(c.task).exit(0);
    pids.push(c.pid);
  }
  k.settle();
  return pids;
}

const expectSound = (k: Kernel): void => expect(k.checkInvariants()).toEqual([]);

describe('PID allocation (kernel/pid.c)', () => {
  ruleTest('alloc_pid', 'a process in a namespace has one PID per level', () => {
    const k = boot();
    const c = container(k);
    const second = fork(k, c.init.task);
    expect(second.pid).toBe(2);
    const host = k.pidOf(second.task, k.rootNs);
    expect(host).toBeGreaterThan(2);
    expect(statusLine(k, k.rootNs, host, 'NSpid')).toBe(`${host}\t2`);
    expect(statusLine(k, c.ns, 2, 'NSpid')).toBe('2');
    expect(eventsOf(k, 'fork').at(-1)?.rule).toBe('alloc_pid');
    expectSound(k);
  });

  ruleTest('alloc_pid/init', 'the first child after unshare is PID 1 and the child reaper', () => {
    const k = boot();
    const c = container(k);
    expect(k.pidOf(c.init.task, c.ns)).toBe(1);
    expect(k.namespaceInfo(c.ns).childReaper).toBe(c.init.task);
    expect(k.taskRecord(c.init.task)!.flags & TF_UNKILLABLE).toBe(TF_UNKILLABLE);
    expect(eventsOf(k, 'fork').at(-1)?.rule).toBe('alloc_pid/init');
  });

  ruleTest(
    'alloc_pid/exhausted',
    'when every PID below pid_max is taken, fork fails with EAGAIN',
    () => {
      const k = boot();
      const c = container(k);
      expect(k.setPidMax(c.ns, 301)).toBe(0);
      const pids = zombies(k, c.init.task, 299);
      expect(pids.at(-1)).toBe(300);
      expect(k.sys(c.init.task).fork({ program: 'puppet' })).toBe('EAGAIN');
      expect(eventsOf(k, 'fork-failed').at(-1)?.rule).toBe('alloc_pid/exhausted');
      expectSound(k);
    },
  );

  ruleTest(
    'alloc_pid/ns-dead',
    'after the init has died, fork into the namespace gives ENOMEM',
    () => {
      const k = boot();
      const c = container(k);
      k.sys(k.hostInit).kill(c.init.pid, SIGKILL);
      k.settle();
      expect(k.sys(c.outer.task).fork({ program: 'puppet' })).toBe('ENOMEM');
      expect(eventsOf(k, 'fork-failed').at(-1)?.rule).toBe('alloc_pid/ns-dead');
      expectSound(k);
    },
  );

  ruleTest(
    'alloc_pid/wrap',
    'after reaching pid_max the search restarts at 300, never below',
    () => {
      const k = boot();
      const c = container(k);
      k.setPidMax(c.ns, 400);
      zombies(k, c.init.task, 398); // PIDs 2..399
      expect(k.sys(c.init.task).fork({ program: 'puppet' })).toBe('EAGAIN');
      for (const pid of [5, 350])
        expect(k.sys(c.init.task).wait(pid, 0)).toEqual({ pid, status: 0 });
      const next = fork(k, c.init.task);
      expect(next.pid).toBe(350);
      expect(eventsOf(k, 'fork').at(-1)?.rule).toBe('alloc_pid/wrap');
      expect(k.sys(c.init.task).fork({ program: 'puppet' })).toBe('EAGAIN'); // 5 is never reused
      expectSound(k);
    },
  );

  ruleTest('pids_cgroup/max', 'a fork refused by pids.max still moves the PID cursor on', () => {
    const k = boot();
    const p = hostProcess(k);
    const cg = k.createCgroup('box', 3);
    k.moveToCgroup(p.task, cg);
    const made = zombies(k, p.task, 2);
    const before = k.view().lastPid();
    expect(k.sys(p.task).fork({ program: 'puppet' })).toBe('EAGAIN');
    expect(k.view().lastPid()).toBe(before + 1);
    expect(k.cgroupInfo(cg)).toMatchObject({ current: 3, eventsMax: 1 });
    expect(eventsOf(k, 'fork-failed').at(-1)?.rule).toBe('pids_cgroup/max');
    expect(k.sys(p.task).wait(made[0]!, 0)).toMatchObject({ pid: made[0] });
    expect(fork(k, p.task).pid).toBe(before + 2);
    expectSound(k);
  });

  ruleTest('threads/pid-space', 'threads take PID numbers from the same counter', () => {
    const k = boot();
    const c = container(k);
    const node = fork(k, c.init.task);
    expect(k.sys(node.task).spawnThreads(6)).toBe(0);
    expect(statusLine(k, c.ns, node.pid, 'Threads')).toBe('7');
    expect(fork(k, c.init.task).pid).toBe(9);
    expect(eventsOf(k, 'threads')[0]?.rule).toBe('threads/pid-space');
    k.sys(node.task).exit(0);
    k.settle();
    expectSound(k);
  });
});

describe('namespaces (kernel/pid_namespace.c, unshare(2), setns(2))', () => {
  ruleTest('copy_pid_ns/depth', 'namespaces nest 32 levels deep, no deeper', () => {
    const k = boot();
    let parent = hostProcess(k).task;
    for (let level = 1; level <= 32; level++) {
      expect(k.sys(parent).unsharePid()).toBe(0);
      parent = fork(k, parent).task;
    }
    expect(k.namespaceInfo(k.nsOf(parent)).level).toBe(32);
    expect(k.sys(parent).unsharePid()).toBe('ENOSPC');
    expect(k.taskRef(parent)?.nums).toHaveLength(33);
    expect(eventsOf(k, 'syscall-error').at(-1)?.rule).toBe('copy_pid_ns/depth');
    expectSound(k);
  });

  ruleTest('unshare/pidns', 'unshare moves only later children; the caller keeps its PID', () => {
    const k = boot();
    const p = hostProcess(k);
    const ns = k.nsOf(p.task);
    k.sys(p.task).unsharePid();
    expect(k.nsOf(p.task)).toBe(ns);
    expect(k.sys(p.task).getpid()).toBe(p.pid);
    const a = fork(k, p.task);
    const b = fork(k, p.task);
    expect([k.pidOf(a.task, k.nsOf(a.task)), k.pidOf(b.task, k.nsOf(b.task))]).toEqual([1, 2]);
    expect(eventsOf(k, 'ns-create')[0]?.rule).toBe('unshare/pidns');
  });

  ruleTest('unshare/again', 'a second unshare(CLONE_NEWPID) is EINVAL', () => {
    const k = boot();
    const p = hostProcess(k);
    expect(k.sys(p.task).unsharePid()).toBe(0);
    expect(k.sys(p.task).unsharePid()).toBe('EINVAL');
    expect(eventsOf(k, 'syscall-error').at(-1)).toMatchObject({
      call: 'unshare',
      errno: 'EINVAL',
      rule: 'unshare/again',
    });
    expect(k.sys(p.task).spawnThreads(1)).toBe('EINVAL');
  });

  ruleTest(
    'setns/pidns',
    'setns puts later children into a descendant namespace, with PPID 0 there',
    () => {
      const k = boot();
      const c = container(k);
      const nsenter = hostProcess(k);
      expect(k.sys(nsenter.task).setnsPid(c.init.pid)).toBe(0);
      const joined = fork(k, nsenter.task);
      expect(k.pidOf(joined.task, c.ns)).toBe(2);
      expect(k.view(c.ns).get(2)?.ppid).toBe(0);
      expect(k.sys(joined.task).getppid()).toBe(0);
      // From inside, the host's processes cannot even be named.
      expect(k.sys(c.init.task).setnsPid(nsenter.pid)).toBe('ESRCH');
      expect(eventsOf(k, 'ns-setns')[0]?.rule).toBe('setns/pidns');
      expectSound(k);
    },
  );
});

describe('fork and exec (kernel/fork.c, fs/exec.c)', () => {
  ruleTest(
    'fork/copy',
    'the child copies group, session, dispositions and mask, not pending signals',
    () => {
      const k = boot();
      const p = hostProcess(k);
      const s = k.sys(p.task);
      s.setsid();
      s.sigaction(SIGUSR2, 'ignore');
      s.sigaction(SIGUSR1, 'handler');
      s.sigprocmask('block', sigSetOf(SIGHUP));
      k.sys(k.hostInit).kill(p.pid, SIGHUP); // stays pending in the parent
      s.setPdeathsig(SIGTERM);
      s.setChildSubreaper(true);
      const c = fork(k, p.task);
      const parentRow = k.view().get(p.pid)!;
      const childRow = k.view().get(c.pid)!;
      expect([childRow.pgid, childRow.sid]).toEqual([parentRow.pgid, parentRow.sid]);
      expect(childRow.sigIgnored).toBe(parentRow.sigIgnored);
      expect(childRow.sigCaught).toBe(parentRow.sigCaught);
      expect(childRow.sigBlocked).toBe(sigSetOf(SIGHUP));
      expect(childRow.sigPending).toBe(0n);
      expect(parentRow.sigPending).toBe(sigSetOf(SIGHUP));
      const rec = k.taskRecord(c.task)!;
      expect([rec.extra.pdeathSignal, rec.flags & (TF_SUBREAPER | TF_HAS_SUBREAPER)]).toEqual([
        0,
        TF_HAS_SUBREAPER,
      ]);
      expect(eventsOf(k, 'fork').at(-1)?.rule).toBe('fork/copy');
    },
  );

  ruleTest('exec/signals', 'exec resets handlers to SIG_DFL, keeps SIG_IGN and the mask', () => {
    const k = boot();
    const p = hostProcess(k);
    const s = k.sys(p.task);
    s.sigaction(SIGTERM, 'handler');
    s.sigaction(SIGHUP, 'ignore');
    s.sigprocmask('block', sigSetOf(SIGUSR1));
    expect(s.exec('/bin/sleep', ['sleep', '100'])).toBe(0);
    k.settle();
    const row = k.view().get(p.pid)!;
    expect(row.comm).toBe('sleep');
    expect(row.sigCaught).toBe(0n);
    expect(row.sigIgnored).toBe(sigSetOf(SIGHUP));
    expect(row.sigBlocked).toBe(sigSetOf(SIGUSR1));
    expect(eventsOf(k, 'exec').at(-1)?.rule).toBe('exec/signals');
  });
});

describe('exit, reparenting and reaping (kernel/exit.c)', () => {
  ruleTest('exit/zombie', 'an exited child is a zombie holding its PID until waited for', () => {
    const k = boot();
    const p = hostProcess(k);
    const c = fork(k, p.task);
    k.sys(c.task).exit(3);
    k.settle();
    expect(k.view().get(c.pid)?.state).toBe('Z');
    expect(k.view().cmdline(c.pid)).toBe('');
    expect(eventsOf(k, 'zombie').at(-1)?.rule).toBe('exit/zombie');
    expect(fork(k, p.task).pid).toBe(c.pid + 1);
    expect(k.sys(p.task).wait(c.pid, 0)).toEqual({ pid: c.pid, status: 3 << 8 });
  });

  ruleTest('exit/notify-parent', 'the parent gets SIGCHLD (CLD_EXITED, child PID, code)', () => {
    const k = boot();
    const p = hostProcess(k);
    k.sys(p.task).sigaction(SIGCHLD, 'handler');
    const c = fork(k, p.task);
    k.sys(c.task).exit(7);
    k.settle();
    expect(log(k, p.task)).toContainEqual({
      call: 'signal',
      info: { sig: SIGCHLD, pid: c.pid, code: 'CLD_EXITED', status: 7 },
    });
    expect(rulesIn(k).has('exit/notify-parent')).toBe(true);
  });

  ruleTest(
    'exit/autoreap',
    'a parent ignoring SIGCHLD leaves no zombies; its wait gets ECHILD',
    () => {
      const k = boot();
      const p = hostProcess(k);
      k.sys(p.task).sigaction(SIGCHLD, 'ignore');
      const kids = [fork(k, p.task), fork(k, p.task)];
      for (const c of kids) k.sys(c.task).exit(7);
      k.settle();
      expect(table(k).filter((r) => r.includes(' Z '))).toEqual([]);
      expect(k.sys(p.task).wait(-1, 0)).toBe('ECHILD');
      expect(eventsOf(k, 'reap').map((e) => e.rule)).toEqual(['exit/autoreap', 'exit/autoreap']);
      // SA_NOCLDWAIT also auto-reaps, but SIGCHLD is still sent.
      const q = hostProcess(k);
      k.sys(q.task).sigaction(SIGCHLD, 'handler', SA_NOCLDWAIT);
      const c = fork(k, q.task);
      k.sys(c.task).exit(0);
      k.settle();
      expect(k.view().get(c.pid)).toBeUndefined();
      expect(log(k, q.task).some((e) => e.call === 'signal')).toBe(true);
      expectSound(k);
    },
  );

  ruleTest('reparent/subreaper', 'orphans go to the nearest living subreaper above them', () => {
    const k = boot();
    const a = hostProcess(k);
    k.sys(a.task).setChildSubreaper(true);
    const b = fork(k, a.task);
    const c = fork(k, b.task);
    k.sys(b.task).exit(0);
    k.settle();
    expect(k.view().get(c.pid)?.ppid).toBe(a.pid);
    expect(eventsOf(k, 'reparent')[0]?.rule).toBe('reparent/subreaper');
    expectSound(k);
  });

  ruleTest('reparent/child-reaper', "orphans go to PID 1 of the parent's namespace", () => {
    const k = boot();
    const c = container(k);
    const b = fork(k, c.init.task);
    const orphan = fork(k, b.task);
    k.sys(b.task).exit(0);
    k.settle();
    expect(k.view(c.ns).get(3)?.ppid).toBe(1);
    expect(k.view().get(k.pidOf(orphan.task))?.ppid).toBe(c.init.pid);
    expect(eventsOf(k, 'reparent')[0]?.rule).toBe('reparent/child-reaper');
    expectSound(k);
  });

  ruleTest(
    'reparent/zombie',
    'an orphan that is already a zombie is reported to its new parent',
    () => {
      const k = boot();
      const b = hostProcess(k);
      const c = fork(k, b.task);
      k.sys(c.task).exit(0);
      k.settle();
      expect(k.view().get(c.pid)?.state).toBe('Z');
      k.sys(b.task).exit(0); // the host's init reaps what it adopts
      k.settle();
      expect(k.view().get(c.pid)).toBeUndefined();
      expect(eventsOf(k, 'reparent')[0]).toMatchObject({ rule: 'reparent/child-reaper' });
      // With a new parent that ignores SIGCHLD the zombie is released during the reparenting.
      const c2 = container(k);
      const mid = fork(k, c2.init.task);
      k.sys(c2.init.task).sigaction(SIGCHLD, 'ignore'); // after the fork: children inherit SIG_IGN
      const z = fork(k, mid.task);
      k.sys(z.task).exit(0);
      k.settle();
      k.sys(mid.task).exit(0);
      k.settle();
      expect(eventsOf(k, 'reap').some((e) => e.rule === 'reparent/zombie')).toBe(true);
      expectSound(k);
    },
  );

  ruleTest('reparent/pdeathsig', 'the parent-death signal is sent when the parent dies', () => {
    const k = boot();
    const b = hostProcess(k);
    const c = fork(k, b.task);
    k.sys(c.task).sigaction(SIGUSR1, 'handler');
    k.sys(c.task).setPdeathsig(SIGUSR1);
    k.sys(b.task).exit(0);
    k.settle();
    // Sent as SEND_SIG_NOINFO by the dying parent: si_pid is the parent's PID.
    expect(log(k, c.task)).toContainEqual({
      call: 'signal',
      info: { sig: SIGUSR1, pid: b.pid, code: 'SI_USER' },
    });
    expect(rulesIn(k).has('reparent/pdeathsig')).toBe(true);
  });

  ruleTest(
    'zap_pid_ns/kill',
    'when PID 1 exits every process in its namespace is SIGKILLed',
    () => {
      const k = boot();
      const c = container(k);
      const kids = [fork(k, c.init.task, { exitOn: { [SIGTERM]: 0 } }), fork(k, c.init.task)];
      k.sys(kids[0]!.task).sigaction(SIGTERM, 'handler');
      const grandchild = fork(k, kids[1]!.task);
      k.sys(c.init.task).exit(0);
      k.settle();
      for (const p of [...kids, grandchild]) expect(k.hasTask(p.task)).toBe(false);
      expect(eventsOf(k, 'ns-zap')[0]).toMatchObject({ victims: 3, rule: 'zap_pid_ns/kill' });
      expect(eventsOf(k, 'deliver').filter((e) => e.sig === SIGTERM)).toEqual([]);
      expect(k.sys(c.outer.task).wait(-1, 0)).toEqual({ pid: c.init.pid, status: 0 });
      expectSound(k);
    },
  );

  ruleTest('zap_pid_ns/wait', 'the dying init waits for zombies whose parent is outside', () => {
    const k = boot();
    const c = container(k);
    const nsenter = hostProcess(k);
    k.sys(nsenter.task).setnsPid(c.init.pid);
    const joined = fork(k, nsenter.task);
    k.sys(c.init.task).exit(0);
    k.settle();
    expect(k.view().get(k.pidOf(joined.task))?.state).toBe('Z');
    expect(k.sys(c.outer.task).wait(c.init.pid, WNOHANG)).toEqual({ pid: 0, status: 0 });
    expect(k.view().get(c.init.pid)?.state).toBe('S');
    k.sys(nsenter.task).wait(-1, 0); // reaps the zombie: the namespace is empty now
    k.settle();
    expect(eventsOf(k, 'ns-empty')[0]?.rule).toBe('zap_pid_ns/wait');
    expect(k.sys(c.outer.task).wait(c.init.pid, WNOHANG)).toEqual({ pid: c.init.pid, status: 0 });
    expectSound(k);
  });

  ruleTest('exit/global-init', "the host's init exiting panics the kernel", () => {
    const k = boot();
    k.sys(k.hostInit).exit(0);
    expect(k.panicked).toBe(true);
    expect(eventsOf(k, 'panic')[0]?.rule).toBe('exit/global-init');
    expect(k.step()).toBe(false);
  });

  ruleTest('wait/reap', 'wait collects the zombie and frees its PID at every level', () => {
    const k = boot();
    const c = container(k);
    const z = fork(k, c.init.task);
    const host = k.pidOf(z.task);
    k.sys(z.task).exit(1);
    k.settle();
    expect(k.sys(c.init.task).wait(2, 0)).toEqual({ pid: 2, status: 256 });
    expect(k.taskByPid(host)).toBeUndefined();
    expect(k.taskByPid(2, c.ns)).toBeUndefined();
    expect(eventsOf(k, 'reap').at(-1)?.rule).toBe('wait/reap');
    expectSound(k);
  });

  ruleTest(
    'wait/echild',
    'wait with no matching child is ECHILD; WNOHANG with a running one is 0',
    () => {
      const k = boot();
      const p = hostProcess(k);
      expect(k.sys(p.task).wait(-1, 0)).toBe('ECHILD');
      const c = fork(k, p.task);
      expect(k.sys(p.task).wait(-1, WNOHANG)).toEqual({ pid: 0, status: 0 });
      expect(k.sys(p.task).wait(c.pid + 1, WNOHANG)).toBe('ECHILD');
      // Only the blocking call is traced (a WNOHANG poll ending a reaping loop is routine).
      expect(eventsOf(k, 'syscall-error').map((e) => [e.call, e.errno, e.rule])).toEqual([
        ['wait', 'ECHILD', 'wait/echild'],
      ]);
      expect(k.sys(p.task).wait(-1, 0)).toBe(BLOCKED);
      k.sys(c.task).exit(4);
      k.settle();
      expect(log(k, p.task)).toContainEqual({
        call: 'wait',
        result: { pid: c.pid, status: 4 << 8 },
      });
    },
  );

  ruleTest(
    'pgrp/orphaned-hup',
    'a newly orphaned group with a stopped member gets SIGHUP and SIGCONT',
    () => {
      const k = boot();
      const p = hostProcess(k);
      const q = fork(k, p.task);
      expect(k.sys(q.task).setpgid(0, 0)).toBe(0);
      k.sys(q.task).sigaction(SIGHUP, 'handler'); // so both survive the SIGHUP and we see the SIGCONT
      const r = fork(k, q.task);
      k.sys(k.hostInit).kill(r.pid, SIGSTOP);
      k.settle();
      expect(k.view().get(r.pid)?.state).toBe('T');
      k.sys(p.task).exit(0);
      k.settle();
      const hup = eventsOf(k, 'signal')
        .filter((e) => e.rule === 'pgrp/orphaned-hup')
        .map((e) => e.sig);
      expect(hup).toEqual([SIGHUP, SIGHUP]);
      // The SIGCONT itself is then discarded (default action: ignore), but it continued r when sent.
      expect(eventsOf(k, 'continue').map((e) => e.task.id)).toEqual([r.task]);
      expect(k.view().get(r.pid)?.state).toBe('S');
      expect(log(k, r.task)).toContainEqual({
        call: 'signal',
        info: { sig: SIGHUP, pid: 0, code: 'SI_KERNEL' },
      });
      expectSound(k);
    },
  );
});

describe('signals (kernel/signal.c)', () => {
  ruleTest('kill/esrch', "a PID not visible in the sender's namespace is ESRCH", () => {
    const k = boot();
    const c = container(k);
    expect(k.sys(c.init.task).kill(c.outer.pid, SIGTERM)).toBe('ESRCH');
    expect(eventsOf(k, 'kill').at(-1)?.rule).toBe('kill/esrch');
  });

  ruleTest('kill/eperm', 'an unprivileged sender cannot signal another user', () => {
    const k = boot();
    const victim = hostProcess(k);
    const user = hostProcess(k);
    expect(k.sys(user.task).setuid(1000)).toBe(0);
    expect(k.sys(user.task).kill(victim.pid, SIGTERM)).toBe('EPERM');
    expect(k.sys(user.task).kill(-1, SIGTERM)).toBe(0); // kill(-1) hides EPERM
    expect(k.hasTask(victim.task)).toBe(true);
    expect(eventsOf(k, 'kill').find((e) => e.result === 'EPERM')?.rule).toBe('kill/eperm');
  });

  ruleTest('kill/all', 'kill(-1) signals everything visible but PID 1 and the sender', () => {
    const k = boot();
    const c = container(k);
    const kids = [fork(k, c.init.task), fork(k, c.init.task)];
    const sender = fork(k, c.init.task);
    expect(k.sys(sender.task).kill(-1, SIGTERM)).toBe(0);
    k.settle();
    expect(kids.map((p) => k.view(c.ns).get(p.pid)?.state)).toEqual(['Z', 'Z']);
    expect(k.hasTask(sender.task) && k.hasTask(c.init.task)).toBe(true);
    expect(eventsOf(k, 'kill').at(-1)?.rule).toBe('kill/all');
    const alone = container(k);
    expect(k.sys(alone.init.task).kill(-1, SIGTERM)).toBe('ESRCH');
  });

  ruleTest('kill/pgrp', 'kill(0) and kill(-pgid) reach the whole process group', () => {
    const k = boot();
    const leader = hostProcess(k);
    k.sys(leader.task).setsid();
    const m = fork(k, leader.task);
    const outsider = hostProcess(k);
    expect(k.sys(outsider.task).kill(-leader.pid, SIGTERM)).toBe(0);
    k.settle();
    expect([k.hasTask(leader.task), k.hasTask(m.task)]).toEqual([false, false]);
    expect(k.sys(outsider.task).kill(-leader.pid, SIGTERM)).toBe('ESRCH');
    expect(eventsOf(k, 'kill')[0]?.rule).toBe('kill/pgrp');
    // kill(0) from a namespace init that never called setsid reaches its group outside the
    // namespace; the outside receiver sees si_pid as the sender's own-namespace PID (1):
    // prepare_kill_siginfo() uses task_tgid_vnr() and nothing translates it.
    const c = container(k);
    k.sys(c.outer.task).sigaction(SIGUSR1, 'handler');
    expect(k.sys(c.init.task).kill(0, SIGUSR1)).toBe(0);
    k.settle();
    expect(log(k, c.outer.task)).toContainEqual({
      call: 'signal',
      info: { sig: SIGUSR1, pid: 1, code: 'SI_USER' },
    });
  });

  ruleTest(
    'sig/sent',
    'a signal to a process with a handler becomes pending, then the handler runs',
    () => {
      const k = boot();
      const p = hostProcess(k);
      k.sys(p.task).sigaction(SIGUSR1, 'handler');
      const sender = hostProcess(k);
      k.sys(sender.task).kill(p.pid, SIGUSR1);
      k.settle();
      expect(eventsOf(k, 'signal').at(-1)).toMatchObject({ outcome: 'pending', rule: 'sig/sent' });
      expect(log(k, p.task)).toContainEqual({
        call: 'signal',
        info: { sig: SIGUSR1, pid: sender.pid, code: 'SI_USER' },
      });
    },
  );

  it('a signal a running program sends itself is acted on before kill() returns', () => {
    // On Linux get_signal() runs on the way back from the syscall: nothing after a fatal
    // self-sent signal runs, and a handler runs before the next statement.
    const selfKiller: Program<{ after: boolean }> = {
      name: 'self-killer',
      start(ctx) {
        ctx.state = { after: false };
        ctx.kill(ctx.getpid(), SIGTERM);
        ctx.state.after = true; // not reached by a process killed in its step
        ctx.write(1, 'not printed\n');
      },
    };
    const k = boot({
      programs: [selfKiller as Program<never>],
      binaries: { '/bin/self-killer': 'self-killer' },
    });
    const p = hostProcess(k);
    const c = fork(k, p.task);
    k.sys(c.task).exec('/bin/self-killer', ['self-killer']);
    k.settle();
    expect(k.sys(p.task).wait(c.pid, 0)).toEqual({ pid: c.pid, status: SIGTERM });
    expect(eventsOf(k, 'write')).toEqual([]);
    expect(k.checkInvariants()).toEqual([]);
  });

  ruleTest('sig/ignored', 'a signal set to SIG_IGN is discarded when sent', () => {
    const k = boot();
    const p = hostProcess(k);
    k.sys(p.task).sigaction(SIGTERM, 'ignore');
    k.sys(k.hostInit).kill(p.pid, SIGTERM);
    k.settle();
    expect(k.hasTask(p.task)).toBe(true);
    expect(eventsOf(k, 'signal').at(-1)).toMatchObject({ outcome: 'dropped', rule: 'sig/ignored' });
  });

  ruleTest('sig/default-ignore', 'SIGWINCH/SIGCHLD without a handler are discarded', () => {
    const k = boot();
    const p = hostProcess(k);
    k.sys(k.hostInit).kill(p.pid, SIGWINCH);
    expect(eventsOf(k, 'signal').at(-1)).toMatchObject({
      outcome: 'dropped',
      rule: 'sig/default-ignore',
    });
  });

  ruleTest(
    'sig/unkillable-init',
    'PID 1 drops SIGTERM it has no handler for, from inside and from the host',
    () => {
      const k = boot();
      const c = container(k);
      const inside = fork(k, c.init.task);
      expect(k.sys(inside.task).kill(1, SIGTERM)).toBe(0);
      expect(k.sys(inside.task).kill(1, SIGKILL)).toBe(0);
      expect(k.sys(k.hostInit).kill(c.init.pid, SIGTERM)).toBe(0);
      k.settle();
      expect(k.view(c.ns).get(1)?.state).toBe('S');
      const drops = eventsOf(k, 'signal')
        .filter((e) => e.outcome === 'dropped')
        .map((e) => e.rule);
      expect(drops).toEqual(['sig/unkillable-init', 'sig/unkillable-init', 'sig/unkillable-init']);
    },
  );

  ruleTest('sig/global-init', "SIGKILL and SIGSTOP to the host's init are discarded", () => {
    const k = boot();
    const p = hostProcess(k);
    k.sys(p.task).kill(1, SIGKILL);
    k.sys(p.task).kill(1, SIGSTOP);
    k.settle();
    expect(k.panicked).toBe(false);
    expect(k.view().get(1)?.state).toBe('S');
    expect(eventsOf(k, 'signal').map((e) => e.rule)).toEqual([
      'sig/global-init',
      'sig/global-init',
    ]);
  });

  ruleTest('sig/forced', 'SIGKILL/SIGSTOP from the host reach a namespace init', () => {
    const k = boot();
    const c = container(k);
    k.sys(k.hostInit).kill(c.init.pid, SIGSTOP);
    k.settle();
    expect(k.view(c.ns).get(1)?.state).toBe('T');
    k.sys(k.hostInit).kill(c.init.pid, SIGCONT);
    k.settle();
    expect(k.view(c.ns).get(1)?.state).toBe('S');
    k.sys(k.hostInit).kill(c.init.pid, SIGKILL);
    k.settle();
    expect(k.sys(c.outer.task).wait(-1, 0)).toEqual({ pid: c.init.pid, status: SIGKILL });
    expect(
      eventsOf(k, 'signal')
        .filter((e) => e.forced)
        .map((e) => e.rule),
    ).toContain('sig/forced');
  });

  ruleTest(
    'sig/blocked',
    'a blocked signal to PID 1 is queued, not dropped (how tini gets SIGTERM)',
    () => {
      const k = boot();
      const c = container(k);
      k.sys(c.init.task).sigprocmask('block', sigSetOf(SIGTERM));
      k.sys(k.hostInit).kill(c.init.pid, SIGTERM);
      expect(statusLine(k, c.ns, 1, 'ShdPnd')).toBe('0000000000004000');
      expect(eventsOf(k, 'signal').at(-1)).toMatchObject({
        outcome: 'pending',
        rule: 'sig/blocked',
      });
      expect(k.sys(c.init.task).sigtimedwait(sigSetOf(SIGTERM), 0)).toEqual({
        sig: SIGTERM,
        pid: 0,
        code: 'SI_USER',
      });
    },
  );

  ruleTest('sig/coalesced', 'standard signals merge while pending; realtime ones queue', () => {
    const k = boot();
    const p = hostProcess(k);
    k.sys(p.task).sigprocmask('block', sigSetOf(SIGUSR1, 40));
    for (let i = 0; i < 3; i++) {
      k.sys(k.hostInit).kill(p.pid, SIGUSR1);
      k.sys(k.hostInit).kill(p.pid, 40);
    }
    expect(eventsOf(k, 'signal').filter((e) => e.outcome === 'coalesced')).toHaveLength(2);
    expect(statusLine(k, k.rootNs, p.pid, 'SigQ')).toBe('4/63448');
  });

  ruleTest('sig/exiting', 'a signal to a zombie is discarded; kill still returns 0', () => {
    const k = boot();
    const p = hostProcess(k);
    const c = fork(k, p.task);
    k.sys(c.task).exit(0);
    k.settle();
    expect(k.sys(p.task).kill(c.pid, SIGTERM)).toBe(0);
    expect(eventsOf(k, 'signal').at(-1)?.rule).toBe('sig/exiting');
  });

  ruleTest('sig/cont', 'SIGCONT continues a stopped process even when it is then ignored', () => {
    const k = boot();
    const c = container(k);
    k.sys(k.hostInit).kill(c.init.pid, SIGSTOP);
    k.settle();
    const inside = fork(k, c.outer.task); // a second member, via the unshare process
    expect(k.sys(inside.task).kill(1, SIGCONT)).toBe(0);
    expect(k.view(c.ns).get(1)?.state).toBe('S');
    expect(eventsOf(k, 'continue')[0]?.rule).toBe('sig/cont');
    expect(eventsOf(k, 'signal').at(-1)).toMatchObject({
      sig: SIGCONT,
      outcome: 'dropped',
      rule: 'sig/unkillable-init',
    });
  });

  ruleTest('sig/stop-flushes-cont', 'a stop signal removes a pending SIGCONT', () => {
    const k = boot();
    const p = hostProcess(k);
    k.sys(p.task).sigaction(SIGCONT, 'handler');
    k.sys(p.task).sigprocmask('block', sigSetOf(SIGCONT, SIGTSTP));
    k.sys(k.hostInit).kill(p.pid, SIGCONT);
    expect(k.view().get(p.pid)?.sigPending).toBe(sigSetOf(SIGCONT));
    k.sys(k.hostInit).kill(p.pid, SIGTSTP);
    expect(k.view().get(p.pid)?.sigPending).toBe(sigSetOf(SIGTSTP));
    const rules = eventsOf(k, 'signal').map((e) => [e.sig, e.rule]);
    expect(rules).toEqual([
      [SIGCONT, 'sig/blocked'],
      [SIGTSTP, 'sig/stop-flushes-cont'],
    ]);
  });

  ruleTest('sig/handler', 'a handled signal runs the handler with the sender in si_pid', () => {
    const k = boot();
    const c = container(k, { exitOn: { [SIGTERM]: 0 } });
    k.sys(c.init.task).sigaction(SIGTERM, 'handler');
    const inside = fork(k, c.init.task);
    k.sys(inside.task).kill(1, SIGTERM);
    k.settle();
    expect(eventsOf(k, 'deliver').at(0)).toMatchObject({ action: 'handler', rule: 'sig/handler' });
    expect(log(k, c.init.task)).toContainEqual({
      call: 'signal',
      info: { sig: SIGTERM, pid: 2, code: 'SI_USER' },
    });
    expect(k.sys(c.outer.task).wait(-1, 0)).toEqual({ pid: c.init.pid, status: 0 });
  });

  ruleTest(
    'sig/resethand',
    'node as PID 1: a one-shot handler that re-raises leaves SIGTERM dropped',
    () => {
      // node installs SignalExit for SIGTERM with SA_RESETHAND; it re-raises the signal.
      const nodeLike: Program<null> = {
        name: 'node-like',
        start(ctx) {
          ctx.sigaction(SIGTERM, 'handler', SA_RESETHAND);
        },
        onSignal(ctx, info) {
          ctx.kill(ctx.getpid(), info.sig);
        },
      };
      const k = boot({
        programs: [nodeLike as Program<never>],
        binaries: { '/usr/bin/node': 'node-like' },
      });
      const c = container(k);
      k.sys(c.init.task).exec('/usr/bin/node', ['node', 'app.js']);
      k.settle();
      expect(statusLine(k, c.ns, 1, 'SigCgt')).toBe('0000000000004000');
      k.sys(k.hostInit).kill(c.init.pid, SIGTERM);
      k.settle();
      expect(k.hasTask(c.init.task)).toBe(true);
      expect(statusLine(k, c.ns, 1, 'SigCgt')).toBe('0000000000000000');
      k.sys(k.hostInit).kill(c.init.pid, SIGTERM);
      k.settle();
      expect(k.hasTask(c.init.task)).toBe(true);
      expect(eventsOf(k, 'deliver')[0]?.rule).toBe('sig/resethand');
      const dropped = eventsOf(k, 'signal').filter((e) => e.outcome === 'dropped');
      expect(dropped.map((e) => [e.from?.comm, e.rule])).toEqual([
        ['node', 'sig/unkillable-init'],
        ['init', 'sig/unkillable-init'],
      ]);
      // Not PID 1, the same program dies of the re-raised signal: 143.
      const p = hostProcess(k);
      k.sys(p.task).exec('/usr/bin/node', ['node']);
      k.settle();
      k.sys(k.hostInit).kill(p.pid, SIGTERM);
      k.settle();
      expect(eventsOf(k, 'exit').at(-1)?.status).toBe(SIGTERM);
    },
  );

  ruleTest(
    'sig/unkillable-at-delivery',
    'PID 1 skips a queued default-action signal when it unblocks it',
    () => {
      const k = boot();
      const c = container(k);
      k.sys(c.init.task).sigprocmask('block', sigSetOf(SIGTERM));
      k.sys(k.hostInit).kill(c.init.pid, SIGTERM);
      k.sys(c.init.task).sigprocmask('unblock', sigSetOf(SIGTERM));
      k.settle();
      expect(k.hasTask(c.init.task)).toBe(true);
      expect(eventsOf(k, 'deliver').at(-1)).toMatchObject({
        action: 'skip',
        rule: 'sig/unkillable-at-delivery',
      });
    },
  );

  ruleTest('sig/terminate', 'SIGTERM with no handler terminates: status 15, 143 in a shell', () => {
    const k = boot();
    const p = hostProcess(k);
    const c = fork(k, p.task);
    k.sys(c.task).exec('/bin/sleep', ['sleep', '100']);
    k.settle();
    k.sys(p.task).kill(c.pid, SIGTERM);
    k.settle();
    const r = k.sys(p.task).wait(c.pid, 0);
    expect(r).toEqual({ pid: c.pid, status: SIGTERM });
    expect(shellExitCode((r as { status: number }).status)).toBe(143);
    expect(eventsOf(k, 'deliver').at(-1)?.rule).toBe('sig/terminate');
  });

  ruleTest('sig/core', 'SIGQUIT terminates (no core file: RLIMIT_CORE is 0)', () => {
    const k = boot();
    const p = hostProcess(k);
    const c = fork(k, p.task);
    k.sys(p.task).kill(c.pid, SIGQUIT);
    k.settle();
    expect(k.sys(p.task).wait(c.pid, 0)).toEqual({ pid: c.pid, status: SIGQUIT });
    expect(eventsOf(k, 'deliver').at(-1)?.rule).toBe('sig/core');
  });

  ruleTest('sig/kill', 'SIGKILL cannot be caught, blocked or ignored', () => {
    const k = boot();
    const p = hostProcess(k);
    const c = fork(k, p.task);
    expect(k.sys(c.task).sigaction(SIGKILL, 'ignore')).toBe('EINVAL');
    k.sys(c.task).sigprocmask('block', sigSetOf(SIGKILL));
    expect(k.view().get(c.pid)?.sigBlocked).toBe(0n);
    k.sys(p.task).kill(c.pid, SIGKILL);
    k.settle();
    expect(shellExitCode((k.sys(p.task).wait(c.pid, 0) as { status: number }).status)).toBe(137);
    expect(eventsOf(k, 'deliver').at(-1)?.rule).toBe('sig/kill');
  });

  ruleTest('sig/stop', 'SIGSTOP stops (state T); WUNTRACED reports it', () => {
    const k = boot();
    const p = hostProcess(k);
    const c = fork(k, p.task);
    k.sys(p.task).kill(c.pid, SIGSTOP);
    k.settle();
    expect(k.view().get(c.pid)?.state).toBe('T');
    const r = k.sys(p.task).wait(c.pid, WUNTRACED | WNOHANG) as { pid: number; status: number };
    expect(r.pid).toBe(c.pid);
    expect(wifstopped(r.status)).toBe(true);
    expect(eventsOf(k, 'stop')[0]?.rule).toBe('sig/stop');
  });

  ruleTest(
    'sig/orphaned-stop',
    'SIGTSTP does nothing in an orphaned process group; SIGSTOP still stops',
    () => {
      const k = boot();
      const p = hostProcess(k);
      k.sys(p.task).setsid(); // alone in its session: its group is orphaned
      k.sys(k.hostInit).kill(p.pid, SIGTSTP);
      k.settle();
      expect(k.view().get(p.pid)?.state).toBe('S');
      expect(eventsOf(k, 'deliver').at(-1)?.rule).toBe('sig/orphaned-stop');
      k.sys(k.hostInit).kill(p.pid, SIGSTOP);
      k.settle();
      expect(k.view().get(p.pid)?.state).toBe('T');
    },
  );

  ruleTest(
    'sig/eintr',
    'a handler interrupts a blocking wait (unless SA_RESTART) and sleep',
    () => {
      const k = boot();
      const p = hostProcess(k);
      fork(k, p.task);
      k.sys(p.task).sigaction(SIGUSR1, 'handler');
      expect(k.sys(p.task).wait(-1, 0)).toBe(BLOCKED);
      k.sys(k.hostInit).kill(p.pid, SIGUSR1);
      k.settle();
      expect(log(k, p.task).at(-1)).toEqual({ call: 'wait', result: 'EINTR' });
      expect(eventsOf(k, 'interrupt')[0]?.rule).toBe('sig/eintr');
      k.sys(p.task).sigaction(SIGUSR1, 'handler', SA_RESTART);
      k.sys(p.task).wait(-1, 0);
      k.sys(k.hostInit).kill(p.pid, SIGUSR1);
      k.settle();
      expect(log(k, p.task).at(-1)).toMatchObject({ call: 'signal' });
      expect(k.taskRecord(p.task)?.block?.kind).toBe('wait');
    },
  );

  ruleTest('sig/sigwait', 'sigtimedwait takes a blocked signal as it arrives', () => {
    const k = boot();
    const c = container(k);
    const s = k.sys(c.init.task);
    s.sigprocmask('block', sigSetOf(SIGTERM, SIGCHLD));
    expect(s.sigtimedwait(sigSetOf(SIGTERM, SIGCHLD), 1_000_000)).toBe(BLOCKED);
    expect(statusLine(k, c.ns, 1, 'SigBlk')).toBe('0000000000000000'); // the temporary mask
    k.sys(k.hostInit).kill(c.init.pid, SIGTERM);
    k.settle();
    expect(log(k, c.init.task).at(-1)).toEqual({
      call: 'sigwait',
      result: { sig: SIGTERM, pid: 0, code: 'SI_USER' },
    });
    expect(statusLine(k, c.ns, 1, 'SigBlk')).toBe('0000000000014000');
    expect(eventsOf(k, 'deliver').at(-1)?.rule).toBe('sig/sigwait');
    s.sigtimedwait(sigSetOf(SIGTERM), 1_000_000);
    k.advance(1_000_000);
    expect(log(k, c.init.task).at(-1)).toEqual({ call: 'sigwait', result: 'EAGAIN' });
  });

  ruleTest('sig/cldstop', 'the parent hears of a stop unless it set SA_NOCLDSTOP', () => {
    const k = boot();
    const p = hostProcess(k);
    k.sys(p.task).sigaction(SIGCHLD, 'handler');
    const c = fork(k, p.task);
    k.sys(p.task).kill(c.pid, SIGSTOP);
    k.settle();
    expect(log(k, p.task)).toContainEqual({
      call: 'signal',
      info: { sig: SIGCHLD, pid: c.pid, code: 'CLD_STOPPED', status: SIGSTOP },
    });
    expect(rulesIn(k).has('sig/cldstop')).toBe(true);
    const q = hostProcess(k);
    k.sys(q.task).sigaction(SIGCHLD, 'handler', SA_NOCLDSTOP);
    const d = fork(k, q.task);
    k.sys(q.task).kill(d.pid, SIGSTOP);
    k.settle();
    expect(log(k, q.task)).toEqual([]);
  });
});

describe('sessions, groups and prctl (kernel/sys.c)', () => {
  ruleTest('setsid', 'setsid makes the caller lead a new session and group', () => {
    const k = boot();
    const c = container(k);
    expect([k.sys(c.init.task).getsid(), k.sys(c.init.task).getpgrp()]).toEqual([0, 0]);
    expect(k.sys(c.init.task).setsid()).toBe(1);
    expect([k.sys(c.init.task).getsid(), k.sys(c.init.task).getpgrp()]).toEqual([1, 1]);
    expect(k.view(c.ns).get(1)?.sessionLeader).toBe(true);
    expect(eventsOf(k, 'setsid')[0]?.rule).toBe('setsid');
  });

  ruleTest('setsid/eperm', 'a process group leader cannot call setsid', () => {
    const k = boot();
    const p = hostProcess(k);
    k.sys(p.task).setsid();
    expect(k.sys(p.task).setsid()).toBe('EPERM');
    expect(eventsOf(k, 'setsid').at(-1)?.rule).toBe('setsid/eperm');
  });

  ruleTest('setpgid', 'a child that has not exec’d can be moved; after exec EACCES', () => {
    const k = boot();
    const p = hostProcess(k);
    const c = fork(k, p.task);
    expect(k.sys(p.task).setpgid(c.pid, 0)).toBe(0);
    expect(k.view().get(c.pid)?.pgid).toBe(c.pid);
    const d = fork(k, p.task);
    k.sys(d.task).exec('/bin/sleep', ['sleep', '9']);
    k.settle();
    expect(k.sys(p.task).setpgid(d.pid, c.pid)).toBe('EACCES');
    expect(k.sys(p.task).setpgid(k.pidOf(k.hostInit), 0)).toBe('ESRCH');
    const leader = hostProcess(k);
    k.sys(leader.task).setsid();
    expect(k.sys(leader.task).setpgid(0, 0)).toBe('EPERM'); // a session leader cannot move
    expect(eventsOf(k, 'setpgid')[0]?.rule).toBe('setpgid');
  });

  ruleTest('prctl/subreaper', 'the subreaper flag is not inherited but marks descendants', () => {
    const k = boot();
    const a = hostProcess(k);
    const existing = fork(k, a.task);
    k.sys(a.task).setChildSubreaper(true);
    const later = fork(k, a.task);
    expect(k.taskRecord(existing.task)!.flags & TF_HAS_SUBREAPER).toBe(TF_HAS_SUBREAPER);
    expect(k.taskRecord(later.task)!.flags & (TF_SUBREAPER | TF_HAS_SUBREAPER)).toBe(
      TF_HAS_SUBREAPER,
    );
    expect(eventsOf(k, 'subreaper')[0]?.rule).toBe('prctl/subreaper');
  });

  ruleTest('prctl/pdeathsig', 'PR_SET_PDEATHSIG takes a valid signal or 0', () => {
    const k = boot();
    const p = hostProcess(k);
    expect(k.sys(p.task).setPdeathsig(99)).toBe('EINVAL');
    expect(k.sys(p.task).setPdeathsig(SIGTERM)).toBe(0);
    expect(eventsOf(k, 'pdeathsig')[0]?.rule).toBe('prctl/pdeathsig');
  });

  ruleTest('program', "a program's own actions are traced as such", () => {
    const k = boot();
    const p = hostProcess(k);
    k.sys(p.task).write(1, 'hello\n');
    expect(eventsOf(k, 'write')[0]).toMatchObject({ text: 'hello\n', rule: 'program' });
  });
});

describe('terminals and pipes (drivers/tty, fs/pipe.c)', () => {
  /** A session leader on a new terminal (a puppet), with fds 0-2 on it. */
  function onTty(k: Kernel): { tty: number; leader: TaskId; out: string[] } {
    const tty = k.createTty();
    const out: string[] = [];
    k.onTtyOutput((_t, text) => out.push(text));
    const leader = k.login(tty, '/usr/local/bin/puppet', ['puppet']);
    return { tty, leader, out };
  }

  ruleTest(
    'tty/isig',
    'Ctrl-C sends SIGINT to the foreground process group, not to the shell',
    () => {
      const k = boot();
      const { tty, leader, out } = onTty(k);
      const job = fork(k, leader);
      k.sys(job.task).setpgid(0, 0);
      const member = fork(k, job.task);
      expect(k.sys(leader).tcsetpgrp(0, job.pid)).toBe(0);
      k.ttyInput(tty, '\x03');
      k.settle();
      expect([k.hasTask(job.task), k.hasTask(member.task), k.hasTask(leader)]).toEqual([
        true,
        false,
        true,
      ]);
      expect(k.view().get(job.pid)?.state).toBe('Z');
      expect(out.join('')).toBe('^C');
      expect(
        eventsOf(k, 'signal')
          .filter((e) => e.rule === 'tty/isig')
          .map((e) => e.sig),
      ).toEqual([SIGINT, SIGINT]);
    },
  );

  ruleTest('tty/bg', 'a background job reading the terminal is stopped by SIGTTIN', () => {
    const k = boot();
    const { tty, leader } = onTty(k);
    const job = fork(k, leader);
    k.sys(job.task).setpgid(0, 0); // its own group, not the foreground one
    expect(k.sys(job.task).read(0)).toBe(BLOCKED); // -ERESTARTSYS: stopped, not EINTR
    k.settle();
    expect(k.view().get(job.pid)?.state).toBe('T');
    expect(eventsOf(k, 'signal').find((e) => e.sig === SIGTTIN)?.rule).toBe('tty/bg');
    // The foreground reader gets its line.
    expect(k.sys(leader).read(0)).toBe(BLOCKED);
    k.ttyInput(tty, 'hello\r');
    k.settle();
    expect(log(k, leader).at(-1)).toEqual({ call: 'read', result: 'hello\n' });
    expect(k.ttyInfo(tty).fgPgrp).toBe(k.pidOf(leader));
  });

  // n_tty_read() answers a background reader with SIGTTIN and -ERESTARTSYS; with no handler
  // the task stops in get_signal(), and after SIGCONT the read is restarted from the top
  // (arch_do_signal_or_restart), checking the foreground group again: `cat &` then `fg` reads.
  ruleTest(
    'tty/bg',
    'a reader stopped by SIGTTIN restarts its read after SIGCONT and gets the input',
    () => {
      const k = boot();
      const { tty, leader } = onTty(k);
      const job = fork(k, leader);
      k.sys(job.task).setpgid(0, 0);
      expect(k.sys(job.task).read(0)).toBe(BLOCKED);
      k.settle();
      expect(k.view().get(job.pid)?.state).toBe('T');
      // bg: continued while still in the background, the restarted read stops it again.
      k.sys(leader).kill(-job.pid, SIGCONT);
      k.settle();
      expect(k.view().get(job.pid)?.state).toBe('T');
      expect(eventsOf(k, 'signal').filter((e) => e.sig === SIGTTIN)).toHaveLength(2);
      // fg: the shell gives it the terminal and continues it; the read now waits for a line.
      expect(k.sys(leader).tcsetpgrp(0, job.pid)).toBe(0);
      k.sys(leader).kill(-job.pid, SIGCONT);
      k.settle();
      expect(k.view().get(job.pid)?.state).toBe('S');
      k.ttyInput(tty, 'hello\r');
      k.settle();
      expect(log(k, job.task).at(-1)).toEqual({ call: 'read', result: 'hello\n' });
    },
  );

  ruleTest(
    'sig/stop',
    'a reader stopped by SIGSTOP while blocked in read() restarts the read after SIGCONT',
    () => {
      const k = boot();
      const { tty, leader } = onTty(k);
      const job = fork(k, leader);
      k.sys(job.task).setpgid(0, 0);
      k.sys(leader).sigaction(SIGTTOU, 'ignore'); // as a shell does, to take the terminal back
      expect(k.sys(leader).tcsetpgrp(0, job.pid)).toBe(0);
      expect(k.sys(job.task).read(0)).toBe(BLOCKED);
      k.sys(leader).kill(job.pid, SIGSTOP);
      k.settle();
      expect(k.view().get(job.pid)?.state).toBe('T');
      // The shell takes the terminal back and reads a line meanwhile.
      expect(k.sys(leader).tcsetpgrp(0, k.pidOf(leader))).toBe(0);
      expect(k.sys(leader).read(0)).toBe(BLOCKED);
      k.ttyInput(tty, 'bg\r');
      k.settle();
      expect(log(k, leader).at(-1)).toEqual({ call: 'read', result: 'bg\n' });
      // bg: continued in the background, the restarted read gets SIGTTIN at once.
      k.sys(leader).kill(-job.pid, SIGCONT);
      k.settle();
      expect(k.view().get(job.pid)?.state).toBe('T');
      expect(eventsOf(k, 'signal').find((e) => e.sig === SIGTTIN)?.rule).toBe('tty/bg');
      // fg: in the foreground, the read waits for the next line and gets it.
      expect(k.sys(leader).tcsetpgrp(0, job.pid)).toBe(0);
      k.sys(leader).kill(-job.pid, SIGCONT);
      k.settle();
      k.ttyInput(tty, 'more\r');
      k.settle();
      expect(log(k, job.task).at(-1)).toEqual({ call: 'read', result: 'more\n' });
    },
  );

  it('a dead foreground group does not keep its PID allocated (free_pid ignores tty->pgrp)', () => {
    const k = boot();
    const { tty, leader } = onTty(k);
    const c = container(k, undefined, leader);
    const job = fork(k, c.init.task);
    k.sys(job.task).setpgid(0, 0);
    k.sys(job.task).sigaction(SIGTTOU, 'ignore'); // as tini does, so tcsetpgrp from the background works
    expect(k.sys(job.task).tcsetpgrp(0, 2)).toBe(0); // the job takes the terminal, as tini's child does
    k.sys(job.task).exit(0);
    k.settle();
    k.sys(c.init.task).exit(0); // the namespace's init dies: nothing may keep it waiting
    k.settle();
    expect(k.sys(c.outer.task).wait(c.init.pid, WNOHANG)).toEqual({ pid: c.init.pid, status: 0 });
    expect(k.ttyInfo(tty).fgPgrp).toBe(0); // the group is gone
    expect(k.checkInvariants()).toEqual([]);
  });

  ruleTest('tty/hangup', 'when the session leader exits its foreground group gets SIGHUP', () => {
    const k = boot();
    const { tty, leader } = onTty(k);
    const child = fork(k, leader); // same group: the foreground one
    k.sys(leader).exit(0);
    k.settle();
    expect(k.hasTask(child.task)).toBe(false);
    expect(eventsOf(k, 'signal').find((e) => e.rule === 'tty/hangup')?.sig).toBe(SIGHUP);
    expect(k.ttyInfo(tty).session).toBe(0);
  });

  ruleTest(
    'tty/hangup',
    'a pty whose session leader exits sends SIGHUP alone; giving it up (TIOCNOTTY) adds SIGCONT',
    () => {
      // disassociate_ctty(on_exit): `if (!on_exit) kill_pgrp(tty_pgrp, SIGCONT, on_exit)`
      // (fidelity case 11-keys: a CONT trap in the foreground group does not run on exit).
      const hangups = (k: Kernel): number[] =>
        eventsOf(k, 'signal')
          .filter((e) => e.rule === 'tty/hangup')
          .map((e) => e.sig);
      const k = boot();
      const { leader } = onTty(k);
      const child = fork(k, leader);
      k.sys(child.task).sigaction(SIGHUP, 'handler');
      k.sys(child.task).sigaction(SIGCONT, 'handler');
      k.sys(leader).exit(0);
      k.settle();
      expect(hangups(k)).toEqual([SIGHUP]);
      expect(log(k, child.task).filter((e) => e.call === 'signal')).toHaveLength(1);

      const k2 = boot();
      const t2 = onTty(k2);
      const c2 = fork(k2, t2.leader);
      k2.sys(c2.task).sigaction(SIGHUP, 'handler');
      k2.sys(c2.task).sigaction(SIGCONT, 'handler');
      expect(k2.sys(t2.leader).dropControllingTty()).toBe(0);
      k2.settle();
      expect([...new Set(hangups(k2))]).toEqual([SIGHUP, SIGCONT]);
    },
  );

  ruleTest('tty/winch', 'resizing the terminal sends SIGWINCH to the foreground group', () => {
    const k = boot();
    const { tty, leader } = onTty(k);
    k.sys(leader).sigaction(SIGWINCH, 'handler');
    expect(k.sys(leader).ttySize(0)).toEqual({ cols: 100, rows: 30 });
    k.resizeTty(tty, 66, 14);
    k.settle();
    expect(k.sys(leader).ttySize(0)).toEqual({ cols: 66, rows: 14 });
    expect(log(k, leader)).toContainEqual({
      call: 'signal',
      info: { sig: SIGWINCH, pid: 0, code: 'SI_KERNEL' },
    });
    expect(eventsOf(k, 'signal').at(-1)?.rule).toBe('tty/winch');
    k.resizeTty(tty, 66, 14); // no change, no signal
    expect(eventsOf(k, 'signal').filter((e) => e.sig === SIGWINCH)).toHaveLength(1);
  });

  ruleTest('pipe/epipe', 'writing to a pipe with no reader gives EPIPE and SIGPIPE', () => {
    const k = boot();
    const p = hostProcess(k);
    const [r, w] = k.sys(p.task).pipe() as readonly [number, number];
    expect(k.sys(p.task).write(w, 'abc')).toBe(3);
    expect(k.sys(p.task).read(r)).toBe('abc');
    k.sys(p.task).close(r);
    expect(k.sys(p.task).write(w, 'x')).toBe('EPIPE');
    k.settle();
    expect(k.hasTask(p.task)).toBe(false);
    expect(eventsOf(k, 'signal').at(-2)?.rule).toBe('pipe/epipe');
  });
});

it('every rule in the catalogue has a test named after it', () => {
  expect(Object.keys(RULES).filter((id) => !covered.has(id as RuleId))).toEqual([]);
});
