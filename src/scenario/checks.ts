/**
 * The named checks a claim (a lesson's "what the model shows") or a goal (an exercise's "what
 * the learner must reach") may use. Each has typed parameters, validated when a scenario is
 * loaded, and evaluates against the lab machine after a step: its processes as /proc shows them,
 * the Docker engine's container state, the kernel trace of the step, and what the terminal
 * printed. A result says what the model actually shows, so a failed goal can be put beside it.
 */
import { findContainer } from '../runtimes/docker/store.ts';
import { loadStatus } from '../runtimes/kubernetes/store.ts';
import { parseSignal, sigName } from '../kernel-sim/index.ts';
import type { Micros, NsId, ProcEntry, TraceEvent } from '../kernel-sim/index.ts';
import type { LabMachine } from '../lab/machine.ts';

export type ParamType =
  'string' | 'integer' | 'number' | 'boolean' | 'signal' | 'namespace' | 'procState';

export interface ParamSpec {
  readonly type: ParamType;
  readonly required?: boolean;
  readonly doc: string;
}

/** What a check sees: the machine after the step, and where the step began. */
export interface CheckContext {
  readonly machine: LabMachine;
  /** Index in the kernel trace of the step's first event. */
  readonly since: number;
  /** Virtual time at which the step's first command was typed. */
  readonly stepStart: Micros;
  /** What the terminal printed during the step (rendered, prompts included). */
  readonly output: string;
}

export interface CheckResult {
  readonly pass: boolean;
  /** What the model shows, in words ("PID 1 is sleep", "3 zombies: 9, 11, 13"). */
  readonly actual: string;
}

export type Args = Readonly<Record<string, string | number | boolean>>;

export interface CheckSpec {
  readonly name: string;
  readonly doc: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly run: (ctx: CheckContext, args: Args) => CheckResult;
}

// ------------------------------------------------------------------ scope

const SCOPE_PARAMS: Readonly<Record<string, ParamSpec>> = {
  container: {
    type: 'string',
    doc: "look inside this Docker container's PID namespace (its name or id)",
  },
  namespace: {
    type: 'namespace',
    doc: '"host" (default) or "newest": the most recently created PID namespace whose PID 1 is alive',
  },
  pod: {
    type: 'string',
    doc: "look inside a Kubernetes pod's container's PID namespace (the pod's name)",
  },
  podContainer: {
    type: 'string',
    doc: 'with pod: which container (default: the first one)',
  },
};

interface Scope {
  readonly ns: NsId;
  readonly label: string;
}

/** The PID namespace a check looks at, or a reason it cannot. */
function scopeOf(ctx: CheckContext, args: Args): Scope | string {
  const k = ctx.machine.kernel;
  if (typeof args.container === 'string') {
    const c = findContainer(k.sys(k.hostInit), args.container);
    if (!c) return `there is no container '${args.container}'`;
    if (!c.state.Running) return `container '${args.container}' is not running (${c.state.Status})`;
    const task = k.taskByPid(c.state.Pid);
    if (task === undefined) return `container '${args.container}' has no process`;
    return { ns: k.nsOf(task), label: `in container '${args.container}'` };
  }
  if (typeof args.pod === 'string') {
    const status = loadStatus(k.sys(k.hostInit), args.pod);
    if (!status) return `there is no pod '${args.pod}'`;
    const name = typeof args.podContainer === 'string' ? args.podContainer : undefined;
    const c =
      name === undefined ? status.containers[0] : status.containers.find((x) => x.name === name);
    const label = `container '${c?.name ?? name ?? '?'}' of pod '${args.pod}'`;
    if (!c) return `pod '${args.pod}' has no container '${name ?? ''}'`;
    if (c.state !== 'running' || c.pid === 0) return `${label} is not running (${c.state})`;
    const task = k.taskByPid(c.pid);
    if (task === undefined) return `${label} has no process`;
    return { ns: k.nsOf(task), label: `in ${label}` };
  }
  if (args.namespace === 'newest') {
    const ids = k.namespaceIds().filter((id) => id !== k.rootNs);
    for (let i = ids.length - 1; i >= 0; i--) {
      const info = k.namespaceInfo(ids[i]!);
      const reaper = info.childReaper;
      const rec = k.taskRecord(reaper);
      if (rec && !rec.exiting) return { ns: ids[i]!, label: 'in the newest PID namespace' };
    }
    return 'no PID namespace other than the host’s has a live PID 1';
  }
  return { ns: k.rootNs, label: 'on the host' };
}

const matches = (p: ProcEntry, args: Args): boolean =>
  (typeof args.comm !== 'string' || p.comm === args.comm) &&
  (typeof args.state !== 'string' || p.state === args.state);

const STATE_PARAM: Readonly<Record<string, ParamSpec>> = {
  state: { type: 'procState', doc: 'only processes in this state: R, S, T or Z (zombie)' },
};

function procs(ctx: CheckContext, args: Args): { list: ProcEntry[]; label: string } | string {
  const scope = scopeOf(ctx, args);
  if (typeof scope === 'string') return scope;
  const list = ctx.machine.kernel
    .view(scope.ns)
    .list()
    .filter((p) => matches(p, args));
  return { list, label: scope.label };
}

const pidList = (list: readonly ProcEntry[]): string =>
  list.length === 0 ? 'none' : list.map((p) => `${p.pid} (${p.comm})`).join(', ');

/** count / min / max: a number within bounds. */
function within(n: number, args: Args): boolean {
  if (typeof args.count === 'number' && n !== args.count) return false;
  if (typeof args.min === 'number' && n < args.min) return false;
  if (typeof args.max === 'number' && n > args.max) return false;
  return true;
}

const COUNT_PARAMS: Readonly<Record<string, ParamSpec>> = {
  count: { type: 'integer', doc: 'exactly this many' },
  min: { type: 'integer', doc: 'at least this many' },
  max: { type: 'integer', doc: 'at most this many' },
};

function stepEvents(ctx: CheckContext): readonly TraceEvent[] {
  return ctx.machine.kernel.trace.slice(ctx.since);
}

const signalOf = (args: Args): number => parseSignal(String(args.signal)) ?? 0;

/** How many times the kernel dropped signal `sig` sent to a process named `comm`. */
const droppedCount = (events: readonly TraceEvent[], comm: unknown, sig: number): number =>
  events.filter(
    (e) => e.type === 'signal' && e.task.comm === comm && e.sig === sig && e.outcome === 'dropped',
  ).length;

// ------------------------------------------------------------------ the library

export const CHECKS: readonly CheckSpec[] = [
  {
    name: 'pid1Is',
    doc: 'PID 1 of the namespace runs this command (comm, as ps shows it)',
    params: { comm: { type: 'string', required: true, doc: 'the command name' }, ...SCOPE_PARAMS },
    run: (ctx, args) => {
      const scope = scopeOf(ctx, args);
      if (typeof scope === 'string') return { pass: false, actual: scope };
      const one = ctx.machine.kernel.view(scope.ns).get(1);
      if (!one) return { pass: false, actual: `there is no PID 1 ${scope.label}` };
      return { pass: one.comm === args.comm, actual: `PID 1 ${scope.label} is ${one.comm}` };
    },
  },
  {
    name: 'zombieCount',
    doc: 'how many zombies (state Z) there are, optionally only those of one command',
    params: {
      comm: { type: 'string', doc: 'only this command' },
      ...COUNT_PARAMS,
      ...SCOPE_PARAMS,
    },
    run: (ctx, args) => {
      const r = procs(ctx, args);
      if (typeof r === 'string') return { pass: false, actual: r };
      const z = r.list.filter((p) => p.state === 'Z');
      return {
        pass: within(z.length, args),
        actual: `${z.length} zombies ${r.label}: ${pidList(z)}`,
      };
    },
  },
  {
    name: 'noZombies',
    doc: 'no process is a zombie',
    params: { ...SCOPE_PARAMS },
    run: (ctx, args) => {
      const r = procs(ctx, args);
      if (typeof r === 'string') return { pass: false, actual: r };
      const z = r.list.filter((p) => p.state === 'Z');
      return { pass: z.length === 0, actual: `${z.length} zombies ${r.label}: ${pidList(z)}` };
    },
  },
  {
    name: 'processCount',
    doc: 'how many processes (zombies included) there are, optionally only those of one command',
    params: {
      comm: { type: 'string', doc: 'only this command' },
      ...STATE_PARAM,
      ...COUNT_PARAMS,
      ...SCOPE_PARAMS,
    },
    run: (ctx, args) => {
      const r = procs(ctx, args);
      if (typeof r === 'string') return { pass: false, actual: r };
      return {
        pass: within(r.list.length, args),
        actual: `${r.list.length} processes ${r.label}: ${pidList(r.list)}`,
      };
    },
  },
  {
    name: 'parentIs',
    doc: 'every process of this command has this parent PID, as its own namespace (or the scope) numbers it',
    params: {
      comm: { type: 'string', required: true, doc: 'the command name' },
      ppid: {
        type: 'integer',
        required: true,
        doc: 'the expected PPID (0: the parent is outside)',
      },
      ...STATE_PARAM,
      ...SCOPE_PARAMS,
    },
    run: (ctx, args) => {
      const r = procs(ctx, args);
      if (typeof r === 'string') return { pass: false, actual: r };
      if (r.list.length === 0) return { pass: false, actual: `no ${String(args.comm)} ${r.label}` };
      const rows = r.list.map((p) => `${p.pid} has PPID ${p.ppid}`).join(', ');
      return {
        pass: r.list.every((p) => p.ppid === args.ppid),
        actual: `${String(args.comm)} ${r.label}: ${rows}`,
      };
    },
  },
  {
    name: 'hasPids',
    doc: 'a process of this command has exactly these PIDs, from the host down (NSpid)',
    params: {
      comm: { type: 'string', required: true, doc: 'the command name' },
      nspid: {
        type: 'string',
        required: true,
        doc: 'PIDs separated by spaces, host first ("5 1")',
      },
    },
    run: (ctx, args) => {
      const want = String(args.nspid).trim().split(/\s+/).map(Number);
      const list = ctx.machine.kernel
        .view()
        .list()
        .filter((p) => p.comm === args.comm);
      const seen = list.map((p) => p.nspid.join(' '));
      return {
        pass: list.some(
          (p) => p.nspid.length === want.length && p.nspid.every((n, i) => n === want[i]),
        ),
        actual:
          list.length === 0
            ? `no ${String(args.comm)} on the host`
            : `NSpid of ${String(args.comm)}: ${seen.join('; ')}`,
      };
    },
  },
  {
    name: 'receivedSignal',
    doc: 'during the step, a process of this command had the signal delivered (a handler ran, or its default action: terminate, stop)',
    params: {
      comm: { type: 'string', required: true, doc: 'the command name' },
      signal: { type: 'signal', required: true, doc: 'SIGTERM, TERM or 15' },
    },
    run: (ctx, args) => {
      const sig = signalOf(args);
      const events = stepEvents(ctx);
      const got = events.filter(
        (e) =>
          e.type === 'deliver' && e.task.comm === args.comm && e.sig === sig && e.action !== 'skip',
      );
      const dropped = droppedCount(events, args.comm, sig);
      const actual =
        got.length > 0
          ? `${String(args.comm)} received ${sigName(sig)} ${got.length} time(s)` +
            ` (${[...new Set(got.map((e) => (e.type === 'deliver' ? e.action : '')))].join(', ')})`
          : `${String(args.comm)} never received ${sigName(sig)}` +
            (dropped > 0 ? ` (the kernel dropped it ${dropped} time(s))` : '');
      return { pass: got.length > 0, actual };
    },
  },
  {
    name: 'signalDropped',
    doc: 'during the step, the kernel discarded the signal sent to a process of this command (PID 1 without a handler, an ignored signal)',
    params: {
      comm: { type: 'string', required: true, doc: 'the command name' },
      signal: { type: 'signal', required: true, doc: 'SIGTERM, TERM or 15' },
    },
    run: (ctx, args) => {
      const sig = signalOf(args);
      const n = droppedCount(stepEvents(ctx), args.comm, sig);
      return {
        pass: n > 0,
        actual: `${sigName(sig)} to ${String(args.comm)} dropped ${n} time(s)`,
      };
    },
  },
  {
    name: 'exitedWith',
    doc: 'during the step, a process of this command exited with this code (or was killed by this signal)',
    params: {
      comm: { type: 'string', required: true, doc: 'the command name' },
      code: { type: 'integer', doc: 'the exit code (0-255)' },
      signal: { type: 'signal', doc: 'the signal that killed it' },
    },
    run: (ctx, args) => {
      const exits = stepEvents(ctx).filter((e) => e.type === 'exit' && e.task.comm === args.comm);
      const describe = (status: number): string =>
        (status & 0x7f) === 0
          ? `exit code ${(status >> 8) & 0xff}`
          : `killed by ${sigName(status & 0x7f)}`;
      const ok = exits.some((e) => {
        if (e.type !== 'exit') return false;
        if (typeof args.code === 'number')
          return (e.status & 0x7f) === 0 && ((e.status >> 8) & 0xff) === args.code;
        if (args.signal !== undefined) return (e.status & 0x7f) === signalOf(args);
        return true;
      });
      const seen = exits.map((e) => (e.type === 'exit' ? describe(e.status) : '')).join(', ');
      return {
        pass: ok,
        actual:
          exits.length === 0 ? `no ${String(args.comm)} exited` : `${String(args.comm)}: ${seen}`,
      };
    },
  },
  {
    name: 'containerRunning',
    doc: 'the Docker container is running',
    params: { container: { type: 'string', required: true, doc: 'its name or id' } },
    run: (ctx, args) => {
      const k = ctx.machine.kernel;
      const c = findContainer(k.sys(k.hostInit), String(args.container));
      if (!c) return { pass: false, actual: `there is no container '${String(args.container)}'` };
      return {
        pass: c.state.Running,
        actual: `container '${String(args.container)}' is ${c.state.Status}`,
      };
    },
  },
  {
    name: 'containerExitCode',
    doc: 'the Docker container has exited with this code (docker inspect .State.ExitCode)',
    params: {
      container: { type: 'string', required: true, doc: 'its name or id' },
      code: { type: 'integer', required: true, doc: 'the exit code: 137 is SIGKILL, 143 SIGTERM' },
    },
    run: (ctx, args) => {
      const k = ctx.machine.kernel;
      const c = findContainer(k.sys(k.hostInit), String(args.container));
      if (!c) return { pass: false, actual: `there is no container '${String(args.container)}'` };
      if (c.state.Status !== 'exited')
        return {
          pass: false,
          actual: `container '${String(args.container)}' is ${c.state.Status}`,
        };
      return {
        pass: c.state.ExitCode === args.code,
        actual: `container '${String(args.container)}' exited with ${c.state.ExitCode}`,
      };
    },
  },
  {
    name: 'stoppedWithin',
    doc: 'the Docker container exited within (and, with "after", no sooner than) so many seconds from the start of the step',
    params: {
      container: { type: 'string', required: true, doc: 'its name or id' },
      seconds: { type: 'number', required: true, doc: 'at most this many seconds' },
      after: { type: 'number', doc: 'at least this many seconds' },
    },
    run: (ctx, args) => {
      const k = ctx.machine.kernel;
      const c = findContainer(k.sys(k.hostInit), String(args.container));
      if (!c) return { pass: false, actual: `there is no container '${String(args.container)}'` };
      if (c.state.Status !== 'exited')
        return {
          pass: false,
          actual: `container '${String(args.container)}' is ${c.state.Status}`,
        };
      const took = (c.state.FinishedAt - ctx.stepStart) / 1e6;
      const ok =
        took >= 0 &&
        took <= Number(args.seconds) &&
        (args.after === undefined || took >= Number(args.after));
      return {
        pass: ok,
        actual: `container '${String(args.container)}' exited ${took.toFixed(2)} s after the step began`,
      };
    },
  },
  {
    name: 'forkFailed',
    doc: 'during the step, fork failed (EAGAIN: no free PID, or the pids cgroup limit) at least `min` times',
    params: { min: { type: 'integer', doc: 'at least this many failures (default 1)' } },
    run: (ctx, args) => {
      const fails = stepEvents(ctx).filter((e) => e.type === 'fork-failed');
      const min = typeof args.min === 'number' ? args.min : 1;
      const errs = [...new Set(fails.map((e) => (e.type === 'fork-failed' ? e.errno : '')))].join(
        ', ',
      );
      return {
        pass: fails.length >= min,
        actual: `fork failed ${fails.length} time(s)${errs ? ` (${errs})` : ''}`,
      };
    },
  },
  {
    name: 'namespaceKilled',
    doc: 'during the step, the init of a PID namespace died and the kernel killed everything left in it',
    params: {
      victims: { type: 'integer', doc: 'at least this many processes were killed with it' },
    },
    run: (ctx, args) => {
      const zaps = stepEvents(ctx).filter((e) => e.type === 'ns-zap');
      const most = Math.max(0, ...zaps.map((e) => (e.type === 'ns-zap' ? e.victims : 0)));
      const min = typeof args.victims === 'number' ? args.victims : 0;
      return {
        pass: zaps.length > 0 && most >= min,
        actual:
          zaps.length === 0
            ? 'no PID namespace lost its init'
            : `a namespace's init died, ${most} other processes killed`,
      };
    },
  },
  {
    name: 'outputContains',
    doc: 'what the terminal printed during the step contains this text',
    params: { text: { type: 'string', required: true, doc: 'the text (exact, case-sensitive)' } },
    run: (ctx, args) => {
      const ok = ctx.output.includes(String(args.text));
      return {
        pass: ok,
        actual: ok
          ? `the output contains "${String(args.text)}"`
          : `the output has no "${String(args.text)}"`,
      };
    },
  },
  {
    // Added for graded exercises (issue #9): a learner types `docker stop` whenever they like,
    // so the time that matters is from that command to the container's exit, not from the
    // start of the exercise.
    name: 'stopTook',
    doc: 'the last `docker stop` of the container took at most (and, with "after", at least) so many seconds, from the command to the container’s exit',
    params: {
      container: { type: 'string', required: true, doc: 'its name or id' },
      seconds: { type: 'number', required: true, doc: 'at most this many seconds' },
      after: { type: 'number', doc: 'at least this many seconds' },
    },
    run: (ctx, args) => {
      const name = String(args.container);
      const k = ctx.machine.kernel;
      const c = findContainer(k.sys(k.hostInit), name);
      if (!c) return { pass: false, actual: `there is no container '${name}'` };
      if (c.state.Status !== 'exited')
        return { pass: false, actual: `container '${name}' is ${c.state.Status}` };
      const stops = stepEvents(ctx).filter(
        (e) =>
          e.type === 'exec' &&
          e.argv[0]?.split('/').pop() === 'docker' &&
          e.argv.includes('stop') &&
          (e.argv.includes(c.config.name) || e.argv.includes(c.config.id)) &&
          e.t <= c.state.FinishedAt,
      );
      const last = stops.at(-1);
      if (!last)
        return {
          pass: false,
          actual: `container '${name}' exited with ${c.state.ExitCode} without a docker stop`,
        };
      const took = (c.state.FinishedAt - last.t) / 1e6;
      const ok =
        took <= Number(args.seconds) && (args.after === undefined || took >= Number(args.after));
      return {
        pass: ok,
        actual: `docker stop ${name} took ${took.toFixed(2)} s (exit code ${c.state.ExitCode})`,
      };
    },
  },
  {
    // Added for graded exercises (issue #9): "no zombies after 10 s" needs the 10 s to have
    // passed, or a check pressed right after `docker run` would pass on an empty container.
    name: 'runningFor',
    doc: 'the Docker container is running and has been for at least so many seconds',
    params: {
      container: { type: 'string', required: true, doc: 'its name or id' },
      seconds: { type: 'number', required: true, doc: 'at least this many seconds' },
    },
    run: (ctx, args) => {
      const name = String(args.container);
      const k = ctx.machine.kernel;
      const c = findContainer(k.sys(k.hostInit), name);
      if (!c) return { pass: false, actual: `there is no container '${name}'` };
      if (!c.state.Running)
        return { pass: false, actual: `container '${name}' is ${c.state.Status}` };
      const up = (k.now - c.state.StartedAt) / 1e6;
      return {
        pass: up >= Number(args.seconds),
        actual: `container '${name}' has been running for ${up.toFixed(1)} s`,
      };
    },
  },
  {
    // Added for graded exercises (issue #9): "its parent is PID 1" also holds for a child PID 1
    // started itself; adoption is the reparent event (kernel/exit.c: forget_original_parent).
    name: 'adopted',
    doc: 'during the step, a process of this command was orphaned and adopted by the PID 1 of its own namespace (or, with "by", by a process of that command)',
    params: {
      comm: { type: 'string', required: true, doc: 'the command name of the orphan' },
      by: { type: 'string', doc: 'the command name of the adopter (default: whatever PID 1 is)' },
    },
    run: (ctx, args) => {
      // An orphan is often reparented before it execs its program (a `sleep &` whose shell
      // exits at once), so a task counts by any name it had during the step.
      const events = stepEvents(ctx);
      const named = new Set<number>();
      for (const e of events) if ('task' in e && e.task.comm === args.comm) named.add(e.task.id);
      const moves = events.filter((e) => e.type === 'reparent' && named.has(e.task.id));
      const ok = moves.filter(
        (e) =>
          e.type === 'reparent' &&
          (typeof args.by === 'string'
            ? e.to.comm === args.by
            : e.to.nums[e.to.nums.length - 1] === 1 && e.to.ns === e.task.ns),
      );
      const seen = moves
        .map((e) => (e.type === 'reparent' ? `to ${e.to.comm} (PID ${e.to.nums.at(-1) ?? 0})` : ''))
        .join(', ');
      return {
        pass: ok.length > 0,
        actual:
          moves.length === 0
            ? `no ${String(args.comm)} was orphaned`
            : `${String(args.comm)} was reparented ${seen}`,
      };
    },
  },
];

export const CHECK_NAMES: readonly string[] = CHECKS.map((c) => c.name);

export function checkSpec(name: string): CheckSpec | undefined {
  return CHECKS.find((c) => c.name === name);
}
