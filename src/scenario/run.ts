/**
 * The step runner: a lab machine built from a scenario's world, each step's command lines typed
 * at the prompt as `pidlab run --script` types them (virtual time passes while they block), then
 * the step's claims checked against the model and the "why" of the events that matter. The page,
 * the tests and exercise grading all run steps through here, so they cannot disagree.
 */
import { explainEvent } from '../kernel-sim/index.ts';
import type { Micros, TaskRef, TraceEvent } from '../kernel-sim/index.ts';
import type { LabMachine } from '../lab/machine.ts';
import { createLabMachine } from '../lab/world.ts';
import { Screen } from '../terminal/screen.ts';
import { checkSpec } from './checks.ts';
import type { CheckContext } from './checks.ts';
import type { Claim, LoadedScenario, Step } from './types.ts';

/** How long a step waits for the prompt after each line: commands in steps must come back. */
export const STEP_PROMPT_LIMIT: Micros = 120 * 1_000_000;

/** The most "why" explanations one step's reveal lists per event type. */
export const WHY_LIMIT = 4;

/** A fresh machine in the scenario's world: the default lab host plus its files and settings. */
export function createScenarioMachine(loaded: LoadedScenario): LabMachine {
  const w = loaded.scenario.world;
  return createLabMachine({
    hostname: w.hostname ?? 'host',
    ...(w.pidMax !== undefined ? { pidMax: w.pidMax } : {}),
    files: loaded.files,
  });
}

export interface ClaimResult {
  readonly claim: Claim;
  /** The claim holds (the check's result, inverted for `not`). */
  readonly pass: boolean;
  /** What the model shows. */
  readonly actual: string;
}

export interface WhyItem {
  readonly type: string;
  readonly time: Micros;
  readonly summary: string;
  readonly rule: string;
  readonly source: string;
}

export interface StepResult {
  /** What the terminal showed during the step. */
  readonly output: string;
  /** The prompt came back after the last line. */
  readonly finished: boolean;
  readonly claims: readonly ClaimResult[];
  readonly why: readonly WhyItem[];
  /** Virtual seconds the step took. */
  readonly seconds: number;
}

/** Evaluates claims (or an exercise's goals) against the machine. */
export function checkClaims(claims: readonly Claim[], ctx: CheckContext): ClaimResult[] {
  return claims.map((claim) => {
    const spec = checkSpec(claim.check);
    if (!spec) return { claim, pass: false, actual: `unknown check '${claim.check}'` };
    const r = spec.run(ctx, claim.args ?? {});
    return { claim, pass: claim.not === true ? !r.pass : r.pass, actual: r.actual };
  });
}

/**
 * The processes of the container engine's own plumbing (the docker CLI, the daemons, the shim):
 * their forks, exits and reaps are real, but not what a lesson is about, so the reveal's "why"
 * leaves them out. (comm is at most 15 characters, as in Linux.)
 */
const ENGINE_COMMS: ReadonlySet<string> = new Set([
  'docker',
  'dockerd',
  'containerd',
  'containerd-shim',
  'runc',
]);

/** The processes an event is about. */
function actorsOf(e: TraceEvent): TaskRef[] {
  switch (e.type) {
    case 'reparent':
      return [e.task, e.from];
    case 'zombie':
      return [e.task];
    case 'reap':
      return [e.task];
    case 'signal':
      return [e.task];
    case 'fork':
      return [e.parent, e.task];
    case 'fork-failed':
      return [e.parent];
    case 'kill':
      return [e.from];
    case 'ns-zap':
    case 'ns-empty':
      return [e.init];
    case 'ns-create':
    case 'ns-setns':
      return [e.by];
    default:
      return 'task' in e ? [e.task] : [];
  }
}

/**
 * The events of the given types worth explaining, at most WHY_LIMIT per type: not the engine's
 * plumbing, and for zombies, those still zombies at the end of the step first (a zombie reaped a
 * moment later is the normal life of every process).
 */
function whyOf(
  machine: LabMachine,
  events: readonly TraceEvent[],
  types: readonly string[],
): WhyItem[] {
  const k = machine.kernel;
  const out: WhyItem[] = [];
  for (const item of types) {
    const [type, comm] = item.split(':', 2);
    let chosen = events.filter((e) => {
      if (e.type !== type) return false;
      const actors = actorsOf(e);
      if (actors.some((a) => ENGINE_COMMS.has(a.comm))) return false;
      return comm === undefined || actors[0]?.comm === comm;
    });
    if (type === 'zombie') {
      const lasting = chosen.filter(
        (e) => k.taskRecord((e as { task: TaskRef }).task.id)?.runState === 'zombie',
      );
      if (lasting.length > 0) chosen = lasting;
    }
    for (const e of chosen.slice(0, WHY_LIMIT)) {
      const x = explainEvent(e);
      out.push({
        type: e.type,
        time: e.t,
        summary: x.summary,
        rule: x.rule.text,
        source: x.rule.source,
      });
    }
  }
  return out.sort((a, b) => a.time - b.time);
}

/** A line that presses a key instead of typing (as in `pidlab run --script`). */
const CONTROL_KEYS: Readonly<Record<string, string>> = {
  '^C': '\x03',
  '^Z': '\x1a',
  '^\\': '\x1c',
  '^D': '\x04',
};

export interface RunOptions {
  /**
   * How keystrokes reach the first terminal (default: `machine.type`). The page passes its
   * store's input, so that the lines are recorded in the timeline's history.
   */
  readonly type?: (data: string) => void;
}

/**
 * Types `lines` at the machine's first terminal the way `pidlab run --script` does
 * (`src/lab/script.ts`): each line when the shell is back at its prompt, letting virtual time
 * pass while commands block; a line `^C` (`^Z`, `^\`, `^D`) presses that key at once.
 * Returns whether the prompt came back after the last line.
 */
function typeLines(
  machine: LabMachine,
  lines: readonly string[],
  type: (data: string) => void,
): boolean {
  machine.runUntilPrompt(STEP_PROMPT_LIMIT);
  for (const line of lines) {
    const key = CONTROL_KEYS[line.trim()];
    if (key !== undefined) {
      machine.settle();
      type(key);
      continue;
    }
    if (!machine.runUntilPrompt(STEP_PROMPT_LIMIT) && !machine.shellAlive()) break;
    type(`${line}\r`);
  }
  return machine.runUntilPrompt(STEP_PROMPT_LIMIT);
}

/** Types `lines` at the machine's first terminal and checks `claims` afterwards. */
export function runLines(
  machine: LabMachine,
  lines: readonly string[],
  claims: readonly Claim[] = [],
  why: readonly string[] = [],
  options: RunOptions = {},
): StepResult {
  const since = machine.kernel.trace.length;
  const stepStart = machine.kernel.now;
  const screen = new Screen();
  const off = machine.onOutput((t) => screen.write(t));
  let finished = true;
  try {
    if (lines.length > 0)
      finished = typeLines(machine, lines, options.type ?? ((data) => machine.type(data)));
  } finally {
    off();
  }
  const output = screen.text();
  const ctx: CheckContext = { machine, since, stepStart, output };
  return {
    output,
    finished,
    claims: checkClaims(claims, ctx),
    why: whyOf(machine, machine.kernel.trace.slice(since), why),
    seconds: (machine.kernel.now - stepStart) / 1e6,
  };
}

export function runStep(machine: LabMachine, step: Step, options: RunOptions = {}): StepResult {
  return runLines(machine, step.commands, step.claims ?? [], step.why ?? [], options);
}
