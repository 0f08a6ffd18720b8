import { describe, expect, it } from 'vitest';
import { createLabMachine } from '../../src/lab/world.ts';
import { TypingScript } from './typing.ts';

/** A target that records what was typed and when, with a prompt the test opens and closes. */
function recorder(closeOnEnter = false) {
  const typed: { at: number; keys: string }[] = [];
  let now = 0;
  let prompt = true;
  return {
    typed,
    setPrompt: (p: boolean) => (prompt = p),
    run(script: TypingScript, ms: number, step = 10) {
      for (let t = 0; t < ms; t += step) {
        now += step;
        script.tick(step, {
          type: (keys) => {
            typed.push({ at: now, keys });
            // A command runs: the shell is not at its prompt until the test says so.
            if (closeOnEnter && keys.includes('\r')) prompt = false;
          },
          ready: () => prompt,
        });
      }
    },
    text: () => typed.map((t) => t.keys).join(''),
  };
}

describe('the typing script', () => {
  it('types at the given speed after the pause, and presses Enter at the end of each line', () => {
    const r = recorder();
    const s = new TypingScript(['ls'], { charsPerSecond: 10, pauseMs: 500 });
    r.run(s, 490);
    expect(r.typed).toEqual([]);
    r.run(s, 100); // 590 ms: the pause is over and 90 ms of typing is less than one key
    expect(r.typed).toEqual([]);
    r.run(s, 20); // 610 ms: one key every 100 ms
    expect(r.text()).toBe('l');
    r.run(s, 200);
    expect(r.text()).toBe('ls\r');
    expect(r.typed.map((t) => t.at)).toEqual([600, 700, 800]);
    expect(s.done).toBe(true);
  });

  it('waits for the prompt before each line', () => {
    const r = recorder(true);
    const s = new TypingScript(['sleep 2', 'ps'], { charsPerSecond: 100, pauseMs: 0 });
    r.run(s, 100);
    expect(r.text()).toBe('sleep 2\r');
    r.run(s, 5_000);
    expect(r.text()).toBe('sleep 2\r');
    expect(s.current).toBe(1);
    r.setPrompt(true);
    r.run(s, 100);
    expect(r.text()).toBe('sleep 2\rps\r');
    expect(s.done).toBe(true);
  });

  it('gives the same keys at the same times however the time is sliced', () => {
    const a = recorder();
    const b = recorder();
    const opts = { charsPerSecond: 13, pauseMs: 333 };
    const sa = new TypingScript(['echo one', 'echo two'], opts);
    const sb = new TypingScript(['echo one', 'echo two'], opts);
    a.run(sa, 4000, 1);
    b.run(sb, 4000, 250);
    expect(a.text()).toBe('echo one\recho two\r');
    expect(b.text()).toBe(a.text());
  });

  it('stops when told', () => {
    const r = recorder();
    const s = new TypingScript(['echo never'], { pauseMs: 0, charsPerSecond: 10 });
    r.run(s, 250);
    s.stop();
    r.run(s, 5000);
    expect(r.text()).toBe('ec');
    expect(s.done).toBe(true);
  });

  it('rejects what it cannot type', () => {
    expect(() => new TypingScript(['a\nb'])).toThrow('command 1 is more than one line');
    expect(() => new TypingScript(['ok', 'x\r'])).toThrow('command 2 is more than one line');
    expect(() => new TypingScript(['x'.repeat(2001)])).toThrow(/longer than 2000/);
    expect(() => new TypingScript([], { charsPerSecond: 0 })).toThrow(/more than 0/);
    expect(() => new TypingScript([], { charsPerSecond: NaN })).toThrow(/more than 0/);
    expect(() => new TypingScript([], { pauseMs: -1 })).toThrow(/pause/);
    expect(new TypingScript([]).done).toBe(true);
  });

  it('types a demo into the lab machine and the commands run', () => {
    const m = createLabMachine();
    const s = new TypingScript(['sleep 1', 'echo after the sleep'], { charsPerSecond: 20 });
    const target = { type: (keys: string) => m.type(keys), ready: () => m.atPrompt() };
    for (let t = 0; t < 10_000 && !s.done; t += 25) {
      m.advance(25_000);
      s.tick(25, target);
    }
    m.runUntilPrompt();
    expect(s.done).toBe(true);
    expect(m.output()).toMatch(/# sleep 1\n.*# echo after the sleep\nafter the sleep\n/s);
  });
});
