/**
 * One learner's attempt at one exercise: their instance (drawn from their seed), a recorded
 * machine, the checks they pressed and the help ladder — a hint, then a hint that reacts to
 * what they have done, then the remaining hints, then the solution (marked as seen). The page
 * drives an Attempt; the tests drive the same class; `record()` is what goes into the result.
 */
import type { LabMachine } from '../lab/machine.ts';
import type { Exercise, LoadedScenario } from '../scenario/types.ts';
import type { ExerciseRecord, HelpTaken, RecordedCheck } from './result.ts';
import { applyActions, reactingHint, startExercise } from './session.ts';
import type { CheckOutcome, Recorder } from './session.ts';
import { instantiate, seedFor } from './variants.ts';
import type { ExerciseInstance } from './variants.ts';

/** One rung of the help ladder as the learner sees it. */
export type Rung =
  | { readonly kind: 'hint'; readonly text: string }
  | { readonly kind: 'reacting'; readonly text: string; readonly index: number }
  | { readonly kind: 'solution'; readonly lines: readonly string[] };

/** When no reacting hint's condition holds, the ladder says so (and moves on). */
export const NO_REACTING_HINT =
  'Nothing in what you have done so far matches a known wrong turn: look at the goals beside what the model shows.';

export class Attempt {
  readonly instance: ExerciseInstance;
  readonly recorder: Recorder;
  readonly checks: CheckOutcome[] = [];
  /** The rungs shown so far, in order. */
  readonly shown: Rung[] = [];
  private hintsShown = 0;
  private reacting: number | null = null;
  private solutionShown = false;

  constructor(
    readonly loaded: LoadedScenario,
    exercise: Exercise,
    readonly cohort: string,
    readonly learner: string,
  ) {
    const seed = seedFor(cohort, learner, loaded.scenario.id, exercise.id);
    this.instance = instantiate(loaded, exercise, seed);
    this.recorder = startExercise(this.instance);
  }

  get machine(): LabMachine {
    return this.recorder.machine;
  }

  get exercise(): Exercise {
    return this.instance.exercise;
  }

  get passed(): boolean {
    return this.checks.some((c) => c.pass);
  }

  check(): CheckOutcome {
    const c = this.recorder.check(this.exercise);
    this.checks.push(c);
    return c;
  }

  /** How many rungs the ladder has: the hints, a reacting hint when the exercise has any, the solution. */
  get ladderLength(): number {
    return this.exercise.hints.length + (this.exercise.adaptiveHints?.length ? 1 : 0) + 1;
  }

  /** Shows the next rung of the help ladder (undefined when the solution is already shown). */
  nextHelp(): Rung | undefined {
    if (this.solutionShown) return undefined;
    const rung = this.climb();
    this.recorder.actions.push({ t: this.machine.kernel.now, kind: 'help', rung: rung.kind });
    this.shown.push(rung);
    return rung;
  }

  private climb(): Rung {
    const hints = this.exercise.hints;
    const hasReacting = (this.exercise.adaptiveHints?.length ?? 0) > 0;
    let rung: Rung;
    if (this.hintsShown === 0 && hints.length > 0) {
      rung = { kind: 'hint', text: hints[0]! };
      this.hintsShown = 1;
    } else if (hasReacting && this.reacting === null) {
      const r = reactingHint(this.machine, this.exercise);
      this.reacting = r?.index ?? -1;
      rung = { kind: 'reacting', text: r?.text ?? NO_REACTING_HINT, index: this.reacting };
    } else if (this.hintsShown < hints.length) {
      rung = { kind: 'hint', text: hints[this.hintsShown]! };
      this.hintsShown++;
    } else {
      rung = { kind: 'solution', lines: this.exercise.solution };
      this.solutionShown = true;
    }
    return rung;
  }

  /**
   * Continues a saved attempt (after a page reload): gives the fresh machine the recorded
   * inputs again — so they are recorded again — and restores the checks and the help taken.
   * Returns why the record could not be resumed (then the attempt starts over).
   */
  resume(record: ExerciseRecord): string | undefined {
    if (record.seed !== this.instance.seed) return 'the saved attempt is for another learner';
    return applyActions(
      this.machine,
      record.actions,
      () => {
        this.check();
      },
      (rung) => {
        // The ladder is climbed again at the same point of the run, so a reacting hint
        // reads the same state it read the first time.
        const r = this.nextHelp();
        return r?.kind === rung ? undefined : `the help taken does not follow the ladder (${rung})`;
      },
    );
  }

  get help(): HelpTaken {
    return { hints: this.hintsShown, reactingHint: this.reacting, solution: this.solutionShown };
  }

  record(): ExerciseRecord {
    const checks: RecordedCheck[] = this.checks.map((c) => ({
      t: c.t,
      pass: c.pass,
      goals: c.goals.map((g) => ({ ...g })),
      digest: c.digest,
    }));
    return {
      scenario: this.loaded.scenario.id,
      scenarioVersion: this.loaded.scenario.version,
      exercise: this.exercise.id,
      seed: this.instance.seed,
      values: { ...this.instance.values },
      actions: [...this.recorder.actions],
      checks,
      help: this.help,
      claimed: this.passed ? 'passed' : 'failed',
    };
  }
}
