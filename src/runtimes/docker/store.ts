/**
 * The engine's state, kept in the simulated file system (so it is part of every snapshot):
 * /var/lib/docker/images/<name>.json, /var/lib/docker/containers/<id>/{config,state}.json and
 * the container's log. Every docker program reads and writes these files through its syscalls.
 */
import { isErrno } from '../../kernel-sim/index.ts';
import type { Errno, ProgramContext } from '../../kernel-sim/index.ts';
import { IMAGE_CATALOGUE, imageFile, normalizeImageName } from './images.ts';
import type { ImageConfig } from './images.ts';

export const DOCKER_ROOT = '/var/lib/docker';
export const CONTAINERS_DIR = `${DOCKER_ROOT}/containers`;
export const IMAGES_DIR = `${DOCKER_ROOT}/images`;
export const DOCKERD_PID_FILE = '/run/docker.pid';
export const CONTAINERD_PID_FILE = '/run/containerd/containerd.pid';

export type PidMode = { kind: 'private' } | { kind: 'host' } | { kind: 'container'; id: string };

export interface ContainerConfig {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly imageId: string;
  /** Process args (ENTRYPOINT ++ CMD, --init not included). */
  readonly args: readonly string[];
  /** What the shim execs (docker-init prepended with --init, busybox for an alpine /bin/sh). */
  readonly execPath: string;
  readonly execArgv: readonly string[];
  readonly entrypoint: readonly string[] | null;
  readonly cmd: readonly string[] | null;
  readonly env: Readonly<Record<string, string>>;
  readonly workdir: string;
  /** Which shell the image's /bin/sh is. */
  readonly shell: 'dash' | 'busybox';
  readonly stopSignal: string;
  /** Seconds; null: the daemon default (10). */
  readonly stopTimeout: number | null;
  readonly init: boolean;
  readonly pidMode: PidMode;
  readonly tty: boolean;
  readonly interactive: boolean;
  readonly detached: boolean;
  readonly autoRemove: boolean;
  readonly created: number;
}

export interface ContainerState {
  Status: 'created' | 'running' | 'exited' | 'removing';
  Running: boolean;
  /** Host PID of the container's init (0 when not running). */
  Pid: number;
  /** Host PID of the shim. */
  ShimPid: number;
  ExitCode: number;
  Error: string;
  StartedAt: number;
  FinishedAt: number;
}

export const containerDir = (id: string): string => `${CONTAINERS_DIR}/${id}`;
export const configFile = (id: string): string => `${containerDir(id)}/config.json`;
export const stateFile = (id: string): string => `${containerDir(id)}/state.json`;
export const logFile = (id: string): string => `${containerDir(id)}/${id}-json.log`;

type Ctx = ProgramContext<unknown>;

/** open(path, 'w') + write + close. */
export function writeText(ctx: Ctx, path: string, text: string): 0 | Errno {
  const fd = ctx.open(path, 'w');
  if (isErrno(fd)) return fd;
  const r = ctx.write(fd, text);
  ctx.close(fd);
  return isErrno(r) ? r : 0;
}

export function readJson<T>(ctx: Ctx, path: string): T | undefined {
  const text = ctx.fs.readFile(path);
  if (isErrno(text)) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/**
 * A live daemon of that command name recorded in the pid file (the way an init's pid files
 * are read): dockerd, containerd and the kubelet are each started once per machine.
 */
export function daemonRunning(ctx: Ctx, pidFile: string, comm: string): boolean {
  const text = ctx.fs.readFile(pidFile);
  if (isErrno(text)) return false;
  const e = ctx.proc.get(Number(text.trim()));
  return e !== undefined && e.comm === comm && e.state !== 'Z';
}

/** What a daemon does before it serves: its own session, stdio on /dev/null. */
export function detachStdio(ctx: Ctx): void {
  ctx.setsid();
  const nul = ctx.open('/dev/null', 'w');
  if (!isErrno(nul)) {
    for (const fd of [0, 1, 2]) ctx.dup2(nul, fd);
    if (nul > 2) ctx.close(nul);
  }
}

/** mkdir -p */
export function mkdirs(ctx: Ctx, path: string): void {
  const parts = path.split('/').filter(Boolean);
  let p = '';
  for (const part of parts) {
    p += `/${part}`;
    if (isErrno(ctx.fs.stat(p))) ctx.mkdir(p);
  }
}

/** rm -rf of a container's directory. */
export function removeContainerDir(ctx: Ctx, id: string): void {
  const dir = containerDir(id);
  const names = ctx.fs.readdir(dir);
  if (!isErrno(names)) for (const n of names) ctx.unlink(`${dir}/${n}`);
  ctx.rmdir(dir);
}

export interface Container {
  readonly config: ContainerConfig;
  readonly state: ContainerState;
}

export function loadContainer(ctx: Ctx, id: string): Container | undefined {
  const config = readJson<ContainerConfig>(ctx, configFile(id));
  if (!config) return undefined;
  const state = readJson<ContainerState>(ctx, stateFile(id)) ?? {
    Status: 'created',
    Running: false,
    Pid: 0,
    ShimPid: 0,
    ExitCode: 0,
    Error: '',
    StartedAt: 0,
    FinishedAt: 0,
  };
  return { config, state };
}

/** Every container, newest first (as docker ps lists them). */
export function listContainers(ctx: Ctx): Container[] {
  const ids = ctx.fs.readdir(CONTAINERS_DIR);
  if (isErrno(ids)) return [];
  const out: Container[] = [];
  for (const id of ids) {
    if (id.startsWith('.')) continue;
    const c = loadContainer(ctx, id);
    if (c) out.push(c);
  }
  return out.sort(
    (a, b) => b.config.created - a.config.created || (a.config.id < b.config.id ? -1 : 1),
  );
}

/** By full name (with or without "/"), full id, or unique id prefix. */
export function findContainer(ctx: Ctx, ref: string): Container | undefined {
  const all = listContainers(ctx);
  const name = ref.startsWith('/') ? ref.slice(1) : ref;
  const byName = all.find((c) => c.config.name === name);
  if (byName) return byName;
  const byId = all.find((c) => c.config.id === ref);
  if (byId) return byId;
  if (!/^[0-9a-f]+$/.test(ref)) return undefined;
  const prefixed = all.filter((c) => c.config.id.startsWith(ref));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

export function findImage(ctx: Ctx, name: string): ImageConfig | undefined {
  const full = normalizeImageName(name);
  const stored = readJson<ImageConfig>(ctx, imageFile(full));
  if (stored) return stored;
  return IMAGE_CATALOGUE.find((i) => i.name === full);
}

export function listImages(ctx: Ctx): ImageConfig[] {
  const names = ctx.fs.readdir(IMAGES_DIR);
  const built: ImageConfig[] = [];
  if (!isErrno(names))
    for (const n of names) {
      if (!n.endsWith('.json')) continue;
      const img = readJson<ImageConfig>(ctx, `${IMAGES_DIR}/${n}`);
      if (img) built.push(img);
    }
  const builtNames = new Set(built.map((i) => i.name));
  return [...built, ...IMAGE_CATALOGUE.filter((i) => !builtNames.has(i.name))];
}

/** 64 hex digits from the kernel's seeded generator. */
export function randomHex(ctx: Ctx, digits = 64): string {
  let out = '';
  while (out.length < digits)
    out += Math.floor(ctx.random() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return out.slice(0, digits);
}

const ADJECTIVES = [
  'admiring',
  'brave',
  'clever',
  'dreamy',
  'eager',
  'focused',
  'gifted',
  'happy',
  'jolly',
  'keen',
  'loving',
  'modest',
  'nifty',
  'optimistic',
  'pensive',
  'quirky',
  'relaxed',
  'serene',
  'tender',
  'upbeat',
  'vibrant',
  'wizardly',
  'youthful',
  'zealous',
];
const SURNAMES = [
  'albattani',
  'babbage',
  'curie',
  'darwin',
  'euclid',
  'feynman',
  'galileo',
  'hopper',
  'johnson',
  'kepler',
  'lovelace',
  'mccarthy',
  'newton',
  'pasteur',
  'ritchie',
  'shannon',
  'thompson',
  'turing',
  'wozniak',
  'yonath',
];

/** A docker-style adjective_surname name not used yet. */
export function generateName(ctx: Ctx): string {
  const used = new Set(listContainers(ctx).map((c) => c.config.name));
  for (let i = 0; ; i++) {
    const a = ADJECTIVES[Math.floor(ctx.random() * ADJECTIVES.length)]!;
    const s = SURNAMES[Math.floor(ctx.random() * SURNAMES.length)]!;
    const name = i < 20 ? `${a}_${s}` : `${a}_${s}${i}`;
    if (!used.has(name)) return name;
  }
}

/** Resolves a command in the container's PATH, as runc does before exec. */
export function lookPath(
  ctx: Ctx,
  name: string,
  env: Readonly<Record<string, string>>,
  cwd: string,
): string | undefined {
  const isExec = (p: string): boolean => {
    const st = ctx.fs.stat(p);
    // runc execs a binary or an executable script (its #! line names the interpreter).
    return !isErrno(st) && (st.type === 'exec' || (st.type === 'file' && st.mode[3] === 'x'));
  };
  if (name.includes('/')) {
    const p = name.startsWith('/') ? name : `${cwd.replace(/\/$/, '')}/${name}`;
    return isExec(p) ? p : undefined;
  }
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir === '') continue;
    const p = `${dir.replace(/\/$/, '')}/${name}`;
    if (isExec(p)) return p;
  }
  return undefined;
}
