/**
 * The scenario format, version 1: what a lesson (or an exercise set) is, as plain data. A
 * scenario is a folder with `scenario.json` (this shape; the published JSON Schema is
 * `scenarios/schema/v1.json`) and the Markdown files it names. Nothing in it is code: the world
 * is files and settings, steps are command lines typed at the lab's prompt, and claims name
 * checks from the library in `checks.ts` with typed arguments.
 */

/** The only schema version this loader reads. */
export const SCHEMA_VERSION = 1;

/** A file placed in the lab's file system before the lesson starts. */
export interface WorldFile {
  /** The text of the file, or `from`: a file of the scenario folder to copy. */
  readonly content?: string;
  readonly from?: string;
  /** Octal permission bits as a string ("0755"); default "0644". */
  readonly mode?: string;
}

/** The simulated machine a scenario starts from. */
export interface World {
  /** The host's name (the prompt shows it); default "host". */
  readonly hostname?: string;
  /** /proc/sys/kernel/pid_max of the host's PID namespace (300..4194304); default 32768. */
  readonly pidMax?: number;
  /** Files by absolute path: Dockerfiles, scripts, app sources, app specs. */
  readonly files?: Readonly<Record<string, WorldFile>>;
}

/** A claim about the model after a step: a named check with typed arguments. */
export interface Claim {
  readonly check: string;
  readonly args?: Readonly<Record<string, string | number | boolean>>;
  /** True: the claim is that the check does NOT hold ("the app never sees SIGTERM"). */
  readonly not?: boolean;
  /** The sentence the learner reads ("PID 1 is tini"). */
  readonly text: string;
}

/** A question asked before the step runs: the learner commits to a prediction. */
export interface Question {
  readonly prompt: string;
  /** Two to six answers to choose from. */
  readonly choices: readonly string[];
  /** Index into `choices` of what the model does. */
  readonly answer: number;
  /** Markdown shown at the reveal, whatever the learner chose. */
  readonly explanation: string;
}

export interface Step {
  readonly id: string;
  readonly title: string;
  /** Markdown shown before the step runs. */
  readonly text: string;
  /** Lines typed at the active terminal's prompt, one at a time, as `pidlab run --script` types them. */
  readonly commands: readonly string[];
  readonly question?: Question;
  /** Checked against the model after the commands ran. */
  readonly claims?: readonly Claim[];
  /** Trace event types whose explanations the reveal shows ("reparent", "zombie", "signal", ...). */
  readonly why?: readonly string[];
}

/** An exercise (graded by issue #9's flow): a goal over the state, hints and a reference solution. */
export interface Exercise {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  readonly goals: readonly Claim[];
  readonly hints: readonly string[];
  /** Command lines that reach the goals from the world (replayed in tests). */
  readonly solution: readonly string[];
  /**
   * Hints that react to what the learner has done (issue #9's help ladder): the first whose
   * `when` claim holds on the learner's machine is shown. Optional.
   */
  readonly adaptiveHints?: readonly AdaptiveHint[];
  /**
   * The variant's details (names, timings, which child misbehaves), each drawn from `choices`
   * by a PRNG seeded per learner; `{{name}}` in the text, hints, goals, solution and `files`
   * is replaced by the drawn value (see src/grading/variants.ts). Optional.
   */
  readonly variables?: Readonly<Record<string, Variable>>;
  /** Files added to (or replacing those of) the scenario's world for this exercise. Optional. */
  readonly files?: Readonly<Record<string, { readonly content: string; readonly mode?: string }>>;
}

/** A hint shown when its condition holds on the learner's machine. */
export interface AdaptiveHint {
  readonly when: Claim;
  /** Markdown; `{found}` is replaced by what the condition's check saw. */
  readonly hint: string;
}

/** One detail of an exercise variant. */
export interface Variable {
  readonly choices: readonly string[];
}

export interface Link {
  readonly title: string;
  readonly url: string;
}

/** How to reproduce the lesson on a real machine. */
export interface RealWorld {
  /** "docker" and "kubectl" need those tools; "unshare" needs only Linux and root. */
  readonly kind: 'docker' | 'kubectl' | 'unshare';
  /** Files to create first (e.g. "Dockerfile"), by relative path. */
  readonly files?: Readonly<Record<string, string>>;
  /** The exact commands to type. */
  readonly commands: readonly string[];
  /** Markdown: what the learner should see. */
  readonly expect: string;
  /** Hosted playgrounds where the commands run in a browser. */
  readonly playgrounds?: readonly Link[];
}

export interface Scenario {
  readonly schemaVersion: 1;
  /** Folder name: lowercase letters, digits and dashes ("03-zombies"). */
  readonly id: string;
  /** The scenario's own version ("1.0.0"); a graded result records it. */
  readonly version: string;
  readonly title: string;
  /** One sentence for the picker. */
  readonly summary: string;
  /** Position in the workshop (1, 2, ...). */
  readonly order: number;
  /** The Markdown file with the lesson's introduction ("lesson.md"). */
  readonly lesson: string;
  readonly world: World;
  readonly steps: readonly Step[];
  readonly exercises?: readonly Exercise[];
  readonly realWorld: RealWorld;
  readonly sources: readonly Link[];
  /** Lines of fidelity/cases/*.sh that compare this lesson's commands with a real kernel ("02-orphans-and-signals.sh:1"). */
  readonly fidelity?: readonly string[];
}

/** A loaded scenario: the data and the Markdown files it names. */
export interface LoadedScenario {
  readonly scenario: Scenario;
  /** The lesson introduction (Markdown). */
  readonly lessonText: string;
  /** The files of `world.files` with their content resolved (`from` read). */
  readonly files: Readonly<Record<string, { readonly content: string; readonly mode: number }>>;
}

/** One problem found in a scenario: where, what, and how to fix it. */
export interface Problem {
  /** The file, relative to the scenario folder's parent ("03-zombies/scenario.json"). */
  readonly file: string;
  /** The field ("steps[2].claims[0].check"); "" for the file as a whole. */
  readonly field: string;
  readonly message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}: ${p.field === '' ? '' : `${p.field}: `}${p.message}`;
}
