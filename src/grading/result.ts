/**
 * The result file a learner exports and an instructor grades (`pidlab grade RESULT...`):
 * version 1 of "pidlab-result". It holds what the learner did — per exercise, the scenario id
 * and version, the seed of their instance, every input with its virtual time, every "Check"
 * press with the goals as the page saw them, the help they took — and what they claim. Nothing
 * in it is trusted: the grader replays the inputs in the model and confirms or rejects each
 * claim. Parsing is strict and every problem names its field.
 */
import type { Action, GoalOutcome, HelpRung } from './session.ts';
import { HELP_RUNGS, LIMITS } from './session.ts';
import { hint } from '../scenario/suggest.ts';

export const RESULT_FORMAT = 'pidlab-result';
export const RESULT_VERSION = 1;
/** A result file larger than this is refused before parsing. */
export const MAX_RESULT_BYTES = 8 * 1024 * 1024;

/** The help the learner took on an exercise (the help ladder). */
export interface HelpTaken {
  /** How many static hints were shown. */
  readonly hints: number;
  /** The reacting hint was shown (and which one, by index into adaptiveHints; -1: none applied). */
  readonly reactingHint: number | null;
  /** The reference solution was shown. */
  readonly solution: boolean;
}

/** One "Check" press as the page saw it. */
export interface RecordedCheck {
  readonly t: number;
  readonly pass: boolean;
  readonly goals: readonly GoalOutcome[];
  readonly digest: string;
}

export type Grade = 'passed' | 'failed';

export interface ExerciseRecord {
  readonly scenario: string;
  readonly scenarioVersion: string;
  readonly exercise: string;
  readonly seed: number;
  /** The values drawn for the variant (for the instructor to read; the grader redraws them). */
  readonly values: Readonly<Record<string, string>>;
  readonly actions: readonly Action[];
  /** One per `check` action, in order. */
  readonly checks: readonly RecordedCheck[];
  readonly help: HelpTaken;
  /** What the learner claims: passed when a check passed. */
  readonly claimed: Grade;
}

export interface ResultFile {
  readonly format: typeof RESULT_FORMAT;
  readonly version: typeof RESULT_VERSION;
  /** The learner's name as the instructor knows it (it seeds their variants). */
  readonly learner: string;
  /** The workshop or team code the instructor gave out ("" for none); also seeds variants. */
  readonly cohort: string;
  /** The onboarding track this result is for, if any. */
  readonly track?: string;
  /** When the file was exported (the browser's clock: informative only). */
  readonly exportedAt?: string;
  readonly exercises: readonly ExerciseRecord[];
}

export interface ParseResult {
  readonly result?: ResultFile;
  /** "field: what is wrong" */
  readonly problems: readonly string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const typeName = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;

class Reader {
  readonly problems: string[] = [];
  add(field: string, msg: string): void {
    if (this.problems.length < 50) this.problems.push(field === '' ? msg : `${field}: ${msg}`);
  }
  fields(v: Obj, at: string, known: readonly string[]): void {
    for (const k of Object.keys(v))
      if (!known.includes(k))
        this.add(at ? `${at}.${k}` : k, `unknown field '${k}'${hint(k, known)}`);
  }
  str(v: Obj, key: string, at: string, max: number, optional = false): string {
    const x = v[key];
    if (x === undefined && optional) return '';
    if (typeof x !== 'string') {
      this.add(`${at}${key}`, `expected a string, got ${typeName(x)}`);
      return '';
    }
    if (x.length > max) this.add(`${at}${key}`, `longer than ${max} characters`);
    return x;
  }
  int(v: Obj, key: string, at: string, min: number, max: number): number {
    const x = v[key];
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < min || x > max) {
      this.add(
        `${at}${key}`,
        `expected an integer from ${min} to ${max}, got ${JSON.stringify(x) ?? 'nothing'}`,
      );
      return 0;
    }
    return x;
  }
  bool(v: Obj, key: string, at: string): boolean {
    const x = v[key];
    if (typeof x !== 'boolean') {
      this.add(`${at}${key}`, `expected true or false, got ${typeName(x)}`);
      return false;
    }
    return x;
  }
}

const ACTION_FIELDS: Readonly<Record<Action['kind'], readonly string[]>> = {
  keys: ['t', 'kind', 'tty', 'data'],
  open: ['t', 'kind'],
  relogin: ['t', 'kind', 'tty'],
  resize: ['t', 'kind', 'tty', 'cols', 'rows'],
  check: ['t', 'kind'],
  help: ['t', 'kind', 'rung'],
};
const ACTION_KINDS = Object.keys(ACTION_FIELDS);

function action(r: Reader, v: unknown, at: string): Action | undefined {
  if (!isObj(v)) {
    r.add(at, `expected an action object, got ${typeName(v)}`);
    return undefined;
  }
  const kind = v.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(ACTION_FIELDS, kind)) {
    r.add(
      `${at}.kind`,
      `unknown action kind ${JSON.stringify(kind)}${hint(String(kind), ACTION_KINDS)}`,
    );
    return undefined;
  }
  const k = kind as Action['kind'];
  r.fields(v, at, ACTION_FIELDS[k]);
  const p = `${at}.`;
  const t = r.int(v, 't', p, 0, LIMITS.time);
  switch (k) {
    case 'keys':
      return {
        t,
        kind: k,
        tty: r.int(v, 'tty', p, 0, 1000),
        data: r.str(v, 'data', p, LIMITS.keys),
      };
    case 'open':
    case 'check':
      return { t, kind: k };
    case 'help': {
      const rung = v.rung;
      if (typeof rung !== 'string' || !(HELP_RUNGS as readonly string[]).includes(rung)) {
        r.add(
          `${p}rung`,
          `expected one of ${HELP_RUNGS.join(', ')}${hint(String(rung), HELP_RUNGS)}`,
        );
        return undefined;
      }
      return { t, kind: k, rung: rung as HelpRung };
    }
    case 'relogin':
      return { t, kind: k, tty: r.int(v, 'tty', p, 0, 1000) };
    case 'resize':
      return {
        t,
        kind: k,
        tty: r.int(v, 'tty', p, 0, 1000),
        cols: r.int(v, 'cols', p, 10, 500),
        rows: r.int(v, 'rows', p, 2, 200),
      };
  }
}

function exerciseRecord(r: Reader, v: unknown, at: string): ExerciseRecord | undefined {
  if (!isObj(v)) {
    r.add(at, `expected an exercise record, got ${typeName(v)}`);
    return undefined;
  }
  r.fields(v, at, [
    'scenario',
    'scenarioVersion',
    'exercise',
    'seed',
    'values',
    'actions',
    'checks',
    'help',
    'claimed',
  ]);
  const p = `${at}.`;
  const values: Record<string, string> = {};
  if (!isObj(v.values))
    r.add(`${p}values`, `expected an object of drawn values, got ${typeName(v.values)}`);
  else
    for (const [name, x] of Object.entries(v.values))
      if (typeof x !== 'string' || x.length > 40)
        r.add(`${p}values.${name}`, 'expected a short string');
      else values[name] = x;
  const actions: Action[] = [];
  if (!Array.isArray(v.actions))
    r.add(`${p}actions`, `expected an array, got ${typeName(v.actions)}`);
  else if (v.actions.length > LIMITS.actions)
    r.add(`${p}actions`, `${v.actions.length} actions, at most ${LIMITS.actions}`);
  else
    v.actions.forEach((a, i) => {
      const x = action(r, a, `${p}actions[${i}]`);
      if (x) actions.push(x);
    });
  const checks: RecordedCheck[] = [];
  if (!Array.isArray(v.checks)) r.add(`${p}checks`, `expected an array, got ${typeName(v.checks)}`);
  else
    v.checks.forEach((c, i) => {
      const q = `${p}checks[${i}]`;
      if (!isObj(c)) return r.add(q, `expected a check record, got ${typeName(c)}`);
      r.fields(c, q, ['t', 'pass', 'goals', 'digest']);
      const goals: GoalOutcome[] = [];
      if (!Array.isArray(c.goals) || c.goals.length > 20)
        r.add(`${q}.goals`, 'expected an array of at most 20 goals');
      else
        c.goals.forEach((g, j) => {
          const gq = `${q}.goals[${j}]`;
          if (!isObj(g)) return r.add(gq, `expected a goal outcome, got ${typeName(g)}`);
          r.fields(g, gq, ['text', 'pass', 'found']);
          goals.push({
            text: r.str(g, 'text', `${gq}.`, 1000),
            pass: r.bool(g, 'pass', `${gq}.`),
            found: r.str(g, 'found', `${gq}.`, 4000),
          });
        });
      checks.push({
        t: r.int(c, 't', `${q}.`, 0, LIMITS.time),
        pass: r.bool(c, 'pass', `${q}.`),
        goals,
        digest: r.str(c, 'digest', `${q}.`, 16),
      });
    });
  let help: HelpTaken = { hints: 0, reactingHint: null, solution: false };
  if (!isObj(v.help)) r.add(`${p}help`, `expected an object, got ${typeName(v.help)}`);
  else {
    r.fields(v.help, `${p}help`, ['hints', 'reactingHint', 'solution']);
    const rh = v.help.reactingHint;
    if (rh !== null && (typeof rh !== 'number' || !Number.isSafeInteger(rh) || rh < -1 || rh > 9))
      r.add(
        `${p}help.reactingHint`,
        'expected null (not shown), -1 (none applied) or an index 0..9',
      );
    help = {
      hints: r.int(v.help, 'hints', `${p}help.`, 0, 10),
      reactingHint: typeof rh === 'number' ? rh : null,
      solution: r.bool(v.help, 'solution', `${p}help.`),
    };
  }
  if (v.claimed !== 'passed' && v.claimed !== 'failed')
    r.add(
      `${p}claimed`,
      `expected "passed" or "failed", got ${JSON.stringify(v.claimed) ?? 'nothing'}`,
    );
  return {
    scenario: r.str(v, 'scenario', p, 64),
    scenarioVersion: r.str(v, 'scenarioVersion', p, 32),
    exercise: r.str(v, 'exercise', p, 64),
    seed: r.int(v, 'seed', p, 0, 0xffffffff),
    values,
    actions,
    checks,
    help,
    claimed: v.claimed === 'passed' ? 'passed' : 'failed',
  };
}

/** Parses and validates a result file's text. */
export function parseResult(text: string): ParseResult {
  if (text.length > MAX_RESULT_BYTES)
    return {
      problems: [`the file is ${text.length} bytes; a result is at most ${MAX_RESULT_BYTES}`],
    };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { problems: [`not JSON: ${(e as Error).message}`] };
  }
  const r = new Reader();
  if (!isObj(v)) return { problems: [`expected a result object, got ${typeName(v)}`] };
  if (v.format !== RESULT_FORMAT)
    return {
      problems: [
        `format: expected "${RESULT_FORMAT}", got ${JSON.stringify(v.format) ?? 'nothing'} (is this a PID 1 Lab result file?)`,
      ],
    };
  if (v.version !== RESULT_VERSION)
    return {
      problems: [
        `version: this grader reads version ${RESULT_VERSION}, the file is ${JSON.stringify(v.version) ?? 'unversioned'}`,
      ],
    };
  r.fields(v, '', ['format', 'version', 'learner', 'cohort', 'track', 'exportedAt', 'exercises']);
  const learner = r.str(v, 'learner', '', 120);
  if (learner.trim() === '' && typeof v.learner === 'string')
    r.add('learner', 'is empty: the learner’s name seeds their variants');
  const cohort = r.str(v, 'cohort', '', 120);
  const track = r.str(v, 'track', '', 64, true);
  const exportedAt = r.str(v, 'exportedAt', '', 64, true);
  const exercises: ExerciseRecord[] = [];
  if (!Array.isArray(v.exercises))
    r.add('exercises', `expected an array, got ${typeName(v.exercises)}`);
  else if (v.exercises.length > 200) r.add('exercises', 'more than 200 exercises');
  else
    v.exercises.forEach((e, i) => {
      const x = exerciseRecord(r, e, `exercises[${i}]`);
      if (x) exercises.push(x);
    });
  if (r.problems.length > 0) return { problems: r.problems };
  return {
    result: {
      format: RESULT_FORMAT,
      version: RESULT_VERSION,
      learner,
      cohort,
      ...(track ? { track } : {}),
      ...(exportedAt ? { exportedAt } : {}),
      exercises,
    },
    problems: [],
  };
}

/** A result file for a learner's records (what the page exports). */
export function makeResult(
  learner: string,
  cohort: string,
  exercises: readonly ExerciseRecord[],
  extra: { readonly track?: string; readonly exportedAt?: string } = {},
): ResultFile {
  return { format: RESULT_FORMAT, version: RESULT_VERSION, learner, cohort, ...extra, exercises };
}
