import { create } from 'zustand';
import { createLabMachine } from '../../src/lab/world.ts';
import type { LabMachine, Terminal } from '../../src/lab/machine.ts';

/**
 * The lab's simulated machine. The page owns one; views subscribe to it. Virtual time follows
 * the wall clock while the page is open (see startClock).
 */
export interface LabState {
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
  /** A fresh machine (a new host with a new root shell). */
  readonly reset: () => void;
  /** Opens another terminal with its own root shell and shows it. */
  readonly openTerminal: () => void;
  readonly showTerminal: (tty: number) => void;
}

function fresh(): Pick<LabState, 'machine' | 'terminals' | 'activeTty'> {
  const machine = createLabMachine();
  return { machine, terminals: [...machine.terminals()], activeTty: machine.tty };
}

export const useLabStore = create<LabState>()((set, get) => ({
  ...fresh(),
  version: 0,
  touch: () => set({ version: get().version + 1 }),
  reset: () => set({ ...fresh(), version: get().version + 1 }),
  openTerminal: () => {
    const t = get().machine.openTerminal();
    set({ terminals: [...get().machine.terminals()], activeTty: t.tty });
  },
  showTerminal: (tty) => set({ activeTty: tty }),
}));

/**
 * Lets virtual time pass in step with real time (1 s = 1 s), so `sleep 2` takes two seconds.
 * Returns a function that stops it.
 */
export function startClock(intervalMs = 25): () => void {
  let last = performance.now();
  let lastTouch = last;
  const timer = window.setInterval(() => {
    const now = performance.now();
    const elapsed = Math.min(now - last, 1000); // a background tab must not jump ahead minutes
    last = now;
    const { machine, touch } = useLabStore.getState();
    const traced = machine.kernel.trace.length;
    machine.kernel.runUntil(machine.kernel.now + Math.round(elapsed * 1000));
    // Redraw when something happened, and at least every virtual second for clocks and ages.
    if (machine.kernel.trace.length !== traced || now - lastTouch >= 1000) {
      lastTouch = now;
      touch();
    }
  }, intervalMs);
  return () => window.clearInterval(timer);
}

/**
 * Starts over on a machine made by `create` — a lesson's world (files, pid_max) instead of the
 * default host. Like `reset`, views see a new `machine` and a new version. (Added for the lesson
 * panel; kept separate so the store's own actions stay as they are.)
 */
export function loadMachine(create: () => LabMachine): void {
  const machine = create();
  useLabStore.setState((s) => ({
    machine,
    terminals: [...machine.terminals()],
    activeTty: machine.tty,
    version: s.version + 1,
  }));
}
