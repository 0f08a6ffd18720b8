/**
 * The host side of a container: the idle daemons (dockerd, containerd) and
 * containerd-shim-runc-v2, which does what runc + the shim do for one container:
 * it becomes a child subreaper in its own session, creates the PID namespace, forks the
 * container's init (which calls setsid(), mounts /proc, changes to WORKDIR, sets up its stdio
 * and execs the process args), records the init's host PID in state.json, reaps every child
 * and finally records the exit code (code, or 128+signal) and Running=false.
 */
import { isErrno, wexitstatus, wifexited, wifsignaled, wtermsig } from '../../kernel-sim/index.ts';
import type { Program, ProgramContext } from '../../kernel-sim/index.ts';
import {
  loadContainer,
  logFile,
  lookPath,
  mkdirs,
  removeContainerDir,
  stateFile,
  writeText,
} from './store.ts';
import type { ContainerState } from './store.ts';

/** An idle daemon: it only waits (the engine's logic lives in the CLI and the shim). */
function idleDaemon(name: string): Program<{ started: boolean }> {
  return {
    name,
    start(ctx) {
      ctx.state = { started: true };
      ctx.pause();
    },
    resume(ctx) {
      ctx.pause();
    },
  };
}

export const containerd = idleDaemon('containerd');
export const dockerd = idleDaemon('dockerd');

export const SHIM_PATH = '/usr/bin/containerd-shim-runc-v2';
export const DOCKER_INIT_PATH = '/sbin/docker-init';

export function shimArgv(id: string): string[] {
  return [
    SHIM_PATH,
    '-namespace',
    'moby',
    '-id',
    id,
    '-address',
    '/run/containerd/containerd.sock',
  ];
}

interface ShimState {
  role: 'shim' | 'init';
  id: string;
  init: number;
  finished: boolean;
  // init only
  path: string;
  argv: string[];
  env: Record<string, string>;
  workdir: string;
  privatePid: boolean;
  detached: boolean;
  interactive: boolean;
}

const BUSYBOX_SHELLS = new Set(['/bin/sh', '/usr/bin/sh', '/bin/ash']);

/** "exec: "foo": executable file not found in $PATH" as runc words it. */
export function notFoundText(name: string): string {
  return name.includes('/')
    ? `exec: "${name}": stat ${name}: no such file or directory`
    : `exec: "${name}": executable file not found in $PATH`;
}

function writeState(
  ctx: ProgramContext<unknown>,
  id: string,
  patch: Partial<ContainerState>,
): void {
  const c = loadContainer(ctx, id);
  if (!c) return;
  writeText(ctx, stateFile(id), JSON.stringify({ ...c.state, ...patch }));
}

function initStart(ctx: ProgramContext<ShimState>): void {
  const s = ctx.state;
  ctx.setsid();
  if (s.privatePid) ctx.mountProc();
  ctx.chdir(s.workdir);
  if (s.detached) {
    const log = ctx.open(logFile(s.id), 'a');
    if (!isErrno(log)) {
      ctx.dup2(log, 1);
      ctx.dup2(log, 2);
      if (log > 2) ctx.close(log);
    }
  }
  if (s.detached || !s.interactive) {
    const nul = ctx.open('/dev/null', 'r');
    if (!isErrno(nul)) {
      ctx.dup2(nul, 0);
      if (nul > 2) ctx.close(nul);
    }
  }
  const r = ctx.exec(s.path, s.argv, s.env);
  if (r !== 0) {
    ctx.write(2, `exec ${s.argv[0] ?? ''}: permission denied\n`);
    ctx.exit(126);
  }
}

function finish(ctx: ProgramContext<ShimState>, status: number): void {
  const s = ctx.state;
  s.finished = true;
  let code = 0;
  if (wifexited(status)) code = wexitstatus(status);
  else if (wifsignaled(status)) code = 128 + wtermsig(status);
  writeState(ctx, s.id, {
    Status: 'exited',
    Running: false,
    Pid: 0,
    ExitCode: code,
    FinishedAt: ctx.now,
  });
  const c = loadContainer(ctx, s.id);
  if (c && c.config.autoRemove && c.config.detached) removeContainerDir(ctx, s.id);
}

function reapLoop(ctx: ProgramContext<ShimState>): void {
  for (;;) {
    const r = ctx.wait(-1, 0);
    if (isErrno(r)) {
      if (r === 'EINTR') continue;
      ctx.exit(0);
      return;
    }
    if ('blocked' in r) return;
    onReaped(ctx, r.pid, r.status);
  }
}

function onReaped(ctx: ProgramContext<ShimState>, pid: number, status: number): void {
  if (pid === ctx.state.init && !ctx.state.finished) finish(ctx, status);
}

function fail(ctx: ProgramContext<ShimState>, id: string, error: string, code: number): void {
  writeState(ctx, id, { Status: 'created', Error: error, ExitCode: code, Running: false });
  ctx.exit(0);
}

export const containerdShim: Program<ShimState> = {
  name: 'containerd-shim-runc-v2',
  start(ctx) {
    if (ctx.state?.role === 'init') {
      initStart(ctx);
      return;
    }
    const i = ctx.argv.indexOf('-id');
    const id = i >= 0 ? (ctx.argv[i + 1] ?? '') : '';
    const c = loadContainer(ctx, id);
    if (!c) {
      ctx.write(2, `containerd-shim-runc-v2: no such container ${id}\n`);
      ctx.exit(1);
      return;
    }
    const cfg = c.config;
    ctx.setsid();
    ctx.setChildSubreaper(true);
    const mode = cfg.pidMode;
    const argv =
      cfg.init && mode.kind === 'private' ? [DOCKER_INIT_PATH, '--', ...cfg.args] : [...cfg.args];
    let path = lookPath(ctx, argv[0] ?? '', cfg.env, cfg.workdir);
    if (path === undefined) {
      fail(
        ctx,
        id,
        `failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${notFoundText(argv[0] ?? '')}: unknown`,
        127,
      );
      return;
    }
    if (cfg.shell === 'busybox' && BUSYBOX_SHELLS.has(path)) path = '/bin/busybox';
    if (mode.kind === 'private') {
      const r = ctx.unsharePid();
      if (r !== 0) {
        fail(ctx, id, `runc create failed: unshare: ${r}`, 126);
        return;
      }
    } else if (mode.kind === 'container') {
      const target = loadContainer(ctx, mode.id);
      if (!target || !target.state.Running) {
        fail(ctx, id, `cannot join PID of a non running container: ${mode.id}`, 126);
        return;
      }
      ctx.setnsMount(target.state.Pid);
      ctx.setnsPid(target.state.Pid);
    }
    mkdirs(ctx, cfg.workdir);
    const state: ShimState = {
      role: 'init',
      id,
      init: 0,
      finished: false,
      path,
      argv,
      env: { ...cfg.env },
      workdir: cfg.workdir,
      privatePid: mode.kind === 'private',
      detached: cfg.detached,
      interactive: cfg.interactive,
    };
    const pid = ctx.fork({ program: 'containerd-shim-runc-v2', state });
    if (isErrno(pid)) {
      fail(ctx, id, `runc create failed: fork: ${pid}`, 126);
      return;
    }
    ctx.state = { ...state, role: 'shim', init: pid, path: '', argv: [], env: {} };
    writeState(ctx, id, {
      Status: 'running',
      Running: true,
      Pid: pid,
      ShimPid: ctx.getpid(),
      StartedAt: ctx.now,
      Error: '',
    });
    // The shim is a daemon: its own stdio goes nowhere.
    const nul = ctx.open('/dev/null', 'w');
    if (!isErrno(nul)) {
      for (const fd of [0, 1, 2]) ctx.dup2(nul, fd);
      if (nul > 2) ctx.close(nul);
    }
    reapLoop(ctx);
  },
  resume(ctx, wake) {
    if (wake.call !== 'wait') return;
    const r = wake.result;
    if (isErrno(r)) {
      if (r !== 'EINTR') {
        ctx.exit(0);
        return;
      }
    } else onReaped(ctx, r.pid, r.status);
    reapLoop(ctx);
  },
};
