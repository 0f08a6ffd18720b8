/**
 * The lab's history: every input a person gave the machine, with the virtual time it came, and
 * model snapshots to go back to. Headless (no DOM), so it is tested on its own.
 *
 * The model is deterministic (ARCHITECTURE.md, "Determinism"): the same start and the same
 * inputs at the same virtual times give the same state. So the history is the list of inputs,
 * and any earlier moment is a snapshot plus the inputs after it. Stepping back restores a
 * snapshot (LabMachine.restore: kernel, terminals and their screens); playing forward replays
 * the recorded inputs at their recorded times; typing while looking at the past cuts the later
 * inputs off and starts a new branch, as an undo does.
 *
 * A **step** is one thing a person did at a terminal: a command line entered (the keys up to and
 * including Enter), a control key that signals or ends input (Ctrl-C, Ctrl-D, Ctrl-Z, Ctrl-\),
 * opening a terminal, or logging in again. Step k's snapshot is the machine just before its
 * first key, at that key's virtual time, so stepping back from the end undoes the last command
 * line and shows everything the command before it printed, however long it ran.
 */
import type { Micros } from '../../src/kernel-sim/index.ts';
import type { LabMachine, MachineSnapshot } from '../../src/lab/machine.ts';

/** One input, at the virtual time it was given. */
export type Action =
  | { readonly kind: 'keys'; readonly at: Micros; readonly tty: number; readonly data: string }
  | { readonly kind: 'open'; readonly at: Micros }
  | { readonly kind: 'relogin'; readonly at: Micros; readonly tty: number };

/** An input without its time: the time is the machine's when it is given. */
export type Input =
  | { readonly kind: 'keys'; readonly tty: number; readonly data: string }
  | { readonly kind: 'open' }
  | { readonly kind: 'relogin'; readonly tty: number };

export interface MachineFactory {
  readonly create: () => LabMachine;
  readonly restore: (snapshot: MachineSnapshot) => LabMachine;
}

/** What the timeline shows for one step. */
export interface StepInfo {
  /** 1-based, as shown. */
  readonly number: number;
  /** "sleep 100 &", "^C", "open pts/1" ... */
  readonly label: string;
  /** Virtual time of its first input. */
  readonly at: Micros;
  /** False for the last step while its line is still being typed. */
  readonly complete: boolean;
}

/** Keys that end a step: Enter, and the keys the line discipline turns into signals or EOF. */
const STEP_END_KEYS = new Set(['\r', '\n', '\x03', '\x04', '\x1a', '\x1c']);

export function isStepEnd(action: Action): boolean {
  if (action.kind !== 'keys') return true;
  for (const ch of action.data) if (STEP_END_KEYS.has(ch)) return true;
  return false;
}

const ESC = '\x1b';
/** An escape sequence: CSI (ESC [ params final), SS3 (ESC O x) or ESC and one key (Alt+key). */
const ESCAPE_SEQUENCE = new RegExp(`${ESC}(\\[[0-9;?]*[ -/]*[@-~]|O.|.)?`, 'g');

const CONTROL_NAMES: Readonly<Record<string, string>> = {
  '\x03': '^C',
  '\x04': '^D',
  '\x1a': '^Z',
  '\x1c': '^\\',
};

/**
 * What a step typed, as a person would name it: the printable keys with backspaces applied,
 * cursor keys left out, control keys as ^C. A line recalled from bash's history (arrow keys)
 * has no typed text and is named by the keys.
 */
export function stepLabel(
  actions: readonly Action[],
  ttyName: (tty: number) => string,
  firstTty: number,
): string {
  const last = actions[actions.length - 1];
  if (last === undefined) return '';
  if (last.kind === 'open') return 'open a new terminal';
  if (last.kind === 'relogin') return `log in again on ${ttyName(last.tty)}`;
  let text = '';
  let recalled = false;
  for (const a of actions) {
    if (a.kind !== 'keys' || a.tty !== last.tty) continue;
    // Escape sequences (arrows, Home, Delete ...) edit or recall lines; they type nothing.
    const keys = a.data.replace(ESCAPE_SEQUENCE, (seq) => {
      if (seq === '\x1b[A' || seq === '\x1bOA') recalled = true;
      return '';
    });
    for (const ch of keys) {
      if (ch === '\r' || ch === '\n') continue;
      if (ch === '\x7f' || ch === '\b') text = text.slice(0, -1);
      else if (CONTROL_NAMES[ch] !== undefined)
        text += `${text === '' ? '' : ' '}${CONTROL_NAMES[ch]}`;
      else if (ch === '\t') text += '⇥';
      else if (ch >= ' ') text += ch;
    }
  }
  const where = last.tty === firstTty ? '' : ` (${ttyName(last.tty)})`;
  if (text === '') text = recalled ? '(a line from history)' : '(empty line)';
  return `${text}${where}`;
}

export class History {
  private current: LabMachine;
  private actions: Action[] = [];
  /** How many of `actions` the current machine has had. */
  private applied = 0;
  /** Snapshots by action index: the machine just before that action, at its time. */
  private readonly checkpoints = new Map<number, MachineSnapshot>();
  /** While looking at the past: the machine as it was at the end, and its time. */
  private liveMachine: LabMachine | null = null;

  constructor(
    private readonly factory: MachineFactory,
    machine?: LabMachine,
  ) {
    this.current = machine ?? factory.create();
  }

  get machine(): LabMachine {
    return this.current;
  }

  /** At the end of history: inputs go on from here and time follows the clock. */
  get live(): boolean {
    return this.liveMachine === null;
  }

  /** The inputs of this branch of history (all of them, also those after the shown moment). */
  get inputs(): readonly Action[] {
    return this.actions;
  }

  /** The inputs the shown machine has had (what a link to this moment replays). */
  get shownInputs(): readonly Action[] {
    return this.actions.slice(0, this.applied);
  }

  /** The virtual time of the end of history (where "jump to end" goes). */
  get endTime(): Micros {
    return (this.liveMachine ?? this.current).kernel.now;
  }

  /** Indexes of the first action of each step. */
  private starts(): number[] {
    const starts: number[] = [];
    this.actions.forEach((a, i) => {
      const prev = this.actions[i - 1];
      if (prev === undefined || isStepEnd(prev)) starts.push(i);
    });
    return starts;
  }

  steps(): StepInfo[] {
    const starts = this.starts();
    const name = (tty: number): string =>
      this.current.terminals().find((t) => t.tty === tty)?.name ?? `tty ${tty}`;
    return starts.map((start, i) => {
      const end = starts[i + 1] ?? this.actions.length;
      const group = this.actions.slice(start, end);
      const last = group[group.length - 1];
      return {
        number: i + 1,
        label: stepLabel(group, name, this.current.tty),
        at: group[0]?.at ?? 0,
        complete: last !== undefined && isStepEnd(last),
      };
    });
  }

  /**
   * How many steps the shown machine has had all inputs of, from 0 to steps().length (the end;
   * the shown moment is the end of history only when `live`).
   */
  get position(): number {
    const starts = this.starts();
    let done = 0;
    for (let i = 0; i < starts.length; i += 1) {
      const end = starts[i + 1] ?? this.actions.length;
      if (end <= this.applied) done = i + 1;
    }
    return done;
  }

  get canStepBack(): boolean {
    return this.applied > 0;
  }

  get canStepForward(): boolean {
    return !this.live;
  }

  /** Gives the machine an input now, recording it. Looking at the past, this starts a new branch. */
  input(input: Input): void {
    if (!this.live) this.branch();
    const index = this.actions.length;
    const prev = this.actions[index - 1];
    if (prev === undefined || isStepEnd(prev)) this.checkpoints.set(index, this.current.snapshot());
    const action: Action = { ...input, at: this.current.kernel.now };
    this.actions.push(action);
    this.applied = this.actions.length;
    apply(this.current, action);
  }

  /** Drops the inputs after the shown moment: the shown machine becomes the end of history. */
  private branch(): void {
    this.actions = this.actions.slice(0, this.applied);
    for (const key of [...this.checkpoints.keys()])
      if (key >= this.applied) this.checkpoints.delete(key);
    this.liveMachine = null;
  }

  /**
   * Lets `micros` of virtual time pass. At the end of history that is all; in the past the
   * recorded inputs are given again when their time comes, and reaching the time the end was
   * left at makes this the end of history again.
   */
  advance(micros: Micros): void {
    const k = this.current.kernel;
    if (this.liveMachine === null) {
      k.runUntil(k.now + micros);
      return;
    }
    const target = k.now + micros;
    for (;;) {
      const next = this.actions[this.applied];
      if (next === undefined || next.at > target) break;
      k.runUntil(next.at);
      apply(this.current, next);
      this.applied += 1;
    }
    const end = this.liveMachine.kernel.now;
    if (this.applied === this.actions.length && target >= end) {
      k.runUntil(end);
      // The replay is the end of history now: it is the same machine (determinism), and it is
      // the one on screen, so it stays and the saved one goes.
      this.liveMachine = null;
      return;
    }
    k.runUntil(target);
  }

  /** Shows the moment just before step `index` (0-based) began; steps().length is the end. */
  seek(index: number): void {
    const starts = this.starts();
    if (!Number.isInteger(index) || index < 0 || index > starts.length)
      throw new RangeError(`no step ${index}: the history has ${starts.length} steps`);
    if (index === starts.length) {
      this.toEnd();
      return;
    }
    const start = starts[index] ?? 0;
    const snapshot = this.checkpoints.get(start);
    if (snapshot === undefined) throw new Error(`no snapshot before step ${index + 1}`);
    if (this.liveMachine === null) this.liveMachine = this.current;
    this.current = this.factory.restore(snapshot);
    this.applied = start;
  }

  /** Back to the start of the step before the shown moment (undoes the last command line). */
  stepBack(): void {
    const starts = this.starts();
    let target = -1;
    starts.forEach((s, i) => {
      if (s < this.applied) target = i;
    });
    if (target >= 0) this.seek(target);
  }

  /** On to the start of the next step, or the end of history. */
  stepForward(): void {
    if (this.live) return;
    const starts = this.starts();
    const next = starts.findIndex((s) => s > this.applied);
    this.seek(next < 0 ? starts.length : next);
  }

  toStart(): void {
    if (this.actions.length > 0) this.seek(0);
  }

  toEnd(): void {
    if (this.liveMachine === null) return;
    this.current = this.liveMachine;
    this.liveMachine = null;
    this.applied = this.actions.length;
  }
}

/** What the terminal widget does with an input; replays do exactly the same. */
function apply(machine: LabMachine, action: Action): void {
  switch (action.kind) {
    case 'keys':
      machine.type(action.data, action.tty);
      break;
    case 'open':
      machine.openTerminal();
      break;
    case 'relogin':
      machine.relogin(action.tty);
      break;
  }
}

/**
 * Gives a recorded history (from a shared link) to a fresh history, in order and at its times,
 * then lets time pass to `endAt`. Every input is checked first; the replay stops at the first
 * one that cannot be given and says which and why (the machine keeps what came before it).
 */
export function replay(
  history: History,
  actions: readonly Action[],
  endAt: Micros,
): { readonly applied: number; readonly problem: string | null } {
  const k = (): LabMachine => history.machine;
  for (const [i, a] of actions.entries()) {
    const now = k().kernel.now;
    if (a.at < now)
      return { applied: i, problem: `input ${i + 1} is dated before the one before it` };
    k().kernel.runUntil(a.at);
    const problem = inputProblem(k(), a);
    if (problem !== null)
      return { applied: i, problem: `input ${i + 1} cannot be given: ${problem}` };
    history.input(a);
  }
  if (endAt > k().kernel.now) k().kernel.runUntil(endAt);
  return { applied: actions.length, problem: null };
}

/** Why an input cannot be given to a machine now, or null when it can. */
export function inputProblem(machine: LabMachine, input: Input): string | null {
  if (input.kind === 'open')
    return machine.terminals().length >= MAX_TERMINALS
      ? `at most ${MAX_TERMINALS} terminals`
      : null;
  const t = machine.terminals().find((x) => x.tty === input.tty);
  if (t === undefined) return `there is no terminal ${input.tty}`;
  if (input.kind === 'relogin')
    return machine.shellAlive(input.tty) ? `the shell on ${t.name} is still running` : null;
  return machine.shellAlive(input.tty) ? null : `the shell on ${t.name} has ended`;
}

export const MAX_TERMINALS = 8;
