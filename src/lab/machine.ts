/**
 * A lab machine: the kernel model with a terminal and a root login shell on it, as a person
 * finds it when they open the lab. The browser and `pidlab` drive the same object: they type
 * keystrokes, read what the terminal shows, and let virtual time pass.
 */
import { Kernel } from '../kernel-sim/index.ts';
import type { KernelOptions, Micros, TaskId } from '../kernel-sim/index.ts';

export interface MachineOptions extends KernelOptions {
  /** The login shell (default /bin/bash, started as "-bash" the way login does). */
  readonly shell?: string;
  readonly shellArgv?: readonly string[];
  readonly cols?: number;
  readonly rows?: number;
}

/** One hour of virtual time: how long `runUntilPrompt` waits by default. */
export const DEFAULT_PROMPT_LIMIT: Micros = 3600 * 1_000_000;

export class LabMachine {
  readonly kernel: Kernel;
  readonly tty: number;
  readonly shell: TaskId;
  /** Everything the terminal has shown, so a view attached later can replay it. */
  private readonly shown: string[] = [];

  constructor(options: MachineOptions = {}) {
    this.kernel = Kernel.create({ hostname: 'host', ...options });
    this.tty = this.kernel.createTty(options.cols ?? 100, options.rows ?? 30);
    this.kernel.onTtyOutput((tty, text) => {
      if (tty === this.tty) this.shown.push(text);
    });
    const shell = options.shell ?? '/bin/bash';
    this.shell = this.kernel.login(
      this.tty,
      shell,
      options.shellArgv ?? [`-${shell.split('/').pop() ?? 'sh'}`],
    );
  }

  /** Everything the terminal has shown so far. */
  output(): string {
    return this.shown.join('');
  }

  /** Everything the terminal shows from now on. Returns an unsubscribe function. */
  onOutput(listener: (text: string) => void): () => void {
    return this.kernel.onTtyOutput((tty, text) => {
      if (tty === this.tty) listener(text);
    });
  }

  /** Keystrokes, as a terminal emulator sends them (Enter is "\r", Ctrl-C "\x03"). */
  type(data: string): void {
    this.kernel.ttyInput(this.tty, data);
    this.kernel.settle();
  }

  /** Processes everything due now, without letting time pass. */
  settle(): void {
    this.kernel.settle();
  }

  shellAlive(): boolean {
    const t = this.kernel.taskRecord(this.shell);
    return t !== undefined && !t.exiting;
  }

  /** The login shell is waiting for a command line: it reads the terminal in the foreground. */
  atPrompt(): boolean {
    if (!this.shellAlive()) return false;
    const info = this.kernel.ttyInfo(this.tty);
    return info.readers.includes(this.shell) && info.fgPgrp === this.kernel.pidOf(this.shell);
  }

  /**
   * Lets virtual time pass, event by event, until the shell is back at its prompt. Stops early
   * (false) when nothing more can happen without input, when the shell is gone, or at `limit`
   * microseconds from now.
   */
  runUntilPrompt(limit: Micros = DEFAULT_PROMPT_LIMIT): boolean {
    const k = this.kernel;
    const deadline = k.now + limit;
    for (;;) {
      k.settle();
      if (this.atPrompt()) return true;
      if (!this.shellAlive() || k.panicked) return false;
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
