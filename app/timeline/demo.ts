/**
 * "Next" and "previous" for a talk. With a lesson whose steps have commands, "next" first types
 * the current step's commands into the terminal (TypingScript, at a readable speed) and, pressed
 * again, moves to the lesson's next step; "previous" first takes the typed commands back (the
 * timeline restores the machine as it was before them), then moves to the previous step.
 * Without such a lesson, next and previous step the timeline forward and back.
 *
 * The lessons' scenarios say which commands a step has and what it is called: the lesson code
 * registers functions with provideStepCommands and provideStepTitle (the hooks between the
 * lesson engine and stage mode).
 */
import { useLabStore } from '../state/labStore.ts';
import { useUiStore } from '../state/uiStore.ts';

/** The command lines step `stepIndex` (0-based) of lesson `lessonId` types, if any. */
export type StepCommands = (lessonId: string, stepIndex: number) => readonly string[] | undefined;

let source: StepCommands | null = null;

/** Registers where step commands come from (the lesson engine). Returns an unregister function. */
export function provideStepCommands(fn: StepCommands): () => void {
  source = fn;
  return () => {
    if (source === fn) source = null;
  };
}

/** The title of step `stepIndex` of lesson `lessonId` (what stage mode shows of the lesson). */
export type StepTitle = (lessonId: string, stepIndex: number) => string | undefined;

let titles: StepTitle | null = null;

/** Registers where step titles come from (the lesson engine). Returns an unregister function. */
export function provideStepTitle(fn: StepTitle): () => void {
  titles = fn;
  return () => {
    if (titles === fn) titles = null;
  };
}

export function stepTitle(lessonId: string, stepIndex: number): string | undefined {
  return titles?.(lessonId, stepIndex);
}

/** Typing speed of stage demos, characters per second. */
export const DEMO_CHARS_PER_SECOND = 14;

/**
 * For each lesson step whose commands were typed: how many timeline steps there were before
 * typing began (where "previous" goes back to). Reset when the lesson changes.
 */
const typedAt = new Map<string, number>();
const key = (lesson: string, step: number): string => `${lesson}#${step}`;

function commandsNow(): { lesson: string; step: number; commands: readonly string[] } | null {
  const { lessonId, stepIndex } = useUiStore.getState();
  if (lessonId === null || source === null) return null;
  const commands = source(lessonId, stepIndex);
  return commands === undefined ? null : { lesson: lessonId, step: stepIndex, commands };
}

export function demoNext(): void {
  const lab = useLabStore.getState();
  const ui = useUiStore.getState();
  if (ui.lessonId === null || source === null) {
    lab.stepForward();
    return;
  }
  const now = commandsNow();
  if (now !== null && now.commands.length > 0 && !typedAt.has(key(now.lesson, now.step))) {
    typedAt.set(key(now.lesson, now.step), lab.history.steps().length);
    if (!lab.live) lab.toEnd();
    lab.typeCommands(now.commands, { charsPerSecond: DEMO_CHARS_PER_SECOND });
    return;
  }
  ui.setStep(ui.stepIndex + 1);
}

export function demoPrevious(): void {
  const lab = useLabStore.getState();
  const ui = useUiStore.getState();
  if (ui.lessonId === null || source === null) {
    lab.stepBack();
    return;
  }
  const k = key(ui.lessonId, ui.stepIndex);
  const before = typedAt.get(k);
  if (before !== undefined) {
    typedAt.delete(k);
    lab.stopTyping();
    if (before < lab.history.steps().length) lab.seek(before);
    return;
  }
  if (ui.stepIndex > 0) ui.setStep(ui.stepIndex - 1);
}

/** Forgets which steps were typed (a reset or another lesson). */
export function demoForget(): void {
  typedAt.clear();
}
