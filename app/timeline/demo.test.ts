import { afterEach, describe, expect, it } from 'vitest';
import { tick, useLabStore } from '../state/labStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import {
  demoForget,
  demoNext,
  demoPrevious,
  provideStepCommands,
  provideStepTitle,
  stepTitle,
} from './demo.ts';

const screen = (): string => useLabStore.getState().machine.output();

/** Lets the page's clock run (25 ms ticks) until the typing script is done and the prompt is back. */
function runDemo(limitMs = 60_000): void {
  for (let t = 0; t < limitMs; t += 25) {
    tick(25);
    const s = useLabStore.getState();
    if (s.script === null && s.machine.atPrompt()) return;
  }
  throw new Error('the demo did not finish');
}

afterEach(() => {
  demoForget();
  useUiStore.getState().setLesson(null);
  useLabStore.getState().reset();
});

describe('stage demo: next and previous', () => {
  it('next types the step’s commands, then goes to the next step; previous undoes them', () => {
    const off = provideStepCommands((lesson, step) =>
      lesson !== 'demo' ? undefined : [['echo first'], ['sleep 1', 'echo second'], []][step],
    );
    useUiStore.getState().setLesson('demo', 0);

    demoNext(); // types step 1's command
    expect(useLabStore.getState().script).not.toBe(null);
    runDemo();
    expect(screen()).toMatch(/# echo first\nfirst\n/);
    expect(useUiStore.getState().stepIndex).toBe(0);

    demoNext(); // on to step 2
    expect(useUiStore.getState().stepIndex).toBe(1);
    expect(useLabStore.getState().script).toBe(null);

    demoNext(); // types step 2's commands, one after the other's prompt
    runDemo();
    expect(screen()).toMatch(/# sleep 1\n.*# echo second\nsecond\n/s);
    expect(useLabStore.getState().steps.map((s) => s.label)).toEqual([
      'echo first',
      'sleep 1',
      'echo second',
    ]);

    demoPrevious(); // takes step 2's commands back
    expect(useUiStore.getState().stepIndex).toBe(1);
    expect(screen()).toMatch(/first\nroot@host:~# $/);
    expect(screen()).not.toContain('sleep 1');

    demoPrevious(); // back to step 1 (its commands stay typed)
    expect(useUiStore.getState().stepIndex).toBe(0);
    expect(screen()).toContain('first');

    demoNext(); // step 2 again, and its commands type again (a new branch)
    demoNext();
    runDemo();
    expect(screen()).toContain('second');
    expect(useLabStore.getState().live).toBe(true);
    off();
  });

  it('without a lesson, next and previous step the timeline', () => {
    const lab = useLabStore.getState();
    lab.terminalInput(lab.machine.tty, 'echo one\r');
    useLabStore.getState().terminalInput(lab.machine.tty, 'echo two\r');
    demoPrevious();
    expect(useLabStore.getState().live).toBe(false);
    expect(screen()).not.toContain('two');
    demoNext();
    expect(useLabStore.getState().live).toBe(true);
    expect(screen()).toContain('two');
  });

  it('stage mode asks the lesson engine for a step’s title', () => {
    expect(stepTitle('demo', 0)).toBe(undefined);
    const off = provideStepTitle((lesson, step) =>
      lesson === 'demo' ? ['Start a container', 'Kill PID 1'][step] : undefined,
    );
    expect(stepTitle('demo', 1)).toBe('Kill PID 1');
    expect(stepTitle('other', 1)).toBe(undefined);
    off();
    expect(stepTitle('demo', 1)).toBe(undefined);
  });
});
