import { create } from 'zustand';
import { loadScenario, memoryFolder, SCENARIO_FILE } from '../../src/scenario/load.ts';
import { createScenarioMachine, runStep } from '../../src/scenario/run.ts';
import type { StepResult } from '../../src/scenario/run.ts';
import type { LoadedScenario } from '../../src/scenario/types.ts';
import type { LabMachine } from '../../src/lab/machine.ts';
import { formatProblem } from '../../src/scenario/types.ts';
import { MAX_FILE_BYTES } from '../../src/scenario/validate.ts';
import { loadMachine, useLabStore } from '../state/labStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { provideStepCommands, provideStepTitle } from '../timeline/demo.ts';
import { CATALOG } from './catalog.ts';

/**
 * The lesson panel's own state: scenarios loaded from files the user picked, the predictions
 * made and the results of the steps run, per lesson and step. Which lesson and step are shown
 * is the page's shared state (uiStore.lessonId / stepIndex).
 */
interface LessonState {
  readonly picked: readonly LoadedScenario[];
  /** Problems of the last file load, one sentence each ("file: field: message"). */
  readonly loadProblems: readonly string[];
  /** `${lessonId}:${step}` → the answer chosen before running. */
  readonly choices: Readonly<Record<string, number>>;
  readonly results: Readonly<Record<string, StepResult>>;
  /** The lesson whose world the lab machine was last started from (null: the default host). */
  readonly startedFor: string | null;
}

export const useLessonStore = create<LessonState>()(() => ({
  picked: [],
  loadProblems: [],
  choices: {},
  results: {},
  startedFor: null,
}));

export const stepKey = (lessonId: string, step: number): string => `${lessonId}:${step}`;

export function bundledLessons(): LoadedScenario[] {
  return CATALOG.flatMap((c) => (c.result.loaded ? [c.result.loaded] : []));
}

/**
 * How to start a machine in a lesson's world, for replaying a shared link recorded there;
 * undefined when no such lesson is here. Marks the lesson as started, as the link's sender had.
 */
export function lessonWorld(id: string): (() => LabMachine) | undefined {
  const lesson = findLesson(id);
  if (!lesson) return undefined;
  useLessonStore.setState({ startedFor: id });
  return () => createScenarioMachine(lesson);
}

export function findLesson(id: string | null): LoadedScenario | undefined {
  if (id === null) return undefined;
  return (
    useLessonStore.getState().picked.find((l) => l.scenario.id === id) ??
    bundledLessons().find((l) => l.scenario.id === id)
  );
}

/** Opens a lesson: a fresh machine in its world, its first step, no predictions yet. */
export function startLesson(id: string | null): void {
  const lesson = findLesson(id);
  if (!lesson) {
    useUiStore.getState().setLesson(null);
    return;
  }
  const prefix = `${lesson.scenario.id}:`;
  useLessonStore.setState((s) => ({
    choices: Object.fromEntries(Object.entries(s.choices).filter(([k]) => !k.startsWith(prefix))),
    results: Object.fromEntries(Object.entries(s.results).filter(([k]) => !k.startsWith(prefix))),
  }));
  loadMachine(() => createScenarioMachine(lesson), lesson.scenario.id);
  useLessonStore.setState({ startedFor: lesson.scenario.id });
  useUiStore.getState().setLesson(lesson.scenario.id, 0);
}

export function choose(lessonId: string, step: number, answer: number): void {
  useLessonStore.setState((s) => ({
    choices: { ...s.choices, [stepKey(lessonId, step)]: answer },
  }));
}

/** Types the step's command lines at the machine's terminal, then checks its claims. */
export function runCurrentStep(): void {
  const { lessonId, stepIndex } = useUiStore.getState();
  const lesson = findLesson(lessonId);
  const step = lesson?.scenario.steps[stepIndex];
  if (!lesson || !step) return;
  const lab = useLabStore.getState();
  // Type at the end of the history (after a step back, the present comes back first).
  if (!lab.live) lab.toEnd();
  lab.stopTyping();
  const { machine, terminalInput, showTerminal, touch } = useLabStore.getState();
  // Steps type at the machine's first terminal: show it, so the learner sees them typed.
  showTerminal(machine.tty);
  // Keys go through the store, so the timeline records them (step back, replay, links).
  const result = runStep(machine, step, { type: (data) => terminalInput(machine.tty, data) });
  touch();
  useLessonStore.setState((s) => ({
    results: { ...s.results, [stepKey(lesson.scenario.id, stepIndex)]: result },
  }));
}

/**
 * Loads a scenario from files the user picked (its scenario.json and the Markdown and files it
 * names). Nothing in them runs: they are validated, and every problem is listed.
 */
export async function loadPickedFiles(list: readonly File[]): Promise<void> {
  const problems: string[] = [];
  const texts: Record<string, string> = {};
  for (const f of list) {
    if (f.size > MAX_FILE_BYTES) {
      problems.push(`${f.name}: too large (${f.size} bytes, at most ${MAX_FILE_BYTES})`);
      continue;
    }
    texts[f.name] = await f.text();
  }
  const json = texts[SCENARIO_FILE];
  if (json === undefined) {
    problems.push(
      `${SCENARIO_FILE} is missing: pick a scenario's ${SCENARIO_FILE} together with the files it names (lesson.md, ...)`,
    );
    useLessonStore.setState({ loadProblems: problems });
    return;
  }
  let folder = 'picked';
  try {
    const raw: unknown = JSON.parse(json);
    if (typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string')
      folder = raw.id;
  } catch {
    // The validator reports the JSON error with its position.
  }
  const r = loadScenario(memoryFolder(folder, texts));
  problems.push(...r.problems.map(formatProblem));
  if (!r.loaded || problems.length > 0) {
    useLessonStore.setState({ loadProblems: problems });
    return;
  }
  const loaded = r.loaded;
  useLessonStore.setState((s) => ({
    loadProblems: [],
    picked: [...s.picked.filter((p) => p.scenario.id !== loaded.scenario.id), loaded],
  }));
  startLesson(loaded.scenario.id);
}

/** The command lines of a lesson's step (what a stage demo types), if the step exists. */
export function stepCommandsOf(lessonId: string, stepIndex: number): readonly string[] | undefined {
  return findLesson(lessonId)?.scenario.steps[stepIndex]?.commands;
}

/** The title of a lesson's step, if it exists. */
export function stepTitleOf(lessonId: string, stepIndex: number): string | undefined {
  return findLesson(lessonId)?.scenario.steps[stepIndex]?.title;
}

// Stage mode's "next" types the current step's commands and shows its title: the lessons are
// where those come from (registered once, when the page loads this module).
provideStepCommands(stepCommandsOf);
provideStepTitle(stepTitleOf);
