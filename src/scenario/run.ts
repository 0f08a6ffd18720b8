/**
 * The step runner: a lab machine built from a scenario's world, each step's command lines typed
 * at the prompt as `pidlab run --script` types them (virtual time passes while they block), then
 * the step's claims checked against the model and the "why" of the events that matter. The page,
 * the tests and exercise grading all run steps through here, so they cannot disagree.
 */
import { explainEvent } from '../kernel-sim/index.ts';
import type { Micros, TraceEvent } from '../kernel-sim/index.ts';
import type { LabMachine } from '../lab/machine.ts';
import { runScript } from '../lab/script.ts';
import { createLabMachine } from '../lab/world.ts';
import { Screen } from '../terminal/screen.ts';
import { checkSpec } from './checks.ts';
import type { CheckContext } from './checks.ts';
import type { Claim, LoadedScenario, Step } from './types.ts';

/** How long a step waits for the prompt after each line: commands in steps must come back. */
export const STEP_PROMPT_LIMIT: Micros = 120 * 1_000_000;

/** The most "why" explanations one step's reveal lists per event type. */
export const WHY_LIMIT = 6;

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

function whyOf(events: readonly TraceEvent[], types: readonly string[]): WhyItem[] {
  const out: WhyItem[] = [];
  for (const type of types) {
    let n = 0;
    for (const e of events) {
      if (e.type !== type) continue;
      if (++n > WHY_LIMIT) break;
      const x = explainEvent(e);
      out.push({ type, time: e.t, summary: x.summary, rule: x.rule.text, source: x.rule.source });
    }
  }
  return out.sort((a, b) => a.time - b.time);
}

/** Types `lines` at the machine's first terminal and checks `claims` afterwards. */
export function runLines(
  machine: LabMachine,
  lines: readonly string[],
  claims: readonly Claim[] = [],
  why: readonly string[] = [],
): StepResult {
  const since = machine.kernel.trace.length;
  const stepStart = machine.kernel.now;
  const screen = new Screen();
  const off = machine.onOutput((t) => screen.write(t));
  let finished = true;
  try {
    if (lines.length > 0)
      finished = runScript(machine, lines.join('\n'), { promptLimit: STEP_PROMPT_LIMIT }).finished;
  } finally {
    off();
  }
  const output = screen.text();
  const ctx: CheckContext = { machine, since, stepStart, output };
  return {
    output,
    finished,
    claims: checkClaims(claims, ctx),
    why: whyOf(machine.kernel.trace.slice(since), why),
    seconds: (machine.kernel.now - stepStart) / 1e6,
  };
}

export function runStep(machine: LabMachine, step: Step): StepResult {
  return runLines(machine, step.commands, step.claims ?? [], step.why ?? []);
}
