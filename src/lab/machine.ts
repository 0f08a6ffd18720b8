/**
 * A lab machine: the kernel model with terminals, each with a root login shell, as a person
 * finds it when they open the lab. The browser and `pidlab` drive the same object: they type
 * keystrokes, read what a terminal shows, and let virtual time pass.
 */
import { Kernel } from '../kernel-sim/index.ts';
import type { KernelOptions, KernelSnapshot, Micros, TaskId } from '../kernel-sim/index.ts';

export interface MachineOptions extends KernelOptions {
  /** The login shell (default /bin/bash, started as "-bash" the way login does). */
  readonly shell?: string;
  readonly shellArgv?: readonly string[];
  readonly cols?: number;
  readonly rows?: number;
}

/** One hour of virtual time: how long `runUntilPrompt` waits by default. */
export const DEFAULT_PROMPT_LIMIT: Micros = 3600 * 1_000_000;

/** A terminal of the machine and the login shell on it. */
export interface Terminal {
  readonly tty: number;
  /** "pts/0", as ps and tty(1) name it. */
  readonly name: string;
  readonly shell: TaskId;
}

/**
 * A saved lab machine: the kernel's snapshot plus what is not kernel state: the terminals and
 * their login shells, and everything each terminal has shown (a terminal emulator's screen is
 * not in the kernel, as on Linux the pty master's reader keeps it). Plain data; restoring it
 * with the same program models continues from exactly that point.
 */
export interface MachineSnapshot {
  readonly version: 1;
  readonly kernel: KernelSnapshot;
  readonly terminals: readonly Terminal[];
  readonly shown: readonly (readonly [number, string])[];
}

export class LabMachine {
  readonly kernel: Kernel;
  /** The first terminal (the one a lesson starts with). */
  readonly tty: number;
  readonly shell: TaskId;
  private readonly terminalList: Terminal[] = [];
  /** Everything each terminal has shown, so a view attached later can replay it. */
  private readonly shown = new Map<number, string[]>();

  constructor(
    private readonly options: MachineOptions = {},
    saved?: MachineSnapshot,
  ) {
    if (saved === undefined) {
      this.kernel = Kernel.create({ hostname: 'host', ...options });
      this.kernel.onTtyOutput((tty, text) => this.shown.get(tty)?.push(text));
      const first = this.openTerminal();
      this.tty = first.tty;
      this.shell = first.shell;
      return;
    }
    if (saved.version !== 1)
      throw new RangeError(`unknown machine snapshot version ${String(saved.version)}`);
    const first = saved.terminals[0];
    if (first === undefined) throw new RangeError('a machine snapshot has at least one terminal');
    this.kernel = Kernel.restore(saved.kernel, { hostname: 'host', ...options });
    this.kernel.onTtyOutput((tty, text) => this.shown.get(tty)?.push(text));
    for (const t of saved.terminals) this.terminalList.push({ ...t });
    for (const [tty, text] of saved.shown) this.shown.set(tty, text === '' ? [] : [text]);
    this.tty = first.tty;
    this.shell = first.shell;
  }

  /**
   * The whole machine as it is now, for stepping back in time. The kernel part is a deep copy
   * (Kernel.snapshot); the screens are kept as one string per terminal.
   */
  snapshot(): MachineSnapshot {
    return {
      version: 1,
      kernel: this.kernel.snapshot(),
      terminals: this.terminalList.map((t) => ({ ...t })),
      shown: [...this.shown].map(([tty, parts]) => [tty, parts.join('')] as const),
    };
  }

  /**
   * A machine that continues from a snapshot. The program models are code, not state, so they
   * must be given again (the same options the saved machine was created with). The snapshot
   * is not changed and can be restored again.
   */
  static restore(snapshot: MachineSnapshot, options: MachineOptions = {}): LabMachine {
    return new LabMachine(options, snapshot);
  }

  /** Opens another terminal with its own root login shell (a second ssh session, say). */
  openTerminal(): Terminal {
    const tty = this.kernel.createTty(this.options.cols ?? 100, this.options.rows ?? 30);
    this.shown.set(tty, []);
    const t: Terminal = { tty, name: this.kernel.ttyInfo(tty).name, shell: this.loginOn(tty) };
    this.terminalList.push(t);
    return t;
  }

  /** A new login on a terminal whose shell has ended (what getty does after a logout). */
  relogin(tty: number): Terminal {
    const i = this.terminalList.findIndex((t) => t.tty === tty);
    const old = this.terminalList[i];
    if (!old) throw new RangeError(`no terminal ${tty}`);
    const t: Terminal = { ...old, shell: this.loginOn(tty) };
    this.terminalList[i] = t;
    return t;
  }

  private loginOn(tty: number): TaskId {
    const path = this.options.shell ?? '/bin/bash';
    return this.kernel.login(
      tty,
      path,
      this.options.shellArgv ?? [`-${path.split('/').pop() ?? 'sh'}`],
    );
  }

  terminals(): readonly Terminal[] {
    return this.terminalList;
  }

  /** Everything a terminal (default: the first) has shown so far. */
  output(tty: number = this.tty): string {
    return (this.shown.get(tty) ?? []).join('');
  }

  /** Everything a terminal (default: the first) shows from now on. Returns an unsubscribe function. */
  onOutput(listener: (text: string) => void, tty: number = this.tty): () => void {
    return this.kernel.onTtyOutput((t, text) => {
      if (t === tty) listener(text);
    });
  }

  /** Keystrokes, as a terminal emulator sends them (Enter is "\r", Ctrl-C "\x03"). */
  type(data: string, tty: number = this.tty): void {
    this.kernel.ttyInput(tty, data);
    this.kernel.settle();
  }

  /** Processes everything due now, without letting time pass. */
  settle(): void {
    this.kernel.settle();
  }

  private shellOf(tty: number): TaskId {
    return this.terminalList.find((t) => t.tty === tty)?.shell ?? this.shell;
  }

  shellAlive(tty: number = this.tty): boolean {
    const t = this.kernel.taskRecord(this.shellOf(tty));
    return t !== undefined && !t.exiting;
  }

  /** The terminal's login shell is waiting for a command line: it reads the terminal in the foreground. */
  atPrompt(tty: number = this.tty): boolean {
    if (!this.shellAlive(tty)) return false;
    const shell = this.shellOf(tty);
    const info = this.kernel.ttyInfo(tty);
    return info.readers.includes(shell) && info.fgPgrp === this.kernel.pidOf(shell);
  }

  /**
   * Lets virtual time pass, event by event, until the shell is back at its prompt. Stops early
   * (false) when nothing more can happen without input, when the shell is gone, or at `limit`
   * microseconds from now.
   */
  runUntilPrompt(limit: Micros = DEFAULT_PROMPT_LIMIT, tty: number = this.tty): boolean {
    const k = this.kernel;
    const deadline = k.now + limit;
    for (;;) {
      k.settle();
      if (this.atPrompt(tty)) return true;
      if (!this.shellAlive(tty) || k.panicked) return false;
      const next = k.nextEventAt();
      if (next === undefined) return false;
      if (next > deadline) {
        k.runUntil(deadline);
        return false;
      }
      k.step();
    }
  }

  /** Lets `micros` of virtual time pass. */
  advance(micros: Micros): void {
    this.kernel.advance(micros);
  }
}
