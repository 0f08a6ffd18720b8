/**
 * What a learner did, as data, and doing it again. An exercise runs on a lab machine built from
 * the exercise's instance; a Recorder notes every input the page (or a test, or `pidlab run`)
 * gives that machine — keystrokes, a new terminal, a new login, a window size — with the
 * virtual time at which it arrived, and every "Check" press. `replay` builds the same machine
 * and gives it the same inputs at the same virtual times: the model is deterministic
 * (ARCHITECTURE.md, "Determinism"), and `Kernel.runUntil(a); runUntil(b)` processes the same
 * events as `runUntil(b)`, so however the page's clock sliced time, the replay reaches the
 * same state at each check. That is what `pidlab grade` trusts, not the learner's claims.
 */
import type { Micros } from '../kernel-sim/index.ts';
import type { LabMachine } from '../lab/machine.ts';
import { checkClaims, createScenarioMachine } from '../scenario/run.ts';
import type { CheckContext } from '../scenario/checks.ts';
import type { Exercise } from '../scenario/types.ts';
import { Screen } from '../terminal/screen.ts';
import { fnv1a } from './variants.ts';
import type { ExerciseInstance } from './variants.ts';

/** One input to the machine, at a virtual time (microseconds since the exercise began). */
export type Action =
  | { readonly t: Micros; readonly kind: 'keys'; readonly tty: number; readonly data: string }
  | { readonly t: Micros; readonly kind: 'open' }
  | { readonly t: Micros; readonly kind: 'relogin'; readonly tty: number }
  | {
      readonly t: Micros;
      readonly kind: 'resize';
      readonly tty: number;
      readonly cols: number;
      readonly rows: number;
    }
  /** The learner pressed "Check": the goals were evaluated here. */
  | { readonly t: Micros; readonly kind: 'check' }
  /** The learner took the next rung of the help ladder. */
  | { readonly t: Micros; readonly kind: 'help'; readonly rung: HelpRung };

export type HelpRung = 'hint' | 'reacting' | 'solution';
export const HELP_RUNGS: readonly HelpRung[] = ['hint', 'reacting', 'solution'];

/** Limits on what a replay accepts (a result file is untrusted input). */
export const LIMITS = {
  /** Actions per exercise. */
  actions: 20_000,
  /** Characters per keystroke batch (a paste). */
  keys: 4096,
  /** Virtual time of an exercise: a day (the page's clock runs while it is open). */
  time: 24 * 3600 * 1_000_000,
  terminals: 8,
} as const;

/** One goal as a check saw it. */
export interface GoalOutcome {
  readonly text: string;
  readonly pass: boolean;
  /** What the model showed ("PID 1 in container 'app' is node"). */
  readonly found: string;
}

export interface CheckOutcome {
  readonly t: Micros;
  readonly pass: boolean;
  readonly goals: readonly GoalOutcome[];
  /** A fingerprint of the run up to the check: trace, process table, terminal output. */
  readonly digest: string;
}

/** What every terminal showed, rendered as a person sees it. */
function allOutput(machine: LabMachine): string {
  return machine
    .terminals()
    .map((t) => {
      const s = new Screen();
      s.write(machine.output(t.tty));
      return s.text();
    })
    .join('\n');
}

function context(machine: LabMachine): CheckContext {
  return { machine, since: 0, stepStart: 0, output: allOutput(machine) };
}

/**
 * A fingerprint of the run so far (FNV-1a; not a signature — anyone can compute it — but
 * it ties the recorded check results to the recorded inputs: change an input and the replay's
 * digest differs from the one in the result).
 */
export function digestOf(machine: LabMachine): string {
  const k = machine.kernel;
  let h = fnv1a(`${k.now}|${k.trace.length}|`);
  for (const e of k.trace) h = fnv1a(`${e.t}${e.type};`, h);
  for (const p of k.view().list()) h = fnv1a(`${p.pid},${p.ppid},${p.state},${p.comm};`, h);
  for (const t of machine.terminals()) h = fnv1a(machine.output(t.tty), h);
  return h.toString(16).padStart(8, '0');
}

/** Evaluates an exercise's goals on the machine now. */
export function checkGoals(machine: LabMachine, exercise: Exercise): CheckOutcome {
  machine.settle();
  const results = checkClaims(exercise.goals, context(machine));
  const goals = results.map((r) => ({ text: r.claim.text, pass: r.pass, found: r.actual }));
  return {
    t: machine.kernel.now,
    pass: goals.every((g) => g.pass),
    goals,
    digest: digestOf(machine),
  };
}

/** The hint that reacts to what the learner has done: the first whose condition holds now. */
export function reactingHint(
  machine: LabMachine,
  exercise: Exercise,
): { readonly index: number; readonly text: string } | undefined {
  const hints = exercise.adaptiveHints ?? [];
  if (hints.length === 0) return undefined;
  machine.settle();
  const results = checkClaims(
    hints.map((h) => h.when),
    context(machine),
  );
  const i = results.findIndex((r) => r.pass);
  if (i < 0) return undefined;
  return { index: i, text: hints[i]!.hint.replace(/\{found\}/g, results[i]!.actual) };
}

/**
 * Notes every input given to `machine` from now on, by wrapping its input methods (the page's
 * terminal calls `machine.type`, `machine.relogin`, `machine.openTerminal` and
 * `kernel.resizeTty`; `runScript` calls `machine.type`). Times are the kernel's virtual clock.
 */
export class Recorder {
  readonly actions: Action[] = [];

  constructor(readonly machine: LabMachine) {
    const k = machine.kernel;
    const type = machine.type.bind(machine);
    const relogin = machine.relogin.bind(machine);
    const open = machine.openTerminal.bind(machine);
    const resize = k.resizeTty.bind(k);
    machine.type = (data: string, tty: number = machine.tty): void => {
      this.actions.push({ t: k.now, kind: 'keys', tty, data });
      type(data, tty);
    };
    machine.relogin = (tty: number) => {
      this.actions.push({ t: k.now, kind: 'relogin', tty });
      return relogin(tty);
    };
    machine.openTerminal = () => {
      this.actions.push({ t: k.now, kind: 'open' });
      return open();
    };
    const sizes = new Map<number, string>();
    k.resizeTty = (tty: number, cols: number, rows: number) => {
      // xterm.js reports its size on every layout pass; a repeat of the last size is not noted
      // (the replay gives every noted size, so it reaches the same terminal state).
      if (sizes.get(tty) !== `${cols}x${rows}`) {
        sizes.set(tty, `${cols}x${rows}`);
        this.actions.push({ t: k.now, kind: 'resize', tty, cols, rows });
      }
      resize(tty, cols, rows);
    };
  }

  /** Presses "Check": evaluates the goals and notes that it happened. */
  check(exercise: Exercise): CheckOutcome {
    this.machine.settle();
    this.actions.push({ t: this.machine.kernel.now, kind: 'check' });
    return checkGoals(this.machine, exercise);
  }
}

/** A fresh machine for an exercise instance, with a recorder on it. */
export function startExercise(instance: ExerciseInstance): Recorder {
  return new Recorder(createScenarioMachine(instance.loaded));
}

export interface ReplayResult {
  /** The goals at each recorded "check", in order. */
  readonly checks: readonly CheckOutcome[];
  /** The rungs of the help ladder taken, in order; a reacting hint with the index that applied then (-1: none). */
  readonly help: readonly { readonly rung: HelpRung; readonly reacting?: number }[];
  /** Why the actions could not be replayed (out of order, unknown terminal, over a limit). */
  readonly error?: string;
}

/**
 * Gives `machine` the `actions` at their virtual times, checking each against the limits;
 * `onCheck` runs at each "check". Returns why an action could not be given, if one could not.
 */
export function applyActions(
  machine: LabMachine,
  actions: readonly Action[],
  onCheck: () => void,
  onHelp: (rung: HelpRung) => string | undefined = () => undefined,
): string | undefined {
  const k = machine.kernel;
  if (actions.length > LIMITS.actions)
    return `${actions.length} actions, more than the ${LIMITS.actions} a replay takes`;
  let last = k.now;
  const known = (tty: number): boolean => machine.terminals().some((t) => t.tty === tty);
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]!;
    const fail = (why: string): string => `actions[${i}]: ${why}`;
    if (!Number.isSafeInteger(a.t) || a.t < last)
      return fail(`time ${a.t} µs is before the previous action's ${last} µs`);
    if (a.t > LIMITS.time) return fail(`time ${a.t} µs is past the ${LIMITS.time} µs limit`);
    last = a.t;
    k.runUntil(a.t);
    if (k.now !== a.t) return fail(`the machine could not reach ${a.t} µs (it panicked)`);
    switch (a.kind) {
      case 'keys':
        if (!known(a.tty)) return fail(`no terminal ${a.tty}`);
        if (a.data.length > LIMITS.keys) return fail(`more than ${LIMITS.keys} characters`);
        if (!machine.shellAlive(a.tty)) return fail(`terminal ${a.tty} has no shell to type at`);
        machine.type(a.data, a.tty);
        break;
      case 'open':
        if (machine.terminals().length >= LIMITS.terminals)
          return fail(`more than ${LIMITS.terminals} terminals`);
        machine.openTerminal();
        break;
      case 'relogin':
        if (!known(a.tty)) return fail(`no terminal ${a.tty}`);
        if (machine.shellAlive(a.tty)) return fail(`terminal ${a.tty} still has its shell`);
        machine.relogin(a.tty);
        break;
      case 'resize':
        if (!known(a.tty)) return fail(`no terminal ${a.tty}`);
        if (!(a.cols >= 10 && a.cols <= 500 && a.rows >= 2 && a.rows <= 200))
          return fail(`window size ${a.cols}x${a.rows} is outside 10x2..500x200`);
        k.resizeTty(a.tty, a.cols, a.rows);
        break;
      case 'check':
        onCheck();
        break;
      case 'help': {
        const problem = onHelp(a.rung);
        if (problem !== undefined) return fail(problem);
        break;
      }
    }
  }
  return undefined;
}

/** Builds the instance's machine and gives it `actions` at their virtual times. */
export function replay(instance: ExerciseInstance, actions: readonly Action[]): ReplayResult {
  const machine = createScenarioMachine(instance.loaded);
  const checks: CheckOutcome[] = [];
  const help: { rung: HelpRung; reacting?: number }[] = [];
  const error = applyActions(
    machine,
    actions,
    () => checks.push(checkGoals(machine, instance.exercise)),
    (rung) => {
      help.push(
        rung === 'reacting'
          ? { rung, reacting: reactingHint(machine, instance.exercise)?.index ?? -1 }
          : { rung },
      );
      return undefined;
    },
  );
  return error === undefined ? { checks, help } : { checks, help, error };
}
