/**
 * Program timers: a timer that comes due while its task is blocked in a syscall waits until the
 * task is back in its event loop (the model's runner: a program step is never interrupted by
 * its own timer, as an event loop only runs a timer callback between callbacks).
 */
import { describe, expect, it } from 'vitest';
import { BLOCKED } from './programs/abi.ts';
import { boot, fork, hostPuppet, log } from './testkit.ts';

describe('program timers', () => {
  it('a timer due while the task is blocked in wait() runs once the wait returns', () => {
    const k = boot();
    const parent = hostPuppet(k);
    const child = fork(k, parent.task);
    k.sys(parent.task).setTimer(100, 'tick');
    expect(k.sys(parent.task).wait(-1, 0)).toBe(BLOCKED);
    k.advance(1_000); // the timer is due now, but the task is blocked in wait()
    expect(log(k, parent.task).some((e) => e.call === 'timer')).toBe(false);
    k.sys(child.task).exit(0);
    k.settle();
    const calls = log(k, parent.task).map((e) => e.call);
    // The wait returns first, then the deferred timer runs.
    expect(calls.slice(-2)).toEqual(['wait', 'timer']);
    expect(k.taskRecord(parent.task)!.extra.deferred).toEqual([]);
    expect(k.checkInvariants()).toEqual([]);
  });
});
