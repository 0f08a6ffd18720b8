/**
 * File descriptors, pipes, the file system and /proc as a process sees it.
 */
import { describe, expect, it } from 'vitest';
import { BLOCKED } from './programs/abi.ts';
import { boot, container, fork, hostProcess, log } from './testkit.ts';

describe('descriptors and pipes', () => {
  it('a pipe gives its data to the reader and EOF once every writer is closed', () => {
    const k = boot();
    const p = hostProcess(k);
    const [r, w] = k.sys(p.task).pipe() as readonly [number, number];
    expect([r, w]).toEqual([0, 1]); // the lowest free descriptors
    const child = fork(k, p.task); // shares both ends
    k.sys(p.task).close(w);
    expect(k.sys(p.task).read(r)).toBe(BLOCKED);
    k.sys(child.task).write(1, 'from child\n');
    k.settle();
    expect(log(k, p.task).at(-1)).toEqual({ call: 'read', result: 'from child\n' });
    k.sys(child.task).exit(0);
    k.settle();
    expect(k.sys(p.task).read(r)).toBe('EOF');
    expect(k.checkInvariants()).toEqual([]);
  });

  it('read with a count takes at most that much; the rest stays for the next reader', () => {
    const k = boot();
    const p = hostProcess(k);
    const [r, w] = k.sys(p.task).pipe() as readonly [number, number];
    k.sys(p.task).write(w, 'a\nbc');
    expect(k.sys(p.task).read(r, 1)).toBe('a');
    expect(k.sys(p.task).read(r, 1)).toBe('\n');
    expect(k.sys(p.task).read(r)).toBe('bc');
    expect(k.sys(p.task).read(r, 0)).toBe('EINVAL');
    const fd = k.sys(p.task).open('/etc/hostname', 'r') as number;
    const first = k.sys(p.task).read(fd, 2);
    expect(typeof first === 'string' && first.length).toBe(2);
    expect(k.sys(p.task).read(fd)).toBe(
      (k.sys(p.task).fs.readFile('/etc/hostname') as string).slice(2),
    );
  });

  it('dup2 points a descriptor at the same open file; close frees it', () => {
    const k = boot();
    const p = hostProcess(k);
    const fd = k.sys(p.task).open('/tmp/out', 'w') as number;
    expect(k.sys(p.task).dup2(fd, 1)).toBe(1);
    k.sys(p.task).write(1, 'one\n');
    k.sys(p.task).write(fd, 'two\n');
    expect(k.sys(p.task).fs.readFile('/tmp/out')).toBe('one\ntwo\n');
    expect(k.sys(p.task).close(7)).toBe('EBADF');
    expect(k.sys(p.task).read(1)).toBe('EBADF');
    expect(k.checkInvariants()).toEqual([]);
  });

  it('/dev/null swallows writes and reads EOF', () => {
    const k = boot();
    const p = hostProcess(k);
    const fd = k.sys(p.task).open('/dev/null', 'w') as number;
    expect(k.sys(p.task).write(fd, 'gone')).toBe(4);
    const rd = k.sys(p.task).open('/dev/null', 'r') as number;
    expect(k.sys(p.task).read(rd)).toBe('EOF');
  });
});

describe('/proc follows the mounted procfs, as `unshare --mount-proc` does', () => {
  it('without mountProc a new namespace still sees the host processes', () => {
    const k = boot();
    const c = container(k);
    const s = k.sys(c.init.task);
    expect(s.proc.list().map((e) => e.pid)).toContain(c.outer.pid); // host numbering
    expect(s.fs.readFile('/proc/self/status')).toContain(`Pid:\t${c.init.pid}`);
    expect(s.mountProc()).toBe(0);
    expect(s.proc.list().map((e) => e.pid)).toEqual([1]);
    expect(s.fs.readFile('/proc/self/status')).toContain('Pid:\t1\n');
    expect(s.fs.readdir('/proc')).toEqual(['1', 'self', 'sys', 'thread-self']);
    const child = fork(k, c.init.task); // inherits the mount namespace
    expect(k.sys(child.task).fs.readFile('/proc/2/cmdline')).toBe('puppet\0');
  });

  it('/proc/sys/kernel/pid_max is per namespace and writable', () => {
    const k = boot();
    const c = container(k);
    const s = k.sys(c.init.task);
    expect(k.sys(c.outer.task).fs.readFile('/proc/sys/kernel/pid_max')).toBe('32768\n');
    expect(s.fs.readFile('/proc/sys/kernel/pid_max')).toBe('4194304\n');
    const fd = s.open('/proc/sys/kernel/pid_max', 'w') as number;
    expect(s.write(fd, '300\n')).toBe('EINVAL');
    expect(s.write(fd, '400\n')).toBe(4);
    expect(k.namespaceInfo(c.ns).pidMax).toBe(400);
  });
});

describe('exec through the file system', () => {
  it('searches PATH, runs #! scripts with their interpreter, and reports ENOENT/EACCES', () => {
    const k = boot({
      files: {
        '/app/child.sh': { content: '#!/bin/sleep 5\n', mode: 0o755 },
        '/app/data.txt': 'x',
      },
    });
    const p = hostProcess(k);
    expect(k.sys(p.task).which('sleep')).toBe('/usr/bin/sleep');
    expect(k.sys(p.task).which('nope')).toBe('ENOENT');
    const c = fork(k, p.task);
    expect(k.sys(c.task).exec('/app/data.txt', ['data.txt'])).toBe('EACCES');
    expect(k.sys(c.task).exec('/app/child.sh', ['./child.sh'])).toBe(0);
    k.settle();
    const row = k.view().get(c.pid)!;
    expect([row.comm, row.argv]).toEqual(['child.sh', ['/bin/sleep', '5', '/app/child.sh']]);
  });

  it('cwd is inherited and chdir checks the directory', () => {
    const k = boot();
    const p = hostProcess(k);
    expect(k.sys(p.task).chdir('/tmp')).toBe(0);
    expect(k.sys(p.task).chdir('/etc/hostname')).toBe('ENOTDIR');
    expect(k.sys(p.task).chdir('/nope')).toBe('ENOENT');
    const c = fork(k, p.task);
    expect(k.sys(c.task).getcwd()).toBe('/tmp');
    expect(k.sys(c.task).fs.resolve('../etc/./hostname')).toBe('/etc/hostname');
  });
});

describe('terminal line discipline', () => {
  it('canonical mode edits and echoes a line; raw mode hands over bytes', () => {
    const k = boot();
    const tty = k.createTty();
    const out: string[] = [];
    k.onTtyOutput((_t, text) => out.push(text));
    const sh = k.login(tty, '/usr/local/bin/puppet', ['puppet']);
    expect(k.sys(sh).read(0)).toBe(BLOCKED);
    k.ttyInput(tty, 'lsx\x7f -l\r');
    k.settle();
    expect(log(k, sh).at(-1)).toEqual({ call: 'read', result: 'ls -l\n' });
    expect(out.join('')).toBe('lsx\b \b -l\n');
    k.sys(sh).setTtyMode(0, { canonical: false, echo: false });
    k.ttyInput(tty, 'ab\x1b[A');
    expect(k.sys(sh).read(0)).toBe('ab\x1b[A');
    k.sys(sh).setTtyMode(0, { canonical: true, echo: true });
    k.ttyInput(tty, '\x04');
    expect(k.sys(sh).read(0)).toBe('EOF');
    expect(k.checkInvariants()).toEqual([]);
  });
});
