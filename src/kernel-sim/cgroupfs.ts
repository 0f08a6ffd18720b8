/**
 * The cgroup v2 file system mounted at /sys/fs/cgroup, for the pids controller: a directory per
 * cgroup (mkdir creates one, rmdir removes an empty one), `cgroup.procs` to read the members and
 * to move a process in, `cgroup.controllers` / `cgroup.subtree_control` to enable the controller
 * for the children, and `pids.max`, `pids.current`, `pids.peak`, `pids.events`,
 * `pids.events.local`. Linux: kernel/cgroup/cgroup.c (cgroup_mkdir, cgroup_rmdir,
 * cgroup_procs_write, cgroup_procs_show, cgroup_subtree_control_write), kernel/cgroup/pids.c
 * (pids_files), Documentation/admin-guide/cgroup-v2.rst. The files of controllers the model does
 * not have (cpu, memory, io, ...) and of cgroup features it does not model (freeze, kill, threaded
 * cgroups, cgroup namespaces) are absent rather than faked.
 */
import type { Core } from './core.ts';
import type { CgroupId, Errno } from './types.ts';
import { PID_MAX_LIMIT } from './types.ts';
import type { Cgroup, Task } from './state.ts';
import type { FileStat } from './programs/abi.ts';
import { attachProcess, createCgroup } from './cgroup.ts';
import { findTaskByPid, taskPidNr } from './pidns.ts';

export const CGROUP_MOUNT = '/sys/fs/cgroup';

/** Whether a normalised path is on the cgroup file system (the mount point included). */
export const isCgroupPath = (p: string): boolean =>
  p === CGROUP_MOUNT || p.startsWith(`${CGROUP_MOUNT}/`);

/** PIDS_MAX in pids.c: PID_MAX_LIMIT + 1; pids.max takes 0 .. PIDS_MAX - 1 or "max". */
const PIDS_MAX = PID_MAX_LIMIT + 1;

type CgFile =
  | 'cgroup.controllers'
  | 'cgroup.events'
  | 'cgroup.procs'
  | 'cgroup.subtree_control'
  | 'cgroup.type'
  | 'pids.current'
  | 'pids.events'
  | 'pids.events.local'
  | 'pids.max'
  | 'pids.peak';

/** The core files every cgroup has (cgroup_base_files; the root lacks the NOT_ON_ROOT ones). */
const BASE_ROOT: readonly CgFile[] = [
  'cgroup.controllers',
  'cgroup.procs',
  'cgroup.subtree_control',
];
const BASE: readonly CgFile[] = [
  'cgroup.controllers',
  'cgroup.events',
  'cgroup.procs',
  'cgroup.subtree_control',
  'cgroup.type',
];
/** pids_files[], all CFTYPE_NOT_ON_ROOT: present where the parent enabled "pids". */
const PIDS: readonly CgFile[] = [
  'pids.current',
  'pids.events',
  'pids.events.local',
  'pids.max',
  'pids.peak',
];
const WRITABLE = new Set<CgFile>(['cgroup.procs', 'cgroup.subtree_control', 'pids.max']);

function rootOf(k: Core): Cgroup {
  return k.cgroup(k.state.rootCgroup);
}

function childNamed(k: Core, parent: Cgroup, name: string): Cgroup | undefined {
  for (const c of k.state.cgroups.values())
    if (c.parent === parent.id && !c.removed && c.name === name) return c;
  return undefined;
}

function childrenOf(k: Core, parent: Cgroup): Cgroup[] {
  return [...k.state.cgroups.values()].filter((c) => c.parent === parent.id && !c.removed);
}

function filesOf(k: Core, cg: Cgroup): readonly CgFile[] {
  if (cg.parent === 0) return BASE_ROOT;
  return k.cgroup(cg.parent).subtreePids ? [...BASE, ...PIDS] : BASE;
}

type Resolved =
  | { readonly kind: 'dir'; readonly cg: Cgroup }
  | { readonly kind: 'file'; readonly cg: Cgroup; readonly file: CgFile }
  | { readonly kind: 'missing'; readonly parent: Cgroup; readonly name: string }
  | Errno;

/** Walks a normalised path below the mount point. */
function resolve(k: Core, p: string): Resolved {
  const parts = p.slice(CGROUP_MOUNT.length).split('/').filter(Boolean);
  let cg = rootOf(k);
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i]!;
    const last = i === parts.length - 1;
    const child = childNamed(k, cg, name);
    if (child) {
      cg = child;
      continue;
    }
    if ((filesOf(k, cg) as readonly string[]).includes(name))
      return last ? { kind: 'file', cg, file: name as CgFile } : 'ENOTDIR';
    return last ? { kind: 'missing', parent: cg, name } : 'ENOENT';
  }
  return { kind: 'dir', cg };
}

/** The cgroup's path as /proc/PID/cgroup shows it ("/" for the root). */
export function cgroupPath(k: Core, id: CgroupId): string {
  const names: string[] = [];
  for (let c = k.cgroup(id); c.parent !== 0; c = k.cgroup(c.parent)) names.unshift(c.name);
  return `/${names.join('/')}`;
}

export function cgroupStat(k: Core, p: string): FileStat | Errno {
  const r = resolve(k, p);
  if (typeof r === 'string') return r;
  if (r.kind === 'missing') return 'ENOENT';
  if (r.kind === 'dir') return { type: 'dir', size: 0, mode: 'drwxr-xr-x' };
  return { type: 'file', size: 0, mode: WRITABLE.has(r.file) ? '-rw-r--r--' : '-r--r--r--' };
}

export function cgroupReaddir(k: Core, p: string): string[] | Errno {
  const r = resolve(k, p);
  if (typeof r === 'string') return r;
  if (r.kind === 'missing') return 'ENOENT';
  if (r.kind === 'file') return 'ENOTDIR';
  return [...filesOf(k, r.cg), ...childrenOf(k, r.cg).map((c) => c.name)].sort();
}

/** Whether any live (not yet exited) process is in the cgroup (cgroup_is_populated, per level). */
function hasLiveTasks(k: Core, cg: Cgroup): boolean {
  for (const t of k.tasks()) if (t.inherited.cgroup === cg.id && !t.exiting) return true;
  return false;
}

function populated(k: Core, cg: Cgroup): boolean {
  return hasLiveTasks(k, cg) || childrenOf(k, cg).some((c) => populated(k, c));
}

/**
 * Reading a file. cgroup.procs lists the processes (not threads, not tasks that have exited:
 * cgroup_exit() takes them off the css_set) by their PID in the reader's namespace, 0 for one
 * that is not visible there (cgroup_procs_show uses task_pid_vnr).
 */
export function cgroupRead(k: Core, t: Task, p: string): string | Errno {
  const r = resolve(k, p);
  if (typeof r === 'string') return r;
  if (r.kind === 'missing') return 'ENOENT';
  if (r.kind === 'dir') return 'EISDIR';
  const cg = r.cg;
  const max = (n: number): string => (n === Infinity || n >= PIDS_MAX ? 'max' : String(n));
  switch (r.file) {
    case 'cgroup.controllers':
      return cg.parent === 0 || k.cgroup(cg.parent).subtreePids ? 'pids\n' : '\n';
    case 'cgroup.subtree_control':
      return cg.subtreePids ? 'pids\n' : '\n';
    case 'cgroup.events':
      return `populated ${populated(k, cg) ? 1 : 0}\nfrozen 0\n`;
    case 'cgroup.type':
      return 'domain\n';
    case 'cgroup.procs': {
      let out = '';
      for (const x of k.tasks())
        if (x.inherited.cgroup === cg.id && !x.exiting) out += `${taskPidNr(k, x, t.ns)}\n`;
      return out;
    }
    case 'pids.max':
      return `${max(cg.pidsMax)}\n`;
    case 'pids.current':
      return `${cg.current}\n`;
    case 'pids.peak':
      return `${cg.peak}\n`;
    case 'pids.events':
      return `max ${cg.eventsMax}\n`;
    case 'pids.events.local':
      return `max ${cg.eventsMaxLocal}\n`;
  }
}

/** kstrtoll(s, 0): decimal, 0x hex or 0 octal, an optional sign; undefined when malformed. */
function parseKernelInt(s: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2]!;
  const v = /^0[xX]/.test(body)
    ? parseInt(body.slice(2), 16)
    : body.length > 1 && body.startsWith('0')
      ? parseInt(body.slice(1), 8)
      : Number(body);
  return m[1] === '-' ? -v : v;
}

/**
 * One write(2) to a cgroup file (an open with O_TRUNC writes '', which changes nothing). Files
 * cannot be created here (EACCES, as for any kernfs directory); read-only files refuse writes
 * with EINVAL (kernfs_fop_write_iter without a ->write op).
 */
export function cgroupWrite(k: Core, t: Task, p: string, text: string): number | Errno {
  const r = resolve(k, p);
  if (typeof r === 'string') return r;
  if (r.kind === 'missing') return 'EACCES';
  if (r.kind === 'dir') return 'EISDIR';
  if (text === '') return 0;
  const cg = r.cg;
  const value = text.trim();
  switch (r.file) {
    case 'pids.max': {
      // pids_max_write(): "max", or 0 <= n < PIDS_MAX.
      if (value === 'max') cg.pidsMax = Infinity;
      else {
        const n = parseKernelInt(value);
        if (n === undefined || n < 0 || n >= PIDS_MAX) return 'EINVAL';
        cg.pidsMax = n;
      }
      return text.length;
    }
    case 'cgroup.procs': {
      // cgroup_procs_write_start(): the PID in the writer's namespace, 0 for the writer itself.
      const n = parseKernelInt(value);
      if (n === undefined || n < 0) return 'EINVAL';
      const target = n === 0 ? t : findTaskByPid(k, n, t.ns);
      if (!target) return 'ESRCH';
      // cgroup_migrate_vet_dst(): no processes in a non-root cgroup that enables controllers
      // for its children (the "no internal processes" rule).
      if (cg.parent !== 0 && cg.subtreePids) return 'EBUSY';
      attachProcess(k, target, cg.id);
      return text.length;
    }
    case 'cgroup.subtree_control': {
      // cgroup_subtree_control_write(): space-separated "+ctrl" / "-ctrl"; unknown ones EINVAL.
      let enable = cg.subtreePids;
      for (const tok of value.split(/\s+/).filter(Boolean)) {
        if (tok === '+pids') enable = true;
        else if (tok === '-pids') enable = false;
        else return 'EINVAL';
      }
      if (cg.parent !== 0 && !k.cgroup(cg.parent).subtreePids && enable) return 'ENOENT';
      if (enable && !cg.subtreePids && cg.parent !== 0 && hasLiveTasks(k, cg)) return 'EBUSY';
      if (!enable && cg.subtreePids)
        // The children's pids css goes away: their limits with it.
        for (const c of childrenOf(k, cg)) c.pidsMax = Infinity;
      cg.subtreePids = enable;
      return text.length;
    }
    default:
      return 'EINVAL';
  }
}

/** cgroup_mkdir(): a new child cgroup; a name that exists as a cgroup or a file is EEXIST. */
export function cgroupMkdir(k: Core, p: string): 0 | Errno {
  const r = resolve(k, p);
  if (typeof r === 'string') return r;
  if (r.kind !== 'missing') return 'EEXIST';
  createCgroup(k, r.parent.id, r.name);
  return 0;
}

/**
 * cgroup_rmdir() / cgroup_destroy_locked(): EBUSY while a live process or a child cgroup is in
 * it (the mount point too). Zombies do not keep it (they left the css_set in cgroup_exit); their
 * charge stays on the removed cgroup until they are reaped.
 */
export function cgroupRmdir(k: Core, p: string): 0 | Errno {
  const r = resolve(k, p);
  if (typeof r === 'string') return r;
  if (r.kind === 'missing') return 'ENOENT';
  if (r.kind === 'file') return 'ENOTDIR';
  const cg = r.cg;
  if (cg.parent === 0 || hasLiveTasks(k, cg) || childrenOf(k, cg).length > 0) return 'EBUSY';
  if (cg.current > 0) cg.removed = true;
  else k.state.cgroups.delete(cg.id);
  return 0;
}
