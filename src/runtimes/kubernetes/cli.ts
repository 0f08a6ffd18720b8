/**
 * `kubectl` for the lab's single-node cluster. It plays the API server's part on the Pod
 * objects in /var/lib/kubelet/pods (see store.ts); the kubelet (kubelet.ts) and the sandbox
 * shims (shim.ts) do what happens on the node. Subcommands: apply/create -f (file, directory,
 * JSON), run, get pods (-o wide|name, -w), get events, describe pod, logs (-c, -p, -f, --tail),
 * exec (-c, -i, -t), delete (--grace-period, --now, --force, --wait, -f), debug -it (--image,
 * --target, -c), wait (--for=condition=Ready|delete, --timeout), version. Messages and exit
 * codes are kubectl's (staging/src/k8s.io/kubectl/pkg/cmd/*, the API server's status errors).
 *
 * Deviations: the first kubectl command starts containerd and the kubelet (as systemd would at
 * boot) through a double fork, so they are children of the host init; `kubectl exec` and
 * `kubectl debug -it` processes are children of kubectl on the host (setns'd into the
 * container: PPID 0 inside, as for the real ones, whose parent is the shim); kubectl waits by
 * polling the API objects every 100 ms (the real one watches).
 */
import {
  SIGINT,
  SIGQUIT,
  SIGTSTP,
  isErrno,
  wexitstatus,
  wifexited,
  wifsignaled,
  wtermsig,
} from '../../kernel-sim/index.ts';
import type { Program, ProgramContext, WakeEvent } from '../../kernel-sim/index.ts';
import { daemonRunning, detachStdio, mkdirs, randomHex, writeText } from '../docker/store.ts';
import { lookPath } from '../docker/store.ts';
import { humanDuration, rfc1123z, tabwrite } from './format.ts';
import { KUBELET_ARGV, KUBELET_PATH } from './kubelet.ts';
import { decodePod, invalidText } from './pod.ts';
import type { PodManifest } from './pod.ts';
import {
  CONTAINERD_PID_FILE,
  KUBELET_PID_FILE,
  NODE_NAME,
  PODS_DIR,
  containerArgs,
  findPodImage,
  listPods,
  loadEvents,
  loadPod,
  loadStatus,
  logPath,
  newContainerId,
  newUid,
  nextPodIp,
  podDir,
  recordEvent,
  resolveContainer,
  saveStatus,
  savePod,
  updateStatus,
} from './store.ts';
import type { ContainerStatus, PodObject, PodStatus, TerminatedInfo } from './store.ts';
import { YamlError, parseYamlDocuments } from './yaml.ts';

const POLL = 100_000;
export const NODE_IP = '192.168.49.2';
const BUSYBOX_SHELLS = new Set(['/bin/sh', '/usr/bin/sh', '/bin/ash']);

type Phase = '' | 'daemons' | 'deleting' | 'exec' | 'debug' | 'waiting' | 'following' | 'watching';

interface KubectlState {
  role: 'cli' | 'daemon-helper' | 'daemon-exec' | 'exec-child' | 'debug-ns';
  phase: Phase;
  args: string[];
  child: number;
  /** delete/wait: the pods and the deadline (µs, -1: none) */
  targets: string[];
  deadline: number;
  condition: string;
  exitCode: number;
  /** debug: the ephemeral container's pod and name */
  pod: string;
  container: string;
  // exec child
  path: string;
  argv: string[];
  env: Record<string, string>;
  workdir: string;
  interactive: boolean;
  /** -t: the process gets the terminal (no session of its own) */
  tty: boolean;
  detachedLog: string;
  /** logs -f: how much of the log file (path) was printed */
  offset: number;
  /** get -w: what was last printed for each pod, and the remembered column widths */
  watchKeys: Record<string, string>;
  widths: number[];
  wide: boolean;
}

type Ctx = ProgramContext<KubectlState>;

const fresh = (args: string[]): KubectlState => ({
  role: 'cli',
  phase: '',
  args,
  child: 0,
  targets: [],
  deadline: -1,
  condition: '',
  exitCode: 0,
  pod: '',
  container: '',
  path: '',
  argv: [],
  env: {},
  workdir: '/',
  interactive: false,
  tty: false,
  detachedLog: '',
  offset: 0,
  watchKeys: {},
  widths: [],
  wide: false,
});

const out = (ctx: Ctx, text: string): void => {
  if (text !== '') ctx.write(1, text);
};
const err = (ctx: Ctx, text: string): void => {
  if (text !== '') ctx.write(2, text);
};
function fail(ctx: Ctx, text: string, code = 1): void {
  err(ctx, text);
  ctx.exit(code);
}
const notFound = (name: string): string =>
  `Error from server (NotFound): pods "${name}" not found\n`;

// ------------------------------------------------------------------ flags (pflag)

type FlagSpec = Readonly<Record<string, { value: boolean; alias?: string }>>;

interface Parsed {
  flags: Map<string, string>;
  operands: string[];
  /** What came after "--". */
  rest: string[] | null;
  error?: string;
}

/** pflag: `--name=v`, `--name v`, `-c v`, `-it`, bools as `--x` or `--x=false`; "--" ends. */
function parseFlags(args: readonly string[], spec: FlagSpec): Parsed {
  const flags = new Map<string, string>();
  const operands: string[] = [];
  const set = (k: string, v: string): void => {
    flags.set(spec[k]?.alias ?? k, v);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return { flags, operands, rest: args.slice(i + 1) };
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const s = spec[name];
      if (!s) return { flags, operands, rest: null, error: `unknown flag: --${name}` };
      if (s.value) {
        if (eq >= 0) set(name, a.slice(eq + 1));
        else if (i + 1 < args.length) set(name, args[++i]!);
        else return { flags, operands, rest: null, error: `flag needs an argument: --${name}` };
      } else set(name, eq >= 0 ? a.slice(eq + 1) : 'true');
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const ch = a[j]!;
        const s = spec[ch];
        if (!s)
          return { flags, operands, rest: null, error: `unknown shorthand flag: '${ch}' in ${a}` };
        if (s.value) {
          const v = a.slice(j + 1).replace(/^=/, '');
          if (v !== '') set(ch, v);
          else if (i + 1 < args.length) set(ch, args[++i]!);
          else
            return {
              flags,
              operands,
              rest: null,
              error: `flag needs an argument: '${ch}' in -${ch}`,
            };
          break;
        }
        set(ch, 'true');
      }
      continue;
    }
    operands.push(a);
  }
  return { flags, operands, rest: null };
}

const on = (p: Parsed, k: string): boolean => {
  const v = p.flags.get(k);
  return v !== undefined && v !== 'false';
};

const COMMON: FlagSpec = {
  n: { value: true, alias: 'namespace' },
  namespace: { value: true },
};

/** kubectl's usage error: "error: X\nSee 'kubectl sub -h' for help and examples". */
function usage(ctx: Ctx, sub: string, text: string): void {
  fail(ctx, `error: ${text}\nSee 'kubectl ${sub} -h' for help and examples\n`);
}

/** Only the default namespace exists in the lab's cluster. */
function checkNamespace(ctx: Ctx, p: Parsed): boolean {
  const ns = p.flags.get('namespace');
  if (ns === undefined || ns === 'default') return true;
  fail(ctx, `Error from server (NotFound): namespaces "${ns}" not found\n`);
  return false;
}

// ------------------------------------------------------------------ daemons

function daemonHelper(ctx: Ctx): void {
  mkdirs(ctx, '/run/containerd');
  mkdirs(ctx, PODS_DIR);
  const start = (path: string, argv: string[], pidFile: string): void => {
    const pid = ctx.fork({
      program: 'kubectl',
      state: { ...fresh([]), role: 'daemon-exec', path, argv },
    });
    writeText(ctx, pidFile, `${isErrno(pid) ? 0 : pid}\n`);
  };
  if (!daemonRunning(ctx, CONTAINERD_PID_FILE, 'containerd'))
    start('/usr/bin/containerd', ['/usr/bin/containerd'], CONTAINERD_PID_FILE);
  start(KUBELET_PATH, [...KUBELET_ARGV], KUBELET_PID_FILE);
  ctx.exit(0);
}

// ------------------------------------------------------------------ the program

export const kubectl: Program<KubectlState> = {
  name: 'kubectl',
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
    if (role === 'exec-child') {
      execChild(ctx);
      return;
    }
    if (role === 'debug-ns') {
      debugNsInit(ctx);
      return;
    }
    ctx.state = fresh(ctx.argv.slice(1));
    if (!daemonRunning(ctx, KUBELET_PID_FILE, 'kubelet')) {
      const pid = ctx.fork({ program: 'kubectl', state: { ...fresh([]), role: 'daemon-helper' } });
      if (isErrno(pid)) {
        fail(
          ctx,
          'The connection to the server localhost:8080 was refused - did you specify the right host or port?\n',
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
  onSignal() {
    // -t: the keys went to the container (see rawTerminal); nothing to do here.
  },
  resume(ctx, wake: WakeEvent) {
    const s = ctx.state;
    if (wake.call === 'wait') {
      const r = wake.result;
      if (r === 'EINTR') {
        waitChild(ctx);
        return;
      }
      if (s.role === 'debug-ns') {
        ctx.exit(isErrno(r) ? 1 : statusCode(r.status));
        return;
      }
      if (s.phase === 'daemons') {
        s.phase = '';
        main(ctx);
      } else if (s.phase === 'exec') execDone(ctx, isErrno(r) ? 1 : statusCode(r.status));
      else if (s.phase === 'debug') debugDone(ctx, isErrno(r) ? 1 : statusCode(r.status));
      return;
    }
    if (wake.call === 'sleep') {
      if (s.phase === 'deleting') deletePoll(ctx);
      else if (s.phase === 'waiting') waitPoll(ctx);
      else if (s.phase === 'following') followPoll(ctx);
      else if (s.phase === 'watching') watchPoll(ctx);
    }
  },
};

const statusCode = (status: number): number =>
  wifexited(status) ? wexitstatus(status) : wifsignaled(status) ? 128 + wtermsig(status) : 1;

function waitChild(ctx: Ctx): void {
  const r = ctx.wait(ctx.state.child, 0);
  if ('blocked' in (r as object)) return;
  kubectl.resume!(ctx, { call: 'wait', result: r as never });
}

const USAGE = `kubectl controls the Kubernetes cluster manager (PID 1 Lab model: one node, Pods only).

Basic Commands:
  apply, create   Create pods from a file (-f FILE)
  run             Run a pod with one container (--image, --restart, --command, -- ARGS)
  get             Display pods
  describe        Show details of a pod
  delete          Delete pods by name or file

Troubleshooting and Debugging Commands:
  logs            Print the logs for a container in a pod
  exec            Execute a command in a container
  debug           Create an ephemeral debug container in a pod
  wait            Wait for a condition on pods

Usage:
  kubectl [flags] [options]
`;

function main(ctx: Ctx): void {
  const [sub, ...rest] = ctx.state.args;
  switch (sub) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      out(ctx, USAGE);
      ctx.exit(0);
      return;
    case 'apply':
    case 'create':
      apply(ctx, sub, rest);
      return;
    case 'get':
      get(ctx, rest);
      return;
    case 'describe':
      describe(ctx, rest);
      return;
    case 'logs':
      logs(ctx, rest);
      return;
    case 'exec':
      execCmd(ctx, rest);
      return;
    case 'delete':
      deleteCmd(ctx, rest);
      return;
    case 'debug':
      debug(ctx, rest);
      return;
    case 'wait':
      waitCmd(ctx, rest);
      return;
    case 'run':
      runCmd(ctx, rest);
      return;
    case 'version':
      out(
        ctx,
        'Client Version: v1.31.0\nKustomize Version: v5.4.2\nServer Version: v1.31.0 (PID 1 Lab model)\n',
      );
      ctx.exit(0);
      return;
    default:
      fail(
        ctx,
        sub.startsWith('-')
          ? `error: unknown flag: ${sub.split('=')[0]!}\nSee 'kubectl --help' for usage.\n`
          : `error: unknown command "${sub}" for "kubectl"\n`,
      );
  }
}

// ------------------------------------------------------------------ resources

/**
 * `pod x`, `pods x y`, `po x`, `pod/x`: the pod names, or an error as kubectl words it.
 */
function podNames(
  operands: readonly string[],
  verb: 'get' | 'describe' | 'delete' | 'wait' = 'get',
): { names: string[]; all: boolean } | string {
  if (operands.length === 0)
    return verb === 'delete' || verb === 'wait'
      ? "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"
      : `You must specify the type of resource to ${verb}. Use "kubectl api-resources" for a complete list of supported resources.`;
  const names: string[] = [];
  const isPod = (t: string): boolean => ['pod', 'pods', 'po'].includes(t.toLowerCase());
  const first = operands[0]!;
  if (first.includes('/')) {
    for (const o of operands) {
      const [t = '', n = ''] = o.split('/');
      if (!isPod(t)) return `the server doesn't have a resource type "${t}"`;
      if (n === '') return `arguments in resource/name form must have a single resource and name`;
      names.push(n);
    }
    return { names, all: false };
  }
  const other = first.split(',').find((t) => !isPod(t));
  if (other !== undefined) return `the server doesn't have a resource type "${other}"`;
  names.push(...operands.slice(1));
  return { names, all: names.length === 0 };
}

// ------------------------------------------------------------------ apply

type ManifestDocs = { docs: { manifest: PodManifest | undefined; error?: string }[] };

/**
 * -f PATH: a file, or a directory whose .yaml, .yml and .json files are read in name order
 * (kubectl's FileVisitor); errors of one file do not stop the others.
 */
function readManifests(ctx: Ctx, path: string): ManifestDocs | string {
  const st = ctx.fs.stat(path);
  if (isErrno(st)) return `error: the path "${path}" does not exist\n`;
  if (st.type !== 'dir') return readManifest(ctx, path);
  const names = ctx.fs.readdir(path);
  const docs: ManifestDocs['docs'] = [];
  for (const n of isErrno(names) ? [] : names) {
    if (!/\.(ya?ml|json)$/.test(n)) continue;
    const r = readManifest(ctx, `${path.replace(/\/$/, '')}/${n}`);
    if (typeof r === 'string') docs.push({ manifest: undefined, error: r });
    else docs.push(...r.docs);
  }
  if (docs.length === 0) return 'error: no objects passed to apply\n';
  return { docs };
}

function readManifest(ctx: Ctx, file: string): ManifestDocs | string {
  const text = ctx.fs.readFile(file);
  if (isErrno(text)) return `error: the path "${file}" does not exist\n`;
  let docs;
  try {
    // JSON is YAML; a JSON file may span lines, which the YAML subset does not parse.
    docs = text.trimStart().startsWith('{')
      ? [JSON.parse(text) as never]
      : parseYamlDocuments(text);
  } catch (e) {
    if (e instanceof YamlError)
      return `error: error parsing ${file}: error converting YAML to JSON: ${e.message}\n`;
    if (e instanceof SyntaxError) return `error: error parsing ${file}: ${e.message}\n`;
    throw e;
  }
  if (docs.length === 0) return `error: no objects passed to apply\n`;
  return {
    docs: docs.map((d) => {
      if (d === null || typeof d !== 'object' || Array.isArray(d))
        return {
          manifest: undefined,
          error: `error: error validating "${file}": error validating data: invalid object to validate; if you choose to ignore these errors, turn validation off with --validate=false\n`,
        };
      const r = decodePod(d);
      if ('kind' in r) {
        const name =
          typeof (d as { metadata?: { name?: unknown } }).metadata?.name === 'string'
            ? String((d as { metadata: { name: string } }).metadata.name)
            : '';
        switch (r.kind) {
          case 'validate':
            return {
              manifest: undefined,
              error: `error: error validating "${file}": ${r.message}; if you choose to ignore these errors, turn validation off with --validate=false\n`,
            };
          case 'decode':
            return {
              manifest: undefined,
              error: `Error from server (BadRequest): error when creating "${file}": Pod in version "v1" cannot be handled as a Pod: ${r.message}\n`,
            };
          case 'invalid':
            return { manifest: undefined, error: `${invalidText(r.name || name, r.causes)}\n` };
          case 'unsupported':
            return { manifest: undefined, error: `error: ${file}: ${r.message}\n` };
        }
      }
      return { manifest: r };
    }),
  };
}

/** Two manifests describe the same pod (what `apply` compares to say "unchanged"). */
const sameManifest = (a: PodManifest, b: PodManifest): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

function apply(ctx: Ctx, sub: 'apply' | 'create', args: string[]): void {
  const p = parseFlags(args, {
    ...COMMON,
    f: { value: true, alias: 'filename' },
    filename: { value: true },
  });
  if (p.error) {
    usage(ctx, sub, p.error);
    return;
  }
  if (!checkNamespace(ctx, p)) return;
  const file = p.flags.get('filename');
  if (file === undefined) {
    usage(ctx, sub, 'must specify one of -f and -k');
    return;
  }
  const r = readManifests(ctx, file);
  if (typeof r === 'string') {
    fail(ctx, r);
    return;
  }
  let code = 0;
  for (const d of r.docs) {
    if (!d.manifest) {
      err(ctx, d.error ?? '');
      code = 1;
      continue;
    }
    const m = d.manifest;
    if (m.namespace !== 'default') {
      err(
        ctx,
        `Error from server (NotFound): error when creating "${file}": namespaces "${m.namespace}" not found\n`,
      );
      code = 1;
      continue;
    }
    const existing = loadPod(ctx, m.name);
    if (existing) {
      if (sub === 'create') {
        err(
          ctx,
          `Error from server (AlreadyExists): error when creating "${file}": pods "${m.name}" already exists\n`,
        );
        code = 1;
      } else if (sameManifest(existing.manifest, m)) out(ctx, `pod/${m.name} unchanged\n`);
      else {
        err(
          ctx,
          `The Pod "${m.name}" is invalid: spec: Forbidden: pod updates may not change fields other than \`spec.containers[*].image\`,\`spec.initContainers[*].image\`,\`spec.activeDeadlineSeconds\`,\`spec.tolerations\` (only additions to existing tolerations),\`spec.terminationGracePeriodSeconds\` (allow it to be set to 1 if it was previously negative)\n`,
        );
        code = 1;
      }
      continue;
    }
    createPod(ctx, m);
    out(ctx, `pod/${m.name} created\n`);
  }
  ctx.exit(code);
}

/**
 * kubectl run NAME --image=IMAGE [--restart=Always|OnFailure|Never] [--env=K=V]... [--command]
 * [-- ARGS...]: a pod with one container named NAME and the label run=NAME; the arguments are
 * the container's args, or its command with --command (kubectl/pkg/cmd/run, generators).
 */
function runCmd(ctx: Ctx, args: string[]): void {
  const p = parseFlags(args, {
    ...COMMON,
    image: { value: true },
    restart: { value: true },
    env: { value: true },
    command: { value: false },
    labels: { value: true },
    l: { value: true, alias: 'labels' },
    i: { value: false, alias: 'stdin' },
    stdin: { value: false },
    t: { value: false, alias: 'tty' },
    tty: { value: false },
    rm: { value: false },
  });
  if (p.error) {
    usage(ctx, 'run', p.error);
    return;
  }
  if (!checkNamespace(ctx, p)) return;
  const [name, ...extra] = p.operands;
  if (name === undefined) {
    usage(ctx, 'run', 'NAME is required for run');
    return;
  }
  if (on(p, 'stdin') || on(p, 'tty') || on(p, 'rm')) {
    usage(
      ctx,
      'run',
      'kubectl run -i/-t/--rm (attach to the new pod) is not modelled in PID 1 Lab; run it, then use kubectl exec',
    );
    return;
  }
  const image = p.flags.get('image');
  if (image === undefined || image === '') {
    fail(ctx, 'error: required flag(s) "image" not set\n');
    return;
  }
  const restart = p.flags.get('restart') ?? 'Always';
  if (!['Always', 'OnFailure', 'Never'].includes(restart)) {
    fail(ctx, `error: invalid restart policy: ${restart}\n`);
    return;
  }
  const cmd = [...extra, ...(p.rest ?? [])];
  const env: { name: string; value: string }[] = [];
  const e = p.flags.get('env');
  if (e !== undefined) {
    const eq = e.indexOf('=');
    if (eq <= 0) {
      fail(ctx, `error: invalid env: ${e}\n`);
      return;
    }
    env.push({ name: e.slice(0, eq), value: e.slice(eq + 1) });
  }
  const doc = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { run: name } },
    spec: {
      restartPolicy: restart,
      containers: [
        {
          name,
          image,
          ...(cmd.length === 0 ? {} : on(p, 'command') ? { command: cmd } : { args: cmd }),
          ...(env.length > 0 ? { env } : {}),
        },
      ],
    },
  };
  const r = decodePod(doc);
  if ('kind' in r) {
    fail(
      ctx,
      r.kind === 'invalid' ? `${invalidText(r.name || name, r.causes)}\n` : `error: ${r.message}\n`,
    );
    return;
  }
  if (loadPod(ctx, name)) {
    fail(ctx, `Error from server (AlreadyExists): pods "${name}" already exists\n`);
    return;
  }
  createPod(ctx, r);
  out(ctx, `pod/${name} created\n`);
  ctx.exit(0);
}

function createPod(ctx: Ctx, m: PodManifest): void {
  const pod: PodObject = {
    name: m.name,
    namespace: m.namespace,
    uid: newUid(ctx),
    labels: m.labels,
    manifest: m,
    containers: m.spec.containers.map((c) => resolveContainer(ctx, c, m.name)),
    sandboxId: randomHex(ctx),
    ip: nextPodIp(ctx),
    created: ctx.now,
    deletionTimestamp: null,
    deletionGracePeriodSeconds: null,
  };
  mkdirs(ctx, podDir(pod.name));
  savePod(ctx, pod);
  const status: PodStatus = {
    sandbox: 'pending',
    shimPid: 0,
    pausePid: 0,
    startTime: -1,
    containers: pod.containers.map((c): ContainerStatus => ({
      name: c.name,
      containerId: '',
      pid: 0,
      state: 'waiting',
      reason: 'ContainerCreating',
      message: '',
      startedAt: 0,
      terminated: null,
      last: null,
      restartCount: 0,
      restartAt: 0,
      backoff: 0,
      backoffUpdate: 0,
    })),
    ephemeral: [],
  };
  saveStatus(ctx, pod.name, status);
  recordEvent(ctx, pod.name, {
    type: 'Normal',
    reason: 'Scheduled',
    from: 'default-scheduler',
    message: `Successfully assigned ${pod.namespace}/${pod.name} to ${NODE_NAME}`,
  });
}

// ------------------------------------------------------------------ get

/** The API's view of a pod: hidden once it was force-deleted. */
function visiblePod(ctx: Ctx, name: string): PodObject | undefined {
  const p = loadPod(ctx, name);
  return p && p.deletionGracePeriodSeconds !== 0 ? p : undefined;
}

function visiblePods(ctx: Ctx): PodObject[] {
  return listPods(ctx)
    .filter((p) => p.deletionGracePeriodSeconds !== 0)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The pod phase (kubelet getPhase). */
export function podPhase(pod: PodObject, st: PodStatus): string {
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of st.containers) {
    if (c.state === 'running') running++;
    else if (c.state === 'terminated') {
      stopped++;
      if (c.terminated?.exitCode === 0) succeeded++;
    } else if (c.last) stopped++;
    else waiting++;
  }
  if (st.sandbox !== 'ready' && st.sandbox !== 'stopped' && running === 0 && stopped === 0)
    return 'Pending';
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    const policy = pod.manifest.spec.restartPolicy;
    if (policy === 'Always') return 'Running';
    if (policy === 'OnFailure') return stopped === succeeded ? 'Succeeded' : 'Running';
    return stopped === succeeded ? 'Succeeded' : 'Failed';
  }
  return 'Pending';
}

/** The STATUS, READY and RESTARTS columns (pkg/printers/internalversion printPod). */
function podRow(pod: PodObject, st: PodStatus, now: number): string[] {
  let reason = podPhase(pod, st);
  let ready = 0;
  let restarts = 0;
  let lastRestart = -1;
  let hasRunning = false;
  for (let i = st.containers.length - 1; i >= 0; i--) {
    const c = st.containers[i]!;
    restarts += c.restartCount;
    if (c.last) lastRestart = Math.max(lastRestart, c.last.finishedAt);
    if (c.state === 'waiting' && c.reason !== '') reason = c.reason;
    else if (c.state === 'terminated' && c.reason !== '') reason = c.reason;
    else if (c.state === 'running') {
      hasRunning = true;
      ready++;
    }
  }
  if (reason === 'Completed' && hasRunning) reason = 'Running';
  if (pod.deletionTimestamp !== null) reason = 'Terminating';
  const restartText =
    restarts > 0 && lastRestart >= 0
      ? `${restarts} (${humanDuration(now - lastRestart)} ago)`
      : String(restarts);
  return [
    pod.name,
    `${ready}/${st.containers.length}`,
    reason,
    restartText,
    humanDuration(now - pod.created),
  ];
}

function get(ctx: Ctx, args: string[]): void {
  const p = parseFlags(args, {
    ...COMMON,
    o: { value: true, alias: 'output' },
    output: { value: true },
    w: { value: false, alias: 'watch' },
    watch: { value: false },
    A: { value: false, alias: 'all-namespaces' },
    'all-namespaces': { value: false },
  });
  if (p.error) {
    usage(ctx, 'get', p.error);
    return;
  }
  if (!checkNamespace(ctx, p)) return;
  const output = p.flags.get('output') ?? '';
  if (!['', 'wide', 'name'].includes(output)) {
    fail(
      ctx,
      `error: unable to match a printer suitable for the output format "${output}", allowed formats are: name,wide\n`,
    );
    return;
  }
  const watch = on(p, 'watch');
  if (watch && output === 'name') {
    fail(ctx, 'error: --watch with -o name is not modelled in PID 1 Lab\n');
    return;
  }
  if (['events', 'event', 'ev'].includes(p.operands[0] ?? '')) {
    getEvents(ctx);
    return;
  }
  const r = podNames(p.operands);
  if (typeof r === 'string') {
    fail(ctx, `error: ${r}\n`);
    return;
  }
  const pods: PodObject[] = [];
  const missing: string[] = [];
  if (r.all) pods.push(...visiblePods(ctx));
  else
    for (const n of r.names) {
      const pod = visiblePod(ctx, n);
      if (pod) pods.push(pod);
      else missing.push(n);
    }
  // The table first, then what was not found (kubectl prints errors at the end).
  const code = missing.length > 0 ? 1 : 0;
  const flushMissing = (): void => {
    for (const n of missing) err(ctx, notFound(n));
  };
  if (r.all && pods.length === 0 && !watch) {
    err(ctx, 'No resources found in default namespace.\n');
    ctx.exit(0);
    return;
  }
  if (output === 'name') {
    out(ctx, pods.map((pod) => `pod/${pod.name}\n`).join(''));
    flushMissing();
    ctx.exit(code);
    return;
  }
  const wide = output === 'wide';
  const head = ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'];
  if (wide) head.push('IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES');
  const rows = [head];
  const s = ctx.state;
  for (const pod of pods) {
    const st = loadStatus(ctx, pod.name);
    if (!st) continue;
    const row = fullRow(pod, st, ctx.now, wide);
    rows.push(row);
    s.watchKeys[pod.name] = watchKey(row);
  }
  if (rows.length > 1) out(ctx, tabwrite(rows.map((r2) => `${r2.join('\t')}\n`).join(''), 6, 3));
  flushMissing();
  if (!watch) {
    ctx.exit(code);
    return;
  }
  // -w: the table, then a line each time a pod changes (printers with RememberWidths).
  s.widths = head.map((_, i) => Math.max(6, ...rows.map((r2) => [...(r2[i] ?? '')].length + 3)));
  s.wide = wide;
  s.targets = r.all ? [] : r.names;
  s.phase = 'watching';
  ctx.sleep(POLL);
}

/** kubectl get events: every pod's events, oldest first. */
function getEvents(ctx: Ctx): void {
  const rows: { last: number; cells: string[] }[] = [];
  for (const pod of visiblePods(ctx))
    for (const e of aggregateEvents(loadEvents(ctx, pod.name)))
      rows.push({
        last: e.last,
        cells: [humanDuration(ctx.now - e.last), e.type, e.reason, `pod/${pod.name}`, e.message],
      });
  if (rows.length === 0) {
    err(ctx, 'No resources found in default namespace.\n');
    ctx.exit(0);
    return;
  }
  rows.sort((a, b) => a.last - b.last);
  const lines = [['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], ...rows.map((r) => r.cells)];
  out(ctx, tabwrite(lines.map((l) => `${l.join('\t')}\n`).join(''), 6, 3));
  ctx.exit(0);
}

function fullRow(pod: PodObject, st: PodStatus, now: number, wide: boolean): string[] {
  const row = podRow(pod, st, now);
  if (wide) row.push(st.sandbox === 'ready' ? pod.ip : '<none>', NODE_NAME, '<none>', '<none>');
  return row;
}

/** What a watch event changes: everything but the ages. */
const watchKey = (row: readonly string[]): string =>
  row
    .filter((_, i) => i !== 4)
    .map((c) => c.replace(/ \(.* ago\)$/, ''))
    .join('|');

function watchPoll(ctx: Ctx): void {
  const s = ctx.state;
  const seen = new Set<string>();
  for (const pod of visiblePods(ctx)) {
    if (s.targets.length > 0 && !s.targets.includes(pod.name)) continue;
    const st = loadStatus(ctx, pod.name);
    if (!st) continue;
    seen.add(pod.name);
    const row = fullRow(pod, st, ctx.now, s.wide);
    const key = watchKey(row);
    if (s.watchKeys[pod.name] === key) continue;
    s.watchKeys[pod.name] = key;
    let line = '';
    row.forEach((cell, i) => {
      const w = [...cell].length;
      if (i === row.length - 1) line += cell;
      else {
        s.widths[i] = Math.max(s.widths[i] ?? 0, w + 3);
        line += cell + ' '.repeat(s.widths[i]! - w);
      }
    });
    out(ctx, `${line}\n`);
  }
  for (const name of Object.keys(s.watchKeys)) if (!seen.has(name)) delete s.watchKeys[name];
  ctx.sleep(POLL);
}

// ------------------------------------------------------------------ describe

function describeState(
  lines: string[],
  label: string,
  c: { state: string; reason: string; startedAt: number; terminated: TerminatedInfo | null },
): void {
  if (c.state === 'running') {
    lines.push(`    ${label}:\tRunning`);
    lines.push(`      Started:\t${rfc1123z(c.startedAt)}`);
  } else if (c.state === 'terminated' && c.terminated) {
    terminatedLines(lines, label, c.terminated);
  } else {
    lines.push(`    ${label}:\tWaiting`);
    if (c.reason !== '') lines.push(`      Reason:\t${c.reason}`);
  }
}

function terminatedLines(lines: string[], label: string, t: TerminatedInfo): void {
  lines.push(`    ${label}:\tTerminated`);
  lines.push(`      Reason:\t${t.reason}`);
  if (t.message !== '') lines.push(`      Message:\t${t.message}`);
  lines.push(`      Exit Code:\t${t.exitCode}`);
  lines.push(
    `      Started:\t${t.startedAt > 0 ? rfc1123z(t.startedAt) : 'Thu, 01 Jan 1970 00:00:00 +0000'}`,
  );
  lines.push(`      Finished:\t${rfc1123z(t.finishedAt)}`);
}

function describe(ctx: Ctx, args: string[]): void {
  const p = parseFlags(args, COMMON);
  if (p.error) {
    usage(ctx, 'describe', p.error);
    return;
  }
  if (!checkNamespace(ctx, p)) return;
  const r = podNames(p.operands, 'describe');
  if (typeof r === 'string') {
    fail(ctx, `error: ${r}\n`);
    return;
  }
  const pods = r.all ? visiblePods(ctx) : [];
  let code = 0;
  for (const n of r.names) {
    const pod = visiblePod(ctx, n);
    if (pod) pods.push(pod);
    else {
      err(ctx, notFound(n));
      code = 1;
    }
  }
  if (r.all && pods.length === 0) err(ctx, 'No resources found in default namespace.\n');
  out(ctx, pods.map((pod) => describePod(ctx, pod)).join('\n\n'));
  ctx.exit(code);
}

function describePod(ctx: Ctx, pod: PodObject): string {
  const st = loadStatus(ctx, pod.name)!;
  const L: string[] = [];
  const labels = Object.entries(pod.labels);
  L.push(`Name:\t${pod.name}`);
  L.push(`Namespace:\t${pod.namespace}`);
  L.push('Priority:\t0');
  L.push('Service Account:\tdefault');
  L.push(`Node:\t${NODE_NAME}/${NODE_IP}`);
  if (st.startTime >= 0) L.push(`Start Time:\t${rfc1123z(st.startTime)}`);
  if (labels.length === 0) L.push('Labels:\t<none>');
  else labels.forEach(([k, v], i) => L.push(`${i === 0 ? 'Labels:' : ''}\t${k}=${v}`));
  L.push('Annotations:\t<none>');
  const phase = podPhase(pod, st);
  if (pod.deletionTimestamp !== null) {
    L.push(`Status:\tTerminating (lasts ${humanDuration(pod.deletionTimestamp - ctx.now)})`);
    L.push(`Termination Grace Period:\t${pod.deletionGracePeriodSeconds ?? 0}s`);
  } else L.push(`Status:\t${phase}`);
  const ip = st.sandbox === 'ready' ? pod.ip : '';
  L.push(`IP:\t${ip}`);
  L.push('IPs:');
  if (ip !== '') L.push(`  IP:\t${ip}`);
  else L[L.length - 1] = 'IPs:\t<none>';
  L.push('Containers:');
  for (const rc of pod.containers) {
    const c = st.containers.find((x) => x.name === rc.name)!;
    L.push(`  ${rc.name}:`);
    if (c.containerId !== '') L.push(`    Container ID:\tcontainerd://${c.containerId}`);
    L.push(`    Image:\t${rc.image}`);
    L.push(`    Image ID:\t${c.containerId !== '' ? rc.imageId : ''}`);
    L.push('    Port:\t<none>');
    L.push('    Host Port:\t<none>');
    if (rc.spec.command !== null) {
      L.push('    Command:');
      for (const a of rc.spec.command) L.push(`      ${a}`);
    }
    if (rc.spec.args !== null) {
      L.push('    Args:');
      for (const a of rc.spec.args) L.push(`      ${a}`);
    }
    describeState(L, 'State', c);
    if (c.last) terminatedLines(L, 'Last State', c.last);
    L.push(`    Ready:\t${c.state === 'running' ? 'True' : 'False'}`);
    L.push(`    Restart Count:\t${c.restartCount}`);
    if (rc.spec.env.length === 0) L.push('    Environment:\t<none>');
    else {
      L.push('    Environment:');
      for (const e of rc.spec.env) L.push(`      ${e.name}:\t${e.value}`);
    }
    L.push('    Mounts:\t<none>');
  }
  if (st.ephemeral.length > 0) {
    L.push('Ephemeral Containers:');
    for (const e of st.ephemeral) {
      L.push(`  ${e.name}:`);
      L.push(`    Container ID:\tcontainerd://${e.containerId}`);
      L.push(`    Image:\t${e.image}`);
      L.push('    Port:\t<none>');
      L.push('    Host Port:\t<none>');
      if (e.state === 'running') {
        L.push('    State:\tRunning');
        L.push(`      Started:\t${rfc1123z(e.startedAt)}`);
      } else {
        L.push('    State:\tTerminated');
        L.push(`      Reason:\t${e.exitCode === 0 ? 'Completed' : 'Error'}`);
        L.push(`      Exit Code:\t${e.exitCode}`);
        L.push(`      Started:\t${rfc1123z(e.startedAt)}`);
        L.push(`      Finished:\t${rfc1123z(e.finishedAt)}`);
      }
      L.push('    Ready:\tFalse');
      L.push('    Restart Count:\t0');
      L.push('    Environment:\t<none>');
      L.push('    Mounts:\t<none>');
    }
  }
  const ready = st.containers.every((c) => c.state === 'running') && pod.deletionTimestamp === null;
  const started = st.sandbox === 'ready';
  L.push('Conditions:');
  L.push('  Type\tStatus');
  L.push(`  PodReadyToStartContainers \t${started ? 'True' : 'False'} `);
  L.push('  Initialized \tTrue ');
  L.push(`  Ready \t${ready ? 'True' : 'False'} `);
  L.push(`  ContainersReady \t${ready ? 'True' : 'False'} `);
  L.push('  PodScheduled \tTrue ');
  L.push('Volumes:\t<none>');
  L.push('QoS Class:\tBestEffort');
  L.push('Node-Selectors:\t<none>');
  L.push('Tolerations:\tnode.kubernetes.io/not-ready:NoExecute op=Exists for 300s');
  L.push('\tnode.kubernetes.io/unreachable:NoExecute op=Exists for 300s');
  const events = aggregateEvents(loadEvents(ctx, pod.name));
  if (events.length === 0) L.push('Events:\t<none>');
  else {
    L.push('Events:');
    L.push('  Type\tReason\tAge\tFrom\tMessage');
    L.push('  ----\t------\t----\t----\t-------');
    for (const e of events) {
      const age =
        e.count > 1
          ? `${humanDuration(ctx.now - e.last)} (x${e.count} over ${humanDuration(ctx.now - e.first)})`
          : humanDuration(ctx.now - e.last);
      L.push(`  ${e.type}\t${e.reason}\t${age}\t${e.from}\t${e.message}`);
    }
  }
  return tabwrite(`${L.join('\n')}\n`, 0, 2);
}

function aggregateEvents(
  events: readonly { at: number; type: string; reason: string; from: string; message: string }[],
): {
  type: string;
  reason: string;
  from: string;
  message: string;
  first: number;
  last: number;
  count: number;
}[] {
  const out: {
    type: string;
    reason: string;
    from: string;
    message: string;
    first: number;
    last: number;
    count: number;
  }[] = [];
  for (const e of events) {
    const same = out.find(
      (o) =>
        o.type === e.type && o.reason === e.reason && o.from === e.from && o.message === e.message,
    );
    if (same) {
      same.count++;
      same.last = e.at;
    } else out.push({ ...e, first: e.at, last: e.at, count: 1 });
  }
  return out;
}

// ------------------------------------------------------------------ logs

/** The container of `-c`, or the default one (with kubectl's note when there are several). */
function pickContainer(
  ctx: Ctx,
  pod: PodObject,
  requested: string | undefined,
): string | undefined {
  if (requested !== undefined) {
    if (pod.containers.some((c) => c.name === requested)) return requested;
    fail(
      ctx,
      `Error from server (BadRequest): container ${requested} is not valid for pod ${pod.name}\n`,
    );
    return undefined;
  }
  if (pod.containers.length > 1)
    err(
      ctx,
      `Defaulted container "${pod.containers[0]!.name}" out of: ${pod.containers.map((c) => c.name).join(', ')}\n`,
    );
  return pod.containers[0]!.name;
}

function logs(ctx: Ctx, args: string[]): void {
  const p = parseFlags(args, {
    ...COMMON,
    c: { value: true, alias: 'container' },
    container: { value: true },
    p: { value: false, alias: 'previous' },
    previous: { value: false },
    f: { value: false, alias: 'follow' },
    follow: { value: false },
    tail: { value: true },
  });
  if (p.error) {
    usage(ctx, 'logs', p.error);
    return;
  }
  if (!checkNamespace(ctx, p)) return;
  const container = p.operands[1];
  let ref = p.operands[0];
  if (ref === undefined) {
    usage(
      ctx,
      'logs',
      "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command",
    );
    return;
  }
  if (ref.startsWith('pod/') || ref.startsWith('pods/') || ref.startsWith('po/'))
    ref = ref.slice(ref.indexOf('/') + 1);
  const pod = visiblePod(ctx, ref);
  if (!pod) {
    fail(ctx, notFound(ref));
    return;
  }
  const name = pickContainer(ctx, pod, p.flags.get('container') ?? container);
  if (name === undefined) return;
  const c = loadStatus(ctx, pod.name)?.containers.find((x) => x.name === name);
  if (!c) {
    fail(ctx, notFound(ref));
    return;
  }
  let restart = c.restartCount;
  if (on(p, 'previous')) {
    if (!c.last) {
      fail(
        ctx,
        `Error from server (BadRequest): previous terminated container "${name}" in pod "${pod.name}" not found\n`,
      );
      return;
    }
    restart--;
  } else if (c.containerId === '' || (c.state === 'waiting' && c.reason === 'ContainerCreating')) {
    fail(
      ctx,
      `Error from server (BadRequest): container "${name}" in pod "${pod.name}" is waiting to start: ${c.reason || 'ContainerCreating'}\n`,
    );
    return;
  }
  const file = logPath(pod, name, Math.max(restart, 0));
  const text = ctx.fs.readFile(file);
  let body = isErrno(text) ? '' : text;
  const tail = p.flags.get('tail');
  if (tail !== undefined && /^\d+$/.test(tail)) {
    const lines = body.split('\n');
    if (lines.at(-1) === '') lines.pop();
    body = lines
      .slice(Math.max(0, lines.length - Number(tail)))
      .map((l) => `${l}\n`)
      .join('');
  }
  out(ctx, body);
  if (on(p, 'follow') && !on(p, 'previous') && c.state === 'running') {
    // -f: print what the container writes until it ends (Ctrl-C stops kubectl).
    const s = ctx.state;
    s.phase = 'following';
    s.pod = pod.name;
    s.container = name;
    s.condition = c.containerId;
    s.path = file;
    s.offset = isErrno(text) ? 0 : text.length;
    ctx.sleep(POLL);
    return;
  }
  ctx.exit(0);
}

function followPoll(ctx: Ctx): void {
  const s = ctx.state;
  const text = ctx.fs.readFile(s.path);
  if (!isErrno(text) && text.length > s.offset) {
    out(ctx, text.slice(s.offset));
    s.offset = text.length;
  }
  const c = loadStatus(ctx, s.pod)?.containers.find((x) => x.name === s.container);
  if (!c || c.containerId !== s.condition || c.state !== 'running') {
    ctx.exit(0);
    return;
  }
  ctx.sleep(POLL);
}

// ------------------------------------------------------------------ exec

function execCmd(ctx: Ctx, args: string[]): void {
  const p = parseFlags(args, {
    ...COMMON,
    c: { value: true, alias: 'container' },
    container: { value: true },
    i: { value: false, alias: 'stdin' },
    stdin: { value: false },
    t: { value: false, alias: 'tty' },
    tty: { value: false },
    q: { value: false, alias: 'quiet' },
    quiet: { value: false },
  });
  if (p.error) {
    usage(ctx, 'exec', p.error);
    return;
  }
  if (!checkNamespace(ctx, p)) return;
  let [ref, ...cmd] = p.operands;
  if (p.rest !== null) cmd = [...cmd, ...p.rest];
  else if (cmd.length > 0)
    err(
      ctx,
      'kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use kubectl exec [POD] -- [COMMAND] instead.\n',
    );
  if (ref === undefined) {
    usage(ctx, 'exec', 'pod, type/name or --filename must be specified');
    return;
  }
  if (cmd.length === 0) {
    usage(ctx, 'exec', 'you must specify at least one command for the container');
    return;
  }
  if (ref.startsWith('pod/') || ref.startsWith('pods/') || ref.startsWith('po/'))
    ref = ref.slice(ref.indexOf('/') + 1);
  const pod = visiblePod(ctx, ref);
  if (!pod) {
    fail(ctx, notFound(ref));
    return;
  }
  const name = pickContainer(ctx, pod, p.flags.get('container'));
  if (name === undefined) return;
  const st = loadStatus(ctx, pod.name);
  const c = st?.containers.find((x) => x.name === name);
  if (!c || c.state !== 'running' || c.pid <= 0) {
    fail(ctx, `error: unable to upgrade connection: container not found ("${name}")\n`);
    return;
  }
  const rc = pod.containers.find((x) => x.name === name)!;
  let path = lookPath(ctx, cmd[0]!, rc.env, rc.workdir);
  if (path === undefined) {
    fail(
      ctx,
      `error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "${randomHex(ctx)}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd[0]!}": executable file not found in $PATH: unknown\n`,
    );
    return;
  }
  if (rc.shell === 'busybox' && BUSYBOX_SHELLS.has(path)) path = '/bin/busybox';
  if (ctx.setnsPid(c.pid) !== 0) {
    fail(ctx, `error: unable to upgrade connection: container not found ("${name}")\n`);
    return;
  }
  if (on(p, 'tty')) rawTerminal(ctx);
  const pid = ctx.fork({
    program: 'kubectl',
    state: {
      ...fresh([]),
      role: 'exec-child',
      path,
      argv: cmd,
      env: { ...rc.env },
      workdir: rc.workdir,
      interactive: on(p, 'stdin'),
      tty: on(p, 'tty'),
    },
  });
  if (isErrno(pid)) {
    fail(
      ctx,
      `error: Internal error occurred: error executing command in container: fork: ${pid}\n`,
    );
    return;
  }
  ctx.state.phase = 'exec';
  ctx.state.child = pid;
  waitChild(ctx);
}

/**
 * With -t kubectl puts the terminal in raw mode and sends Ctrl-C, Ctrl-\\ and Ctrl-Z to the
 * container's terminal as keys: here kubectl catches the signals they raise (so it is not
 * killed) and the process in the container, in the same foreground group, receives them.
 * Handlers, unlike SIG_IGN, are reset by exec, so the child starts with the defaults.
 */
function rawTerminal(ctx: Ctx): void {
  for (const sig of [SIGINT, SIGQUIT, SIGTSTP]) ctx.sigaction(sig, 'handler');
}

function execChild(ctx: Ctx): void {
  const s = ctx.state;
  // /proc of the container: PID 1 of the namespace we were forked into is its init (or pause);
  // an ephemeral container with a namespace of its own is that PID 1 and mounts a new /proc.
  if (ctx.getpid() === 1) ctx.mountProc();
  else ctx.setnsMount(1);
  ctx.chdir(s.workdir);
  // runc runs an exec'd process in a session of its own. With -t it gets a terminal; with -i
  // its stdin is kubectl's stream, which ends when kubectl does: here both keep the user's
  // terminal and kubectl's process group, so Ctrl-C ends them together.
  if ((!s.tty && !s.interactive) || s.detachedLog !== '') ctx.setsid();
  if (s.detachedLog !== '') {
    const log = ctx.open(s.detachedLog, 'a');
    if (!isErrno(log)) {
      ctx.dup2(log, 1);
      ctx.dup2(log, 2);
      if (log > 2) ctx.close(log);
    }
  }
  if (!s.interactive) {
    const nul = ctx.open('/dev/null', 'r');
    if (!isErrno(nul)) {
      ctx.dup2(nul, 0);
      if (nul > 2) ctx.close(nul);
    }
  }
  if (ctx.exec(s.path, s.argv, s.env) !== 0) {
    err(ctx, `exec ${s.argv[0] ?? ''}: permission denied\n`);
    ctx.exit(126);
  }
}

function execDone(ctx: Ctx, code: number): void {
  if (code !== 0) err(ctx, `command terminated with exit code ${code}\n`);
  ctx.exit(code);
}

// ------------------------------------------------------------------ delete

function deleteCmd(ctx: Ctx, args: string[]): void {
  const p = parseFlags(args, {
    ...COMMON,
    'grace-period': { value: true },
    now: { value: false },
    force: { value: false },
    wait: { value: false },
    f: { value: true, alias: 'filename' },
    filename: { value: true },
    all: { value: false },
  });
  if (p.error) {
    usage(ctx, 'delete', p.error);
    return;
  }
  if (!checkNamespace(ctx, p)) return;
  const gpText = p.flags.get('grace-period');
  if (gpText !== undefined && !/^-?\d+$/.test(gpText)) {
    usage(
      ctx,
      'delete',
      `invalid argument "${gpText}" for "--grace-period" flag: strconv.ParseInt: parsing "${gpText}": invalid syntax`,
    );
    return;
  }
  // kubectl delete Complete(): --now is --grace-period=1; 0 without --force becomes 1.
  let grace = gpText === undefined ? -1 : Number(gpText);
  if (on(p, 'now')) {
    if (grace !== -1) {
      fail(ctx, 'error: --now and --grace-period cannot be specified together\n');
      return;
    }
    grace = 1;
  }
  const force = on(p, 'force');
  if (grace === 0 && !force) grace = 1;
  if (force && grace < 0) grace = 0;
  if (force && grace !== 0) {
    fail(ctx, 'error: --force and --grace-period greater than 0 cannot be specified together\n');
    return;
  }
  let names: string[];
  const file = p.flags.get('filename');
  if (file !== undefined) {
    const r = readManifests(ctx, file);
    if (typeof r === 'string') {
      fail(ctx, r);
      return;
    }
    names = r.docs.filter((d) => d.manifest).map((d) => d.manifest!.name);
  } else if (on(p, 'all') && ['pod', 'pods', 'po'].includes(p.operands[0] ?? '')) {
    names = visiblePods(ctx).map((x) => x.name);
    if (names.length === 0) {
      err(ctx, 'No resources found\n');
      ctx.exit(0);
      return;
    }
  } else {
    const r = podNames(p.operands, 'delete');
    if (typeof r === 'string') {
      fail(ctx, `error: ${r}\n`);
      return;
    }
    if (r.all) {
      fail(ctx, 'error: resource(s) were provided, but no name was specified\n');
      return;
    }
    names = r.names;
  }
  if (grace === 0 && force)
    err(
      ctx,
      'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n',
    );
  const waiting: string[] = [];
  let code = 0;
  for (const n of names) {
    const pod = visiblePod(ctx, n);
    if (!pod) {
      err(ctx, notFound(n));
      code = 1;
      continue;
    }
    // The API server: deletionTimestamp = now + grace; a second delete may only shorten it.
    const g = grace >= 0 ? grace : pod.manifest.spec.terminationGracePeriodSeconds;
    const until = ctx.now + g * 1_000_000;
    if (pod.deletionTimestamp === null || until < pod.deletionTimestamp) {
      pod.deletionTimestamp = until;
      pod.deletionGracePeriodSeconds = g;
      savePod(ctx, pod);
    }
    out(ctx, `pod "${n}" ${grace === 0 && force ? 'force deleted' : 'deleted'}\n`);
    if (!(grace === 0 && force)) waiting.push(n);
  }
  const wait = p.flags.get('wait') === undefined || on(p, 'wait');
  if (!wait || waiting.length === 0) {
    ctx.exit(code);
    return;
  }
  ctx.state.targets = waiting;
  ctx.state.exitCode = code;
  ctx.state.phase = 'deleting';
  deletePoll(ctx);
}

function deletePoll(ctx: Ctx): void {
  const s = ctx.state;
  s.targets = s.targets.filter((n) => loadPod(ctx, n) !== undefined);
  if (s.targets.length === 0) {
    ctx.exit(s.exitCode);
    return;
  }
  ctx.sleep(POLL);
}

// ------------------------------------------------------------------ wait

function waitCmd(ctx: Ctx, args: string[]): void {
  const p = parseFlags(args, { ...COMMON, for: { value: true }, timeout: { value: true } });
  if (p.error) {
    usage(ctx, 'wait', p.error);
    return;
  }
  if (!checkNamespace(ctx, p)) return;
  const cond = p.flags.get('for');
  if (cond === undefined) {
    usage(ctx, 'wait', 'condition is required');
    return;
  }
  const c = cond.toLowerCase();
  if (c !== 'delete' && c !== 'condition=ready') {
    fail(
      ctx,
      `error: unrecognized condition: "${cond}" (the lab models --for=condition=Ready and --for=delete)\n`,
    );
    return;
  }
  const r = podNames(p.operands, 'wait');
  if (typeof r === 'string') {
    fail(ctx, `error: ${r}\n`);
    return;
  }
  const names = r.all ? visiblePods(ctx).map((x) => x.name) : r.names;
  if (names.length === 0) {
    fail(ctx, 'error: no matching resources found\n');
    return;
  }
  const t = p.flags.get('timeout') ?? '30s';
  const m = /^(\d+)(s|m|h)?$/.exec(t);
  if (!m) {
    usage(
      ctx,
      'wait',
      `invalid argument "${t}" for "--timeout" flag: time: invalid duration "${t}"`,
    );
    return;
  }
  const secs = Number(m[1]) * (m[2] === 'm' ? 60 : m[2] === 'h' ? 3600 : 1);
  for (const n of names)
    if (!visiblePod(ctx, n)) {
      if (c === 'delete') continue;
      fail(ctx, notFound(n));
      return;
    }
  ctx.state.targets = names;
  ctx.state.condition = c;
  ctx.state.deadline = ctx.now + secs * 1_000_000;
  ctx.state.phase = 'waiting';
  waitPoll(ctx);
}

function waitPoll(ctx: Ctx): void {
  const s = ctx.state;
  const left: string[] = [];
  for (const n of s.targets) {
    const pod = visiblePod(ctx, n);
    const st = pod ? loadStatus(ctx, n) : undefined;
    const met =
      s.condition === 'delete'
        ? pod === undefined
        : st !== undefined &&
          st.sandbox === 'ready' &&
          pod!.deletionTimestamp === null &&
          st.containers.every((x) => x.state === 'running');
    if (met) out(ctx, `pod/${n} condition met\n`);
    else left.push(n);
  }
  s.targets = left;
  if (left.length === 0) {
    ctx.exit(0);
    return;
  }
  if (ctx.now >= s.deadline) {
    fail(ctx, `error: timed out waiting for the condition on pods/${left[0]!}\n`);
    return;
  }
  ctx.sleep(Math.min(POLL, s.deadline - ctx.now));
}

// ------------------------------------------------------------------ debug

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

function debug(ctx: Ctx, args: string[]): void {
  const p = parseFlags(args, {
    ...COMMON,
    i: { value: false, alias: 'stdin' },
    stdin: { value: false },
    t: { value: false, alias: 'tty' },
    tty: { value: false },
    image: { value: true },
    target: { value: true },
    c: { value: true, alias: 'container' },
    container: { value: true },
    profile: { value: true },
    q: { value: false, alias: 'quiet' },
    quiet: { value: false },
  });
  if (p.error) {
    usage(ctx, 'debug', p.error);
    return;
  }
  if (!checkNamespace(ctx, p)) return;
  let ref = p.operands[0];
  if (ref === undefined) {
    usage(ctx, 'debug', 'NAME is required for debug');
    return;
  }
  if (ref.startsWith('pod/') || ref.startsWith('pods/') || ref.startsWith('po/'))
    ref = ref.slice(ref.indexOf('/') + 1);
  if (!on(p, 'stdin')) {
    usage(
      ctx,
      'debug',
      'a debug container without -i (attached later with kubectl attach) is not modelled in PID 1 Lab; use kubectl debug -it',
    );
    return;
  }
  const imageRef = p.flags.get('image');
  if (imageRef === undefined) {
    usage(
      ctx,
      'debug',
      '--image is required (copying a pod with --copy-to is not modelled in PID 1 Lab)',
    );
    return;
  }
  const pod = visiblePod(ctx, ref);
  if (!pod) {
    fail(ctx, notFound(ref));
    return;
  }
  const st = loadStatus(ctx, pod.name)!;
  const target = p.flags.get('target');
  let joinPid = 0;
  if (target !== undefined) {
    const t = st.containers.find((c) => c.name === target);
    if (!t) {
      fail(
        ctx,
        `error: ephemeral container target "${target}" is not a container of pod "${pod.name}"\n`,
      );
      return;
    }
    if (t.state !== 'running' || t.pid <= 0) {
      fail(ctx, `error: unable to upgrade connection: container not found ("${target}")\n`);
      return;
    }
    joinPid = t.pid;
  } else if (pod.manifest.spec.shareProcessNamespace) joinPid = st.pausePid;
  if (st.sandbox !== 'ready') {
    fail(ctx, `error: unable to upgrade connection: pod does not exist\n`);
    return;
  }
  const image = findPodImage(ctx, imageRef);
  if (!image) {
    fail(
      ctx,
      `error: ephemeral container image "${imageRef}" is not in the lab's image catalogue\n`,
    );
    return;
  }
  let name = p.flags.get('container');
  const quiet = on(p, 'quiet');
  if (target !== undefined && !quiet)
    err(
      ctx,
      `Targeting container "${target}". If you don't see processes from this container it may be because the container runtime doesn't support this feature.\n`,
    );
  if (name === undefined) {
    name = 'debugger-';
    for (let i = 0; i < 5; i++) name += NAME_CHARS[Math.floor(ctx.random() * NAME_CHARS.length)]!;
    if (!quiet) err(ctx, `Defaulting debug container name to ${name}.\n`);
  }
  if (st.ephemeral.some((e) => e.name === name) || pod.containers.some((c) => c.name === name)) {
    fail(ctx, `error: ephemeral container "${name}" already exists in pod "${pod.name}"\n`);
    return;
  }
  const argv = containerArgs(
    { command: p.rest !== null && p.rest.length > 0 ? p.rest : null, args: null },
    image,
  );
  const env = { ...image.env, HOSTNAME: pod.name };
  let path = lookPath(ctx, argv[0] ?? '', env, image.workdir);
  if (path === undefined) {
    fail(ctx, `error: ${argv[0] ?? ''}: executable file not found in $PATH\n`);
    return;
  }
  if (image.shell === 'busybox' && BUSYBOX_SHELLS.has(path)) path = '/bin/busybox';
  const interactive = on(p, 'stdin');
  const id = newContainerId(ctx);
  const log = logPath(pod, name, 0);
  mkdirs(ctx, log.slice(0, log.lastIndexOf('/')));
  writeText(ctx, log, '');
  const child: KubectlState = {
    ...fresh([]),
    role: joinPid > 0 ? 'exec-child' : 'debug-ns',
    path,
    argv,
    env,
    workdir: image.workdir,
    interactive,
    tty: on(p, 'tty'),
    detachedLog: interactive ? '' : log,
  };
  if (joinPid > 0 && ctx.setnsPid(joinPid) !== 0) {
    fail(ctx, `error: unable to upgrade connection: container not found ("${target ?? ''}")\n`);
    return;
  }
  if (child.tty) rawTerminal(ctx);
  const pid = ctx.fork({ program: 'kubectl', state: child });
  if (isErrno(pid)) {
    fail(ctx, `error: fork: ${pid}\n`);
    return;
  }
  updateStatus(ctx, pod.name, (s) => {
    s.ephemeral.push({
      name: name!,
      image: imageRef,
      target: target ?? '',
      containerId: id,
      pid,
      state: 'running',
      exitCode: 0,
      startedAt: ctx.now,
      finishedAt: 0,
    });
  });
  for (const [reason, message] of [
    ['Pulled', `Container image "${imageRef}" already present on machine`],
    ['Created', `Created container ${name}`],
    ['Started', `Started container ${name}`],
  ] as const)
    recordEvent(ctx, pod.name, { type: 'Normal', reason, from: 'kubelet', message });
  if (!interactive) {
    ctx.exit(0);
    return;
  }
  if (!quiet) err(ctx, "If you don't see a command prompt, try pressing enter.\n");
  ctx.state.pod = pod.name;
  ctx.state.container = name;
  ctx.state.phase = 'debug';
  ctx.state.child = pid;
  waitChild(ctx);
}

/** An ephemeral container with a PID namespace of its own: unshare, then its init. */
function debugNsInit(ctx: Ctx): void {
  if (ctx.unsharePid() !== 0) {
    ctx.exit(126);
    return;
  }
  const pid = ctx.fork({
    program: 'kubectl',
    state: { ...ctx.state, role: 'exec-child' },
  });
  if (isErrno(pid)) {
    ctx.exit(126);
    return;
  }
  ctx.state.child = pid;
  const r = ctx.wait(pid, 0);
  if ('blocked' in (r as object)) return;
  kubectl.resume!(ctx, { call: 'wait', result: r as never });
}

function debugDone(ctx: Ctx, code: number): void {
  const s = ctx.state;
  updateStatus(ctx, s.pod, (st) => {
    const e = st.ephemeral.find((x) => x.name === s.container);
    if (e) {
      e.state = 'terminated';
      e.pid = 0;
      e.exitCode = code;
      e.finishedAt = ctx.now;
    }
  });
  err(
    ctx,
    `Session ended, the ephemeral container will not be restarted but may be reattached using 'kubectl attach ${s.pod} -c ${s.container} -i -t' if it is still running\n`,
  );
  ctx.exit(0);
}
