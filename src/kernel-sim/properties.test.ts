/**
 * Property-based tests: random sequences of fork, exec, exit, kill, wait, setsid, setpgid,
 * unshare, setns, subreaper, sigaction, sigprocmask, threads and the passing of time, with
 * every structural invariant checked after every step (invariants.ts), plus determinism
 * (the same run gives a byte-identical trace) and snapshot/restore equivalence.
 * A failing run prints its seed and its command list; pin it below as a named regression.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Kernel } from './kernel.ts';
import type { TaskId } from './types.ts';
import { WNOHANG } from './programs/abi.ts';
import { TF_GROUP_EXIT } from './state.ts';
import {
  SIGCHLD,
  SIGCONT,
  SIGHUP,
  SIGINT,
  SIGKILL,
  SIGSTOP,
  SIGTERM,
  SIGUSR1,
  sigSetOf,
} from './signals.ts';

type Op =
  | { op: 'fork'; who: number }
  | { op: 'spawnSleep'; who: number; secs: number }
  | { op: 'exit'; who: number; code: number }
  | {
      op: 'kill';
      who: number;
      target: number;
      mode: 'pid' | 'group' | 'all' | 'own-group';
      sig: number;
    }
  | { op: 'wait'; who: number; block: boolean }
  | { op: 'setsid'; who: number }
  | { op: 'setpgid'; who: number }
  | { op: 'unshare'; who: number }
  | { op: 'setns'; who: number; target: number }
  | { op: 'subreaper'; who: number; on: boolean }
  | { op: 'sigaction'; who: number; sig: number; disp: 'default' | 'ignore' | 'handler' }
  | { op: 'mask'; who: number; how: 'block' | 'unblock'; sig: number }
  | { op: 'threads'; who: number; n: number }
  | { op: 'pdeath'; who: number; sig: number }
  | { op: 'advance'; micros: number };

const SIGS = [SIGTERM, SIGKILL, SIGSTOP, SIGCONT, SIGUSR1, SIGHUP, SIGCHLD, SIGINT];
const who = fc.nat(64);
const sig = fc.constantFrom(...SIGS);

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('fork' as const), who }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('spawnSleep' as const),
      who,
      secs: fc.integer({ min: 1, max: 5 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('exit' as const), who, code: fc.nat(300) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('kill' as const),
      who,
      target: who,
      mode: fc.constantFrom(
        'pid' as const,
        'pid' as const,
        'group' as const,
        'all' as const,
        'own-group' as const,
      ),
      sig,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('wait' as const), who, block: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('setsid' as const), who }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('setpgid' as const), who }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('unshare' as const), who }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('setns' as const), who, target: who }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('subreaper' as const), who, on: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('sigaction' as const),
      who,
      sig: fc.constantFrom(SIGTERM, SIGUSR1, SIGHUP, SIGCHLD, SIGINT, SIGCONT),
      disp: fc.constantFrom('default' as const, 'ignore' as const, 'handler' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('mask' as const),
      who,
      how: fc.constantFrom('block' as const, 'unblock' as const),
      sig: fc.constantFrom(SIGTERM, SIGUSR1, SIGCHLD, SIGHUP),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('threads' as const),
      who,
      n: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('pdeath' as const),
      who,
      sig: fc.constantFrom(0, SIGTERM, SIGKILL),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('advance' as const),
      micros: fc.integer({ min: 1, max: 3_000_000 }),
    }),
  },
);

/** Tasks that can make syscalls now: alive, not exiting, and idle (not blocked in a call). */
function actors(k: Kernel): TaskId[] {
  return k.taskIds().filter((id) => {
    const t = k.taskRecord(id)!;
    const program = t.program === 'puppet' || id === k.hostInit;
    return (
      program &&
      !t.exiting &&
      (t.flags & TF_GROUP_EXIT) === 0 &&
      (t.block === null || t.block.kind === 'idle')
    );
  });
}

const pick = <T>(list: readonly T[], i: number): T | undefined =>
  list.length === 0 ? undefined : list[i % list.length];

/** Applies one operation; returns false when it could not apply (no actor). Never throws. */
export function apply(k: Kernel, op: Op): void {
  if (op.op === 'advance') {
    k.advance(op.micros);
    return;
  }
  const list = actors(k);
  const id = pick(list, op.who);
  if (id === undefined) return;
  const s = k.sys(id);
  const ns = k.nsOf(id);
  switch (op.op) {
    case 'fork':
      s.fork({ program: 'puppet' });
      break;
    case 'spawnSleep':
      s.fork({
        program: '__exec',
        state: { path: '/bin/sleep', argv: ['sleep', String(op.secs)] },
      });
      break;
    case 'exit':
      if (id !== k.hostInit) s.exit(op.code);
      break;
    case 'kill': {
      const all = k.taskIds();
      const target = pick(all, op.target)!;
      const pid = k.pidOf(target, ns);
      if (op.mode === 'all') s.kill(-1, op.sig);
      else if (op.mode === 'own-group') s.kill(0, op.sig);
      else if (op.mode === 'group')
        s.kill(pid > 0 ? -(k.view(ns).get(pid)?.pgid ?? pid) : -9999, op.sig);
      else s.kill(pid > 0 ? pid : 9999, op.sig);
      break;
    }
    case 'wait':
      s.wait(-1, op.block ? 0 : WNOHANG);
      break;
    case 'setsid':
      s.setsid();
      break;
    case 'setpgid': {
      const kids = k
        .view(ns)
        .list()
        .filter((e) => e.ppid === s.getpid());
      const child = kids[0];
      s.setpgid(child ? child.pid : 0, 0);
      break;
    }
    case 'unshare':
      s.unsharePid();
      break;
    case 'setns': {
      const target = pick(k.taskIds(), op.target)!;
      const pid = k.pidOf(target, ns);
      s.setnsPid(pid > 0 ? pid : 9999);
      break;
    }
    case 'subreaper':
      s.setChildSubreaper(op.on);
      break;
    case 'sigaction':
      s.sigaction(op.sig, op.disp);
      break;
    case 'mask':
      s.sigprocmask(op.how, sigSetOf(op.sig));
      break;
    case 'threads':
      s.spawnThreads(op.n);
      break;
    case 'pdeath':
      s.setPdeathsig(op.sig);
      break;
  }
  k.settle();
}

export function run(ops: readonly Op[], check = true): Kernel {
  const k = Kernel.create({ pidMax: 400 });
  for (const op of ops) {
    apply(k, op);
    if (check) {
      const bad = k.checkInvariants();
      if (bad.length > 0) throw new Error(`after ${JSON.stringify(op)}: ${bad.join('; ')}`);
    }
  }
  return k;
}

describe('kernel model properties', () => {
  it('invariants hold after every step of any syscall sequence', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 120 }), (ops) => {
        run(ops);
      }),
      { numRuns: 1000 },
    );
  });

  it('the generated runs exercise the rules that matter (the properties are not vacuous)', () => {
    const seen = new Set<string>();
    let tasks = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 40, maxLength: 120 }), (ops) => {
        const k = run(ops, false);
        tasks = Math.max(tasks, k.taskIds().length);
        for (const e of k.trace) seen.add(e.rule);
      }),
      { numRuns: 200, seed: 42 },
    );
    for (const rule of [
      'alloc_pid/init',
      'alloc_pid',
      'fork/copy',
      'exit/zombie',
      'wait/reap',
      'exit/autoreap',
      'reparent/child-reaper',
      'reparent/subreaper',
      'zap_pid_ns/kill',
      'zap_pid_ns/wait',
      'sig/unkillable-init',
      'sig/forced',
      'sig/terminate',
      'sig/kill',
      'sig/stop',
      'sig/cont',
      'sig/handler',
      'sig/blocked',
      'kill/all',
      'kill/pgrp',
      'setsid',
      'threads/pid-space',
    ])
      expect(seen, rule).toContain(rule);
    expect(tasks).toBeGreaterThan(10);
  });

  it('the same inputs give a byte-identical trace and state (determinism)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const a = run(ops, false);
        const b = run(ops, false);
        expect(b.serialize()).toBe(a.serialize());
      }),
      { numRuns: 100 },
    );
  });

  it('a restored snapshot continues exactly as the original (the trace replays to the same state)', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 60 }),
        fc.array(opArb, { maxLength: 60 }),
        (before, after) => {
          const original = run(before, false);
          const copy = Kernel.deserialize(original.serialize(), { pidMax: 400 });
          for (const op of after) {
            apply(original, op);
            apply(copy, op);
          }
          expect(copy.serialize()).toBe(original.serialize());
          expect(copy.checkInvariants()).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a zombie keeps its PID until reaped, and reaping frees it at every level', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const k = run(ops, false);
        for (const id of k.taskIds()) {
          const t = k.taskRecord(id)!;
          if (t.runState !== 'zombie') continue;
          const nums = k.taskRef(id)!.nums;
          // The numbers are still taken in every namespace the zombie is visible in.
          expect(k.taskByPid(nums[0]!)).toBe(id);
          const parent = t.parent;
          const p = k.taskRecord(parent)!;
          if (p.exiting || (p.block !== null && p.block.kind !== 'idle') || p.program !== 'puppet')
            continue;
          const r = k.sys(parent).wait(k.pidOf(id, p.ns), WNOHANG);
          expect(r).toMatchObject({
            pid: k.pidOf(id, p.ns) === 0 ? expect.any(Number) : expect.any(Number),
          });
          expect(k.taskByPid(nums[0]!)).not.toBe(id);
        }
        expect(k.checkInvariants()).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});

/** Runs that once failed, pinned by name (fast-check seeds of the first failures). */
describe('regressions', () => {
  const cases: Record<string, Op[]> = {
    // seed 679158174: the host's init blocked in wait() had no resume hook and crashed the run.
    'host init resumes from a blocking wait': [
      { op: 'fork', who: 0 },
      { op: 'wait', who: 0, block: true },
      { op: 'kill', who: 0, target: 0, mode: 'pid', sig: SIGCHLD },
      { op: 'unshare', who: 0 },
    ],
    // seed -492556089: the same, found by the snapshot property.
    'host init blocked in wait, then a child exits': [
      { op: 'fork', who: 0 },
      { op: 'wait', who: 0, block: true },
      { op: 'exit', who: 0, code: 0 },
    ],
    // seed 698728279: a group kill while init waits and a sleep runs.
    'group SIGTERM while init waits': [
      { op: 'fork', who: 0 },
      { op: 'wait', who: 0, block: true },
      { op: 'fork', who: 0 },
      { op: 'spawnSleep', who: 3, secs: 1 },
      { op: 'kill', who: 0, target: 0, mode: 'group', sig: SIGTERM },
    ],
  };
  for (const [name, ops] of Object.entries(cases)) {
    it(name, () => {
      const k = run(ops);
      k.advance(10_000_000);
      expect(k.checkInvariants()).toEqual([]);
      expect(Kernel.deserialize(k.serialize(), { pidMax: 400 }).serialize()).toBe(k.serialize());
    });
  }
});
