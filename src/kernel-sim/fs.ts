/**
 * The simulated file system: a tree of plain-data nodes, with /proc generated from the kernel
 * state as the reader's procfs shows it (fs/proc), and /dev devices. Executables are nodes that
 * name a program model; scripts with a #! line run their interpreter (fs/binfmt_script.c).
 */
import type { Core } from './core.ts';
import type { Errno, NsId } from './types.ts';
import type { FsNode, Task } from './state.ts';
import type { FileStat } from './programs/abi.ts';
import { createProcView } from './views.ts';
import { findTaskByPid, taskPidNr } from './pidns.ts';
import {
  cgroupMkdir,
  cgroupPath,
  cgroupRead,
  cgroupReaddir,
  cgroupRmdir,
  cgroupStat,
  cgroupWrite,
  isCgroupPath,
  CGROUP_MOUNT,
} from './cgroupfs.ts';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Absolute, normalised path ('.', '..' and repeated slashes resolved). */
export function normalizePath(cwd: string, path: string): string {
  const parts = (path.startsWith('/') ? path : `${cwd}/${path}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return '/' + out.join('/');
}

const parentOf = (path: string): string =>
  path.lastIndexOf('/') <= 0 ? '/' : path.slice(0, path.lastIndexOf('/'));

/** The base tree every machine has. */
export function defaultTree(hostname: string): Map<string, FsNode> {
  const fs = new Map<string, FsNode>();
  for (const d of [
    '/',
    '/bin',
    '/sbin',
    '/usr',
    '/usr/bin',
    '/usr/sbin',
    '/usr/local',
    '/usr/local/bin',
    '/usr/local/sbin',
    '/etc',
    '/tmp',
    '/root',
    '/home',
    '/dev',
    '/dev/pts',
    '/var',
    '/app',
    '/sys',
    '/sys/fs',
    '/sys/fs/cgroup', // the mount point of the cgroup2 file system (cgroupfs.ts)
  ])
    fs.set(d, { type: 'dir', mode: d === '/tmp' ? 0o1777 : 0o755 });
  fs.set('/etc/hostname', { type: 'file', content: `${hostname}\n`, mode: 0o644 });
  fs.set('/etc/os-release', {
    type: 'file',
    content:
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
    mode: 0o644,
  });
  fs.set('/etc/passwd', {
    type: 'file',
    content:
      'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
    mode: 0o644,
  });
  fs.set('/dev/null', { type: 'dev', dev: 'null', mode: 0o666 });
  fs.set('/dev/zero', { type: 'dev', dev: 'zero', mode: 0o666 });
  fs.set('/dev/tty', { type: 'dev', dev: 'tty', mode: 0o666 });
  return fs;
}

/** Adds a file (creating its directories) — used at boot for binaries and scenario files. */
export function addFile(fs: Map<string, FsNode>, path: string, node: FsNode): void {
  const p = normalizePath('/', path);
  let dir = parentOf(p);
  const dirs: string[] = [];
  while (!fs.has(dir)) {
    dirs.push(dir);
    dir = parentOf(dir);
  }
  for (const d of dirs.reverse()) fs.set(d, { type: 'dir', mode: 0o755 });
  fs.set(p, node);
}

// ------------------------------------------------------------------ /proc

interface ProcNode {
  readonly type: 'dir' | 'file' | 'link';
  readonly content?: string;
  readonly target?: string;
}

/** /proc as seen by `t` (its procNs): /proc/PID/{status,cmdline,stat,comm}, self, sys/kernel. */
function procLookup(k: Core, t: Task, rel: string): ProcNode | undefined {
  const ns = t.inherited.procNs;
  const view = createProcView(k, ns);
  const parts = rel.split('/').filter(Boolean);
  if (parts.length === 0) return { type: 'dir' };
  const rest = parts.slice(1);
  let first = parts[0];
  if (first === 'self' || first === 'thread-self') {
    const me = taskPidNr(k, t, ns);
    if (me === 0) return undefined; // /proc/self dangles for a process outside the procfs's namespace
    if (rest.length === 0) return { type: 'link', target: String(me) };
    first = String(me);
  }
  if (first === 'sys') {
    const key = rest.join('/');
    if (key === '' || key === 'kernel') return { type: 'dir' };
    if (key === 'kernel/pid_max') return { type: 'file', content: `${k.ns(t.ns).pidMax}\n` };
    if (key === 'kernel/ns_last_pid')
      return { type: 'file', content: `${Math.max(0, k.ns(t.ns).cursor - 1)}\n` };
    return undefined;
  }
  if (!first || !/^\d+$/.test(first)) return undefined;
  const pid = Number(first);
  const target = findTaskByPid(k, pid, ns);
  if (!target) return undefined;
  const file = rest.join('/');
  if (file === '') return { type: 'dir' };
  if (file === 'status') return { type: 'file', content: view.status(pid) ?? '' };
  if (file === 'cmdline') return { type: 'file', content: view.cmdline(pid) ?? '' };
  if (file === 'comm') return { type: 'file', content: `${target.comm}\n` };
  // proc_cgroup_show(): "0::PATH" on a cgroup2-only host (no cgroup namespaces in the model).
  if (file === 'cgroup')
    return { type: 'file', content: `0::${cgroupPath(k, target.inherited.cgroup)}\n` };
  if (file === 'environ')
    return {
      type: 'file',
      content: Object.entries(target.image.env)
        .map(([a, b]) => `${a}=${b}\0`)
        .join(''),
    };
  if (file === 'ns') return { type: 'dir' };
  if (file === 'ns/pid') return { type: 'link', target: `pid:[${4026531836 + target.ns - 1}]` };
  if (file === 'ns/pid_for_children')
    return { type: 'link', target: `pid:[${4026531836 + target.inherited.nsForChildren - 1}]` };
  return undefined;
}

function procReaddir(k: Core, t: Task, rel: string): string[] | undefined {
  const parts = rel.split('/').filter(Boolean);
  if (parts.length === 0) {
    const pids = createProcView(k, t.inherited.procNs)
      .list()
      .map((e) => String(e.pid));
    return [...pids, 'self', 'sys', 'thread-self'];
  }
  if (parts[0] === 'sys')
    return parts.length === 1
      ? ['kernel']
      : parts[1] === 'kernel'
        ? ['ns_last_pid', 'pid_max']
        : undefined;
  const node = procLookup(k, t, rel);
  if (node?.type !== 'dir') return undefined;
  if (parts.length === 1 || parts[0] === 'self')
    return ['cgroup', 'cmdline', 'comm', 'environ', 'ns', 'status'];
  if (parts[parts.length - 1] === 'ns') return ['pid', 'pid_for_children'];
  return undefined;
}

// ------------------------------------------------------------------ the view programs get

const isProc = (p: string): boolean => p === '/proc' || p.startsWith('/proc/');
const modeString = (type: FileStat['type'], mode: number): string => {
  const t = type === 'dir' ? 'd' : type === 'dev' ? 'c' : '-';
  const r = (m: number): string => `${m & 4 ? 'r' : '-'}${m & 2 ? 'w' : '-'}${m & 1 ? 'x' : '-'}`;
  return t + r(mode >> 6) + r(mode >> 3) + r(mode);
};

export function statPath(k: Core, t: Task, path: string): FileStat | Errno {
  const p = normalizePath(t.inherited.cwd, path);
  if (isProc(p)) {
    const n = procLookup(k, t, p.slice(5));
    if (!n) return 'ENOENT';
    if (n.type === 'dir') return { type: 'dir', size: 0, mode: 'dr-xr-xr-x' };
    return { type: 'file', size: 0, mode: '-r--r--r--' };
  }
  if (isCgroupPath(p)) return cgroupStat(k, p);
  const node = k.state.fs.get(p);
  if (!node) return 'ENOENT';
  const size = node.type === 'file' ? node.content.length : 0;
  const stat: FileStat =
    node.type === 'exec'
      ? { type: 'exec', size: 0, program: node.program, mode: modeString('exec', node.mode) }
      : { type: node.type, size, mode: modeString(node.type, node.mode) };
  return stat;
}

export function readdirPath(k: Core, t: Task, path: string): string[] | Errno {
  const p = normalizePath(t.inherited.cwd, path);
  if (p === '/') {
    const names = new Set<string>(['proc']);
    for (const key of k.state.fs.keys())
      if (key !== '/' && parentOf(key) === '/') names.add(key.slice(1));
    return [...names].sort();
  }
  if (isProc(p)) return procReaddir(k, t, p.slice(5)) ?? 'ENOENT';
  if (isCgroupPath(p)) return cgroupReaddir(k, p);
  const node = k.state.fs.get(p);
  if (!node) return 'ENOENT';
  if (node.type !== 'dir') return 'ENOTDIR';
  const out: string[] = [];
  for (const key of k.state.fs.keys())
    if (key !== p && parentOf(key) === p) out.push(key.slice(p.length + (p === '/' ? 0 : 1)));
  return out.sort();
}

export function readPath(k: Core, t: Task, path: string): string | Errno {
  const p = normalizePath(t.inherited.cwd, path);
  if (isProc(p)) {
    const n = procLookup(k, t, p.slice(5));
    if (!n) return 'ENOENT';
    if (n.type === 'dir') return 'EISDIR';
    if (n.type === 'link') return readPath(k, t, `/proc/${n.target ?? ''}`);
    return n.content ?? '';
  }
  if (isCgroupPath(p)) return cgroupRead(k, t, p);
  const node = k.state.fs.get(p);
  if (!node) return 'ENOENT';
  if (node.type === 'dir') return 'EISDIR';
  if (node.type === 'file') return node.content;
  if (node.type === 'exec') return `\x7fELF\x02\x01\x01 (${node.program})\n`;
  return '';
}

/**
 * Writes (or appends to) a regular file. /proc/sys/kernel/pid_max and ns_last_pid are the
 * writer's active PID namespace's (per namespace since Linux 6.14; pid_ns_ctl_handler takes
 * 0..pid_max and sets the allocation cursor just after it). An open with O_TRUNC writes ''.
 */
export function writePath(
  k: Core,
  t: Task,
  path: string,
  text: string,
  append: boolean,
): number | Errno {
  const p = normalizePath(t.inherited.cwd, path);
  if (p === '/proc/sys/kernel/pid_max') {
    const n = Number(text.trim());
    if (!Number.isInteger(n) || n < 301 || n > 4194304) return 'EINVAL';
    k.ns(t.ns).pidMax = n;
    return text.length;
  }
  if (p === '/proc/sys/kernel/ns_last_pid') {
    if (text === '') return 0;
    const ns = k.ns(t.ns);
    const n = Number(text.trim());
    if (!/^\s*\d+\s*$/.test(text) || n > ns.pidMax) return 'EINVAL';
    ns.cursor = n + 1;
    return text.length;
  }
  if (isProc(p)) return 'EACCES';
  if (isCgroupPath(p)) return cgroupWrite(k, t, p, text);
  const node = k.state.fs.get(p);
  if (node && node.type !== 'file')
    return node.type === 'dir' ? 'EISDIR' : node.type === 'dev' ? text.length : 'EACCES';
  const dir = k.state.fs.get(parentOf(p));
  if (!dir) return 'ENOENT';
  if (dir.type !== 'dir') return 'ENOTDIR';
  if (node) node.content = append ? node.content + text : text;
  else k.state.fs.set(p, { type: 'file', content: text, mode: 0o644 });
  return text.length;
}

/** execvp's PATH search: the first executable match, or the error the last candidate gave. */
export function whichPath(k: Core, t: Task, name: string): string | Errno {
  if (name === '') return 'ENOENT';
  if (name.includes('/')) {
    const s = statPath(k, t, name);
    if (typeof s === 'string') return s;
    return s.type === 'dir' ? 'EACCES' : normalizePath(t.inherited.cwd, name);
  }
  let err: Errno = 'ENOENT';
  for (const dir of (t.image.env.PATH ?? DEFAULT_PATH).split(':')) {
    const candidate = normalizePath(t.inherited.cwd, `${dir || '.'}/${name}`);
    const node = k.state.fs.get(candidate);
    if (!node) continue;
    if (node.type === 'exec' || (node.type === 'file' && node.mode & 0o111)) return candidate;
    err = 'EACCES';
  }
  return err;
}

/** The program behind an executable path, following a #! line (binfmt_script). */
export function resolveExec(
  k: Core,
  t: Task,
  path: string,
):
  | { readonly path: string; readonly program: string; readonly interpreter?: readonly string[] }
  | Errno {
  const p = normalizePath(t.inherited.cwd, path);
  const node = k.state.fs.get(p);
  if (!node) return 'ENOENT';
  if (node.type === 'exec') return { path: p, program: node.program };
  if (node.type !== 'file' || !(node.mode & 0o111)) return 'EACCES';
  const first = node.content.split('\n', 1)[0] ?? '';
  if (!first.startsWith('#!')) return 'ENOEXEC';
  const [interp, ...args] = first.slice(2).trim().split(/\s+/);
  if (!interp) return 'ENOEXEC';
  const target = k.state.fs.get(normalizePath('/', interp));
  if (!target || target.type !== 'exec') return 'ENOENT';
  return { path: p, program: target.program, interpreter: [interp, ...args] };
}

export const procNsOf = (t: Task): NsId => t.inherited.procNs;

const children = (k: Core, dir: string): string[] =>
  [...k.state.fs.keys()].filter((p) => p !== dir && parentOf(p) === dir);

/** mkdir(2): EEXIST if the path exists, ENOENT/ENOTDIR for a missing or non-directory parent. */
export function mkdirPath(k: Core, t: Task, path: string, mode: number): 0 | Errno {
  const p = normalizePath(t.inherited.cwd, path);
  if (isCgroupPath(p) && p !== CGROUP_MOUNT) return cgroupMkdir(k, p);
  if (p === '/' || isProc(p) || k.state.fs.has(p)) return 'EEXIST';
  const dir = k.state.fs.get(parentOf(p));
  if (!dir) return 'ENOENT';
  if (dir.type !== 'dir') return 'ENOTDIR';
  k.state.fs.set(p, { type: 'dir', mode: mode & 0o7777 });
  return 0;
}

/** unlink(2): removes a file (EISDIR for a directory; /proc is read-only: EACCES). */
export function unlinkPath(k: Core, t: Task, path: string): 0 | Errno {
  const p = normalizePath(t.inherited.cwd, path);
  if (isProc(p)) return 'EACCES';
  if (isCgroupPath(p)) {
    const st = cgroupStat(k, p);
    return typeof st === 'string' ? st : st.type === 'dir' ? 'EISDIR' : 'EPERM';
  }
  const node = k.state.fs.get(p);
  if (!node) return 'ENOENT';
  if (node.type === 'dir') return 'EISDIR';
  k.state.fs.delete(p);
  return 0;
}

/** rmdir(2): removes an empty directory (ENOTEMPTY, ENOTDIR, EBUSY-like EACCES for / and /proc). */
export function rmdirPath(k: Core, t: Task, path: string): 0 | Errno {
  const p = normalizePath(t.inherited.cwd, path);
  if (p === '/' || isProc(p)) return 'EACCES';
  if (isCgroupPath(p)) return cgroupRmdir(k, p);
  const node = k.state.fs.get(p);
  if (!node) return 'ENOENT';
  if (node.type !== 'dir') return 'ENOTDIR';
  if (children(k, p).length > 0) return 'ENOTEMPTY';
  k.state.fs.delete(p);
  return 0;
}

/** chmod(2): the permission bits of a file or directory. */
export function chmodPath(k: Core, t: Task, path: string, mode: number): 0 | Errno {
  const p = normalizePath(t.inherited.cwd, path);
  if (isProc(p)) return 'EACCES';
  if (isCgroupPath(p)) {
    const st = cgroupStat(k, p);
    return typeof st === 'string' ? st : 0; // kernfs keeps no mode changes in the model
  }
  const node = k.state.fs.get(p);
  if (!node) return 'ENOENT';
  node.mode = mode & 0o7777;
  return 0;
}
