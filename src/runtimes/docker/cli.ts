/**
 * The `docker` CLI, which here is also the daemon's API: it reads and writes the engine's state
 * in /var/lib/docker (see store.ts) and starts the processes the daemon would start.
 * Subcommands: run, ps (--format: template.ts), stop, kill, wait, logs, inspect, rm, exec, top,
 * build, images.
 *
 * Deviations (documented in the report): dockerd/containerd are started on the first docker
 * command (as socket activation would) through a double fork, so they are children of the host
 * init; the shim is started by the CLI through a double fork too (the real shim v2 also
 * daemonizes and ends up under the host init); `docker exec` processes are children of the CLI
 * on the host (setns'd, PPID 0 inside) instead of the shim; an attached container writes
 * directly to the terminal (no log for it); the CLI polls state.json every 100 ms.
 */
import {
  SIGKILL,
  SIGTERM,
  isErrno,
  parseSignal,
  wexitstatus,
  wifexited,
  wifsignaled,
  wtermsig,
} from '../../kernel-sim/index.ts';
import type { Program, ProgramContext, SigInfo, WakeEvent } from '../../kernel-sim/index.ts';
import {
  goTime,
  humanDuration,
  isoTime,
  psCommand,
  renderTemplate,
  stime,
  table,
} from './format.ts';
import { TemplateError, executeTemplate, parseTemplate, tabwrite } from './template.ts';
import type { TemplateData } from './template.ts';
import {
  commandForm,
  execForm,
  imageFile,
  normalizeImageName,
  parseDockerfile,
  parseEnv,
  processArgs,
} from './images.ts';
import type { ImageConfig } from './images.ts';
import { DOCKER_INIT_PATH, SHIM_PATH, notFoundText, shimArgv } from './shim.ts';
import {
  CONTAINERD_PID_FILE,
  DOCKERD_PID_FILE,
  IMAGES_DIR,
  configFile,
  containerDir,
  daemonRunning,
  detachStdio,
  findContainer,
  findImage,
  generateName,
  listContainers,
  listImages,
  loadContainer,
  logFile,
  lookPath,
  mkdirs,
  randomHex,
  removeContainerDir,
  stateFile,
  writeText,
} from './store.ts';
import type { Container, ContainerConfig, PidMode } from './store.ts';

const POLL = 100_000;
const START_POLL = 1_000;

type Phase = '' | 'daemons' | 'helper' | 'starting' | 'attached' | 'stopping' | 'waiting' | 'exec';

interface DockerState {
  role: 'cli' | 'helper' | 'shim-exec' | 'daemon-helper' | 'daemon-exec' | 'exec-child';
  phase: Phase;
  args: string[];
  id: string;
  child: number;
  polls: number;
  // run
  detached: boolean;
  autoRemove: boolean;
  // stop / wait
  targets: string[];
  index: number;
  sig: number;
  timeout: number | null;
  deadline: number;
  killed: boolean;
  exitCode: number;
  // exec child / daemon exec
  path: string;
  argv: string[];
  env: Record<string, string>;
  workdir: string;
  interactive: boolean;
}

type Ctx = ProgramContext<DockerState>;

const fresh = (args: string[]): DockerState => ({
  role: 'cli',
  phase: '',
  args,
  id: '',
  child: 0,
  polls: 0,
  detached: false,
  autoRemove: false,
  targets: [],
  index: 0,
  sig: SIGTERM,
  timeout: null,
  deadline: 0,
  killed: false,
  exitCode: 0,
  path: '',
  argv: [],
  env: {},
  workdir: '/',
  interactive: false,
});

const out = (ctx: Ctx, text: string): void => {
  if (text !== '') ctx.write(1, text);
};
const err = (ctx: Ctx, text: string): void => {
  if (text !== '') ctx.write(2, text);
};
function fail(ctx: Ctx, text: string, code: number): void {
  err(ctx, text);
  ctx.exit(code);
}

// ------------------------------------------------------------------ option parsing

interface Parsed {
  flags: Map<string, string[]>;
  operands: string[];
  error?: string;
}

/**
 * Docker's (pflag) parsing: `--name=x`, `--name x`, `-it`, `-t2`; options stop at the first
 * operand when `interspersed` is false (run/exec: what follows the image is the command).
 */
function parseFlags(
  args: readonly string[],
  spec: Readonly<Record<string, { value: boolean; alias?: string }>>,
  interspersed: boolean,
): Parsed {
  const flags = new Map<string, string[]>();
  const operands: string[] = [];
  const add = (k: string, v: string): void => {
    const key = spec[k]?.alias ?? k;
    flags.set(key, [...(flags.get(key) ?? []), v]);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const s = spec[name];
      if (!s) return { flags, operands, error: `unknown flag: --${name}` };
      if (s.value) {
        if (eq >= 0) add(name, a.slice(eq + 1));
        else if (i + 1 < args.length) add(name, args[++i]!);
        else return { flags, operands, error: `flag needs an argument: --${name}` };
      } else add(name, eq >= 0 ? a.slice(eq + 1) : 'true');
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const ch = a[j]!;
        const s = spec[ch];
        if (!s) return { flags, operands, error: `unknown shorthand flag: '${ch}' in ${a}` };
        if (s.value) {
          const rest = a.slice(j + 1).replace(/^=/, '');
          if (rest !== '') add(ch, rest);
          else if (i + 1 < args.length) add(ch, args[++i]!);
          else return { flags, operands, error: `flag needs an argument: '${ch}' in -${ch}` };
          break;
        }
        add(ch, 'true');
      }
      continue;
    }
    operands.push(a);
    if (!interspersed) {
      operands.push(...args.slice(i + 1));
      break;
    }
  }
  return { flags, operands };
}

const last = (p: Parsed, k: string): string | undefined => p.flags.get(k)?.at(-1);
const isOn = (p: Parsed, k: string): boolean => {
  const v = last(p, k);
  return v !== undefined && v !== 'false';
};

function usageError(ctx: Ctx, sub: string, error: string, code = 125): void {
  fail(ctx, `${sub === 'run' ? 'docker: ' : ''}${error}\nSee 'docker ${sub} --help'.\n`, code);
}

// ------------------------------------------------------------------ daemons

function daemonHelper(ctx: Ctx): void {
  mkdirs(ctx, '/run/containerd');
  const start = (path: string, argv: readonly string[], pidFile: string): void => {
    const pid = ctx.fork({
      program: 'docker',
      state: { ...fresh([]), role: 'daemon-exec', path, argv: [...argv] },
    });
    writeText(ctx, pidFile, `${isErrno(pid) ? 0 : pid}\n`);
  };
  // dockerd and the kubelet share one containerd on a node: start it only if none runs.
  if (!daemonRunning(ctx, CONTAINERD_PID_FILE, 'containerd'))
    start('/usr/bin/containerd', ['/usr/bin/containerd'], CONTAINERD_PID_FILE);
  start(
    '/usr/bin/dockerd',
    ['/usr/bin/dockerd', '-H', 'fd://', '--containerd=/run/containerd/containerd.sock'],
    DOCKERD_PID_FILE,
  );
  ctx.exit(0);
}

// ------------------------------------------------------------------ the program

export const docker: Program<DockerState> = {
  name: 'docker',
  start(ctx) {
    const role = ctx.state?.role;
    if (role === 'daemon-helper') {
      daemonHelper(ctx);
      return;
    }
    if (role === 'daemon-exec') {
      detachStdio(ctx);
      if (ctx.exec(ctx.state.path, ctx.state.argv) !== 0) ctx.exit(1);
      return;
    }
    if (role === 'helper') {
      // The double fork: the shim's parent exits, so the shim is re-parented to the host init.
      const pid = ctx.fork({ program: 'docker', state: { ...ctx.state, role: 'shim-exec' } });
      ctx.exit(isErrno(pid) ? 1 : 0);
      return;
    }
    if (role === 'shim-exec') {
      if (ctx.exec(SHIM_PATH, shimArgv(ctx.state.id)) !== 0) {
        err(
          ctx,
          `docker: Error response from daemon: failed to start shim: ${SHIM_PATH}: not found.\n`,
        );
        ctx.exit(1);
      }
      return;
    }
    if (role === 'exec-child') {
      execChild(ctx);
      return;
    }
    ctx.state = fresh(ctx.argv.slice(1));
    if (!daemonRunning(ctx, DOCKERD_PID_FILE, 'dockerd')) {
      const pid = ctx.fork({ program: 'docker', state: { ...fresh([]), role: 'daemon-helper' } });
      if (isErrno(pid)) {
        fail(
          ctx,
          'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
          1,
        );
        return;
      }
      ctx.state.phase = 'daemons';
      ctx.state.child = pid;
      waitChild(ctx);
      return;
    }
    main(ctx);
  },
  resume(ctx, wake: WakeEvent) {
    const s = ctx.state;
    if (wake.call === 'wait') {
      const r = wake.result;
      if (r === 'EINTR') {
        waitChild(ctx);
        return;
      }
      if (s.phase === 'daemons') {
        s.phase = '';
        main(ctx);
      } else if (s.phase === 'helper') startPoll(ctx);
      else if (s.phase === 'exec') {
        if (isErrno(r)) ctx.exit(1);
        else if (wifexited(r.status)) ctx.exit(wexitstatus(r.status));
        else if (wifsignaled(r.status)) ctx.exit(128 + wtermsig(r.status));
        else ctx.exit(1);
      }
      return;
    }
    if (wake.call === 'sleep') {
      if (s.phase === 'starting') startPoll(ctx);
      else if (s.phase === 'attached') attachedPoll(ctx);
      else if (s.phase === 'stopping') stopPoll(ctx);
      else if (s.phase === 'waiting') waitPoll(ctx);
    }
  },
  onSignal(ctx, info: SigInfo) {
    // --sig-proxy: what the CLI receives goes to the container's PID 1.
    const s = ctx.state;
    if (s.phase !== 'attached' && s.phase !== 'starting') return;
    const c = loadContainer(ctx, s.id);
    if (c?.state.Running && c.state.Pid > 0) ctx.kill(c.state.Pid, info.sig);
  },
};

function waitChild(ctx: Ctx): void {
  const r = ctx.wait(ctx.state.child, 0);
  if ('blocked' in (r as object)) return;
  docker.resume!(ctx, { call: 'wait', result: r as never });
}

function main(ctx: Ctx): void {
  const [sub, ...rest] = ctx.state.args;
  switch (sub) {
    case undefined:
    case '--help':
      out(ctx, USAGE);
      ctx.exit(sub === undefined ? 0 : 0);
      return;
    case 'run':
    case 'container':
      if (sub === 'container' && rest[0] === 'run') run(ctx, rest.slice(1));
      else if (sub === 'container') {
        ctx.state.args = rest;
        main(ctx);
      } else run(ctx, rest);
      return;
    case 'ps':
      ps(ctx, rest);
      return;
    case 'stop':
    case 'kill':
      stopOrKill(ctx, sub, rest);
      return;
    case 'wait':
      waitCmd(ctx, rest);
      return;
    case 'logs':
      logs(ctx, rest);
      return;
    case 'inspect':
      inspect(ctx, rest);
      return;
    case 'rm':
      rm(ctx, rest);
      return;
    case 'exec':
      execCmd(ctx, rest);
      return;
    case 'top':
      top(ctx, rest);
      return;
    case 'build':
      build(ctx, rest);
      return;
    case 'images':
      images(ctx);
      return;
    case 'version':
    case '--version':
      out(ctx, 'Docker version 24.0.7 (PID 1 Lab model)\n');
      ctx.exit(0);
      return;
    default:
      fail(ctx, `docker: '${sub}' is not a docker command.\nSee 'docker --help'\n`, 1);
  }
}

const USAGE =
  '\nUsage:  docker [OPTIONS] COMMAND\n\nCommands (PID 1 Lab model):\n  run, ps, stop, kill, wait, logs, inspect, rm, exec, top, build, images\n';

// ------------------------------------------------------------------ run

const RUN_FLAGS = {
  d: { value: false, alias: 'detach' },
  detach: { value: false },
  i: { value: false, alias: 'interactive' },
  interactive: { value: false },
  t: { value: false, alias: 'tty' },
  tty: { value: false },
  rm: { value: false },
  name: { value: true },
  init: { value: false },
  'stop-timeout': { value: true },
  'stop-signal': { value: true },
  pid: { value: true },
  entrypoint: { value: true },
  e: { value: true, alias: 'env' },
  env: { value: true },
  w: { value: true, alias: 'workdir' },
  workdir: { value: true },
  'sig-proxy': { value: false },
  u: { value: true, alias: 'user' },
  user: { value: true },
  p: { value: true, alias: 'publish' },
  publish: { value: true },
  v: { value: true, alias: 'volume' },
  volume: { value: true },
} as const;

function run(ctx: Ctx, args: string[]): void {
  const p = parseFlags(args, RUN_FLAGS, false);
  if (p.error) {
    usageError(ctx, 'run', p.error);
    return;
  }
  const [imageRef, ...cmd] = p.operands;
  if (imageRef === undefined) {
    usageError(ctx, 'run', '"docker run" requires at least 1 argument.');
    return;
  }
  const image = findImage(ctx, imageRef);
  if (!image) {
    const full = normalizeImageName(imageRef);
    const repo = full.slice(0, full.lastIndexOf(':'));
    err(ctx, `Unable to find image '${full}' locally\n`);
    usageError(
      ctx,
      'run',
      `Error response from daemon: pull access denied for ${repo}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied.`,
    );
    return;
  }
  const entrypoint = last(p, 'entrypoint');
  const procArgs = processArgs(image, cmd, entrypoint);
  if (procArgs.length === 0) {
    usageError(ctx, 'run', 'Error response from daemon: no command specified.');
    return;
  }
  let name = last(p, 'name');
  if (name !== undefined) {
    const used = listContainers(ctx).find((c) => c.config.name === name);
    if (used) {
      usageError(
        ctx,
        'run',
        `Error response from daemon: Conflict. The container name "/${name}" is already in use by container "${used.config.id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
      return;
    }
  } else name = generateName(ctx);
  const pidText = last(p, 'pid');
  let pidMode: PidMode = { kind: 'private' };
  if (pidText === 'host') pidMode = { kind: 'host' };
  else if (pidText?.startsWith('container:')) {
    const target = findContainer(ctx, pidText.slice('container:'.length));
    if (!target) {
      usageError(ctx, 'run', `Error response from daemon: No such container: ${pidText.slice(10)}`);
      return;
    }
    pidMode = { kind: 'container', id: target.config.id };
  } else if (pidText !== undefined && pidText !== '') {
    usageError(ctx, 'run', `Error response from daemon: invalid PID mode: ${pidText}`);
    return;
  }
  const stopTimeoutText = last(p, 'stop-timeout');
  if (stopTimeoutText !== undefined && !/^-?\d+$/.test(stopTimeoutText)) {
    usageError(
      ctx,
      'run',
      `invalid argument "${stopTimeoutText}" for "--stop-timeout" flag: strconv.ParseInt: parsing "${stopTimeoutText}": invalid syntax`,
    );
    return;
  }
  const stopSignal = last(p, 'stop-signal') ?? image.stopSignal ?? 'SIGTERM';
  if (parseSignal(stopSignal) === undefined) {
    usageError(ctx, 'run', `Error response from daemon: Invalid signal: ${stopSignal}`);
    return;
  }
  const env: Record<string, string> = { ...image.env, HOSTNAME: '' };
  for (const e of p.flags.get('env') ?? []) {
    const eq = e.indexOf('=');
    if (eq > 0) env[e.slice(0, eq)] = e.slice(eq + 1);
    else if (ctx.env[e] !== undefined) env[e] = ctx.env[e];
  }
  if (isOn(p, 'tty')) env.TERM = 'xterm';
  const id = randomHex(ctx);
  env.HOSTNAME = id.slice(0, 12);
  const detached = isOn(p, 'detach');
  const config: ContainerConfig = {
    id,
    name,
    image: image.name === normalizeImageName(imageRef) ? imageRef : image.name,
    imageId: image.id,
    args: procArgs,
    execPath: procArgs[0]!,
    execArgv: procArgs,
    entrypoint:
      entrypoint !== undefined ? (entrypoint === '' ? null : [entrypoint]) : image.entrypoint,
    cmd: cmd.length > 0 ? cmd : entrypoint !== undefined ? null : image.cmd,
    env,
    workdir: last(p, 'workdir') ?? image.workdir,
    shell: image.shell,
    stopSignal,
    stopTimeout: stopTimeoutText === undefined ? null : Number(stopTimeoutText),
    init: isOn(p, 'init') && pidMode.kind === 'private',
    pidMode,
    tty: isOn(p, 'tty'),
    interactive: isOn(p, 'interactive'),
    detached,
    autoRemove: isOn(p, 'rm'),
    created: ctx.now,
  };
  mkdirs(ctx, containerDir(id));
  writeText(ctx, configFile(id), JSON.stringify(config));
  writeText(
    ctx,
    stateFile(id),
    JSON.stringify({
      Status: 'created',
      Running: false,
      Pid: 0,
      ShimPid: 0,
      ExitCode: 0,
      Error: '',
      StartedAt: 0,
      FinishedAt: 0,
    }),
  );
  writeText(ctx, logFile(id), '');
  const s = ctx.state;
  s.id = id;
  s.detached = detached;
  s.autoRemove = config.autoRemove;
  const pid = ctx.fork({ program: 'docker', state: { ...fresh([]), role: 'helper', id } });
  if (isErrno(pid)) {
    fail(ctx, `docker: Error response from daemon: fork: ${pid}.\n`, 125);
    return;
  }
  // Forward what the terminal sends us (Ctrl-C) to the container (--sig-proxy=true).
  for (const sig of [1, 2, 3, 10, 12, 15]) ctx.sigaction(sig, 'handler');
  s.phase = 'helper';
  s.child = pid;
  waitChild(ctx);
}

function startPoll(ctx: Ctx): void {
  const s = ctx.state;
  s.phase = 'starting';
  const c = loadContainer(ctx, s.id);
  if (!c) {
    fail(ctx, 'docker: Error response from daemon: container vanished.\n', 125);
    return;
  }
  if (c.state.Error !== '') {
    err(ctx, `docker: Error response from daemon: ${c.state.Error}.\n`);
    if (s.autoRemove) removeContainerDir(ctx, s.id);
    ctx.exit(c.state.ExitCode || 126);
    return;
  }
  if (c.state.Status === 'created') {
    if (++s.polls > 1000) {
      fail(ctx, 'docker: Error response from daemon: the container did not start.\n', 125);
      return;
    }
    ctx.sleep(START_POLL);
    return;
  }
  if (s.detached) {
    out(ctx, `${s.id}\n`);
    ctx.exit(0);
    return;
  }
  s.phase = 'attached';
  attachedPoll(ctx);
}

function attachedPoll(ctx: Ctx): void {
  const s = ctx.state;
  const c = loadContainer(ctx, s.id);
  if (!c) {
    ctx.exit(0);
    return;
  }
  if (c.state.Running) {
    ctx.sleep(POLL);
    return;
  }
  if (s.autoRemove) removeContainerDir(ctx, s.id);
  ctx.exit(c.state.ExitCode);
}

// ------------------------------------------------------------------ ps

function status(c: Container, now: number): string {
  const st = c.state;
  if (st.Running) return `Up ${humanDuration(now - st.StartedAt)}`;
  if (st.Status === 'exited')
    return `Exited (${st.ExitCode}) ${humanDuration(now - st.FinishedAt)} ago`;
  return 'Created';
}

/** formatter.ContainerContext's headers (docker 24 cli/command/formatter/container.go). */
const PS_HEADERS: Readonly<Record<string, string>> = {
  ID: 'CONTAINER ID',
  Names: 'NAMES',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  LocalVolumes: 'LOCAL VOLUMES',
  Networks: 'NETWORKS',
};

/** The raw format (formatter.NewContainerFormat, `--format raw`). */
const PS_RAW_FORMAT = `container_id: {{.ID}}
image: {{.Image}}
command: {{.Command}}
created_at: {{.CreatedAt}}
state: {{- pad .State 1 0}}
status: {{- pad .Status 1 0}}
names: {{.Names}}
labels: {{- pad .Labels 1 0}}
ports: {{- pad .Ports 1 0}}
`;

/**
 * What `docker ps --format` templates see: the methods of formatter.ContainerContext for one
 * container (or, with none, the zero context the CLI checks a template against first). The
 * model has no ports, labels, mounts or networks other than the default bridge; a container's
 * writable layer is empty (0B) on top of its image.
 */
function psTemplateData(ctx: Ctx, c: Container | null, noTrunc: boolean): TemplateData {
  const fields: Record<string, string> = c
    ? {
        ID: noTrunc ? c.config.id : c.config.id.slice(0, 12),
        Names: c.config.name,
        Image: c.config.image,
        Command: psCommand(
          c.config.init ? [DOCKER_INIT_PATH, '--', ...c.config.args] : c.config.args,
          !noTrunc,
        ),
        CreatedAt: goTime(c.config.created),
        RunningFor: `${humanDuration(ctx.now - c.config.created)} ago`,
        Ports: '',
        State: c.state.Status,
        Status: status(c, ctx.now),
        Size: `0B (virtual ${findImage(ctx, c.config.image)?.size ?? '0B'})`,
        Labels: '',
        Mounts: '',
        LocalVolumes: '0',
        Networks: 'bridge',
      }
    : Object.fromEntries(Object.keys(PS_HEADERS).map((k) => [k, '']));
  return {
    typeName: '*formatter.ContainerContext',
    fields,
    methods1: { Label: () => '' },
    json: () =>
      JSON.stringify(
        Object.fromEntries(
          Object.keys(fields)
            .sort()
            .map((k) => [k, fields[k]]),
        ),
      ),
  };
}

/**
 * `docker ps --format`: the template is first checked against an empty context (parse and
 * execute errors end the command, status 1, before anything is listed), then `table` means a
 * header row and Go's tabwriter, `json` is `{{json .}}`, `raw` the raw format; the two-character
 * sequences \t and \n become a tab and a newline (cli/command/formatter/formatter.go).
 */
/**
 * The CLI checks a --format template first, against an empty context, before it lists anything
 * (cli/command/container/list.go buildContainerListOptions); even with --quiet.
 */
function psFormatError(ctx: Ctx, format: string, noTrunc: boolean): string | undefined {
  const t = parseTemplate(format);
  if (t instanceof TemplateError) return `failed to parse template: ${t.message}`;
  const r = executeTemplate(t, psTemplateData(ctx, null, noTrunc));
  return typeof r === 'string' ? undefined : `failed to execute template: ${r.message}`;
}

function psFormatted(ctx: Ctx, format: string, list: readonly Container[], noTrunc: boolean): void {
  const source = format === 'raw' ? PS_RAW_FORMAT : format;
  const isTable = source.startsWith('table');
  const final = (isTable ? source.slice(5) : source === 'json' ? '{{json .}}' : source)
    .replace(/^ +| +$/g, '')
    .replace(/\\[tn]/g, (m) => (m === '\\t' ? '\t' : '\n'));
  const t = parseTemplate(final);
  if (t instanceof TemplateError) {
    fail(ctx, `template parsing error: ${t.message}\n`, 1);
    return;
  }
  let rows = '';
  for (const c of list) {
    const r = executeTemplate(t, psTemplateData(ctx, c, noTrunc));
    if (typeof r !== 'string') {
      fail(ctx, `template parsing error: ${r.message}\n`, 1);
      return;
    }
    rows += `${r}\n`;
  }
  if (!isTable) {
    out(ctx, rows);
    ctx.exit(0);
    return;
  }
  // The header: the same template over the header names, with the header functions (each
  // returns its argument); an error ends the header there, as Go's Execute stops.
  const h = executeTemplate(
    t,
    {
      typeName: 'formatter.SubHeaderContext',
      fields: PS_HEADERS,
      // SubHeaderContext.Label: the last dot-separated part, - and _ as spaces.
      methods1: { Label: (n) => (n.split('.').pop() ?? '').replace(/[-_]/g, ' ') },
      isMap: true,
      json: () => '',
    },
    true,
  );
  out(ctx, tabwrite(`${typeof h === 'string' ? h : h.partial}\n${rows}`));
  ctx.exit(0);
}

function ps(ctx: Ctx, args: string[]): void {
  const p = parseFlags(
    args,
    {
      a: { value: false, alias: 'all' },
      all: { value: false },
      q: { value: false, alias: 'quiet' },
      quiet: { value: false },
      'no-trunc': { value: false },
      format: { value: true },
    },
    true,
  );
  if (p.error) {
    usageError(ctx, 'ps', p.error);
    return;
  }
  const all = isOn(p, 'all');
  const noTrunc = isOn(p, 'no-trunc');
  const format = last(p, 'format') ?? '';
  const quiet = isOn(p, 'quiet');
  if (format !== '' && quiet)
    err(ctx, 'WARNING: Ignoring custom format, because both --format and --quiet are set.\n');
  const list = listContainers(ctx).filter((c) => all || c.state.Running);
  const problem = format === '' ? undefined : psFormatError(ctx, format, noTrunc);
  if (problem !== undefined) {
    fail(ctx, `${problem}\n`, 1);
    return;
  }
  if (format !== '' && format !== 'table' && !quiet) {
    psFormatted(ctx, format, list, noTrunc);
    return;
  }
  if (quiet) {
    out(ctx, list.map((c) => `${noTrunc ? c.config.id : c.config.id.slice(0, 12)}\n`).join(''));
    ctx.exit(0);
    return;
  }
  const rows = [['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES']];
  for (const c of list)
    rows.push([
      noTrunc ? c.config.id : c.config.id.slice(0, 12),
      c.config.image,
      psCommand(
        c.config.init ? [DOCKER_INIT_PATH, '--', ...c.config.args] : c.config.args,
        !noTrunc,
      ),
      `${humanDuration(ctx.now - c.config.created)} ago`,
      status(c, ctx.now),
      '',
      c.config.name,
    ]);
  out(ctx, table(rows));
  ctx.exit(0);
}

// ------------------------------------------------------------------ stop / kill / wait

function stopOrKill(ctx: Ctx, sub: 'stop' | 'kill', args: string[]): void {
  const p = parseFlags(
    args,
    sub === 'stop'
      ? {
          t: { value: true, alias: 'time' },
          time: { value: true },
          timeout: { value: true, alias: 'time' },
          s: { value: true, alias: 'signal' },
          signal: { value: true },
        }
      : { s: { value: true, alias: 'signal' }, signal: { value: true } },
    true,
  );
  if (p.error) {
    usageError(ctx, sub, p.error);
    return;
  }
  if (p.operands.length === 0) {
    usageError(ctx, sub, `"docker ${sub}" requires at least 1 argument.`, 1);
    return;
  }
  const s = ctx.state;
  const sigText = last(p, 'signal');
  if (sigText !== undefined && parseSignal(sigText) === undefined) {
    fail(ctx, `invalid signal: ${sigText}\n`, 1);
    return;
  }
  s.targets = p.operands;
  s.index = 0;
  s.exitCode = 0;
  if (sub === 'kill') {
    const sig = parseSignal(sigText ?? 'KILL')!;
    for (const ref of p.operands) {
      const c = findContainer(ctx, ref);
      if (!c) {
        err(ctx, `Error response from daemon: No such container: ${ref}\n`);
        s.exitCode = 1;
      } else if (!c.state.Running) {
        err(
          ctx,
          `Error response from daemon: cannot kill container: ${ref}: container ${c.config.id} is not running\n`,
        );
        s.exitCode = 1;
      } else {
        ctx.kill(c.state.Pid, sig);
        out(ctx, `${ref}\n`);
      }
    }
    ctx.exit(s.exitCode);
    return;
  }
  const t = last(p, 'time');
  if (t !== undefined && !/^-?\d+$/.test(t)) {
    usageError(
      ctx,
      'stop',
      `invalid argument "${t}" for "-t, --time" flag: strconv.ParseInt: parsing "${t}": invalid syntax`,
      125,
    );
    return;
  }
  s.timeout = t === undefined ? null : Number(t);
  s.sig = sigText === undefined ? 0 : parseSignal(sigText)!;
  s.phase = 'stopping';
  stopNext(ctx);
}

function stopNext(ctx: Ctx): void {
  const s = ctx.state;
  for (; s.index < s.targets.length; s.index++) {
    const ref = s.targets[s.index]!;
    const c = findContainer(ctx, ref);
    if (!c) {
      err(ctx, `Error response from daemon: No such container: ${ref}\n`);
      s.exitCode = 1;
      continue;
    }
    if (!c.state.Running) {
      out(ctx, `${ref}\n`);
      continue;
    }
    s.id = c.config.id;
    const sig = s.sig || parseSignal(c.config.stopSignal) || SIGTERM;
    const timeout = s.timeout ?? c.config.stopTimeout ?? 10;
    s.killed = false;
    // If the stop signal cannot be sent, the daemon waits only 2 s before killing.
    const sent = ctx.kill(c.state.Pid, sig);
    const wait = sent === 0 ? timeout : Math.min(timeout < 0 ? 2 : timeout, 2);
    s.deadline = wait < 0 ? -1 : ctx.now + wait * 1_000_000;
    stopPoll(ctx);
    return;
  }
  ctx.exit(s.exitCode);
}

function stopPoll(ctx: Ctx): void {
  const s = ctx.state;
  const c = loadContainer(ctx, s.id);
  if (!c || !c.state.Running) {
    out(ctx, `${s.targets[s.index]!}\n`);
    s.index++;
    stopNext(ctx);
    return;
  }
  if (!s.killed && s.deadline >= 0 && ctx.now >= s.deadline) {
    s.killed = true;
    ctx.kill(c.state.Pid, SIGKILL);
  }
  const left = s.killed || s.deadline < 0 ? POLL : Math.min(POLL, s.deadline - ctx.now);
  ctx.sleep(Math.max(left, 1));
}

function waitCmd(ctx: Ctx, args: string[]): void {
  if (args.length === 0) {
    usageError(ctx, 'wait', '"docker wait" requires at least 1 argument.', 1);
    return;
  }
  const s = ctx.state;
  s.targets = args;
  s.index = 0;
  s.phase = 'waiting';
  waitPoll(ctx);
}

function waitPoll(ctx: Ctx): void {
  const s = ctx.state;
  for (; s.index < s.targets.length; s.index++) {
    const ref = s.targets[s.index]!;
    const c = findContainer(ctx, ref);
    if (!c) {
      err(ctx, `Error response from daemon: No such container: ${ref}\n`);
      s.exitCode = 1;
      continue;
    }
    if (c.state.Running) {
      ctx.sleep(POLL);
      return;
    }
    out(ctx, `${c.state.ExitCode}\n`);
  }
  ctx.exit(s.exitCode);
}

// ------------------------------------------------------------------ logs / inspect / rm

function logs(ctx: Ctx, args: string[]): void {
  const p = parseFlags(
    args,
    {
      f: { value: false },
      follow: { value: false },
      tail: { value: true },
      n: { value: true, alias: 'tail' },
    },
    true,
  );
  const ref = p.operands[0];
  if (p.error || ref === undefined) {
    usageError(ctx, 'logs', p.error ?? '"docker logs" requires exactly 1 argument.', 1);
    return;
  }
  const c = findContainer(ctx, ref);
  if (!c) {
    fail(ctx, `Error response from daemon: No such container: ${ref}\n`, 1);
    return;
  }
  const text = ctx.fs.readFile(logFile(c.config.id));
  let body = isErrno(text) ? '' : text;
  const tail = last(p, 'tail');
  if (tail !== undefined && /^\d+$/.test(tail)) {
    const lines = body.split('\n');
    if (lines.at(-1) === '') lines.pop();
    body = lines
      .slice(Math.max(0, lines.length - Number(tail)))
      .map((l) => `${l}\n`)
      .join('');
  }
  out(ctx, body);
  ctx.exit(0);
}

export function inspectObject(c: Container): Record<string, unknown> {
  const cfg = c.config;
  const st = c.state;
  const args = cfg.init ? [DOCKER_INIT_PATH, '--', ...cfg.args] : cfg.args;
  return {
    Id: cfg.id,
    Created: isoTime(cfg.created),
    Path: args[0],
    Args: args.slice(1),
    State: {
      Status: st.Status,
      Running: st.Running,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: st.Pid,
      ExitCode: st.ExitCode,
      Error: st.Error,
      StartedAt:
        st.StartedAt || st.Status !== 'created' ? isoTime(st.StartedAt) : '0001-01-01T00:00:00Z',
      FinishedAt: st.Status === 'exited' ? isoTime(st.FinishedAt) : '0001-01-01T00:00:00Z',
    },
    Image: `sha256:${cfg.imageId}`,
    LogPath: logFile(cfg.id),
    Name: `/${cfg.name}`,
    // No --restart policy is modelled: the engine never restarts a container.
    RestartCount: 0,
    HostConfig: {
      AutoRemove: cfg.autoRemove,
      Init: cfg.init,
      PidMode:
        cfg.pidMode.kind === 'private'
          ? ''
          : cfg.pidMode.kind === 'host'
            ? 'host'
            : `container:${cfg.pidMode.id}`,
    },
    Config: {
      Hostname: cfg.id.slice(0, 12),
      Tty: cfg.tty,
      OpenStdin: cfg.interactive,
      Env: Object.entries(cfg.env).map(([k, v]) => `${k}=${v}`),
      Cmd: cfg.cmd,
      Image: cfg.image,
      WorkingDir: cfg.workdir === '/' ? '' : cfg.workdir,
      Entrypoint: cfg.entrypoint,
      StopSignal: cfg.stopSignal,
      ...(cfg.stopTimeout === null ? {} : { StopTimeout: cfg.stopTimeout }),
    },
  };
}

function inspect(ctx: Ctx, args: string[]): void {
  const p = parseFlags(
    args,
    { f: { value: true, alias: 'format' }, format: { value: true }, type: { value: true } },
    true,
  );
  if (p.error || p.operands.length === 0) {
    usageError(ctx, 'inspect', p.error ?? '"docker inspect" requires at least 1 argument.', 1);
    return;
  }
  const fmt = last(p, 'format');
  const objects: Record<string, unknown>[] = [];
  let code = 0;
  const errors: string[] = [];
  for (const ref of p.operands) {
    const c = findContainer(ctx, ref);
    if (c) {
      objects.push(inspectObject(c));
      continue;
    }
    const img = findImage(ctx, ref);
    if (img) objects.push(imageInspect(img));
    else {
      errors.push(`Error: No such object: ${ref}\n`);
      code = 1;
    }
  }
  if (fmt !== undefined) {
    for (const o of objects) {
      const r = renderTemplate(fmt, o);
      if (typeof r !== 'string') {
        errors.push(`${r.error}\n`);
        code = 1;
      } else out(ctx, `${r}\n`);
    }
  } else out(ctx, `${JSON.stringify(objects, null, 4)}\n`);
  for (const e of errors) err(ctx, e);
  ctx.exit(code);
}

function imageInspect(img: ImageConfig): Record<string, unknown> {
  return {
    Id: `sha256:${img.id}`,
    RepoTags: [img.name],
    Created: isoTime(img.created),
    Config: {
      Env: Object.entries(img.env).map(([k, v]) => `${k}=${v}`),
      Cmd: img.cmd,
      Entrypoint: img.entrypoint,
      WorkingDir: img.workdir === '/' ? '' : img.workdir,
      ...(img.stopSignal ? { StopSignal: img.stopSignal } : {}),
    },
  };
}

function rm(ctx: Ctx, args: string[]): void {
  const p = parseFlags(
    args,
    { f: { value: false, alias: 'force' }, force: { value: false }, v: { value: false } },
    true,
  );
  if (p.error || p.operands.length === 0) {
    usageError(ctx, 'rm', p.error ?? '"docker rm" requires at least 1 argument.', 1);
    return;
  }
  let code = 0;
  for (const ref of p.operands) {
    const c = findContainer(ctx, ref);
    if (!c) {
      err(ctx, `Error response from daemon: No such container: ${ref}\n`);
      code = 1;
      continue;
    }
    if (c.state.Running) {
      if (!isOn(p, 'force')) {
        err(
          ctx,
          `Error response from daemon: cannot remove container "/${c.config.name}": container is running: stop the container before removing or force remove\n`,
        );
        code = 1;
        continue;
      }
      ctx.kill(c.state.Pid, SIGKILL);
    }
    removeContainerDir(ctx, c.config.id);
    out(ctx, `${ref}\n`);
  }
  ctx.exit(code);
}

// ------------------------------------------------------------------ exec / top

function execCmd(ctx: Ctx, args: string[]): void {
  const p = parseFlags(
    args,
    {
      i: { value: false, alias: 'interactive' },
      interactive: { value: false },
      t: { value: false, alias: 'tty' },
      tty: { value: false },
      d: { value: false, alias: 'detach' },
      detach: { value: false },
      e: { value: true, alias: 'env' },
      env: { value: true },
      w: { value: true, alias: 'workdir' },
      workdir: { value: true },
      u: { value: true, alias: 'user' },
      user: { value: true },
    },
    false,
  );
  const [ref, ...cmd] = p.operands;
  if (p.error || ref === undefined || cmd.length === 0) {
    usageError(ctx, 'exec', p.error ?? '"docker exec" requires at least 2 arguments.', 1);
    return;
  }
  const c = findContainer(ctx, ref);
  if (!c) {
    fail(ctx, `Error response from daemon: No such container: ${ref}\n`, 1);
    return;
  }
  if (!c.state.Running) {
    fail(ctx, `Error response from daemon: container ${c.config.id} is not running\n`, 1);
    return;
  }
  const env: Record<string, string> = { ...c.config.env };
  for (const e of p.flags.get('env') ?? []) {
    const eq = e.indexOf('=');
    if (eq > 0) env[e.slice(0, eq)] = e.slice(eq + 1);
  }
  const workdir = last(p, 'workdir') ?? c.config.workdir;
  let path = lookPath(ctx, cmd[0]!, env, workdir);
  if (path === undefined) {
    fail(
      ctx,
      `OCI runtime exec failed: exec failed: unable to start container process: ${notFoundText(cmd[0]!)}: unknown\n`,
      127,
    );
    return;
  }
  if (c.config.shell === 'busybox' && ['/bin/sh', '/usr/bin/sh', '/bin/ash'].includes(path))
    path = '/bin/busybox';
  if (c.config.pidMode.kind !== 'host') {
    const r = ctx.setnsPid(c.state.Pid);
    if (r !== 0) {
      fail(ctx, `OCI runtime exec failed: exec failed: setns: ${r}: unknown\n`, 126);
      return;
    }
  }
  ctx.setnsMount(c.state.Pid);
  const pid = ctx.fork({
    program: 'docker',
    state: {
      ...fresh([]),
      role: 'exec-child',
      path,
      argv: cmd,
      env,
      workdir,
      interactive: isOn(p, 'interactive'),
    },
  });
  if (isErrno(pid)) {
    fail(ctx, `OCI runtime exec failed: exec failed: fork: ${pid}: unknown\n`, 126);
    return;
  }
  if (isOn(p, 'detach')) {
    ctx.exit(0);
    return;
  }
  ctx.state.phase = 'exec';
  ctx.state.child = pid;
  waitChild(ctx);
}

function execChild(ctx: Ctx): void {
  const s = ctx.state;
  ctx.chdir(s.workdir);
  if (!s.interactive) {
    const nul = ctx.open('/dev/null', 'r');
    if (!isErrno(nul)) {
      ctx.dup2(nul, 0);
      if (nul > 2) ctx.close(nul);
    }
  }
  if (ctx.exec(s.path, s.argv, s.env) !== 0) {
    err(
      ctx,
      `OCI runtime exec failed: exec failed: unable to start container process: exec: "${s.argv[0] ?? ''}": permission denied: unknown\n`,
    );
    ctx.exit(126);
  }
}

function top(ctx: Ctx, args: string[]): void {
  const ref = args[0];
  if (ref === undefined) {
    usageError(ctx, 'top', '"docker top" requires at least 1 argument.', 1);
    return;
  }
  const c = findContainer(ctx, ref);
  if (!c) {
    fail(ctx, `Error response from daemon: No such container: ${ref}\n`, 1);
    return;
  }
  if (!c.state.Running) {
    fail(ctx, `Error response from daemon: container ${c.config.id} is not running\n`, 1);
    return;
  }
  const host = ctx.proc;
  const hostList = host.list();
  let members: Set<unknown>;
  if (c.config.pidMode.kind === 'private') {
    ctx.setnsMount(c.state.Pid);
    members = new Set(ctx.proc.list().map((e) => e.task));
  } else {
    // Descendants of the container's init on the host.
    const pids = new Set([c.state.Pid]);
    for (let grew = true; grew;) {
      grew = false;
      for (const e of hostList)
        if (!pids.has(e.pid) && pids.has(e.ppid)) {
          pids.add(e.pid);
          grew = true;
        }
    }
    members = new Set(hostList.filter((e) => pids.has(e.pid)).map((e) => e.task));
  }
  const users = new Map<number, string>([[0, 'root']]);
  const rows = [['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']];
  for (const e of hostList.filter((x) => members.has(x.task)).sort((a, b) => a.pid - b.pid))
    rows.push([
      users.get(e.uid) ?? String(e.uid),
      String(e.pid),
      String(e.ppid),
      '0',
      stime(e.startTime),
      e.tty,
      '00:00:00',
      // docker top runs `ps -ef`: a zombie has no cmdline, procps prints "[comm] <defunct>".
      e.state === 'Z'
        ? `[${e.comm}] <defunct>`
        : e.argv.length > 0
          ? e.argv.join(' ')
          : `[${e.comm}]`,
    ]);
  out(ctx, table(rows, 20, 1));
  ctx.exit(0);
}

// ------------------------------------------------------------------ build / images

function build(ctx: Ctx, args: string[]): void {
  const p = parseFlags(
    args,
    {
      t: { value: true, alias: 'tag' },
      tag: { value: true },
      f: { value: true, alias: 'file' },
      file: { value: true },
      q: { value: false },
    },
    true,
  );
  const dir = p.operands[0];
  if (p.error || dir === undefined) {
    usageError(ctx, 'build', p.error ?? '"docker build" requires exactly 1 argument.', 1);
    return;
  }
  const file = last(p, 'file') ?? `${dir.replace(/\/$/, '')}/Dockerfile`;
  const text = ctx.fs.readFile(file);
  if (isErrno(text)) {
    fail(
      ctx,
      `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${ctx.fs.resolve(file)}: no such file or directory\n`,
      1,
    );
    return;
  }
  const steps = parseDockerfile(text);
  if (steps[0]?.keyword !== 'FROM') {
    fail(ctx, 'Error response from daemon: the Dockerfile must begin with a FROM instruction\n', 1);
    return;
  }
  const short = (): string => randomHex(ctx, 12);
  out(ctx, 'Sending build context to Docker daemon  2.048kB\n');
  let img: ImageConfig | undefined;
  let shellPrefix: string[] = ['/bin/sh', '-c'];
  let cmdSet = false;
  const n = steps.length;
  for (let i = 0; i < n; i++) {
    const st = steps[i]!;
    out(ctx, `Step ${i + 1}/${n} : ${st.text}\n`);
    if (st.keyword === 'FROM') {
      const ref = st.args.split(/\s+/)[0] ?? '';
      const base = findImage(ctx, ref);
      if (!base) {
        const full = normalizeImageName(ref);
        fail(
          ctx,
          `pull access denied for ${full.slice(0, full.lastIndexOf(':'))}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied\n`,
          1,
        );
        return;
      }
      img = { ...base };
      cmdSet = false;
      out(ctx, ` ---> ${base.id.slice(0, 12)}\n`);
      continue;
    }
    const cur: ImageConfig = img!;
    let next: ImageConfig = cur;
    switch (st.keyword) {
      case 'CMD':
        next = { ...cur, cmd: commandForm(st.args, shellPrefix) };
        cmdSet = true;
        break;
      case 'ENTRYPOINT':
        next = {
          ...cur,
          entrypoint: commandForm(st.args, shellPrefix),
          cmd: cmdSet ? cur.cmd : null,
        };
        break;
      case 'STOPSIGNAL':
        next = { ...cur, stopSignal: st.args.trim() };
        break;
      case 'ENV':
        next = { ...cur, env: { ...cur.env, ...parseEnv(st.args) } };
        break;
      case 'WORKDIR': {
        const w = st.args.trim();
        next = {
          ...cur,
          workdir: w.startsWith('/') ? w : `${cur.workdir.replace(/\/$/, '')}/${w}`,
        };
        break;
      }
      case 'SHELL':
        shellPrefix = execForm(st.args) ?? shellPrefix;
        break;
      default:
        break;
    }
    img = next;
    const metadata = !['RUN', 'COPY', 'ADD'].includes(st.keyword);
    if (metadata || st.keyword === 'RUN') {
      const tmp = short();
      out(ctx, ` ---> Running in ${tmp}\n`);
      out(ctx, `Removing intermediate container ${tmp}\n`);
    }
    out(ctx, ` ---> ${short()}\n`);
  }
  const id = randomHex(ctx);
  const tag = last(p, 'tag');
  const name = tag === undefined ? `sha256:${id}` : normalizeImageName(tag);
  const result: ImageConfig = { ...img!, id, name, created: ctx.now, size: img!.size };
  out(ctx, `Successfully built ${id.slice(0, 12)}\n`);
  if (tag !== undefined) {
    mkdirs(ctx, IMAGES_DIR);
    writeText(ctx, imageFile(name), JSON.stringify(result));
    out(ctx, `Successfully tagged ${name}\n`);
  }
  ctx.exit(0);
}

function images(ctx: Ctx): void {
  const rows = [['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE']];
  for (const img of listImages(ctx)) {
    const colon = img.name.lastIndexOf(':');
    rows.push([
      img.name.slice(0, colon),
      img.name.slice(colon + 1),
      img.id.slice(0, 12),
      img.created === 0 ? '2 weeks ago' : `${humanDuration(ctx.now - img.created)} ago`,
      img.size,
    ]);
  }
  out(ctx, table(rows));
  ctx.exit(0);
}
