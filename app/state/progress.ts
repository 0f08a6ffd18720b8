/**
 * The learner's progress, saved in the browser (localStorage, versioned): who they are (their
 * name and cohort code seed their exercise variants), every exercise attempt as the record a
 * result file holds, and which lesson steps they have run. A store that is corrupt, of another
 * format or of a newer version is reset with a message the page shows — never a blank page.
 * Export writes a result file (`pidlab grade` reads it); import reads one back, validated.
 */
import { create } from 'zustand';
import { makeResult, parseResult } from '../../src/grading/result.ts';
import type { ExerciseRecord, ResultFile } from '../../src/grading/result.ts';

export const PROGRESS_KEY = 'pidlab.progress';
export const PROGRESS_FORMAT = 'pidlab-progress';
export const PROGRESS_VERSION = 1;

export interface Progress {
  readonly learner: string;
  readonly cohort: string;
  /** "scenario/exercise" → the attempt's record. */
  readonly exercises: Readonly<Record<string, ExerciseRecord>>;
  /** Lesson id → the step indexes run. */
  readonly lessons: Readonly<Record<string, readonly number[]>>;
}

export const EMPTY_PROGRESS: Progress = { learner: '', cohort: '', exercises: {}, lessons: {} };

/** The subset of the Web Storage API the store uses (a test passes its own). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const exerciseKey = (scenario: string, exercise: string): string =>
  `${scenario}/${exercise}`;

export interface LoadedProgress {
  readonly progress: Progress;
  /** Set when the store was reset: what was wrong with it. */
  readonly notice: string | null;
}

/** Reads the saved progress; anything unreadable is reset, and the notice says why. */
export function readProgress(storage: StorageLike | undefined): LoadedProgress {
  if (!storage) return { progress: EMPTY_PROGRESS, notice: null };
  let text: string | null;
  try {
    text = storage.getItem(PROGRESS_KEY);
  } catch {
    return {
      progress: EMPTY_PROGRESS,
      notice: 'This browser does not let the page read its saved progress; nothing will be saved.',
    };
  }
  if (text === null) return { progress: EMPTY_PROGRESS, notice: null };
  const reset = (why: string): LoadedProgress => {
    try {
      storage.removeItem(PROGRESS_KEY);
    } catch {
      // nothing to do: the next save overwrites it
    }
    return {
      progress: EMPTY_PROGRESS,
      notice: `Your saved progress could not be read (${why}), so it was reset. If you exported it to a file, import that file to get it back.`,
    };
  };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return reset('it is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return reset('it is not an object');
  const o = v as Record<string, unknown>;
  if (o.format !== PROGRESS_FORMAT) return reset('it was not written by PID 1 Lab');
  if (o.version !== PROGRESS_VERSION)
    return reset(`it is version ${JSON.stringify(o.version)}, this page reads ${PROGRESS_VERSION}`);
  const parsed = parseResult(JSON.stringify(o.result));
  if (!parsed.result) return reset(parsed.problems[0] ?? 'its records are invalid');
  const lessons: Record<string, number[]> = {};
  if (typeof o.lessons === 'object' && o.lessons !== null && !Array.isArray(o.lessons))
    for (const [id, steps] of Object.entries(o.lessons as Record<string, unknown>))
      if (Array.isArray(steps) && steps.every((s) => Number.isInteger(s) && s >= 0 && s < 100))
        lessons[id] = steps as number[];
      else return reset(`lessons.${id} is not a list of steps`);
  return { progress: fromResult(parsed.result, lessons), notice: null };
}

function fromResult(r: ResultFile, lessons: Readonly<Record<string, readonly number[]>>): Progress {
  const exercises: Record<string, ExerciseRecord> = {};
  for (const e of r.exercises) exercises[exerciseKey(e.scenario, e.exercise)] = e;
  return { learner: r.learner, cohort: r.cohort, exercises, lessons };
}

/** The progress as the result file an instructor grades. */
export function toResult(
  p: Progress,
  extra: { track?: string; exportedAt?: string } = {},
): ResultFile {
  return makeResult(p.learner, p.cohort, Object.values(p.exercises), extra);
}

export function writeProgress(storage: StorageLike | undefined, p: Progress): string | null {
  if (!storage) return null;
  try {
    storage.setItem(
      PROGRESS_KEY,
      JSON.stringify({
        format: PROGRESS_FORMAT,
        version: PROGRESS_VERSION,
        result: toResult(p),
        lessons: p.lessons,
      }),
    );
    return null;
  } catch (e) {
    return `Your progress could not be saved in this browser (${(e as Error).name}); export it to a file to keep it.`;
  }
}

/** Reads a result file the learner picked; the problems say what is wrong with it. */
export function importResult(
  text: string,
  current: Progress,
): { readonly progress?: Progress; readonly problems: readonly string[] } {
  const parsed = parseResult(text);
  if (!parsed.result) return { problems: parsed.problems };
  return { progress: fromResult(parsed.result, current.lessons), problems: [] };
}

function browserStorage(): StorageLike | undefined {
  try {
    return typeof window !== 'undefined' ? window.localStorage : undefined;
  } catch {
    return undefined;
  }
}

interface ProgressState extends LoadedProgress {
  readonly storage: StorageLike | undefined;
}

const initial = ((): ProgressState => {
  const storage = browserStorage();
  return { storage, ...readProgress(storage) };
})();

export const useProgress = create<ProgressState>()(() => initial);

function save(p: Progress): void {
  const { storage } = useProgress.getState();
  const problem = writeProgress(storage, p);
  useProgress.setState((s) => ({ progress: p, notice: problem ?? s.notice }));
}

export function setLearner(learner: string, cohort: string): void {
  save({ ...useProgress.getState().progress, learner: learner.trim(), cohort: cohort.trim() });
}

export function saveRecord(record: ExerciseRecord): void {
  const p = useProgress.getState().progress;
  save({
    ...p,
    exercises: { ...p.exercises, [exerciseKey(record.scenario, record.exercise)]: record },
  });
}

export function forgetRecord(scenario: string, exercise: string): void {
  const p = useProgress.getState().progress;
  const exercises = { ...p.exercises };
  delete exercises[exerciseKey(scenario, exercise)];
  save({ ...p, exercises });
}

export function markStepRun(lesson: string, step: number): void {
  const p = useProgress.getState().progress;
  const steps = p.lessons[lesson] ?? [];
  if (steps.includes(step)) return;
  save({ ...p, lessons: { ...p.lessons, [lesson]: [...steps, step].sort((a, b) => a - b) } });
}

export function replaceProgress(p: Progress): void {
  save(p);
}

export function dismissNotice(): void {
  useProgress.setState({ notice: null });
}
