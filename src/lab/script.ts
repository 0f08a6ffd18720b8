/**
 * Runs a script the way a person would type it at the lab's root prompt: each line is typed
 * when the shell shows its prompt again (virtual time passes while commands block); a line
 * `^C`, `^Z`, `^\` or `^D` presses that key at once, while the foreground command runs.
 * This is `pidlab run --script` and what the real-kernel comparison feeds to both sides.
 */
import type { Micros, TraceEvent } from '../kernel-sim/index.ts';
import { Screen } from '../terminal/screen.ts';
import { DEFAULT_PROMPT_LIMIT } from './machine.ts';
import type { LabMachine } from './machine.ts';

const CONTROL_KEYS: Readonly<Record<string, string>> = {
  '^C': '\x03',
  '^Z': '\x1a',
  '^\\': '\x1c',
  '^D': '\x04',
};

export interface ScriptResult {
  /** The terminal as a person would see it at the end (prompts, echoed input, output). */
  readonly transcript: string;
  /** Virtual time at the end, microseconds. */
  readonly endTime: Micros;
  /** Whether the shell was back at its prompt at the end. */
  readonly finished: boolean;
  readonly trace: readonly TraceEvent[];
}

export interface ScriptOptions {
  /** How long to wait for the prompt after each line (virtual microseconds). */
  readonly promptLimit?: Micros;
}

export function runScript(
  machine: LabMachine,
  script: string,
  options: ScriptOptions = {},
): ScriptResult {
  const limit = options.promptLimit ?? DEFAULT_PROMPT_LIMIT;
  const screen = new Screen();
  screen.write(machine.output());
  const off = machine.onOutput((text) => screen.write(text));
  try {
    machine.runUntilPrompt(limit);
    const lines = script.replace(/\r\n?/g, '\n').split('\n');
    if (lines.at(-1) === '') lines.pop();
    for (const line of lines) {
      const key = CONTROL_KEYS[line.trim()];
      if (key !== undefined) {
        machine.settle();
        machine.type(key);
        continue;
      }
      if (!machine.runUntilPrompt(limit) && !machine.shellAlive()) break;
      machine.type(`${line}\r`);
    }
    const finished = machine.runUntilPrompt(limit);
    return {
      transcript: screen.text(),
      endTime: machine.kernel.now,
      finished,
      trace: machine.kernel.trace,
    };
  } finally {
    off();
  }
}
