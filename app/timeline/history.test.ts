import { describe, expect, it } from 'vitest';
import { createLabMachine, restoreLabMachine } from '../../src/lab/world.ts';
import { History, isStepEnd, replay, stepLabel } from './history.ts';
import type { Action } from './history.ts';

const factory = { create: () => createLabMachine(), restore: restoreLabMachine };

/** Types a line key by key, 100 ms of virtual time apart, as a person at the page would. */
function typeLine(h: History, line: string, tty = h.machine.tty): void {
  for (const ch of `${line}\r`) {
    h.input({ kind: 'keys', tty, data: ch });
    h.advance(100_000);
  }
}

const screen = (h: History): string => h.machine.output();
const traceText = (h: History): string => JSON.stringify(h.machine.kernel.trace);

describe('steps', () => {
  it('a step ends with Enter, a signal or EOF key, opening a terminal or logging in again', () => {
    const keys = (data: string): Action => ({ kind: 'keys', at: 0, tty: 1, data });
    expect(isStepEnd(keys('l'))).toBe(false);
    expect(isStepEnd(keys('\x1b[A'))).toBe(false);
    expect(isStepEnd(keys('\t'))).toBe(false);
    for (const k of ['\r', '\x03', '\x04', '\x1a', '\x1c', 'ls\r'])
      expect(isStepEnd(keys(k))).toBe(true);
    expect(isStepEnd({ kind: 'open', at: 0 })).toBe(true);
    expect(isStepEnd({ kind: 'relogin', at: 0, tty: 2 })).toBe(true);
  });

  it('labels a step by the line it typed, with backspaces applied and keys named', () => {
    const name = (tty: number): string => `pts/${tty - 1}`;
    const keys = (data: string, tty = 1): Action => ({ kind: 'keys', at: 0, tty, data });
    expect(stepLabel([keys('sleep 10'), keys('0'), keys(' &\r')], name, 1)).toBe('sleep 100 &');
    expect(stepLabel([keys('pz'), keys('\x7f'), keys('s\r')], name, 1)).toBe('ps');
    expect(stepLabel([keys('sleep 9'), keys('\x03')], name, 1)).toBe('sleep 9 ^C');
    expect(stepLabel([keys('\x1b[A'), keys('\r')], name, 1)).toBe('(a line from history)');
    expect(stepLabel([keys('\r')], name, 1)).toBe('(empty line)');
    expect(stepLabel([keys('ps\r', 2)], name, 1)).toBe('ps (pts/1)');
    expect(stepLabel([{ kind: 'open', at: 0 }], name, 1)).toBe('open a new terminal');
    expect(stepLabel([{ kind: 'relogin', at: 0, tty: 2 }], name, 1)).toBe('log in again on pts/1');
  });
});

describe('stepping back and forward', () => {
  it('stepping back restores the screen, the processes and the trace before the last command line', () => {
    const h = new History(factory);
    typeLine(h, 'echo one');
    h.advance(1_000_000);
    const afterOne = screen(h);
    const traceAfterOne = traceText(h);
    const timeAfterOne = h.machine.kernel.now;
    typeLine(h, 'sleep 100 &');
    typeLine(h, 'echo two');
    expect(h.steps().map((s) => s.label)).toEqual(['echo one', 'sleep 100 &', 'echo two']);
    expect(h.position).toBe(3);
    expect(h.live).toBe(true);

    h.stepBack();
    expect(h.live).toBe(false);
    expect(h.position).toBe(2);
    expect(screen(h)).toContain('[1]');
    expect(screen(h)).not.toContain('echo two');
    h.stepBack();
    expect(h.position).toBe(1);
    // Exactly the moment the first key of "sleep 100 &" was typed: after one's output and the
    // second that passed.
    expect(screen(h)).toBe(afterOne);
    expect(traceText(h)).toBe(traceAfterOne);
    expect(h.machine.kernel.now).toBe(timeAfterOne);
    expect(
      h.machine.kernel
        .view(h.machine.kernel.rootNs)
        .list()
        .some((p) => p.comm === 'sleep'),
    ).toBe(false);
    h.stepBack();
    expect(h.position).toBe(0);
    expect(h.canStepBack).toBe(false);
    expect(screen(h)).not.toContain('echo one');
    h.stepBack(); // nothing before the start
    expect(h.position).toBe(0);
  });

  it('stepping forward goes back up to the end, which is the machine as it was left', () => {
    const h = new History(factory);
    typeLine(h, 'echo one');
    typeLine(h, 'echo two');
    const end = h.machine;
    const endScreen = screen(h);
    expect(h.canStepForward).toBe(false);
    h.toStart();
    expect(h.canStepForward).toBe(true);
    h.stepForward();
    expect(h.position).toBe(1);
    expect(screen(h)).toContain('one');
    expect(screen(h)).not.toContain('two');
    h.stepForward();
    expect(h.live).toBe(true);
    expect(h.machine).toBe(end);
    expect(screen(h)).toBe(endScreen);
    expect(h.canStepForward).toBe(false);
  });

  it('playing from the past replays the recorded keys at their times and arrives at the same end', () => {
    const h = new History(factory);
    typeLine(h, 'sleep 1; echo woke');
    h.advance(1_500_000);
    typeLine(h, 'ps -o pid,comm');
    h.advance(300_000);
    const endScreen = screen(h);
    const endTrace = traceText(h);
    const endTime = h.machine.kernel.now;
    h.toStart();
    // Small ticks, as the page's clock gives them.
    while (!h.live) h.advance(25_000);
    expect(h.machine.kernel.now).toBe(endTime);
    expect(screen(h)).toBe(endScreen);
    expect(traceText(h)).toBe(endTrace);
  });

  it('typing after stepping back starts a new branch: the later steps are gone', () => {
    const h = new History(factory);
    typeLine(h, 'echo one');
    typeLine(h, 'echo two');
    typeLine(h, 'echo three');
    h.stepBack();
    h.stepBack();
    expect(h.position).toBe(1);
    typeLine(h, 'echo branch');
    expect(h.live).toBe(true);
    expect(h.canStepForward).toBe(false);
    expect(h.steps().map((s) => s.label)).toEqual(['echo one', 'echo branch']);
    expect(screen(h)).toContain('branch');
    expect(screen(h)).not.toContain('two');
    // The new branch steps back and forward like the old one did.
    h.stepBack();
    expect(screen(h)).not.toContain('branch');
    expect(screen(h)).toContain('one');
    h.toEnd();
    expect(screen(h)).toContain('branch');
  });

  it('a partly typed line is a step of its own, and stepping back takes it away', () => {
    const h = new History(factory);
    typeLine(h, 'echo one');
    h.input({ kind: 'keys', tty: h.machine.tty, data: 'ech' });
    const steps = h.steps();
    expect(steps.map((s) => [s.label, s.complete])).toEqual([
      ['echo one', true],
      ['ech', false],
    ]);
    h.stepBack();
    expect(h.position).toBe(1);
    expect(screen(h).endsWith('# ')).toBe(true);
  });

  it('steps on a second terminal, and its opening, are steps too', () => {
    const h = new History(factory);
    h.input({ kind: 'open' });
    const second = h.machine.terminals()[1]!.tty;
    typeLine(h, 'echo there', second);
    expect(h.steps().map((s) => s.label)).toEqual(['open a new terminal', 'echo there (pts/1)']);
    h.stepBack();
    h.stepBack();
    expect(h.machine.terminals()).toHaveLength(1);
    h.toEnd();
    expect(h.machine.output(second)).toContain('there');
  });

  it('seek refuses a step that does not exist', () => {
    const h = new History(factory);
    typeLine(h, 'echo one');
    expect(() => h.seek(2)).toThrow(/no step 2: the history has 1 steps/);
    expect(() => h.seek(-1)).toThrow(RangeError);
    expect(() => h.seek(0.5)).toThrow(RangeError);
  });
});

describe('replaying a recorded history', () => {
  it('gives the same screens and trace as the session it was recorded from', () => {
    const h = new History(factory);
    typeLine(h, 'sleep 2 &');
    h.advance(700_000);
    typeLine(h, 'ps -o pid,ppid,stat,comm');
    h.advance(2_000_000);
    typeLine(h, 'echo done');
    const copy = new History(factory);
    const r = replay(copy, h.inputs, h.machine.kernel.now);
    expect(r).toEqual({ applied: h.inputs.length, problem: null });
    expect(screen(copy)).toBe(screen(h));
    expect(traceText(copy)).toBe(traceText(h));
    expect(copy.steps()).toEqual(h.steps());
  });

  it('stops at the first input that cannot be given and says why', () => {
    const at = 1_000;
    const copy = new History(factory);
    const r = replay(
      copy,
      [
        { kind: 'keys', at, tty: 1, data: 'echo ok\r' },
        { kind: 'keys', at: at + 10, tty: 7, data: 'x' },
        { kind: 'keys', at: at + 20, tty: 1, data: 'echo never\r' },
      ],
      at + 30,
    );
    expect(r.applied).toBe(1);
    expect(r.problem).toBe('input 2 cannot be given: there is no terminal 7');
    expect(screen(copy)).toContain('ok');
    expect(screen(copy)).not.toContain('never');

    const back = replay(
      new History(factory),
      [
        { kind: 'keys', at: 50, tty: 1, data: 'a' },
        { kind: 'keys', at: 40, tty: 1, data: 'b' },
      ],
      60,
    );
    expect(back.problem).toBe('input 2 is dated before the one before it');

    const dead = new History(factory);
    const bad = replay(
      dead,
      [
        { kind: 'keys', at: 0, tty: 1, data: 'exit\r' },
        { kind: 'keys', at: 10, tty: 1, data: 'ls\r' },
      ],
      20,
    );
    expect(bad.problem).toBe('input 2 cannot be given: the shell on pts/0 has ended');
    const relog = replay(new History(factory), [{ kind: 'relogin', at: 0, tty: 1 }], 0);
    expect(relog.problem).toBe('input 1 cannot be given: the shell on pts/0 is still running');
  });
});
