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
import type { Claim, Exercise, LoadedScenario, Problem, Scenario } from '../scenario/types.ts';
import { checkSpec } from '../scenario/checks.ts';
import { hint } from '../scenario/suggest.ts';

/** A numeric check argument given as a variable: exactly "{{name}}". */
export const VARIABLE_REF = /^\{\{[A-Za-z0-9_]+\}\}$/;

const numericParam = (check: string, arg: string): 'integer' | 'number' | undefined => {
  const t = checkSpec(check)?.params[arg]?.type;
  return t === 'integer' || t === 'number' ? t : undefined;
};

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
    args[k] =
      typeof v !== 'string'
        ? v
        : numericParam(c.check, k)
          ? Number(substitute(v, values))
          : substitute(v, values);
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
    files[s(path)] = { content: s(f.content), mode: parseInt(f.mode ?? '0644', 8) };
  return { loaded: { ...loaded, files }, exercise: ex, seed, values };
}

/** Every `{{name}}` an exercise uses must be one of its variables. */
export function variableProblems(scenario: Scenario, file: string): Problem[] {
  const out: Problem[] = [];
  scenario.steps.forEach((st, i) =>
    (st.claims ?? []).forEach((c, j) => {
      for (const [k, v] of Object.entries(c.args ?? {}))
        if (typeof v === 'string' && numericParam(c.check, k))
          out.push({
            file,
            field: `steps[${i}].claims[${j}].args.${k}`,
            message: `a variable ('${v}') stands for a number only in an exercise; a step needs the number itself`,
          });
    }),
  );
  (scenario.exercises ?? []).forEach((e, i) => {
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
      for (const [k, v] of Object.entries(c.args ?? {})) {
        if (typeof v !== 'string') continue;
        look(v, `${at}.args.${k}`);
        const type = numericParam(c.check, k);
        const name = /^\{\{([A-Za-z0-9_]+)\}\}$/.exec(v)?.[1];
        const choices = name !== undefined ? e.variables?.[name]?.choices : undefined;
        if (type && choices) {
          const bad = choices.filter((x) =>
            type === 'integer' ? !/^[0-9]+$/.test(x) : !/^[0-9]+(\.[0-9]+)?$/.test(x),
          );
          if (bad.length > 0)
            out.push({
              file,
              field: `exercises[${i}].variables.${name}.choices`,
              message: `'${bad[0]}' is not ${type === 'integer' ? 'a whole number' : 'a number'}, but {{${name}}} is used as ${at}.args.${k}`,
            });
        }
      }
    };
    look(e.text, 'text');
    e.goals.forEach((g, j) => claim(g, `goals[${j}]`));
    e.hints.forEach((h, j) => look(h, `hints[${j}]`));
    e.solution.forEach((l, j) => look(l, `solution[${j}]`));
    (e.adaptiveHints ?? []).forEach((h, j) => {
      claim(h.when, `adaptiveHints[${j}].when`);
      look(h.hint, `adaptiveHints[${j}].hint`);
    });
    for (const [path, f] of Object.entries(e.files ?? {})) {
      look(path, `files["${path}"]`);
      look(f.content, `files["${path}"].content`);
    }
  });
  return out;
}

/**
 * Instances that between them draw every choice of every variable (up to `max`), for checking
 * that the reference solution works in each variant: seeds 0, 1, 2, ... until every value has
 * appeared. An exercise without variables has one instance.
 */
export function coveringInstances(
  loaded: LoadedScenario,
  exercise: Exercise,
  max = 8,
): ExerciseInstance[] {
  const vars = Object.entries(exercise.variables ?? {});
  const missing = new Set(vars.flatMap(([n, v]) => v.choices.map((c) => `${n}=${c}`)));
  const out: ExerciseInstance[] = [instantiate(loaded, exercise, 0)];
  for (const [n, v] of Object.entries(out[0]!.values)) missing.delete(`${n}=${v}`);
  for (let seed = 1; missing.size > 0 && out.length < max && seed < 10_000; seed++) {
    const values = drawValues(exercise, seed);
    if (!Object.entries(values).some(([n, v]) => missing.has(`${n}=${v}`))) continue;
    for (const [n, v] of Object.entries(values)) missing.delete(`${n}=${v}`);
    out.push(instantiate(loaded, exercise, seed));
  }
  return out;
}
