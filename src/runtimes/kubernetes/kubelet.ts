/**
 * The kubelet: its sync loop (pkg/kubelet/kubelet.go syncLoop, a 1 s ticker) over the pods of
 * the node, as a program model. It starts a pod's sandbox (CRI RunPodSandbox: containerd starts
 * a shim, which daemonizes and runs /pause and the containers, see shim.ts) and, when a pod has
 * a deletionTimestamp, kills it the way pkg/kubelet/kuberuntime/kuberuntime_container.go
 * killContainer does, for every container in parallel:
 *
 *   1. event Killing "Stopping container NAME";
 *   2. the preStop hook, if any, run inside the container (an exec into its namespaces), given at
 *      most the grace period (terminationGracePeriodSeconds, or kubectl delete --grace-period);
 *   3. what is left of the grace period, at least 2 s (minimumGracePeriodInSeconds), is the
 *      timeout of StopContainer: the runtime sends the stop signal (the image's STOPSIGNAL, else
 *      SIGTERM) to the container's main process, then SIGKILL when the timeout expires — to
 *      every process of the container (runc signals the whole cgroup when the container does not
 *      own its PID namespace; with its own namespace, killing its init empties it).
 *
 * When every container has stopped, StopPodSandbox kills the pause container (SIGKILL), the
 * shim exits with its last child, and the kubelet removes the pod (the API object is gone).
 *
 * Deviations: the kubelet learns of new and deleted pods at its next 1 s tick (the real one also
 * gets a watch event at once); while a pod terminates it polls every 100 ms. The preStop process
 * is a child of the kubelet (setns'd into the container: PPID 0 inside) instead of the shim.
 */
import {
  SIGCHLD,
  SIGKILL,
  SIGTERM,
  WNOHANG,
  isErrno,
  parseSignal,
  wexitstatus,
  wifexited,
} from '../../kernel-sim/index.ts';
import type { Program, ProgramContext } from '../../kernel-sim/index.ts';
import { lookPath } from '../docker/store.ts';
import { SHIM_PATH } from '../docker/shim.ts';
import {
  descendants,
  listPods,
  liveComm,
  loadStatus,
  recordEvent,
  removePodDir,
  updateStatus,
} from './store.ts';
import type { PodObject, PodStatus } from './store.ts';

export const KUBELET_PATH = '/usr/bin/kubelet';
export const KUBELET_ARGV: readonly string[] = [
  KUBELET_PATH,
  '--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf',
  '--kubeconfig=/etc/kubernetes/kubelet.conf',
  '--config=/var/lib/kubelet/config.yaml',
  '--container-runtime-endpoint=unix:///run/containerd/containerd.sock',
];

/** The sync loop's ticker (kubelet.go: syncTicker := time.NewTicker(time.Second)). */
export const SYNC_PERIOD = 1_000_000;
/** How often the kubelet looks again while it is stopping containers. */
const BUSY_PERIOD = 100_000;
/** minimumGracePeriodInSeconds in kuberuntime_container.go. */
export const MIN_GRACE_S = 2;

const BUSYBOX_SHELLS = new Set(['/bin/sh', '/usr/bin/sh', '/bin/ash']);

interface ContainerKill {
  phase: 'hook' | 'stopping' | 'killed' | 'done';
  pid: number;
  hookPid: number;
  hookDeadline: number;
  killAt: number;
}

interface PodKill {
  /** When the kubelet began (µs). */
  began: number;
  grace: number;
  containers: Record<string, ContainerKill>;
  sandboxKilled: boolean;
}

interface KubeletState {
  role: 'kubelet' | 'hook' | 'shim-helper' | 'shim-exec';
  killing: Record<string, PodKill>;
  /** preStop hook pid → "pod/container" */
  hooks: Record<string, string>;
  // hook child / shim start
  path: string;
  argv: string[];
  env: Record<string, string>;
  workdir: string;
  sandboxId: string;
}

type Ctx = ProgramContext<KubeletState>;

const fresh = (): KubeletState => ({
  role: 'kubelet',
  killing: {},
  hooks: {},
  path: '',
  argv: [],
  env: {},
  workdir: '/',
  sandboxId: '',
});

function detachStdio(ctx: Ctx): void {
  const nul = ctx.open('/dev/null', 'w');
  if (!isErrno(nul)) {
    for (const fd of [0, 1, 2]) ctx.dup2(nul, fd);
    if (nul > 2) ctx.close(nul);
  }
}

/** RunPodSandbox: containerd starts the sandbox's shim (it daemonizes: its parent is init). */
function startSandbox(ctx: Ctx, pod: PodObject): void {
  const pid = ctx.fork({
    program: 'kubelet',
    state: { ...fresh(), role: 'shim-helper', sandboxId: pod.sandboxId },
  });
  if (isErrno(pid)) return;
  updateStatus(ctx, pod.name, (s) => {
    s.sandbox = 'starting';
  });
}

function sendStop(
  ctx: Ctx,
  pod: PodObject,
  name: string,
  k: ContainerKill,
  timeoutS: number,
): void {
  const rc = pod.containers.find((c) => c.name === name);
  const sig = parseSignal(rc?.stopSignal ?? 'SIGTERM') ?? SIGTERM;
  ctx.kill(k.pid, sig);
  k.phase = 'stopping';
  k.killAt = ctx.now + Math.max(timeoutS, MIN_GRACE_S) * 1_000_000;
}

/** Runs the container's preStop exec hook; false when it cannot be started. */
function runHook(ctx: Ctx, pod: PodObject, name: string, k: ContainerKill): boolean {
  const rc = pod.containers.find((c) => c.name === name);
  if (!rc?.preStop) return false;
  const argv = [...rc.preStop];
  let path = lookPath(ctx, argv[0]!, rc.env, rc.workdir);
  if (path === undefined) {
    recordEvent(ctx, pod.name, {
      type: 'Warning',
      reason: 'FailedPreStopHook',
      from: 'kubelet',
      message: `PreStopHook failed: rpc error: code = Unknown desc = failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv[0]!}": executable file not found in $PATH: unknown`,
    });
    return false;
  }
  if (rc.shell === 'busybox' && BUSYBOX_SHELLS.has(path)) path = '/bin/busybox';
  // An exec into the container: join its PID namespace for the child, then come back.
  if (ctx.setnsPid(k.pid) !== 0) return false;
  const pid = ctx.fork({
    program: 'kubelet',
    state: { ...fresh(), role: 'hook', path, argv, env: { ...rc.env }, workdir: rc.workdir },
  });
  ctx.setnsPid(ctx.getpid());
  if (isErrno(pid)) return false;
  k.hookPid = pid;
  ctx.state.hooks[String(pid)] = `${pod.name}/${name}`;
  return true;
}

function beginKill(ctx: Ctx, pod: PodObject, st: PodStatus): PodKill {
  const grace = pod.deletionGracePeriodSeconds ?? pod.manifest.spec.terminationGracePeriodSeconds;
  const kill: PodKill = { began: ctx.now, grace, containers: {}, sandboxKilled: false };
  for (const c of st.containers) {
    const k: ContainerKill = { phase: 'done', pid: c.pid, hookPid: 0, hookDeadline: 0, killAt: 0 };
    kill.containers[c.name] = k;
    if (c.state !== 'running' || c.pid <= 0) continue;
    recordEvent(ctx, pod.name, {
      type: 'Normal',
      reason: 'Killing',
      from: 'kubelet',
      message: `Stopping container ${c.name}`,
    });
    if (runHook(ctx, pod, c.name, k)) {
      k.phase = 'hook';
      k.hookDeadline = ctx.now + Math.max(grace, 0) * 1_000_000;
    } else sendStop(ctx, pod, c.name, k, grace);
  }
  return kill;
}

function progress(ctx: Ctx, pod: PodObject, st: PodStatus, kill: PodKill): void {
  // A second delete with a shorter grace period (kubectl delete --grace-period=N, --force)
  // shortens what is left: the kubelet kills again with the new override.
  const grace = pod.deletionGracePeriodSeconds ?? kill.grace;
  if (grace < kill.grace) {
    kill.grace = grace;
    for (const k of Object.values(kill.containers)) {
      if (k.phase === 'hook')
        k.hookDeadline = Math.min(k.hookDeadline, ctx.now + grace * 1_000_000);
      if (k.phase === 'stopping')
        k.killAt = Math.min(k.killAt, ctx.now + Math.max(grace, MIN_GRACE_S) * 1_000_000);
    }
  }
  for (const [name, k] of Object.entries(kill.containers)) {
    const c = st.containers.find((x) => x.name === name);
    const alive =
      c !== undefined &&
      c.state === 'running' &&
      c.pid === k.pid &&
      liveComm(ctx, k.pid) !== undefined;
    if (!alive) {
      k.phase = 'done';
      continue;
    }
    if (k.phase === 'hook' && (k.hookPid === 0 || ctx.now >= k.hookDeadline)) {
      // gracePeriod -= time spent in the hook; at least minimumGracePeriodInSeconds.
      const left = kill.grace - Math.floor((ctx.now - kill.began) / 1_000_000);
      sendStop(ctx, pod, name, k, left);
    } else if (k.phase === 'stopping' && ctx.now >= k.killAt) {
      const shared = pod.manifest.spec.shareProcessNamespace;
      for (const pid of shared ? descendants(ctx, k.pid) : [k.pid]) ctx.kill(pid, SIGKILL);
      k.phase = 'killed';
    }
  }
  if (Object.values(kill.containers).some((k) => k.phase !== 'done')) return;
  if (!kill.sandboxKilled) {
    kill.sandboxKilled = true;
    if (st.pausePid > 0) ctx.kill(st.pausePid, SIGKILL);
  }
}

/** One pass of the sync loop; true when something is in progress (poll sooner). */
function sync(ctx: Ctx): boolean {
  let busy = false;
  const seen = new Set<string>();
  for (const pod of listPods(ctx)) {
    seen.add(pod.name);
    const st = loadStatus(ctx, pod.name);
    if (!st) continue;
    if (pod.deletionTimestamp === null) {
      if (st.sandbox === 'pending') startSandbox(ctx, pod);
      continue;
    }
    busy = true;
    // A shim killed from outside cannot report any more: its sandbox counts as gone once its
    // processes are (containerd notices the shim's death the same way).
    const orphaned =
      st.sandbox === 'ready' &&
      st.shimPid > 0 &&
      liveComm(ctx, st.shimPid) === undefined &&
      liveComm(ctx, st.pausePid) === undefined &&
      st.containers.every((c) => liveComm(ctx, c.pid) === undefined);
    if (st.sandbox === 'pending' || st.sandbox === 'stopped' || orphaned) {
      removePodDir(ctx, pod.name);
      delete ctx.state.killing[pod.name];
      continue;
    }
    if (st.sandbox === 'starting') continue; // the shim is on its way
    let kill = ctx.state.killing[pod.name];
    if (!kill) {
      kill = beginKill(ctx, pod, st);
      ctx.state.killing[pod.name] = kill;
    }
    progress(ctx, pod, loadStatus(ctx, pod.name) ?? st, kill);
  }
  for (const name of Object.keys(ctx.state.killing))
    if (!seen.has(name)) delete ctx.state.killing[name];
  return busy;
}

function reapHooks(ctx: Ctx): void {
  for (;;) {
    const r = ctx.wait(-1, WNOHANG);
    if (isErrno(r) || 'blocked' in r || r.pid <= 0) return;
    const key = String(r.pid);
    const owner = ctx.state.hooks[key];
    if (owner === undefined) continue;
    delete ctx.state.hooks[key];
    const [podName = '', name = ''] = owner.split('/');
    const k = ctx.state.killing[podName]?.containers[name];
    if (k) k.hookPid = 0;
    const code = wifexited(r.status) ? wexitstatus(r.status) : 128;
    if (code !== 0)
      recordEvent(ctx, podName, {
        type: 'Warning',
        reason: 'FailedPreStopHook',
        from: 'kubelet',
        message: `PreStopHook failed: command exited with ${code}`,
      });
  }
}

function schedule(ctx: Ctx, busy: boolean): void {
  ctx.setTimer(busy ? BUSY_PERIOD : SYNC_PERIOD, 'sync');
}

export const kubelet: Program<KubeletState> = {
  name: 'kubelet',
  start(ctx) {
    const role = ctx.state?.role;
    if (role === 'shim-helper') {
      // The shim daemonizes: its parent exits and it is adopted by the host's init.
      const pid = ctx.fork({ program: 'kubelet', state: { ...ctx.state, role: 'shim-exec' } });
      ctx.exit(isErrno(pid) ? 1 : 0);
      return;
    }
    if (role === 'shim-exec') {
      const argv = [
        SHIM_PATH,
        '-namespace',
        'k8s.io',
        '-id',
        ctx.state.sandboxId,
        '-address',
        '/run/containerd/containerd.sock',
      ];
      if (ctx.exec(SHIM_PATH, argv) !== 0) ctx.exit(1);
      return;
    }
    if (role === 'hook') {
      const s = ctx.state;
      ctx.setnsMount(1);
      ctx.setsid();
      ctx.chdir(s.workdir);
      detachStdio(ctx);
      if (ctx.exec(s.path, s.argv, s.env) !== 0) ctx.exit(126);
      return;
    }
    ctx.state = fresh();
    ctx.setsid();
    detachStdio(ctx);
    ctx.sigaction(SIGCHLD, 'handler');
    schedule(ctx, sync(ctx));
  },
  onSignal(ctx, info) {
    if (ctx.state.role === 'kubelet' && info.sig === SIGCHLD) reapHooks(ctx);
  },
  onTimer(ctx) {
    if (ctx.state.role !== 'kubelet') return;
    schedule(ctx, sync(ctx));
  },
};
