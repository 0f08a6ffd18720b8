import { create } from 'zustand';
import type { TaskId } from '../../src/kernel-sim/index.ts';

export type ThemeName = 'dark' | 'light';

/**
 * Where the process tree is looked at from: the host (every process, host PIDs first), or from
 * inside one PID namespace (only what it can see, numbered as it numbers them).
 */
export type Viewpoint = { readonly kind: 'host' } | { readonly kind: 'ns'; readonly ns: number };

export const HOST_VIEW: Viewpoint = { kind: 'host' };

/**
 * What the views share that is not the model: theme, viewpoint, selection, page modes and the
 * lesson being followed. The tree, the event log, the timeline, the lesson panel and the URL
 * all read and write these fields; none of them owns another's state.
 */
export interface UiState {
  /** The colour theme in use; follows the system's prefers-color-scheme. */
  readonly theme: ThemeName;
  readonly setTheme: (theme: ThemeName) => void;
  readonly viewpoint: Viewpoint;
  readonly setViewpoint: (viewpoint: Viewpoint) => void;
  /** The process whose details are open (a kernel task id, stable across exec). */
  readonly selectedTask: TaskId | null;
  readonly selectTask: (task: TaskId | null) => void;
  /** Processes to emphasise, e.g. those involved in the event the user clicked in the log. */
  readonly highlightedTasks: readonly TaskId[];
  readonly highlightTasks: (tasks: readonly TaskId[]) => void;
  /** Stage mode for talks: large type, tree and terminal fill the screen. */
  readonly stage: boolean;
  readonly setStage: (stage: boolean) => void;
  /** Embed mode: one lesson's tree and terminal alone, for an iframe in slides. */
  readonly embed: boolean;
  readonly setEmbed: (embed: boolean) => void;
  /** The lesson being followed (its scenario id) and the step within it. */
  readonly lessonId: string | null;
  readonly stepIndex: number;
  readonly setLesson: (lessonId: string | null, stepIndex?: number) => void;
  readonly setStep: (stepIndex: number) => void;
  /** What the lesson panel's area shows: the lesson, or the exercises and tracks (issue #9). */
  readonly panel: 'lesson' | 'exercises';
  readonly setPanel: (panel: 'lesson' | 'exercises') => void;
}

const DARK_QUERY = '(prefers-color-scheme: dark)';

function systemTheme(): ThemeName {
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return 'light';
  return window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

export const useUiStore = create<UiState>()((set) => ({
  theme: systemTheme(),
  setTheme: (theme) => set({ theme }),
  viewpoint: HOST_VIEW,
  setViewpoint: (viewpoint) => set({ viewpoint }),
  selectedTask: null,
  selectTask: (selectedTask) => set({ selectedTask }),
  highlightedTasks: [],
  highlightTasks: (tasks) => set({ highlightedTasks: [...tasks] }),
  stage: false,
  setStage: (stage) => set({ stage }),
  embed: false,
  setEmbed: (embed) => set({ embed }),
  lessonId: null,
  stepIndex: 0,
  setLesson: (lessonId, stepIndex = 0) => set({ lessonId, stepIndex }),
  setStep: (stepIndex) => set({ stepIndex }),
  panel: 'lesson',
  setPanel: (panel) => set({ panel }),
}));

/** Keep the store's theme in sync with prefers-color-scheme. Returns a cleanup function. */
export function watchSystemTheme(): () => void {
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return () => {};
  const query = window.matchMedia(DARK_QUERY);
  const update = (): void => useUiStore.getState().setTheme(query.matches ? 'dark' : 'light');
  update();
  query.addEventListener('change', update);
  return () => query.removeEventListener('change', update);
}
