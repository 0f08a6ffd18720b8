/**
 * Tracks: ordered paths through the scenarios, as data in `scenarios/tracks/*.json`.
 * - workshop: lessons in order, with the learner's progress;
 * - talk: chosen steps of chosen lessons, for stage mode;
 * - onboarding: a graded set of exercises with a pass mark.
 * Every reference is checked against the scenarios it will be used with, with did-you-mean.
 */
import type { LoadedScenario } from '../scenario/types.ts';
import { hint } from '../scenario/suggest.ts';

export const TRACK_FORMAT = 'pidlab-track';
export const TRACK_VERSION = 1;

export interface ExerciseRef {
  readonly scenario: string;
  readonly exercise: string;
}

export interface DemoRef {
  readonly scenario: string;
  /** Step ids, in the order they are shown. */
  readonly steps: readonly string[];
}

interface TrackBase {
  readonly format: typeof TRACK_FORMAT;
  readonly version: typeof TRACK_VERSION;
  readonly id: string;
  readonly title: string;
  readonly summary: string;
}

export type Track =
  | (TrackBase & { readonly kind: 'workshop'; readonly lessons: readonly string[] })
  | (TrackBase & { readonly kind: 'talk'; readonly demos: readonly DemoRef[] })
  | (TrackBase & {
      readonly kind: 'onboarding';
      readonly exercises: readonly ExerciseRef[];
      /** How many exercises must be passed (confirmed by grading) to pass the track. */
      readonly passMark: number;
    });

export interface TrackParse {
  readonly track?: Track;
  readonly problems: readonly string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const KINDS = ['workshop', 'talk', 'onboarding'] as const;
const FIELDS: Readonly<Record<(typeof KINDS)[number], readonly string[]>> = {
  workshop: ['lessons'],
  talk: ['demos'],
  onboarding: ['exercises', 'passMark'],
};
const COMMON = ['$schema', 'format', 'version', 'id', 'kind', 'title', 'summary'];

/** Parses a track file and checks every reference against `scenarios`. */
export function parseTrack(
  text: string,
  file: string,
  scenarios: readonly LoadedScenario[],
): TrackParse {
  const problems: string[] = [];
  const add = (field: string, msg: string): void => {
    problems.push(`${file}: ${field ? `${field}: ` : ''}${msg}`);
  };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { problems: [`${file}: not JSON: ${(e as Error).message}`] };
  }
  if (!isObj(v)) return { problems: [`${file}: expected a track object`] };
  if (v.format !== TRACK_FORMAT) add('format', `expected "${TRACK_FORMAT}"`);
  if (v.version !== TRACK_VERSION) add('version', `expected ${TRACK_VERSION}`);
  const kind = v.kind;
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    add('kind', `expected one of ${KINDS.join(', ')}${hint(String(kind), KINDS)}`);
    return { problems };
  }
  const k = kind as (typeof KINDS)[number];
  const known = [...COMMON, ...FIELDS[k]];
  for (const key of Object.keys(v))
    if (!known.includes(key))
      add(key, `unknown field '${key}' for a ${k} track${hint(key, known)}`);
  for (const key of ['id', 'title', 'summary'])
    if (typeof v[key] !== 'string' || v[key] === '') add(key, 'expected a non-empty string');
  if (typeof v.id === 'string' && !/^[a-z0-9][a-z0-9-]{0,63}$/.test(v.id))
    add('id', 'lowercase letters, digits and dashes');
  const ids = scenarios.map((s) => s.scenario.id);
  const scenarioOf = (id: unknown, at: string): LoadedScenario | undefined => {
    if (typeof id !== 'string') {
      add(at, 'expected a scenario id');
      return undefined;
    }
    const s = scenarios.find((x) => x.scenario.id === id);
    if (!s) add(at, `no scenario '${id}'${hint(id, ids)}`);
    return s;
  };
  const list = (key: string): unknown[] => {
    const x = v[key];
    if (!Array.isArray(x) || x.length === 0) {
      add(key, 'expected a non-empty array');
      return [];
    }
    return x;
  };
  const base = {
    format: TRACK_FORMAT,
    version: TRACK_VERSION,
    id: String(v.id),
    title: String(v.title),
    summary: String(v.summary),
  } as const;
  if (k === 'workshop') {
    const lessons = list('lessons');
    lessons.forEach((l, i) => scenarioOf(l, `lessons[${i}]`));
    if (new Set(lessons).size !== lessons.length) add('lessons', 'a lesson is listed twice');
    return problems.length
      ? { problems }
      : { track: { ...base, kind: k, lessons: lessons as string[] }, problems };
  }
  if (k === 'talk') {
    const demos: DemoRef[] = [];
    list('demos').forEach((d, i) => {
      if (!isObj(d)) return add(`demos[${i}]`, 'expected {"scenario": ..., "steps": [...]}');
      for (const key of Object.keys(d))
        if (key !== 'scenario' && key !== 'steps')
          add(`demos[${i}].${key}`, `unknown field '${key}'${hint(key, ['scenario', 'steps'])}`);
      const s = scenarioOf(d.scenario, `demos[${i}].scenario`);
      if (!Array.isArray(d.steps) || d.steps.length === 0)
        return add(`demos[${i}].steps`, 'expected a non-empty array of step ids');
      if (s) {
        const stepIds = s.scenario.steps.map((st) => st.id);
        d.steps.forEach((st, j) => {
          if (typeof st !== 'string' || !stepIds.includes(st))
            add(
              `demos[${i}].steps[${j}]`,
              `'${String(st)}' is not a step of ${s.scenario.id}${hint(String(st), stepIds)}`,
            );
        });
      }
      demos.push({ scenario: String(d.scenario), steps: d.steps as string[] });
    });
    return problems.length ? { problems } : { track: { ...base, kind: k, demos }, problems };
  }
  const exercises: ExerciseRef[] = [];
  list('exercises').forEach((e, i) => {
    if (!isObj(e)) return add(`exercises[${i}]`, 'expected {"scenario": ..., "exercise": ...}');
    for (const key of Object.keys(e))
      if (key !== 'scenario' && key !== 'exercise')
        add(
          `exercises[${i}].${key}`,
          `unknown field '${key}'${hint(key, ['scenario', 'exercise'])}`,
        );
    const s = scenarioOf(e.scenario, `exercises[${i}].scenario`);
    const exIds = (s?.scenario.exercises ?? []).map((x) => x.id);
    if (s && (typeof e.exercise !== 'string' || !exIds.includes(e.exercise)))
      add(
        `exercises[${i}].exercise`,
        `'${String(e.exercise)}' is not an exercise of ${s.scenario.id}${hint(String(e.exercise), exIds)}`,
      );
    if (exercises.some((x) => x.scenario === e.scenario && x.exercise === e.exercise))
      add(`exercises[${i}]`, 'listed twice');
    exercises.push({ scenario: String(e.scenario), exercise: String(e.exercise) });
  });
  const pm = v.passMark;
  if (typeof pm !== 'number' || !Number.isInteger(pm) || pm < 1 || pm > exercises.length)
    add('passMark', `expected an integer from 1 to the number of exercises (${exercises.length})`);
  return problems.length
    ? { problems }
    : { track: { ...base, kind: k, exercises, passMark: Number(pm) }, problems };
}
