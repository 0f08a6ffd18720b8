/**
 * Exercise variants: an exercise may declare `variables` (names, timings, which child
 * misbehaves), each with its choices. A learner's instance draws one value per variable, in
 * the order they are declared, from a PRNG seeded by the learner's seed, and `{{name}}` is
 * replaced by the value in the exercise's text, hints, goals, solution and files. The same seed
 * always gives the same instance, so `pidlab grade` replays exactly what the learner saw.
 *
 * The seed is not secret and not a signature: it is derived from the cohort, the learner's name
 * and the exercise (`seedFor`), so an instructor can recompute it, and a result whose seed was
 * changed (to borrow a friend's instance and answers) is rejected by the grader.
 */
import type { Claim, Exercise, LoadedScenario, Problem } from '../scenario/types.ts';
import { hint } from '../scenario/suggest.ts';

/** FNV-1a, 32 bits, over the UTF-16 code units of `text` (deterministic, fast, not a MAC). */
export function fnv1a(text: string, h = 0x811c9dc5): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The seed of one learner's instance of one exercise. */
export function seedFor(
  cohort: string,
  learner: string,
  scenario: string,
  exercise: string,
): number {
  return fnv1a(`${cohort}\n${learner.trim()}\n${scenario}/${exercise}`);
}

/**
 * mulberry32: a small 32-bit PRNG with good statistical quality for drawing choices. Returns
 * the next function; each call gives an integer in [0, 2^32).
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** The values drawn for an exercise's variables from `seed`, in declaration order. */
export function drawValues(exercise: Exercise, seed: number): Record<string, string> {
  const next = prng(seed);
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(exercise.variables ?? {}))
    out[name] = v.choices[next() % v.choices.length]!;
  return out;
}

const REF = /\{\{([A-Za-z0-9_]*)\}\}/g;

/** `{{name}}` replaced by its value (an unknown name is left as it is; the validator reports it). */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(REF, (all, name: string) =>
    Object.hasOwn(values, name) ? values[name]! : all,
  );
}

function substituteClaim(c: Claim, values: Readonly<Record<string, string>>): Claim {
  const args: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(c.args ?? {}))
    args[k] = typeof v === 'string' ? substitute(v, values) : v;
  return { ...c, ...(c.args ? { args } : {}), text: substitute(c.text, values) };
}

/** One learner's instance of an exercise: the exercise with its values filled in, and its world. */
export interface ExerciseInstance {
  /** The scenario with the exercise's files added to its world. */
  readonly loaded: LoadedScenario;
  readonly exercise: Exercise;
  readonly seed: number;
  readonly values: Readonly<Record<string, string>>;
}

export function instantiate(
  loaded: LoadedScenario,
  exercise: Exercise,
  seed: number,
): ExerciseInstance {
  const values = drawValues(exercise, seed);
  const s = (t: string): string => substitute(t, values);
  const ex: Exercise = {
    ...exercise,
    text: s(exercise.text),
    goals: exercise.goals.map((g) => substituteClaim(g, values)),
    hints: exercise.hints.map(s),
    solution: exercise.solution.map(s),
    ...(exercise.adaptiveHints
      ? {
          adaptiveHints: exercise.adaptiveHints.map((h) => ({
            when: substituteClaim(h.when, values),
            hint: s(h.hint),
          })),
        }
      : {}),
  };
  const files = { ...loaded.files };
  for (const [path, f] of Object.entries(exercise.files ?? {}))
    files[path] = { content: s(f.content), mode: parseInt(f.mode ?? '0644', 8) };
  return { loaded: { ...loaded, files }, exercise: ex, seed, values };
}

/** Every `{{name}}` an exercise uses must be one of its variables. */
export function variableProblems(exercises: readonly Exercise[], file: string): Problem[] {
  const out: Problem[] = [];
  exercises.forEach((e, i) => {
    const known = Object.keys(e.variables ?? {});
    const look = (text: string, field: string): void => {
      for (const m of text.matchAll(REF)) {
        const name = m[1]!;
        if (!known.includes(name))
          out.push({
            file,
            field: `exercises[${i}].${field}`,
            message:
              known.length === 0
                ? `'{{${name}}}' names a variable, but the exercise declares no 'variables'`
                : `unknown variable '{{${name}}}'${hint(name, known)}`,
          });
      }
    };
    const claim = (c: Claim, at: string): void => {
      look(c.text, `${at}.text`);
      for (const [k, v] of Object.entries(c.args ?? {}))
        if (typeof v === 'string') look(v, `${at}.args.${k}`);
    };
    look(e.text, 'text');
    e.goals.forEach((g, j) => claim(g, `goals[${j}]`));
    e.hints.forEach((h, j) => look(h, `hints[${j}]`));
    e.solution.forEach((l, j) => look(l, `solution[${j}]`));
    (e.adaptiveHints ?? []).forEach((h, j) => {
      claim(h.when, `adaptiveHints[${j}].when`);
      look(h.hint, `adaptiveHints[${j}].hint`);
    });
    for (const [path, f] of Object.entries(e.files ?? {}))
      look(f.content, `files["${path}"].content`);
  });
  return out;
}
