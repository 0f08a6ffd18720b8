/**
 * What one redraw of the tree shows and which movements it plays: the difference between the
 * previous tree and this one (exec, death, reaping, adoption) and the signals the trace recorded
 * since the last redraw. Pure: the renderer only carries it out.
 */
import { SIGCHLD, SIGWINCH, explainEvent, sigName } from '../../src/kernel-sim/index.ts';
import type { NsId, TaskId, TraceEvent } from '../../src/kernel-sim/index.ts';
import type { TreeLayout } from './layout.ts';
import type { ProcessNode, TreeModel } from './model.ts';
import {
  ariaPositions,
  commandText,
  namespaceLabel,
  nodeLabel,
  pidText,
  truncate,
} from './labels.ts';
import type { BoxView, Frame, NodeView, SignalFx } from './renderer.ts';

/** At most this many signals fly in one redraw (a kill -9 -1 must not fill the screen). */
export const MAX_SIGNALS = 8;

/**
 * Signals the kernel sends as housekeeping: SIGCHLD on every child's exit (do_notify_parent) and
 * SIGWINCH on every terminal resize (tty_do_resize). Drawing each would bury the signals a
 * learner sends; the event log still lists them.
 */
export const HOUSEKEEPING_SIGNALS: ReadonlySet<number> = new Set([SIGCHLD, SIGWINCH]);

/** Whether a trace event is a signal the tree shows travelling. */
export const isShownSignal = (e: TraceEvent): e is Extract<TraceEvent, { type: 'signal' }> =>
  e.type === 'signal' && !HOUSEKEEPING_SIGNALS.has(e.sig);

export interface FrameInput {
  /** The tree drawn last time, when this redraw continues it (same machine, same viewpoint). */
  readonly prev: TreeModel | null;
  readonly model: TreeModel;
  readonly layout: TreeLayout;
  /** Trace events since the last redraw. */
  readonly events: readonly TraceEvent[];
  /** Whether a task still exists (not reaped). */
  readonly alive: (task: TaskId) => boolean;
  readonly nsName: (ns: NsId) => string;
  readonly selectedKey: string | null;
  readonly highlighted: ReadonlySet<string>;
  /** The node the keyboard is on (the one with tabindex 0). */
  readonly tabKey: string | null;
  readonly animate: boolean;
}

const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** The signals in `events` as movements between drawn nodes, the last MAX_SIGNALS of them. */
export function signalEffects(
  events: readonly TraceEvent[],
  model: TreeModel,
  prev: TreeModel | null,
): SignalFx[] {
  const keyOf = (task: TaskId): string | undefined => model.keyOf(task) ?? prev?.keyOf(task);
  const out: SignalFx[] = [];
  for (let i = events.length - 1; i >= 0 && out.length < MAX_SIGNALS; i--) {
    const e = events[i]!;
    if (!isShownSignal(e)) continue;
    const to = keyOf(e.task.id);
    if (to === undefined) continue;
    const from = e.from === null ? null : (keyOf(e.from.id) ?? null);
    const dropped = e.outcome === 'dropped';
    out.push({
      id: `s${e.seq}`,
      from: from === to ? null : from,
      to,
      sig: sigName(e.sig),
      dropped,
      reason: dropped ? explainEvent(e).rule.title : '',
    });
  }
  return out.reverse();
}

export function buildFrame(i: FrameInput): Frame {
  const { model, layout, prev } = i;
  const positions = ariaPositions(model);
  const nodes: NodeView[] = layout.nodes.map((p) => {
    const n = p.node;
    const pos = positions.get(p.key) ?? { level: 1, setsize: 1, posinset: 1 };
    const base = {
      p,
      label: nodeLabel(model, n, i.nsName),
      state: n.state,
      selected: p.key === i.selectedKey,
      highlighted: i.highlighted.has(p.key),
      tabbable: p.key === i.tabKey,
      level: pos.level,
      setsize: pos.setsize,
      posinset: pos.posinset,
      expanded: model.children.has(p.key) ? true : model.collapsed.has(p.key) ? false : null,
    };
    if (n.kind === 'group') {
      const what = n.state === 'zombie' ? 'zombies' : `${n.state}`;
      return {
        ...base,
        group: true,
        line1: truncate(
          `${n.count.toLocaleString('en-US')} ${what}${n.comm === null ? '' : ` (${n.comm})`}`,
          34,
        ),
        line2: truncate(`children of PID ${n.parentPid} (${n.parentComm})`, 36),
        line3: `${n.state} · PIDs ${n.minPid}–${n.maxPid}`,
        exec: false,
        died: false,
      };
    }
    const before = prev?.byKey.get(p.key) as ProcessNode | undefined;
    return {
      ...base,
      group: false,
      // Room for the collapse button on a node with children.
      line1: truncate(commandText(n), base.expanded === null ? 22 : 19),
      line2: truncate(pidText(n), 24),
      line3: n.state,
      exec:
        before !== undefined &&
        (before.comm !== n.comm || !same(before.argv, n.argv)) &&
        n.state !== 'zombie',
      died: before !== undefined && before.state !== 'zombie' && n.state === 'zombie',
    };
  });

  const reparented = new Set<string>();
  const reaped = new Set<string>();
  if (prev !== null) {
    for (const n of model.nodes) {
      const before = prev.byKey.get(n.key);
      if (n.kind === 'process' && before?.kind === 'process' && before.parentTask !== n.parentTask)
        reparented.add(n.key);
    }
    for (const n of prev.nodes) {
      if (model.byKey.has(n.key)) continue;
      if (n.kind === 'process' ? !i.alive(n.task) : n.tasks.every((t) => !i.alive(t)))
        reaped.add(n.key);
    }
  }

  const boxes: BoxView[] = layout.boxes.map((b) => ({
    b,
    label: b.box.level === 0 ? 'host' : `${b.box.name} · level ${b.box.level}`,
    title: namespaceLabel(b.box),
    gauge: `${b.box.used.toLocaleString('en-US')} / ${b.box.pidMax.toLocaleString('en-US')} PIDs`,
    fraction: b.box.pidMax > 0 ? b.box.used / b.box.pidMax : 0,
  }));

  return {
    width: layout.width,
    height: layout.height,
    nodes,
    edges: layout.edges,
    reparented,
    boxes,
    reaped,
    signals: prev === null ? [] : signalEffects(i.events, model, prev),
    animate: i.animate,
  };
}
