/**
 * The cgroup2 file system at /sys/fs/cgroup (cgroupfs.ts) and the pids controller behind it
 * (cgroup.ts), as a process uses them with open/write/read/mkdir/rmdir.
 */
import { describe, expect, it } from 'vitest';
import type { Kernel, TaskId } from './index.ts';
import { boot, container, fork, hostProcess } from './testkit.ts';

const CG = '/sys/fs/cgroup';

/** `echo TEXT > PATH` as one write(2) after open(O_TRUNC); the write's result. */
function echo(k: Kernel, task: TaskId, path: string, text: string): number | string {
  const fd = k.sys(task).open(path, 'w');
  if (typeof fd === 'string') return fd;
  const r = k.sys(task).write(fd, `${text}\n`);
  k.sys(task).close(fd);
  return r;
}

/** The file's text, or its errno. */
const read = (k: Kernel, task: TaskId, path: string): string => k.sys(task).fs.readFile(path);

describe('/sys/fs/cgroup: cgroups as directories', () => {
  it('mkdir makes a cgroup with the pids files (pids is enabled at the root); the root has none', () => {
    const k = boot();
    const p = hostProcess(k);
    expect(k.sys(p.task).fs.readdir(CG)).toEqual([
      'cgroup.controllers',
      'cgroup.procs',
      'cgroup.subtree_control',
    ]);
    expect(k.sys(p.task).mkdir(`${CG}/box`)).toBe(0);
    expect(k.sys(p.task).mkdir(`${CG}/box`)).toBe('EEXIST');
    expect(k.sys(p.task).fs.readdir(`${CG}/box`)).toEqual([
      'cgroup.controllers',
      'cgroup.events',
      'cgroup.procs',
      'cgroup.subtree_control',
      'cgroup.type',
      'pids.current',
      'pids.events',
      'pids.events.local',
      'pids.max',
      'pids.peak',
    ]);
    expect(k.sys(p.task).mkdir(`${CG}/box/pids.max`)).toBe('EEXIST');
    expect(read(k, p.task, `${CG}/box/pids.max`)).toBe('max\n');
    expect(read(k, p.task, `${CG}/box/pids.current`)).toBe('0\n');
    expect(read(k, p.task, `${CG}/box/cgroup.controllers`)).toBe('pids\n');
    expect(read(k, p.task, `${CG}/box/cgroup.subtree_control`)).toBe('\n');
    expect(read(k, p.task, `${CG}/pids.max`)).toBe('ENOENT');
    expect(k.sys(p.task).fs.stat(`${CG}/box`)).toMatchObject({ type: 'dir' });
    expect(k.sys(p.task).fs.stat(`${CG}/box/pids.max`)).toMatchObject({ mode: '-rw-r--r--' });
    expect(k.sys(p.task).fs.stat(`${CG}/box/pids.current`)).toMatchObject({ mode: '-r--r--r--' });
  });

  it('pids.max takes "max" or 0..PID_MAX_LIMIT, anything else is EINVAL; files cannot be made', () => {
    const k = boot();
    const p = hostProcess(k);
    k.sys(p.task).mkdir(`${CG}/box`);
    expect(echo(k, p.task, `${CG}/box/pids.max`, '5')).toBe(2);
    expect(read(k, p.task, `${CG}/box/pids.max`)).toBe('5\n');
    expect(echo(k, p.task, `${CG}/box/pids.max`, '0x10')).toBe(5);
    expect(read(k, p.task, `${CG}/box/pids.max`)).toBe('16\n');
    expect(echo(k, p.task, `${CG}/box/pids.max`, '-1')).toBe('EINVAL');
    expect(echo(k, p.task, `${CG}/box/pids.max`, '4194305')).toBe('EINVAL');
    expect(echo(k, p.task, `${CG}/box/pids.max`, 'lots')).toBe('EINVAL');
    expect(echo(k, p.task, `${CG}/box/pids.max`, 'max')).toBe(4);
    expect(read(k, p.task, `${CG}/box/pids.max`)).toBe('max\n');
    expect(echo(k, p.task, `${CG}/box/pids.current`, '1')).toBe('EINVAL');
    expect(echo(k, p.task, `${CG}/box/notes`, 'hi')).toBe('EACCES');
    expect(k.sys(p.task).unlink(`${CG}/box/pids.max`)).toBe('EPERM');
  });
});

describe('cgroup.procs and the pids limit', () => {
  it('writing a PID moves the process; its next forks are charged and refused at pids.max', () => {
    const k = boot();
    const p = hostProcess(k);
    k.sys(p.task).mkdir(`${CG}/box`);
    echo(k, p.task, `${CG}/box/pids.max`, '2');
    expect(echo(k, p.task, `${CG}/box/cgroup.procs`, String(p.pid))).toBeGreaterThan(0);
    expect(read(k, p.task, `/proc/${p.pid}/cgroup`)).toBe('0::/box\n');
    expect(read(k, p.task, `${CG}/box/cgroup.procs`)).toBe(`${p.pid}\n`);
    const c = fork(k, p.task);
    expect(read(k, p.task, `${CG}/box/pids.current`)).toBe('2\n');
    expect(k.sys(p.task).fork({ program: 'puppet' })).toBe('EAGAIN');
    expect(k.sys(p.task).fork({ program: 'puppet' })).toBe('EAGAIN');
    expect(read(k, p.task, `${CG}/box/pids.events`)).toBe('max 2\n');
    expect(read(k, p.task, `${CG}/box/pids.events.local`)).toBe('max 2\n');
    expect(read(k, p.task, `${CG}/box/pids.peak`)).toBe('2\n');
    // A zombie still holds its charge, and is no longer listed in cgroup.procs.
    k.sys(c.task).exit(0);
    k.settle();
    expect(read(k, p.task, `${CG}/box/pids.current`)).toBe('2\n');
    expect(read(k, p.task, `${CG}/box/cgroup.procs`)).toBe(`${p.pid}\n`);
    k.sys(p.task).wait(-1, 0);
    k.settle();
    expect(read(k, p.task, `${CG}/box/pids.current`)).toBe('1\n');
    expect(k.checkInvariants()).toEqual([]);
  });

  it('a limit higher up refuses too: the hierarchical event counts there and above, the local one there', () => {
    const k = boot();
    const p = hostProcess(k);
    k.sys(p.task).mkdir(`${CG}/outer`);
    echo(k, p.task, `${CG}/outer/cgroup.subtree_control`, '+pids');
    k.sys(p.task).mkdir(`${CG}/outer/inner`);
    echo(k, p.task, `${CG}/outer/pids.max`, '1');
    echo(k, p.task, `${CG}/outer/inner/cgroup.procs`, '0'); // 0: the writer itself
    expect(read(k, p.task, `/proc/self/cgroup`)).toBe('0::/outer/inner\n');
    expect(k.sys(p.task).fork({ program: 'puppet' })).toBe('EAGAIN');
    expect(read(k, p.task, `${CG}/outer/pids.events`)).toBe('max 1\n');
    expect(read(k, p.task, `${CG}/outer/pids.events.local`)).toBe('max 1\n');
    expect(read(k, p.task, `${CG}/outer/inner/pids.events`)).toBe('max 0\n');
    expect(read(k, p.task, `${CG}/outer/inner/pids.events.local`)).toBe('max 0\n');
    expect(k.cgroupInfo(k.taskRecord(p.task)!.inherited.cgroup)).toMatchObject({ forkFail: 1 });
  });

  it('no internal processes: a cgroup that enables pids for its children cannot take processes', () => {
    const k = boot();
    const p = hostProcess(k);
    k.sys(p.task).mkdir(`${CG}/a`);
    echo(k, p.task, `${CG}/a/cgroup.procs`, String(p.pid));
    expect(echo(k, p.task, `${CG}/a/cgroup.subtree_control`, '+pids')).toBe('EBUSY');
    expect(echo(k, p.task, `${CG}/a/cgroup.subtree_control`, '+memory')).toBe('EINVAL');
    echo(k, p.task, `${CG}/cgroup.procs`, String(p.pid));
    expect(echo(k, p.task, `${CG}/a/cgroup.subtree_control`, '+pids')).toBe(6);
    expect(echo(k, p.task, `${CG}/a/cgroup.procs`, String(p.pid))).toBe('EBUSY');
    expect(echo(k, p.task, `${CG}/a/cgroup.procs`, '99999')).toBe('ESRCH');
    expect(echo(k, p.task, `${CG}/a/cgroup.procs`, 'me')).toBe('EINVAL');
  });

  it("PIDs in cgroup.procs are the reader's; a write names a process in the writer's namespace", () => {
    const k = boot();
    const c = container(k);
    const host = hostProcess(k);
    k.sys(host.task).mkdir(`${CG}/ctr`);
    expect(echo(k, c.init.task, `${CG}/ctr/cgroup.procs`, '1')).toBeGreaterThan(0);
    expect(read(k, c.init.task, `${CG}/ctr/cgroup.procs`)).toBe('1\n');
    const hostPid = k.pidOf(c.init.task);
    expect(hostPid).not.toBe(1);
    expect(read(k, host.task, `${CG}/ctr/cgroup.procs`)).toBe(`${hostPid}\n`);
    expect(read(k, c.outer.task, `${CG}/ctr/cgroup.procs`)).toBe(`${hostPid}\n`);
  });

  it('rmdir: EBUSY while a process or a child cgroup is in it; zombies do not keep it', () => {
    const k = boot();
    const p = hostProcess(k);
    k.sys(p.task).mkdir(`${CG}/box`);
    k.sys(p.task).mkdir(`${CG}/box/sub`);
    expect(k.sys(p.task).rmdir(`${CG}/box`)).toBe('EBUSY');
    expect(k.sys(p.task).rmdir(`${CG}/box/sub`)).toBe(0);
    echo(k, p.task, `${CG}/box/cgroup.procs`, String(p.pid));
    const c = fork(k, p.task);
    echo(k, p.task, `${CG}/cgroup.procs`, String(p.pid));
    expect(k.sys(p.task).rmdir(`${CG}/box`)).toBe('EBUSY');
    k.sys(c.task).exit(0);
    k.settle();
    expect(read(k, p.task, `${CG}/box/cgroup.events`)).toBe('populated 0\nfrozen 0\n');
    expect(k.sys(p.task).rmdir(`${CG}/box`)).toBe(0);
    expect(k.sys(p.task).fs.stat(`${CG}/box`)).toBe('ENOENT');
    expect(k.sys(p.task).rmdir(CG)).toBe('EBUSY');
    k.sys(p.task).wait(-1, 0);
    k.settle();
    expect(k.checkInvariants()).toEqual([]);
  });
});

describe('/proc/sys/kernel/ns_last_pid', () => {
  it("sets where the next PID search starts in the writer's namespace (0..pid_max)", () => {
    const k = boot();
    const c = container(k);
    expect(echo(k, c.init.task, '/proc/sys/kernel/pid_max', '301')).toBe(4);
    expect(echo(k, c.init.task, '/proc/sys/kernel/ns_last_pid', '298')).toBe(4);
    expect(read(k, c.init.task, '/proc/sys/kernel/ns_last_pid')).toBe('298\n');
    expect(fork(k, c.init.task).pid).toBe(299);
    expect(fork(k, c.init.task).pid).toBe(300);
    expect(k.sys(c.init.task).fork({ program: 'puppet' })).toBe('EAGAIN');
    expect(echo(k, c.init.task, '/proc/sys/kernel/ns_last_pid', '302')).toBe('EINVAL');
    expect(echo(k, c.init.task, '/proc/sys/kernel/ns_last_pid', '-1')).toBe('EINVAL');
  });
});
