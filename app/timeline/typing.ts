/**
 * A scripted demo: types a list of command lines into a terminal at a readable speed, each one
 * only once the shell is back at its prompt, with a pause before each line so an audience can
 * read what the last one printed. Driven by ticks of elapsed wall-clock time (the page's clock),
 * so it has no timers of its own and is tested without any.
 */

export interface TypingTarget {
  /** Types keys into the terminal (through the lab store, so the history records them). */
  readonly type: (keys: string) => void;
  /** True when the shell is at its prompt and the next line may be typed. */
  readonly ready: () => boolean;
}

export interface TypingOptions {
  /** Characters per second (default 14: readable from the back of a room). */
  readonly charsPerSecond?: number;
  /** Milliseconds to wait at the prompt before typing each line (default 700). */
  readonly pauseMs?: number;
}

export class TypingScript {
  private readonly lines: readonly string[];
  private readonly cps: number;
  private readonly pauseMs: number;
  private line = 0;
  private col = 0;
  /** Milliseconds of typing time not yet spent on a key. */
  private budget = 0;
  /** Milliseconds waited at the prompt before the current line. */
  private waited = 0;
  private stopped = false;

  constructor(commands: readonly string[], options: TypingOptions = {}) {
    const cps = options.charsPerSecond ?? 14;
    const pause = options.pauseMs ?? 700;
    if (!Number.isFinite(cps) || cps <= 0 || cps > 1000)
      throw new RangeError(
        `characters per second must be more than 0 and at most 1000, not ${cps}`,
      );
    if (!Number.isFinite(pause) || pause < 0 || pause > 60_000)
      throw new RangeError(`the pause must be from 0 to 60000 ms, not ${pause}`);
    commands.forEach((c, i) => {
      if (/[\r\n]/.test(c)) throw new RangeError(`command ${i + 1} is more than one line`);
      if (c.length > 2000) throw new RangeError(`command ${i + 1} is longer than 2000 characters`);
    });
    this.lines = [...commands];
    this.cps = cps;
    this.pauseMs = pause;
  }

  /** All lines have been typed (and entered), or the script was stopped. */
  get done(): boolean {
    return this.stopped || this.line >= this.lines.length;
  }

  /** Which line is being typed (0-based), for the UI. */
  get current(): number {
    return this.line;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Lets `elapsedMs` of wall-clock time pass: types the keys that are due. */
  tick(elapsedMs: number, target: TypingTarget): void {
    if (this.done || !(elapsedMs > 0)) return;
    let time = elapsedMs;
    while (!this.done && time > 0) {
      if (this.col === 0) {
        // Before a line: wait for the prompt, then pause for reading.
        if (!target.ready()) return;
        const need = this.pauseMs - this.waited;
        if (need > time) {
          this.waited += time;
          return;
        }
        time -= need;
        this.waited = this.pauseMs;
      }
      const text = `${this.lines[this.line] ?? ''}\r`;
      this.budget += time;
      time = 0;
      const perKey = 1000 / this.cps;
      let keys = '';
      while (this.budget >= perKey && this.col < text.length) {
        keys += text[this.col];
        this.col += 1;
        this.budget -= perKey;
      }
      if (keys !== '') target.type(keys);
      if (this.col >= text.length) {
        // The line is entered; what is left of this tick counts toward the next line's pause
        // only once the prompt is back.
        this.line += 1;
        this.col = 0;
        this.waited = 0;
        this.budget = 0;
        return;
      }
    }
  }
}
