/**
 * Which movements a redraw plays, from the difference between two trees and the trace between
 * them: exec, death, adoption, reaping, and signals (dropped ones with the rule that dropped them).
 */
import { describe, expect, it } from 'vitest';
import { createLabMachine } from '../../src/lab/world.ts';
import type { LabMachine } from '../../src/lab/machine.ts';
import type { NsId } from '../../src/kernel-sim/index.ts';
import { buildFrame, signalEffects } from './frame.ts';
import type { FrameInput } from './frame.ts';
import { layoutTree } from './layout.ts';
import { buildTree } from './model.ts';
import type { ProcessNode, TreeModel } from './model.ts';

const SECOND = 1_000_000;

function run(m: LabMachine, line: string, seconds = 0.5): void {
  m.type(`${line}\r`);
  m.kernel.advance(seconds * SECOND);
}

function frameBetween(m: LabMachine, prev: TreeModel, since: number) {
  const model = buildTree(m.kernel, null);
  const input: FrameInput = {
    prev,
    model,
    layout: layoutTree(model),
    events: m.kernel.trace.slice(since),
    alive: (t) => m.kernel.hasTask(t),
    nsName: (ns: NsId) => m.kernel.namespaceInfo(ns).name,
    selectedKey: null,
    highlighted: new Set(),
    tabKey: null,
    animate: true,
  };
  return { model, frame: buildFrame(input) };
}

const find = (t: TreeModel, pred: (n: ProcessNode) => boolean): ProcessNode =>
  t.nodes.find((n): n is ProcessNode => n.kind === 'process' && pred(n))!;

describe('buildFrame', () => {
  it('flags an exec, a death (zombie) and a reaping', () => {
    const m = createLabMachine();
    run(m, "sh -c 'sleep 1 & sleep 0.5; exec sleep 100' &", 0.2);
    const before = buildTree(m.kernel, null);
    const sh = find(before, (n) => n.comm === 'sh');
    const since = m.kernel.trace.length;
    // At 0.5 s the sh execs sleep 100, which never waits: at 1 s its child sleep 1 is a zombie.
    m.kernel.advance(1.5 * SECOND);
    const { model, frame } = frameBetween(m, before, since);
    const execd = frame.nodes.find((n) => n.p.key === sh.key)!;
    expect(execd.exec).toBe(true);
    expect(execd.line1).toBe('sleep 100');
    const zombie = frame.nodes.find((n) => n.state === 'zombie')!;
    expect(zombie.died).toBe(true);
    expect(zombie.line1).toBe('[sleep] <defunct>');
    expect(frame.nodes.filter((n) => n.exec || n.died)).toHaveLength(2);

    const since2 = m.kernel.trace.length;
    run(m, 'kill %1');
    const after = frameBetween(m, model, since2).frame;
    expect(after.reaped).toEqual(new Set([sh.key, zombie.p.key]));
  });

  it('flags an adoption: the orphan keeps its edge, now from its new parent', () => {
    const m = createLabMachine();
    run(m, "sh -c 'sleep 100 & sleep 1' &");
    const before = buildTree(m.kernel, null);
    const orphan = find(before, (n) => n.argv.join(' ') === 'sleep 100');
    const since = m.kernel.trace.length;
    m.kernel.advance(2 * SECOND);
    const { model, frame } = frameBetween(m, before, since);
    expect(frame.reparented).toEqual(new Set([orphan.key]));
    const edge = frame.edges.find((e) => e.key === orphan.key)!;
    expect(edge.parentKey).toBe(model.roots[0]);
  });

  it('a dropped signal carries the rule that dropped it; a delivered one does not', () => {
    const m = createLabMachine();
    run(m, 'unshare --pid --fork --mount-proc sleep 100 &');
    run(m, 'sleep 200 &');
    const before = buildTree(m.kernel, null);
    const init = find(before, (n) => n.pids.length === 2);
    const sleeper = find(before, (n) => n.argv.join(' ') === 'sleep 200');
    const bash = find(before, (n) => n.comm === 'bash');
    const since = m.kernel.trace.length;
    run(m, `kill -TERM ${init.pid}`);
    run(m, `kill -USR1 ${sleeper.pid}`);
    const model = buildTree(m.kernel, null);
    const fx = signalEffects(m.kernel.trace.slice(since), model, before);
    expect(fx.map((s) => [s.from, s.to, s.sig, s.dropped, s.reason])).toEqual([
      [
        bash.key,
        init.key,
        'SIGTERM',
        true,
        "A namespace's PID 1 drops signals it has no handler for",
      ],
      [bash.key, sleeper.key, 'SIGUSR1', false, ''],
    ]);
  });

  it('without a previous tree nothing moves and no signal flies', () => {
    const m = createLabMachine();
    run(m, 'sleep 100 &');
    const model = buildTree(m.kernel, null);
    const frame = buildFrame({
      prev: null,
      model,
      layout: layoutTree(model),
      events: m.kernel.trace,
      alive: () => true,
      nsName: () => 'host',
      selectedKey: model.roots[0]!,
      highlighted: new Set([model.roots[0]!]),
      tabKey: model.roots[0]!,
      animate: false,
    });
    expect(frame.signals).toEqual([]);
    expect(frame.reaped.size + frame.reparented.size).toBe(0);
    const root = frame.nodes.find((n) => n.p.key === model.roots[0])!;
    expect([root.selected, root.highlighted, root.tabbable, root.level]).toEqual([
      true,
      true,
      true,
      1,
    ]);
    expect(frame.nodes.filter((n) => n.tabbable)).toHaveLength(1);
    expect(frame.boxes[0]!.gauge).toBe(`${model.namespaces[0]!.used} / 32,768 PIDs`);
  });
});
