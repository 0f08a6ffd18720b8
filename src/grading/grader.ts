/**
 * Grading a result: for each exercise record, find the scenario and exercise, recompute the
 * learner's seed and variant, replay the recorded inputs in the model, and compare every
 * recorded "Check" with what the replay shows at the same virtual time. A claim is confirmed
 * only when the replay earns it; anything that does not match — a pass the inputs do not earn,
 * a changed seed or scenario version, inputs edited after the run — rejects it, with the
 * reason. There are no accounts, keys or signatures: trust comes from replaying in the
 * deterministic model, so a result can be forged only by actually solving the exercise.
 */
import type { LoadedScenario } from '../scenario/types.ts';
import { hint } from '../scenario/suggest.ts';
import { replay } from './session.ts';
import type { ExerciseRecord, Grade, HelpTaken, ResultFile } from './result.ts';
import { drawValues, instantiate, seedFor } from './variants.ts';

export type Verdict = 'confirmed' | 'rejected';

export interface ExerciseVerdict {
  readonly scenario: string;
  readonly exercise: string;
  readonly claimed: Grade;
  /** What the replay earns (undefined when it could not be replayed). */
  readonly earned?: Grade;
  readonly verdict: Verdict;
  /** Why it was rejected (empty when confirmed). */
  readonly reasons: readonly string[];
  readonly help: HelpTaken;
  /** Checks pressed. */
  readonly checks: number;
  /** The values of the learner's variant. */
  readonly values: Readonly<Record<string, string>>;
  /** Virtual seconds from the start of the exercise to the last recorded input. */
  readonly seconds: number;
}

export interface GradeReport {
  readonly learner: string;
  readonly cohort: string;
  readonly track?: string;
  readonly exercises: readonly ExerciseVerdict[];
  /** Confirmed passes. */
  readonly passed: number;
  readonly rejected: number;
}

export interface GradeOptions {
  /** The scenarios the instructor grades against, by id. */
  readonly scenarios: readonly LoadedScenario[];
  /** The cohort code the instructor gave out; a result with another is rejected. */
  readonly cohort?: string;
}

const secs = (t: number): string => `${(t / 1e6).toFixed(2)} s`;

function gradeOne(r: ResultFile, rec: ExerciseRecord, opts: GradeOptions): ExerciseVerdict {
  const base = {
    scenario: rec.scenario,
    exercise: rec.exercise,
    claimed: rec.claimed,
    help: rec.help,
    checks: rec.checks.length,
    values: rec.values,
    seconds: (rec.actions.at(-1)?.t ?? 0) / 1e6,
  };
  const reject = (reasons: string[], earned?: Grade): ExerciseVerdict => ({
    ...base,
    ...(earned ? { earned } : {}),
    verdict: 'rejected',
    reasons,
  });
  const ids = opts.scenarios.map((s) => s.scenario.id);
  const loaded = opts.scenarios.find((s) => s.scenario.id === rec.scenario);
  if (!loaded) return reject([`no scenario '${rec.scenario}'${hint(rec.scenario, ids)}`]);
  const s = loaded.scenario;
  if (s.version !== rec.scenarioVersion)
    return reject([
      `recorded against version ${rec.scenarioVersion} of '${s.id}', but the scenario is version ${s.version}: a result is graded only against the version it was made with`,
    ]);
  const exIds = (s.exercises ?? []).map((e) => e.id);
  const exercise = s.exercises?.find((e) => e.id === rec.exercise);
  if (!exercise)
    return reject([`'${s.id}' has no exercise '${rec.exercise}'${hint(rec.exercise, exIds)}`]);
  const reasons: string[] = [];
  const seed = seedFor(r.cohort, r.learner, s.id, exercise.id);
  if (rec.seed !== seed)
    reasons.push(
      `seed ${rec.seed} is not the one ${JSON.stringify(r.learner)} gets for this exercise (${seed}): the seed was changed`,
    );
  const drawn = drawValues(exercise, rec.seed);
  if (JSON.stringify(drawn) !== JSON.stringify(rec.values))
    reasons.push(
      `the recorded variant ${JSON.stringify(rec.values)} is not the one seed ${rec.seed} draws (${JSON.stringify(drawn)})`,
    );
  if (reasons.length > 0) return reject(reasons);

  const instance = instantiate(loaded, exercise, seed);
  const nChecks = rec.actions.filter((a) => a.kind === 'check').length;
  if (nChecks !== rec.checks.length)
    return reject([
      `${rec.checks.length} recorded check results for ${nChecks} check presses in the actions: the inputs were edited`,
    ]);
  const out = replay(instance, rec.actions);
  if (out.error !== undefined) return reject([`the inputs cannot be replayed: ${out.error}`]);
  const earned: Grade = out.checks.some((c) => c.pass) ? 'passed' : 'failed';
  out.checks.forEach((got, i) => {
    const said = rec.checks[i]!;
    const at = `check ${i + 1} (at ${secs(got.t)})`;
    if (said.t !== got.t) reasons.push(`${at}: recorded at ${secs(said.t)}`);
    got.goals.forEach((g, j) => {
      const sg = said.goals[j];
      if (!sg) reasons.push(`${at}: goal "${g.text}" is missing from the result`);
      else if (sg.pass !== g.pass)
        reasons.push(
          `${at}: the result says "${g.text}" ${sg.pass ? 'held' : 'failed'}, the replay shows it ${g.pass ? 'holds' : 'does not hold'}: ${g.found}`,
        );
      else if (sg.found !== g.found)
        reasons.push(`${at}: the result says "${sg.found}", the replay shows "${g.found}"`);
    });
    if (said.goals.length > got.goals.length)
      reasons.push(
        `${at}: ${said.goals.length} goals recorded, the exercise has ${got.goals.length}`,
      );
    if (said.pass !== got.pass)
      reasons.push(
        `${at}: the result says ${said.pass ? 'passed' : 'failed'}, the replay ${got.pass ? 'passes' : 'fails'}`,
      );
    if (said.digest !== got.digest)
      reasons.push(
        `${at}: the run's fingerprint ${said.digest} differs from the replay's ${got.digest}: the recorded inputs are not the ones that produced this check`,
      );
  });
  // The help record must be what the help actions say was shown (the reacting hint as the
  // replay selects it at the same point of the run).
  const took = {
    hints: out.help.filter((h) => h.rung === 'hint').length,
    reactingHint: out.help.find((h) => h.rung === 'reacting')?.reacting ?? null,
    solution: out.help.some((h) => h.rung === 'solution'),
  };
  if (
    took.hints !== rec.help.hints ||
    took.reactingHint !== rec.help.reactingHint ||
    took.solution !== rec.help.solution
  )
    reasons.push(
      `the help recorded (${JSON.stringify(rec.help)}) is not the help the actions show (${JSON.stringify(took)})`,
    );
  if (rec.claimed !== earned)
    reasons.push(
      rec.claimed === 'passed'
        ? `claims a pass, but no check in the replay meets every goal${failedGoalsText(out.checks.at(-1))}`
        : 'claims a failure, but a check in the replay meets every goal',
    );
  if (reasons.length > 0) return reject(reasons, earned);
  return { ...base, earned, verdict: 'confirmed', reasons: [] };
}

function failedGoalsText(
  c: { goals: readonly { text: string; pass: boolean; found: string }[] } | undefined,
): string {
  if (!c) return ' (there is no check at all)';
  const f = c.goals.filter((g) => !g.pass);
  return f.length === 0
    ? ''
    : ` (last check: ${f.map((g) => `"${g.text}" — ${g.found}`).join('; ')})`;
}

export function gradeResult(r: ResultFile, opts: GradeOptions): GradeReport {
  const seen = new Set<string>();
  const exercises = r.exercises.map((rec): ExerciseVerdict => {
    const key = `${rec.scenario}/${rec.exercise}`;
    if (seen.has(key))
      return {
        scenario: rec.scenario,
        exercise: rec.exercise,
        claimed: rec.claimed,
        verdict: 'rejected',
        reasons: [`${key} is recorded twice`],
        help: rec.help,
        checks: rec.checks.length,
        values: rec.values,
        seconds: (rec.actions.at(-1)?.t ?? 0) / 1e6,
      };
    seen.add(key);
    if (opts.cohort !== undefined && opts.cohort !== r.cohort)
      return {
        scenario: rec.scenario,
        exercise: rec.exercise,
        claimed: rec.claimed,
        verdict: 'rejected',
        reasons: [
          `the result is for cohort ${JSON.stringify(r.cohort)}, not ${JSON.stringify(opts.cohort)}`,
        ],
        help: rec.help,
        checks: rec.checks.length,
        values: rec.values,
        seconds: (rec.actions.at(-1)?.t ?? 0) / 1e6,
      };
    return gradeOne(r, rec, opts);
  });
  return {
    learner: r.learner,
    cohort: r.cohort,
    ...(r.track !== undefined ? { track: r.track } : {}),
    exercises,
    passed: exercises.filter((e) => e.verdict === 'confirmed' && e.claimed === 'passed').length,
    rejected: exercises.filter((e) => e.verdict === 'rejected').length,
  };
}
