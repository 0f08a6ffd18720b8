/**
 * containerd-shim-runc-v2 for a Kubernetes pod sandbox (containerd namespace k8s.io): since
 * containerd 1.3 the CRI plugin groups every container of a pod under the sandbox's shim, so a
 * node shows one shim per pod with `/pause` and each app container's main process below it.
 *
 * What the model does, and where the real work happens:
 * - The shim becomes a child subreaper in its own session with its stdio on /dev/null (the shim
 *   daemonizes; containerd/runtime/v2/shim), and reaps every child on SIGCHLD
 *   (containerd's reaper) in its event loop.
 * - Each container is created by a "runc" step (a short-lived child, as runc create/start is):
 *   it creates a new PID namespace (unshare) for the pause container and for containers of a pod
 *   without `shareProcessNamespace`, or joins the pause container's (setns) with it; forks the
 *   container's init, writes runc's init.pid file and exits, so the init is adopted by the shim
 *   (the subreaper). The init calls setsid() (runc nsexec), mounts /proc, sends stdout/stderr to
 *   the container's log file, stdin to /dev/null, and execs the process args.
 * - The kubelet's restart decision (pkg/kubelet/kuberuntime: computePodActions and doBackOff
 *   with client-go's flowcontrol.Backoff: 10 s doubling to 5 min, waited only by a container
 *   that ends within the back-off of its last start, forgotten after 10 min) is made here, when the shim
 *   reaps a container's init, because the restarted container is again the shim's child.
 *   A pod that reaches a terminal phase (restartPolicy Never/OnFailure) has its sandbox
 *   stopped, as the kubelet's SyncTerminatingPod does. If /pause dies while the pod should
 *   run, the containers are killed and the sandbox is re-created (see sandboxDied).
 */
import {
  SIGCHLD,
  SIGKILL,
  WNOHANG,
  isErrno,
  wexitstatus,
  wifexited,
  wifsignaled,
  wtermsig,
} from '../../kernel-sim/index.ts';
import type { Program, ProgramContext, SigInfo } from '../../kernel-sim/index.ts';
import { lookPath, mkdirs, writeText } from '../docker/store.ts';
import { notFoundText } from '../docker/shim.ts';
import {
  TASK_DIR,
  listPods,
  removeTree,
  loadPod,
  loadStatus,
  logPath,
  newContainerId,
  pidFile,
  recordEvent,
  updateStatus,
} from './store.ts';
import type { ContainerStatus, PodObject, TerminatedInfo } from './store.ts';

export interface SandboxShimState {
  readonly k8s: true;
  role: 'shim' | 'runc' | 'init';
  pod: string;
  sandboxId: string;
  // shim
  /** helper host pid → container name ('' = the pause container) */
  helpers: Record<string, string>;
  /** container init host pid → container name ('' = pause) */
  inits: Record<string, string>;
  pausePid: number;
  /** The sandbox is being stopped on purpose (pod deleted or finished). */
  stopping: boolean;
  /** /pause died on its own: the containers are killed and the sandbox re-created. */
  recreating: boolean;
  // runc step / init
  container: string;
  containerId: string;
  shared: boolean;
  path: string;
  argv: string[];
  env: Record<string, string>;
  workdir: string;
  log: string;
}

type Ctx = ProgramContext<SandboxShimState>;

const BUSYBOX_SHELLS = new Set(['/bin/sh', '/usr/bin/sh', '/bin/ash']);
/** Restart back-off (kubelet: initial 10 s, doubled each crash, at most 300 s). */
const BACKOFF_INITIAL_S = 10;
const BACKOFF_MAX_S = 300;

export function isSandboxShim(ctx: ProgramContext<unknown>): boolean {
  const s = ctx.state as { k8s?: boolean } | undefined;
  if (s && typeof s === 'object' && s.k8s === true) return true;
  const i = ctx.argv.indexOf('-namespace');
  return i >= 0 && ctx.argv[i + 1] === 'k8s.io';
}

const blank = (pod: string, sandboxId: string): SandboxShimState => ({
  k8s: true,
  role: 'shim',
  pod,
  sandboxId,
  helpers: {},
  inits: {},
  pausePid: 0,
  stopping: false,
  recreating: false,
  container: '',
  containerId: '',
  shared: false,
  path: '',
  argv: [],
  env: {},
  workdir: '/',
  log: '/dev/null',
});

// ------------------------------------------------------------------ the runc step and the init

function runcStep(ctx: Ctx): void {
  const s = ctx.state;
  const dir = `${TASK_DIR}/${s.containerId}`;
  mkdirs(ctx, dir);
  const failWith = (msg: string): void => {
    writeText(ctx, `${dir}/error`, msg);
    ctx.exit(1);
  };
  if (s.shared) {
    const pause = loadStatus(ctx, s.pod)?.pausePid ?? 0;
    if (ctx.setnsPid(pause) !== 0) {
      failWith('failed to create containerd task: cannot join the sandbox PID namespace');
      return;
    }
  } else if (ctx.unsharePid() !== 0) {
    failWith('failed to create containerd task: unshare: PID namespace');
    return;
  }
  const pid = ctx.fork({
    program: 'containerd-shim-runc-v2',
    state: { ...s, role: 'init' },
  });
  if (isErrno(pid)) {
    failWith(`failed to create containerd task: fork: ${pid}`);
    return;
  }
  writeText(ctx, pidFile(s.containerId), `${pid}`);
  ctx.exit(0);
}

function initStart(ctx: Ctx): void {
  const s = ctx.state;
  ctx.setsid();
  // A new PID namespace gets its own /proc; a shared one sees the sandbox's (pause is PID 1).
  if (s.shared) ctx.setnsMount(1);
  else ctx.mountProc();
  mkdirs(ctx, s.workdir);
  ctx.chdir(s.workdir);
  const out = ctx.open(s.log, 'a');
  if (!isErrno(out)) {
    ctx.dup2(out, 1);
    ctx.dup2(out, 2);
    if (out > 2) ctx.close(out);
  }
  const nul = ctx.open('/dev/null', 'r');
  if (!isErrno(nul)) {
    ctx.dup2(nul, 0);
    if (nul > 2) ctx.close(nul);
  }
  if (ctx.exec(s.path, s.argv, s.env) !== 0) {
    ctx.write(2, `exec ${s.argv[0] ?? ''}: permission denied\n`);
    ctx.exit(126);
  }
}

// ------------------------------------------------------------------ the shim

function startRunc(ctx: Ctx, patch: Partial<SandboxShimState>): number | undefined {
  const pid = ctx.fork({
    program: 'containerd-shim-runc-v2',
    state: { ...ctx.state, helpers: {}, inits: {}, role: 'runc', ...patch },
  });
  if (isErrno(pid)) return undefined;
  ctx.state.helpers[String(pid)] = patch.container ?? '';
  return pid;
}

function setContainer(ctx: Ctx, name: string, f: (c: ContainerStatus) => void): void {
  updateStatus(ctx, ctx.state.pod, (st) => {
    const c = st.containers.find((x) => x.name === name);
    if (c) f(c);
  });
}

function terminated(
  c: ContainerStatus,
  now: number,
  exitCode: number,
  signal: number,
  reason: string,
  message: string,
): TerminatedInfo {
  return {
    exitCode,
    signal,
    reason,
    message,
    startedAt: c.startedAt,
    finishedAt: now,
    containerId: c.containerId,
  };
}

/** Creates and starts one app container (kubelet startContainer → CRI CreateContainer/StartContainer). */
function startContainer(ctx: Ctx, pod: PodObject, name: string): void {
  const rc = pod.containers.find((c) => c.name === name);
  const status = loadStatus(ctx, pod.name)?.containers.find((c) => c.name === name);
  if (!rc || !status) return;
  if (!rc.found) {
    setContainer(ctx, name, (c) => {
      c.state = 'waiting';
      c.reason = 'ErrImagePull';
      c.message = `failed to pull and unpack image "${rc.image}": not found`;
    });
    recordEvent(ctx, pod.name, {
      type: 'Warning',
      reason: 'Failed',
      from: 'kubelet',
      message: `Failed to pull image "${rc.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${rc.image}": not found`,
    });
    return;
  }
  const id = newContainerId(ctx);
  const argv = [...rc.args];
  let path: string | undefined;
  let error = '';
  if (argv.length === 0) error = 'no command specified';
  else {
    path = lookPath(ctx, argv[0]!, rc.env, rc.workdir);
    if (path === undefined)
      error = `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${notFoundText(argv[0]!)}: unknown`;
    else if (rc.shell === 'busybox' && BUSYBOX_SHELLS.has(path)) path = '/bin/busybox';
  }
  const log = logPath(pod, name, status.restartCount);
  mkdirs(ctx, log.slice(0, log.lastIndexOf('/')));
  writeText(ctx, log, '');
  setContainer(ctx, name, (c) => {
    c.containerId = id;
    c.state = 'waiting';
    c.reason = 'ContainerCreating';
    c.message = '';
    c.restartAt = 0;
  });
  recordEvent(ctx, pod.name, {
    type: 'Normal',
    reason: 'Pulled',
    from: 'kubelet',
    message: `Container image "${rc.image}" already present on machine`,
  });
  recordEvent(ctx, pod.name, {
    type: 'Normal',
    reason: 'Created',
    from: 'kubelet',
    message: `Created container ${name}`,
  });
  if (error !== '') {
    containerExited(ctx, pod, name, 128, 0, 'StartError', error);
    recordEvent(ctx, pod.name, {
      type: 'Warning',
      reason: 'Failed',
      from: 'kubelet',
      message: `Error: ${error}`,
    });
    return;
  }
  const pid = startRunc(ctx, {
    container: name,
    containerId: id,
    shared: pod.manifest.spec.shareProcessNamespace,
    path: path!,
    argv,
    env: { ...rc.env },
    workdir: rc.workdir,
    log,
  });
  if (pid === undefined) {
    containerExited(ctx, pod, name, 128, 0, 'StartError', 'fork failed');
    return;
  }
  recordEvent(ctx, pod.name, {
    type: 'Normal',
    reason: 'Started',
    from: 'kubelet',
    message: `Started container ${name}`,
  });
}

/** The runc step for `name` has finished: the container runs (or failed to start). */
function runcDone(ctx: Ctx, name: string, status: number): void {
  const pod = loadPod(ctx, ctx.state.pod);
  if (!pod) return;
  const st = loadStatus(ctx, pod.name);
  const id =
    name === ''
      ? ctx.state.sandboxId
      : (st?.containers.find((c) => c.name === name)?.containerId ?? '');
  const text = ctx.fs.readFile(pidFile(id));
  const pid = isErrno(text) ? 0 : Number(text.trim());
  if (!wifexited(status) || wexitstatus(status) !== 0 || pid <= 0) {
    const err = ctx.fs.readFile(`${TASK_DIR}/${id}/error`);
    const msg = isErrno(err) ? 'failed to start' : err;
    removeTree(ctx, `${TASK_DIR}/${id}`);
    if (name === '') {
      stopSandbox(ctx);
      return;
    }
    if (
      pod.manifest.spec.shareProcessNamespace &&
      /ENOMEM|cannot join/.test(msg) &&
      !ctx.state.stopping &&
      pod.deletionTimestamp === null
    ) {
      // The sandbox's namespace is dying (its /pause was killed; the containers are reaped
      // before /pause is): no start happened, so no restart counts; the sandbox is re-created.
      setContainer(ctx, name, (c) => {
        c.restartCount = Math.max(0, c.restartCount - 1);
        c.state = 'terminated';
        c.terminated = c.last;
        c.reason = c.last?.reason ?? 'Error';
      });
      if (!ctx.state.recreating) sandboxDied(ctx);
      return;
    }
    containerExited(ctx, pod, name, 128, 0, 'StartError', msg);
    return;
  }
  ctx.state.inits[String(pid)] = name;
  if (name === '') {
    ctx.state.pausePid = pid;
    updateStatus(ctx, pod.name, (s) => {
      s.sandbox = 'ready';
      s.pausePid = pid;
      if (s.startTime < 0) s.startTime = ctx.now;
    });
    // The sandbox is up: start the app containers, in the order of the spec (after a
    // re-created sandbox each container that ran before counts a restart).
    if (pod.deletionTimestamp === null)
      for (const c of pod.containers) {
        if (st?.containers.find((x) => x.name === c.name)?.containerId)
          setContainer(ctx, c.name, (x) => {
            x.restartCount++;
          });
        startContainer(ctx, pod, c.name);
      }
    return;
  }
  setContainer(ctx, name, (c) => {
    c.state = 'running';
    c.reason = '';
    c.pid = pid;
    c.startedAt = ctx.now;
    c.terminated = null;
  });
}

/** A container's main process is gone: record it and apply the pod's restartPolicy. */
function containerExited(
  ctx: Ctx,
  pod: PodObject,
  name: string,
  exitCode: number,
  signal: number,
  reason: string,
  message: string,
): void {
  let restartIn = -1;
  updateStatus(ctx, pod.name, (st) => {
    const c = st.containers.find((x) => x.name === name);
    if (!c) return;
    const info = terminated(c, ctx.now, exitCode, signal, reason, message);
    c.pid = 0;
    c.state = 'terminated';
    c.reason = reason;
    c.message = message;
    c.terminated = info;
    const policy = pod.manifest.spec.restartPolicy;
    if (ctx.state.recreating) {
      c.last = info; // restarted with the new sandbox
      return;
    }
    const restart =
      pod.deletionTimestamp === null &&
      (policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0));
    if (!restart) return;
    // client-go flowcontrol.Backoff.IsInBackOffSince(key, finishedAt): a container that
    // ends within the current back-off of its last (re)start waits for the rest of it.
    const since = ctx.now - c.backoffUpdate;
    const expired = since > 2 * BACKOFF_MAX_S * 1_000_000;
    const inBackOff = c.backoff > 0 && !expired && since < c.backoff * 1_000_000;
    restartIn = inBackOff ? (c.backoffUpdate + c.backoff * 1_000_000 - ctx.now) / 1_000_000 : 0;
    c.last = info;
    if (restartIn > 0) {
      c.state = 'waiting';
      c.reason = 'CrashLoopBackOff';
      c.message = `back-off ${c.backoff}s restarting failed container=${name} pod=${pod.name}_${pod.namespace}(${pod.uid})`;
      c.restartAt = ctx.now + restartIn * 1_000_000;
    }
  });
  if (restartIn < 0) {
    if (!ctx.state.recreating) maybeTerminal(ctx, pod);
    return;
  }
  if (restartIn > 0) {
    recordEvent(ctx, pod.name, {
      type: 'Warning',
      reason: 'BackOff',
      from: 'kubelet',
      message: `Back-off restarting failed container ${name} in pod ${pod.name}_${pod.namespace}(${pod.uid})`,
    });
  }
  // Even an immediate restart waits for the event loop: a shared namespace dies with /pause,
  // and its containers are reaped before /pause is, which then re-creates the sandbox instead.
  ctx.setTimer(restartIn * 1_000_000, `restart:${name}`);
}

function restart(ctx: Ctx, pod: PodObject, name: string): void {
  setContainer(ctx, name, (c) => {
    c.restartCount++;
    // Backoff.Next: 10 s at first (or once 2 × 5 min passed since the last), then doubled.
    const expired = ctx.now - c.backoffUpdate > 2 * BACKOFF_MAX_S * 1_000_000;
    c.backoff =
      c.backoff === 0 || expired ? BACKOFF_INITIAL_S : Math.min(c.backoff * 2, BACKOFF_MAX_S);
    c.backoffUpdate = ctx.now;
  });
  startContainer(ctx, pod, name);
}

/** All containers finished for good (Never/OnFailure): the kubelet stops the sandbox. */
function maybeTerminal(ctx: Ctx, pod: PodObject): void {
  if (pod.deletionTimestamp !== null) return;
  const st = loadStatus(ctx, pod.name);
  if (!st || !st.containers.every((c) => c.state === 'terminated')) return;
  stopSandbox(ctx);
}

function stopSandbox(ctx: Ctx): void {
  ctx.state.stopping = true;
  if (ctx.state.pausePid > 0) ctx.kill(ctx.state.pausePid, SIGKILL);
}

/**
 * /pause died while the pod should run (someone killed it): the kubelet sees the sandbox gone
 * ("SandboxChanged"), kills the pod's containers and creates the sandbox again, then restarts
 * every container in it (kuberuntime computePodActions: KillPod + CreateSandbox). The model
 * keeps the same shim and kills at once instead of with the grace period.
 */
function sandboxDied(ctx: Ctx): void {
  const pod = loadPod(ctx, ctx.state.pod);
  if (ctx.state.stopping || !pod || pod.deletionTimestamp !== null) return;
  ctx.state.recreating = true;
  updateStatus(ctx, pod.name, (s) => {
    s.sandbox = 'starting';
  });
  recordEvent(ctx, pod.name, {
    type: 'Normal',
    reason: 'SandboxChanged',
    from: 'kubelet',
    message: 'Pod sandbox changed, it will be killed and re-created.',
  });
  for (const pid of Object.keys(ctx.state.inits)) ctx.kill(Number(pid), SIGKILL);
}

function reap(ctx: Ctx): void {
  for (;;) {
    const r = ctx.wait(-1, WNOHANG);
    if (isErrno(r) || 'blocked' in r || r.pid <= 0) break;
    const key = String(r.pid);
    const helper = ctx.state.helpers[key];
    if (helper !== undefined) {
      delete ctx.state.helpers[key];
      runcDone(ctx, helper, r.status);
      continue;
    }
    const name = ctx.state.inits[key];
    if (name === undefined) continue; // an adopted orphan (there are none with pause as init)
    delete ctx.state.inits[key];
    // containerd deletes the task: its runtime directory goes.
    const st = loadStatus(ctx, ctx.state.pod);
    const id =
      name === '' ? ctx.state.sandboxId : st?.containers.find((c) => c.name === name)?.containerId;
    if (id) removeTree(ctx, `${TASK_DIR}/${id}`);
    if (name === '') {
      ctx.state.pausePid = 0;
      updateStatus(ctx, ctx.state.pod, (s) => {
        s.pausePid = 0;
      });
      if (!ctx.state.recreating) sandboxDied(ctx);
      continue;
    }
    const pod = loadPod(ctx, ctx.state.pod);
    if (!pod) continue;
    const code = wifexited(r.status)
      ? wexitstatus(r.status)
      : wifsignaled(r.status)
        ? 128 + wtermsig(r.status)
        : 1;
    const sig = wifsignaled(r.status) ? wtermsig(r.status) : 0;
    containerExited(ctx, pod, name, code, sig, code === 0 ? 'Completed' : 'Error', '');
  }
  if (
    ctx.state.pausePid === 0 &&
    Object.keys(ctx.state.helpers).length === 0 &&
    Object.keys(ctx.state.inits).length === 0
  ) {
    if (ctx.state.recreating) {
      ctx.state.recreating = false;
      if (startPause(ctx) !== undefined) return;
    }
    // Every task of the sandbox is gone: containerd shuts the shim down.
    updateStatus(ctx, ctx.state.pod, (s) => {
      s.sandbox = 'stopped';
      s.shimPid = 0;
    });
    ctx.exit(0);
  }
}

function shimStart(ctx: Ctx): void {
  if (ctx.state?.role === 'runc') {
    runcStep(ctx);
    return;
  }
  if (ctx.state?.role === 'init') {
    initStart(ctx);
    return;
  }
  const i = ctx.argv.indexOf('-id');
  const id = i >= 0 ? (ctx.argv[i + 1] ?? '') : '';
  const pod = listPods(ctx).find((p) => p.sandboxId === id);
  if (!pod) {
    ctx.write(2, `containerd-shim-runc-v2: no such sandbox ${id}\n`);
    ctx.exit(1);
    return;
  }
  ctx.state = blank(pod.name, id);
  ctx.setsid();
  ctx.setChildSubreaper(true);
  const nul = ctx.open('/dev/null', 'w');
  if (!isErrno(nul)) {
    for (const fd of [0, 1, 2]) ctx.dup2(nul, fd);
    if (nul > 2) ctx.close(nul);
  }
  ctx.sigaction(SIGCHLD, 'handler');
  updateStatus(ctx, pod.name, (s) => {
    s.shimPid = ctx.getpid();
  });
  mkdirs(ctx, `${TASK_DIR}/${id}`);
  if (startPause(ctx) === undefined) ctx.exit(1);
}

/** RunPodSandbox: the pause container, always in a PID namespace of its own. */
function startPause(ctx: Ctx): number | undefined {
  return startRunc(ctx, {
    container: '',
    containerId: ctx.state.sandboxId,
    shared: false,
    path: '/pause',
    argv: ['/pause'],
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
    workdir: '/',
    log: '/dev/null',
  });
}

/** The Kubernetes half of containerd-shim-runc-v2 (the Docker half is ../docker/shim.ts). */
export const sandboxShim = {
  start: shimStart,
  onSignal(ctx: Ctx, info: SigInfo): void {
    if (ctx.state.role === 'shim' && info.sig === SIGCHLD) reap(ctx);
  },
  onTimer(ctx: Ctx, tag: string): void {
    if (ctx.state.role !== 'shim' || !tag.startsWith('restart:')) return;
    const name = tag.slice('restart:'.length);
    const pod = loadPod(ctx, ctx.state.pod);
    if (!pod || pod.deletionTimestamp !== null) return;
    if (ctx.state.recreating || ctx.state.pausePid === 0) return; // the new sandbox starts it
    const c = loadStatus(ctx, pod.name)?.containers.find((x) => x.name === name);
    if (!c || c.state === 'running' || c.reason === 'ContainerCreating') return; // started meanwhile
    restart(ctx, pod, name);
  },
} satisfies Omit<Program<SandboxShimState>, 'name'>;
