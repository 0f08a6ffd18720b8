/**
 * The cluster's state, kept in the simulated file system so it is part of every snapshot. It
 * plays the API server's part (the Pod objects) and the kubelet's and containerd's bookkeeping:
 *
 *   /var/lib/kubelet/pods/<name>/pod.json     the Pod object (spec, uid, deletionTimestamp)
 *   /var/lib/kubelet/pods/<name>/status.json  the pod status (written by the shim and kubelet)
 *   /var/lib/kubelet/pods/<name>/events       events, one JSON object a line (kubectl describe)
 *   /var/log/pods/default_<name>_<uid>/<container>/<restart>.log   each container's output
 *   /run/containerd/io.containerd.runtime.v2.task/k8s.io/<id>/init.pid   runc's pid file
 *
 * Every program reads and writes these through its own syscalls; the model is single-threaded,
 * so each read-modify-write of a status file is atomic.
 */
import { isErrno } from '../../kernel-sim/index.ts';
import type { ProgramContext } from '../../kernel-sim/index.ts';
import { DEFAULT_ENV_PATH, normalizeImageName } from '../docker/images.ts';
import type { ImageConfig } from '../docker/images.ts';
import { findImage, mkdirs, randomHex, readJson, writeText } from '../docker/store.ts';
import type { ContainerSpec, PodManifest } from './pod.ts';

export const PODS_DIR = '/var/lib/kubelet/pods';
export const KUBELET_PID_FILE = '/run/kubelet.pid';
export const CONTAINERD_PID_FILE = '/run/containerd/containerd.pid';
export const TASK_DIR = '/run/containerd/io.containerd.runtime.v2.task/k8s.io';
/** The node's name (the lab machine's hostname). */
export const NODE_NAME = 'host';

type Ctx = ProgramContext<unknown>;

/** Images a Kubernetes lesson needs besides the Docker engine's catalogue. */
const EXTRA_IMAGES: readonly ImageConfig[] = [
  {
    name: 'busybox:latest',
    id: 'a416a98b71e224a31ee99cff8e16063554498227d2b696152a9c3e0aa65e5824',
    entrypoint: null,
    cmd: ['sh'],
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
    workdir: '/',
    stopSignal: null,
    shell: 'busybox',
    created: 0,
    size: '4.26MB',
  },
];

/** An image by reference: the Docker engine's store and catalogue, then busybox. */
export function findPodImage(ctx: Ctx, ref: string): ImageConfig | undefined {
  const bare = ref.replace(/^docker\.io\/(library\/)?/, '');
  const found = findImage(ctx, bare);
  if (found) return found;
  const full = normalizeImageName(bare);
  return EXTRA_IMAGES.find((i) => i.name === full);
}

/** How a container of the pod runs: the spec resolved against its image. */
export interface ResolvedContainer {
  readonly name: string;
  readonly image: string;
  /** "docker.io/library/debian@sha256:…" as containerd reports it; "" when not pulled. */
  readonly imageId: string;
  readonly found: boolean;
  /** The process args (command/args over ENTRYPOINT/CMD). */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly workdir: string;
  readonly shell: 'dash' | 'busybox';
  /** The image's STOPSIGNAL, else SIGTERM. */
  readonly stopSignal: string;
  readonly preStop: readonly string[] | null;
  readonly spec: ContainerSpec;
}

export interface PodObject {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly manifest: PodManifest;
  readonly containers: readonly ResolvedContainer[];
  readonly sandboxId: string;
  readonly ip: string;
  /** Virtual time of creation (µs). */
  readonly created: number;
  deletionTimestamp: number | null;
  deletionGracePeriodSeconds: number | null;
}

export type ContainerStateName = 'waiting' | 'running' | 'terminated';

export interface TerminatedInfo {
  readonly exitCode: number;
  readonly signal: number;
  readonly reason: string;
  readonly message: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly containerId: string;
}

export interface ContainerStatus {
  readonly name: string;
  containerId: string;
  /** Host PID of the container's main process (0 when not running). */
  pid: number;
  state: ContainerStateName;
  reason: string;
  message: string;
  startedAt: number;
  terminated: TerminatedInfo | null;
  last: TerminatedInfo | null;
  restartCount: number;
  /** Virtual time of the next start after a crash (restart back-off), or 0. */
  restartAt: number;
  /** The kubelet's restart back-off for this container (s, 0: none yet) and when it was set. */
  backoff: number;
  backoffUpdate: number;
}

export interface EphemeralStatus {
  readonly name: string;
  readonly image: string;
  readonly target: string;
  readonly containerId: string;
  pid: number;
  state: ContainerStateName;
  exitCode: number;
  startedAt: number;
  finishedAt: number;
}

export interface PodStatus {
  /** pending: the kubelet has not started it; starting: the shim is on its way. */
  sandbox: 'pending' | 'starting' | 'ready' | 'stopped';
  shimPid: number;
  pausePid: number;
  /** When the kubelet first started the pod (µs), -1 before. */
  startTime: number;
  containers: ContainerStatus[];
  ephemeral: EphemeralStatus[];
}

export interface PodEvent {
  readonly at: number;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly from: string;
  readonly message: string;
}

export const podDir = (name: string): string => `${PODS_DIR}/${name}`;
export const podFile = (name: string): string => `${podDir(name)}/pod.json`;
export const statusFile = (name: string): string => `${podDir(name)}/status.json`;
export const eventsFile = (name: string): string => `${podDir(name)}/events`;
export const logDir = (pod: PodObject): string =>
  `/var/log/pods/${pod.namespace}_${pod.name}_${pod.uid}`;
export const logPath = (pod: PodObject, container: string, restart: number): string =>
  `${logDir(pod)}/${container}/${restart}.log`;
export const pidFile = (containerId: string): string => `${TASK_DIR}/${containerId}/init.pid`;

export function loadPod(ctx: Ctx, name: string): PodObject | undefined {
  return readJson<PodObject>(ctx, podFile(name));
}

export function loadStatus(ctx: Ctx, name: string): PodStatus | undefined {
  return readJson<PodStatus>(ctx, statusFile(name));
}

export function savePod(ctx: Ctx, pod: PodObject): void {
  writeText(ctx, podFile(pod.name), JSON.stringify(pod));
}

export function saveStatus(ctx: Ctx, name: string, status: PodStatus): void {
  if (isErrno(ctx.fs.stat(podDir(name)))) return; // the pod is gone
  writeText(ctx, statusFile(name), JSON.stringify(status));
}

/** Read-modify-write of a pod's status; nothing when the pod is gone. */
export function updateStatus(ctx: Ctx, name: string, f: (s: PodStatus) => void): void {
  const s = loadStatus(ctx, name);
  if (!s) return;
  f(s);
  saveStatus(ctx, name, s);
}

export function recordEvent(ctx: Ctx, pod: string, e: Omit<PodEvent, 'at'>): void {
  if (isErrno(ctx.fs.stat(podDir(pod)))) return;
  const fd = ctx.open(eventsFile(pod), 'a');
  if (isErrno(fd)) return;
  ctx.write(fd, `${JSON.stringify({ at: ctx.now, ...e })}\n`);
  ctx.close(fd);
}

export function loadEvents(ctx: Ctx, pod: string): PodEvent[] {
  const text = ctx.fs.readFile(eventsFile(pod));
  if (isErrno(text)) return [];
  const out: PodEvent[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      out.push(JSON.parse(line) as PodEvent);
    } catch {
      // a torn line is skipped
    }
  }
  return out;
}

/** Every pod, oldest first (kubectl get sorts by name; callers sort as they need). */
export function listPods(ctx: Ctx): PodObject[] {
  const names = ctx.fs.readdir(PODS_DIR);
  if (isErrno(names)) return [];
  const out: PodObject[] = [];
  for (const n of names) {
    if (n.startsWith('.')) continue;
    const p = loadPod(ctx, n);
    if (p) out.push(p);
  }
  return out;
}

/** rm -rf */
export function removeTree(ctx: Ctx, path: string): void {
  const st = ctx.fs.stat(path);
  if (isErrno(st)) return;
  if (st.type !== 'dir') {
    ctx.unlink(path);
    return;
  }
  const names = ctx.fs.readdir(path);
  if (!isErrno(names)) for (const n of names) removeTree(ctx, `${path}/${n}`);
  ctx.rmdir(path);
}

/** The API object is gone: the kubelet removes the pod's directory and its logs. */
export function removePodDir(ctx: Ctx, name: string): void {
  const pod = loadPod(ctx, name);
  if (pod) removeTree(ctx, logDir(pod));
  removeTree(ctx, podDir(name));
}

/**
 * The process args of a container (the Kubernetes rule, "Define a command and arguments for a
 * container"): `command` replaces the image's ENTRYPOINT and then the image's CMD is ignored;
 * `args` replaces CMD.
 */
export function containerArgs(
  spec: Pick<ContainerSpec, 'command' | 'args'>,
  image: Pick<ImageConfig, 'entrypoint' | 'cmd'> | undefined,
): string[] {
  if (spec.command !== null) return [...spec.command, ...(spec.args ?? [])];
  return [...(image?.entrypoint ?? []), ...(spec.args ?? image?.cmd ?? [])];
}

export function resolveContainer(
  ctx: Ctx,
  spec: ContainerSpec,
  podName: string,
): ResolvedContainer {
  const image = findPodImage(ctx, spec.image);
  const env: Record<string, string> = {
    PATH: DEFAULT_ENV_PATH,
    ...(image?.env ?? {}),
    HOSTNAME: podName,
  };
  for (const e of spec.env) env[e.name] = e.value;
  const full = normalizeImageName(spec.image.replace(/^docker\.io\/(library\/)?/, ''));
  const repo = full.slice(0, full.lastIndexOf(':'));
  return {
    name: spec.name,
    image: spec.image,
    imageId: image ? `docker.io/library/${repo}@sha256:${image.id}` : '',
    found: image !== undefined,
    args: containerArgs(spec, image),
    env,
    workdir: spec.workingDir ?? image?.workdir ?? '/',
    shell: image?.shell ?? 'dash',
    stopSignal: image?.stopSignal ?? 'SIGTERM',
    preStop: spec.preStop,
    spec,
  };
}

/** A UUID (version 4 layout) from the kernel's seeded generator. */
export function newUid(ctx: Ctx): string {
  const h = randomHex(ctx, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The next pod IP on the node's pod CIDR (10.244.0.0/24, as flannel's default). */
export function nextPodIp(ctx: Ctx): string {
  const file = `${PODS_DIR}/.last-ip`;
  const text = ctx.fs.readFile(file);
  const last = isErrno(text) ? 1 : Number(text.trim()) || 1;
  const next = last >= 254 ? 2 : last + 1;
  mkdirs(ctx, PODS_DIR);
  writeText(ctx, file, `${next}\n`);
  return `10.244.0.${next}`;
}

export function newContainerId(ctx: Ctx): string {
  return randomHex(ctx, 64);
}

/** The comm of a live (non-zombie) process, or undefined. */
export function liveComm(ctx: Ctx, pid: number): string | undefined {
  if (pid <= 0) return undefined;
  const e = ctx.proc.get(pid);
  return e && e.state !== 'Z' ? e.comm : undefined;
}

/** Host PIDs of a process and all its descendants (a container's processes). */
export function descendants(ctx: Ctx, pid: number): number[] {
  const list = ctx.proc.list();
  const set = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const e of list)
      if (!set.has(e.pid) && set.has(e.ppid) && e.state !== 'Z') {
        set.add(e.pid);
        grew = true;
      }
  }
  return [...set];
}
