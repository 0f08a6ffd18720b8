import { create } from 'zustand';
import { Attempt } from '../../src/grading/attempt.ts';
import type { Rung } from '../../src/grading/attempt.ts';
import type { CheckOutcome } from '../../src/grading/session.ts';
import { findLesson, useLessonStore } from '../lesson/lessonStore.ts';
import { loadMachine, useLabStore } from '../state/labStore.ts';
import {
  exerciseKey,
  forgetRecord,
  markStepRun,
  saveRecord,
  useProgress,
} from '../state/progress.ts';
import { useUiStore } from '../state/uiStore.ts';

/**
 * The exercise being attempted: an Attempt (src/grading/attempt.ts) whose recorded machine is
 * the lab's machine while it is open, the last check and the help rungs shown. Every check and
 * every rung saves the attempt's record in the progress store, so a reload resumes it.
 */
interface ExerciseState {
  readonly attempt: Attempt | null;
  readonly lastCheck: CheckOutcome | null;
  readonly rungs: readonly Rung[];
  /** Why a saved attempt could not be resumed (it started over). */
  readonly resumeProblem: string | null;
}

export const useExerciseStore = create<ExerciseState>()(() => ({
  attempt: null,
  lastCheck: null,
  rungs: [],
  resumeProblem: null,
}));

function persist(a: Attempt): void {
  saveRecord(a.record());
}

/** Opens an exercise on a fresh machine of its own instance, resuming a saved attempt. */
export function openExercise(scenario: string, exercise: string): void {
  const lesson = findLesson(scenario);
  const ex = lesson?.scenario.exercises?.find((e) => e.id === exercise);
  if (!lesson || !ex) return;
  const { learner, cohort, exercises } = useProgress.getState().progress;
  const attempt = new Attempt(lesson, ex, cohort, learner);
  const saved = exercises[exerciseKey(scenario, exercise)];
  let resumeProblem: string | null = null;
  if (saved && saved.scenarioVersion === lesson.scenario.version) {
    const problem = attempt.resume(saved);
    if (problem !== undefined) {
      resumeProblem = `Your saved attempt could not be continued (${problem}); it starts over.`;
      return startOver(scenario, exercise, resumeProblem);
    }
  }
  useUiStore.getState().setLesson(null);
  loadMachine(() => attempt.machine);
  useExerciseStore.setState({
    attempt,
    lastCheck: attempt.checks.at(-1) ?? null,
    rungs: [...attempt.shown],
    resumeProblem,
  });
}

/** Forgets the saved attempt and opens the exercise afresh. */
export function startOver(scenario: string, exercise: string, problem: string | null = null): void {
  forgetRecord(scenario, exercise);
  openExercise(scenario, exercise);
  if (problem !== null) useExerciseStore.setState({ resumeProblem: problem });
}

export function closeExercise(): void {
  const a = useExerciseStore.getState().attempt;
  if (a) persist(a);
  useExerciseStore.setState({ attempt: null, lastCheck: null, rungs: [], resumeProblem: null });
}

export function checkExercise(): void {
  const a = useExerciseStore.getState().attempt;
  if (!a) return;
  const lastCheck = a.check();
  useLabStore.getState().touch();
  persist(a);
  useExerciseStore.setState({ lastCheck });
}

export function nextHelp(): void {
  const a = useExerciseStore.getState().attempt;
  if (!a) return;
  a.nextHelp();
  persist(a);
  useExerciseStore.setState({ rungs: [...a.shown] });
}

/** Saves the open attempt (before an export, or when the page is hidden). */
export function saveOpenAttempt(): void {
  const a = useExerciseStore.getState().attempt;
  if (a) persist(a);
}

// Workshop progress: every lesson step the learner runs is remembered.
useLessonStore.subscribe((s, prev) => {
  if (s.results === prev.results) return;
  for (const key of Object.keys(s.results)) {
    if (Object.hasOwn(prev.results, key)) continue;
    const at = key.lastIndexOf(':');
    markStepRun(key.slice(0, at), Number(key.slice(at + 1)));
  }
});

// A reload or a closed tab keeps what was typed since the last check.
if (typeof window !== 'undefined') window.addEventListener('pagehide', saveOpenAttempt);
