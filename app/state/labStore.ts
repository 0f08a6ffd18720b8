import { create } from 'zustand';
import { createPageMachine, restorePageMachine, runtimesLoaded, runtimesReady } from './pageWorld.ts';
import type { LabMachine, Terminal } from '../../src/lab/machine.ts';
import { History, inputProblem, MAX_TERMINALS, replay } from '../timeline/history.ts';
import type { Action, Input, StepInfo } from '../timeline/history.ts';
import { TypingScript } from '../timeline/typing.ts';
import { HOST_VIEW, useUiStore } from './uiStore.ts';
import type { TypingOptions } from '../timeline/typing.ts';

const FACTORY = { create: () => createPageMachine(), restore: restorePageMachine };

/** Playback speeds offered (virtual seconds per wall-clock second). */
export const SPEEDS = [0.25, 0.5, 1, 2, 4] as const;
export type Speed = (typeof SPEEDS)[number];

/**
 * The lab's simulated machine and its history. The page owns one; views subscribe to it.
 * Virtual time follows the wall clock (times `speed`) while `playing` (see startClock).
 */
export interface LabState {
  /** The machine shown: the end of history, or an earlier moment restored from a snapshot. */
  readonly machine: LabMachine;
  /**
   * Grows by one whenever the model may have changed (virtual time moved, input was typed, the
   * machine was replaced). Views that draw the model subscribe to this and re-read `machine`;
   * after a reset or a step back `machine` is a different object, so never keep it across renders.
   */
  readonly version: number;
  /** Call after driving the machine directly (typing, advancing time) so views redraw. */
  readonly touch: () => void;
  /** The machine's terminals, in the order they were opened. */
  readonly terminals: readonly Terminal[];
  /** The terminal shown (its tty id). */
  readonly activeTty: number;
  /** A fresh machine (a new host with a new root shell) and an empty history. */
  readonly reset: () => void;
  /** Opens another terminal with its own root shell and shows it (a step in the history). */
  readonly openTerminal: () => void;
  readonly canOpenTerminal: boolean;
  readonly showTerminal: (tty: number) => void;

  // ---- input (recorded in the history) ----
  /** What a terminal widget sends: keys to a live shell, or Enter to log in again after it ended. */
  readonly terminalInput: (tty: number, data: string) => void;

  // ---- the timeline ----
  readonly history: History;
  /** Steps of this branch of history and where the shown machine is among them. */
  readonly steps: readonly StepInfo[];
  readonly position: number;
  readonly live: boolean;
  readonly playing: boolean;
  readonly speed: Speed;
  readonly setPlaying: (playing: boolean) => void;
  readonly setSpeed: (speed: Speed) => void;
  readonly stepBack: () => void;
  readonly stepForward: () => void;
  readonly toStart: () => void;
  readonly toEnd: () => void;
  /** Shows the moment before step `index` (0-based); steps.length is the end. */
  readonly seek: (index: number) => void;

  // ---- scripted typing (stage demos) ----
  readonly script: TypingScript | null;
  /** Types these command lines into the shown terminal, each when the prompt is back. */
  readonly typeCommands: (commands: readonly string[], options?: TypingOptions) => void;
  readonly stopTyping: () => void;

  // ---- a shared link ----
  /** Replays a recorded history in a fresh machine; returns what went wrong, or null. */
  readonly loadHistory: (
    actions: readonly Action[],
    endAt: number,
    start?: { readonly create: () => LabMachine; readonly world: string },
  ) => string | null;
  /**
   * The lesson whose world the history started from (its files, pid_max), or null for the
   * default host. A link carries it, so the receiver replays on the same machine.
   */
  readonly world: string | null;
}

type Derived = Pick<
  LabState,
  'machine' | 'terminals' | 'activeTty' | 'steps' | 'position' | 'live' | 'canOpenTerminal'
>;

function derive(history: History, activeTty: number | null): Derived {
  const machine = history.machine;
  const terminals = [...machine.terminals()];
  return {
    machine,
    terminals,
    activeTty:
      activeTty !== null && terminals.some((t) => t.tty === activeTty) ? activeTty : machine.tty,
    steps: history.steps(),
    position: history.position,
    live: history.live,
    canOpenTerminal: terminals.length < MAX_TERMINALS,
  };
}

/**
 * Another machine is shown (a step back, a reset, a link): what the page pointed at in the old
 * one may not exist in it. A namespace viewpoint that is gone falls back to the host, a selected
 * process that is gone is unselected, and event highlights are cleared.
 */
function forgetWhatIsGone(machine: LabMachine): void {
  const ui = useUiStore.getState();
  const k = machine.kernel;
  if (ui.viewpoint.kind === 'ns') {
    const ns = ui.viewpoint.ns;
    if (!k.namespaceIds().some((id) => id === ns)) ui.setViewpoint(HOST_VIEW);
  }
  if (ui.selectedTask !== null && !k.hasTask(ui.selectedTask)) ui.selectTask(null);
  if (ui.highlightedTasks.length > 0) ui.highlightTasks([]);
}

const firstHistory = new History(FACTORY);

export const useLabStore = create<LabState>()((set, get) => {
  /** After the history changed: re-derive what views read, and bump the version. */
  const sync = (extra: Partial<LabState> = {}): void => {
    const s = get();
    set({ ...derive(s.history, s.activeTty), version: s.version + 1, ...extra });
  };
  /** Input that came before the runtimes' code (see pageWorld.ts), given once it is here. */
  const early: Input[] = [];
  const give = (input: Input): boolean => {
    if (!runtimesLoaded()) {
      if (early.push(input) === 1)
        void runtimesReady.then(() => {
          for (const held of early.splice(0)) give(held);
        });
      return true;
    }
    const { history, live } = get();
    if (inputProblem(history.machine, input) !== null) return false;
    history.input(input);
    // Typing while looking at the past starts a new branch, which is the present again.
    sync(live ? {} : { playing: true });
    return true;
  };
  const travel = (move: (h: History) => void): void => {
    const { history, script } = get();
    script?.stop();
    move(history);
    // Looking at the past stops time; arriving back at the present lets it run again.
    sync({ playing: history.live, script: null });
    forgetWhatIsGone(history.machine);
  };

  return {
    ...derive(firstHistory, null),
    history: firstHistory,
    world: null,
    version: 0,
    touch: () => set({ version: get().version + 1 }),
    reset: () => {
      get().script?.stop();
      const history = new History(FACTORY);
      set({
        world: null,
        ...derive(history, null),
        history,
        version: get().version + 1,
        playing: true,
        script: null,
      });
      forgetWhatIsGone(history.machine);
    },
    openTerminal: () => {
      if (give({ kind: 'open' })) {
        const terminals = get().machine.terminals();
        const last = terminals[terminals.length - 1];
        if (last !== undefined) set({ activeTty: last.tty });
      }
    },
    showTerminal: (tty) => set({ activeTty: tty }),

    terminalInput: (tty, data) => {
      const { machine } = get();
      if (machine.shellAlive(tty)) give({ kind: 'keys', tty, data });
      else if (data.includes('\r')) give({ kind: 'relogin', tty });
    },

    playing: true,
    speed: 1,
    setPlaying: (playing) => set({ playing }),
    setSpeed: (speed) => set({ speed }),
    stepBack: () => travel((h) => h.stepBack()),
    stepForward: () => travel((h) => h.stepForward()),
    toStart: () => travel((h) => h.toStart()),
    toEnd: () => travel((h) => h.toEnd()),
    seek: (index) => travel((h) => h.seek(index)),

    script: null,
    typeCommands: (commands, options) => {
      get().script?.stop();
      set({ script: new TypingScript(commands, options), playing: true });
    },
    stopTyping: () => {
      get().script?.stop();
      set({ script: null });
    },

    loadHistory: (actions, endAt, start) => {
      get().script?.stop();
      const history =
        start === undefined
          ? new History(FACTORY)
          : new History({ create: start.create, restore: restorePageMachine });
      const result = replay(history, actions, endAt);
      set({
        world: start?.world ?? null,
        ...derive(history, null),
        history,
        version: get().version + 1,
        playing: true,
        script: null,
      });
      forgetWhatIsGone(history.machine);
      return result.problem;
    },
  };
});

/** Carries fractions of a millisecond from tick to tick, so virtual time stays in whole ms. */
let carry = 0;

/**
 * One tick of the page's clock: `elapsedMs` of wall-clock time passed. Virtual time moves by
 * that times the speed while playing (in the past, the recorded inputs are replayed as their
 * time comes), and a typing script types what is due. Returns true when the model changed.
 */
export function tick(elapsedMs: number): boolean {
  const s = useLabStore.getState();
  const { history } = s;
  const traced = history.machine.kernel.trace.length;
  const wasLive = history.live;
  const machineBefore = s.machine;
  if (s.script !== null) {
    const script = s.script;
    const tty = s.activeTty;
    script.tick(elapsedMs, {
      type: (keys) => useLabStore.getState().terminalInput(tty, keys),
      ready: () => useLabStore.getState().machine.atPrompt(tty),
    });
    if (script.done) useLabStore.setState({ script: null });
  }
  if (useLabStore.getState().playing) {
    const ms = elapsedMs * s.speed + carry;
    const whole = Math.floor(ms);
    carry = ms - whole;
    if (whole > 0) useLabStore.getState().history.advance(whole * 1000);
  }
  const after = useLabStore.getState();
  if (
    after.history !== history ||
    after.machine !== machineBefore ||
    after.history.live !== wasLive
  ) {
    // Another machine, or the replay reached the present: views re-derive everything.
    set(derive(after.history, after.activeTty));
    return true;
  }
  return after.machine.kernel.trace.length !== traced;
}

function set(partial: Partial<LabState>): void {
  useLabStore.setState({ ...partial, version: useLabStore.getState().version + 1 });
}

/**
 * Lets virtual time pass in step with real time (1 s = 1 s at speed 1), so `sleep 2` takes two
 * seconds. Returns a function that stops it.
 */
export function startClock(intervalMs = 25): () => void {
  let last = performance.now();
  let lastTouch = last;
  const timer = window.setInterval(() => {
    const now = performance.now();
    const elapsed = Math.min(now - last, 1000); // a background tab must not jump ahead minutes
    last = now;
    const changed = tick(elapsed);
    // Redraw when something happened, and at least every second for clocks and ages.
    if (changed || now - lastTouch >= 1000) {
      lastTouch = now;
      const s = useLabStore.getState();
      // Positions move while replaying the past.
      useLabStore.setState({
        version: s.version + 1,
        position: s.history.position,
        steps: changed ? s.history.steps() : s.steps,
      });
    }
  }, intervalMs);
  return () => window.clearInterval(timer);
}

/**
 * Starts over on a machine made by `create` — a lesson's world (files, pid_max) instead of the
 * default host — with a fresh history, as `reset` does for the default host. (Added for the
 * lesson panel; kept separate so the store's own actions stay as they are.)
 */
export function loadMachine(create: () => LabMachine, world: string | null = null): void {
  const state = useLabStore.getState();
  state.script?.stop();
  const history = new History({ create, restore: restorePageMachine });
  useLabStore.setState({
    world,
    ...derive(history, null),
    history,
    version: state.version + 1,
    playing: true,
    script: null,
  });
}
