/**
 * LabMachine.snapshot()/restore(): the page steps back in time by restoring these, so a restored
 * machine must be the saved one in every way a person or a program can tell: the same screens,
 * the same processes, and the same future for the same input.
 */
import { describe, expect, it } from 'vitest';
import { createLabMachine, restoreLabMachine } from './world.ts';
import type { LabMachine } from './machine.ts';

function typeLine(m: LabMachine, line: string, tty = m.tty): void {
  m.type(`${line}\r`, tty);
  m.runUntilPrompt(10_000_000, tty);
}

const traceText = (m: LabMachine): string => JSON.stringify(m.kernel.trace);

describe('LabMachine snapshots', () => {
  it('a restored machine shows the same screens and has the same processes', () => {
    const m = createLabMachine();
    typeLine(m, 'sleep 100 &');
    typeLine(m, 'echo before');
    const second = m.openTerminal();
    typeLine(m, 'echo on the second terminal', second.tty);
    const snap = m.snapshot();
    const r = restoreLabMachine(snap);
    expect(r.output()).toBe(m.output());
    expect(r.output(second.tty)).toBe(m.output(second.tty));
    expect(r.output()).toContain('before');
    expect(r.output(second.tty)).toContain('on the second terminal');
    expect(r.terminals()).toEqual(m.terminals());
    expect(r.kernel.now).toBe(m.kernel.now);
    expect(r.kernel.view(r.kernel.rootNs).list()).toEqual(m.kernel.view(m.kernel.rootNs).list());
    expect(traceText(r)).toBe(traceText(m));
    expect(r.atPrompt()).toBe(true);
  });

  it('the same input after a restore gives the same future, byte for byte', () => {
    const m = createLabMachine();
    typeLine(m, 'sleep 2 &');
    const snap = m.snapshot();
    const r = restoreLabMachine(snap);
    for (const machine of [m, r]) {
      machine.advance(500_000);
      typeLine(machine, 'ps -o pid,ppid,stat,comm');
      machine.advance(2_000_000);
      typeLine(machine, 'echo done');
    }
    expect(r.output()).toBe(m.output());
    expect(r.output()).toMatch(/\[1\]\+ +Done +sleep 2/);
    expect(traceText(r)).toBe(traceText(m));
  });

  it('going on from a restored machine leaves the snapshot and the original untouched', () => {
    const m = createLabMachine();
    typeLine(m, 'echo one');
    const snap = m.snapshot();
    const shownAtSnapshot = m.output();
    const traceAtSnapshot = m.kernel.trace.length;
    const r = restoreLabMachine(snap);
    typeLine(r, 'echo two');
    expect(r.output()).toContain('two');
    expect(m.output()).toBe(shownAtSnapshot);
    expect(m.kernel.trace.length).toBe(traceAtSnapshot);
    // The snapshot restores again to the point it was taken, however often.
    const again = restoreLabMachine(snap);
    expect(again.output()).toBe(shownAtSnapshot);
    expect(again.kernel.trace.length).toBe(traceAtSnapshot);
    typeLine(again, 'echo three');
    expect(again.output()).not.toContain('two');
  });

  it('a terminal whose shell ended can log in again after a restore', () => {
    const m = createLabMachine();
    const t = m.openTerminal();
    typeLine(m, 'exit', t.tty);
    expect(m.shellAlive(t.tty)).toBe(false);
    const r = restoreLabMachine(m.snapshot());
    expect(r.shellAlive(t.tty)).toBe(false);
    r.relogin(t.tty);
    r.runUntilPrompt(10_000_000, t.tty);
    expect(r.atPrompt(t.tty)).toBe(true);
  });

  it('rejects a snapshot it does not know', () => {
    const snap = createLabMachine().snapshot();
    expect(() => restoreLabMachine({ ...snap, version: 2 as 1 })).toThrow(/version 2/);
    expect(() => restoreLabMachine({ ...snap, terminals: [] })).toThrow(/at least one terminal/);
  });
});

describe('virtual time in slices', () => {
  it('letting time pass in small slices ends in the same state as one long run', () => {
    // The page advances virtual time in wall-clock ticks; a replay jumps. Both must agree.
    const a = createLabMachine();
    const b = createLabMachine();
    for (const m of [a, b]) m.type('sleep 1; echo woke\r');
    for (let i = 0; i < 60; i += 1) a.kernel.runUntil(a.kernel.now + 25_000);
    b.kernel.runUntil(b.kernel.now + 60 * 25_000);
    expect(a.output()).toBe(b.output());
    expect(a.output()).toContain('woke');
    expect(traceText(a)).toBe(traceText(b));
  });
});

describe('a long history', () => {
  it('a machine with a trace of 150,000 events and more restores', () => {
    const m = createLabMachine();
    m.type('i=0; while [ $i -lt 12000 ]; do sleep 0 & i=$((i+1)); done; wait\r');
    m.runUntilPrompt(3_600_000_000);
    expect(m.kernel.trace.length).toBeGreaterThan(150_000);
    const r = restoreLabMachine(m.snapshot());
    expect(r.kernel.trace.length).toBe(m.kernel.trace.length);
    expect(r.output()).toBe(m.output());
  }, 120_000);
});
