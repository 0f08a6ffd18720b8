import { describe, expect, it } from 'vitest';
import { createLabMachine } from '../../src/lab/world.ts';
import type { TraceEvent } from '../../src/kernel-sim/index.ts';
import { DEFAULT_KINDS, EventFilter, formatTime, kindOf, tasksOf } from './events.ts';
import type { EventKind } from './events.ts';

function session() {
  const m = createLabMachine();
  m.type('sleep 1 &\r');
  m.runUntilPrompt();
  m.type("sh -c 'kill -TERM $$'\r");
  m.runUntilPrompt();
  m.advance(1_500_000);
  m.type('\r');
  m.runUntilPrompt();
  return m;
}

describe('the event log', () => {
  it('names the processes an event involves, actor first', () => {
    const trace = session().kernel.trace;
    const fork = trace.find((e) => e.type === 'fork')!;
    expect(fork.type === 'fork' && tasksOf(fork)).toEqual([fork.parent.id, fork.task.id]);
    const reap = trace.find((e): e is Extract<TraceEvent, { type: 'reap' }> => e.type === 'reap')!;
    expect(tasksOf(reap)).toEqual([reap.by!.id, reap.task.id]);
    const sig = trace.find(
      (e): e is Extract<TraceEvent, { type: 'signal' }> => e.type === 'signal' && e.sig === 15,
    )!;
    expect(tasksOf(sig)).toEqual(
      [sig.from!.id, sig.task.id].filter((x, i, a) => a.indexOf(x) === i),
    );
  });

  it('sorts every event type into a kind', () => {
    const trace = session().kernel.trace;
    const kinds = new Set(trace.map(kindOf));
    for (const k of ['process', 'exit', 'reap', 'signal', 'session', 'output'] as EventKind[])
      expect(kinds).toContain(k);
  });

  it('formats virtual time as seconds and milliseconds', () => {
    expect(formatTime(0)).toBe('0.000 s');
    expect(formatTime(1_234_567)).toBe('1.234 s');
    expect(formatTime(61_000_000)).toBe('61.000 s');
  });

  it('filters incrementally, and starts over for another trace or other kinds', () => {
    const m = session();
    const trace = m.kernel.trace;
    const f = new EventFilter();
    const all = f.update(trace, DEFAULT_KINDS);
    expect(all.length).toBe(trace.filter((e) => e.type !== 'write').length);
    expect(f.count('output')).toBe(trace.filter((e) => e.type === 'write').length);
    const before = all.length;
    m.type('sleep 0.1\r');
    m.runUntilPrompt();
    const grown = f.update(m.kernel.trace, DEFAULT_KINDS);
    expect(grown.length).toBeGreaterThan(before);
    expect(grown).toEqual(m.kernel.trace.flatMap((e, i) => (e.type === 'write' ? [] : [i])));
    const signals = new Set<EventKind>(['signal']);
    expect(
      f.update(m.kernel.trace, signals).every((i) => kindOf(m.kernel.trace[i]!) === 'signal'),
    ).toBe(true);
    // A restored (shorter) trace is a new array: the filter starts over.
    const shorter = trace.slice(0, 5);
    expect(f.update(shorter, signals)).toEqual(
      shorter.flatMap((e, i) => (kindOf(e) === 'signal' ? [i] : [])),
    );
  });

  it('scans 30,000 events quickly, and then only the ones appended', () => {
    const m = createLabMachine();
    m.type('i=0; while [ $i -lt 2500 ]; do sleep 0 & i=$((i+1)); done; wait\r');
    m.runUntilPrompt(3_600_000_000);
    const trace = m.kernel.trace;
    expect(trace.length).toBeGreaterThan(30_000);
    const f = new EventFilter();
    let t0 = performance.now();
    const first = f.update(trace, DEFAULT_KINDS).length;
    expect(performance.now() - t0).toBeLessThan(200);
    m.type('sleep 0.1\r');
    m.runUntilPrompt();
    expect(m.kernel.trace).toBe(trace); // the same, grown array
    t0 = performance.now();
    const grown = f.update(trace, DEFAULT_KINDS).length;
    expect(performance.now() - t0).toBeLessThan(50);
    expect(grown).toBeGreaterThan(first);
    expect(grown).toBe(trace.filter((e) => e.type !== 'write').length);
  });
});
