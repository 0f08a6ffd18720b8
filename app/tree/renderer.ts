/**
 * Draws the process tree into an SVG element with d3 (selection joins and transitions). This
 * class owns every node inside the <svg>; React owns the <svg> element itself and everything
 * around it. One owner per node.
 *
 * Movements follow the model's changes: a forked child grows out of its parent, an exec flashes
 * the new command line, an exit turns the node into a hatched zombie, reaping fades it out as
 * "reaped", a reparented child's edge slides to its new parent, a signal travels from sender to
 * target and a dropped one bounces off with the rule that dropped it.
 */
import { select, selectAll } from 'd3-selection';
import type { Selection } from 'd3-selection';
import 'd3-transition';
import { interpolateNumber } from 'd3-interpolate';
import type { PlacedBox, PlacedEdge, PlacedNode } from './layout.ts';
import { NODE_H } from './layout.ts';
import type { StateWord } from './model.ts';

export interface NodeView {
  readonly p: PlacedNode;
  readonly label: string;
  /** Three lines of text: the command, the PIDs, the state word. */
  readonly line1: string;
  readonly line2: string;
  readonly line3: string;
  readonly state: StateWord;
  readonly group: boolean;
  readonly selected: boolean;
  readonly highlighted: boolean;
  readonly tabbable: boolean;
  readonly level: number;
  readonly setsize: number;
  readonly posinset: number;
  readonly expanded: boolean | null;
  /** Flashes: its command line changed (exec), it just became a zombie, it was just adopted. */
  readonly exec: boolean;
  readonly died: boolean;
}

export interface BoxView {
  readonly b: PlacedBox;
  readonly label: string;
  readonly title: string;
  readonly gauge: string;
  /** Used / pid_max, 0..1. */
  readonly fraction: number;
}

export interface SignalFx {
  readonly id: string;
  /** Sender's node, or null for the kernel (it comes from above the target). */
  readonly from: string | null;
  readonly to: string;
  readonly sig: string;
  readonly dropped: boolean;
  /** Why it was dropped (the rule's title), shown beside the target. */
  readonly reason: string;
}

export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly NodeView[];
  readonly edges: readonly PlacedEdge[];
  /** Edges whose child was just adopted by a new parent. */
  readonly reparented: ReadonlySet<string>;
  readonly boxes: readonly BoxView[];
  /** Keys of nodes that vanished because their process was reaped (not merely hidden). */
  readonly reaped: ReadonlySet<string>;
  readonly signals: readonly SignalFx[];
  /** False: jump to the new picture (reduced motion, a different machine, a new viewpoint). */
  readonly animate: boolean;
}

export interface RendererHandlers {
  readonly activate: (key: string) => void;
  /** Collapses or expands a node's children. */
  readonly toggle: (key: string) => void;
  readonly focused: (key: string) => void;
}

/** Milliseconds a movement takes. */
export const MOVE_MS = 550;
const SIGNAL_MS = 750;
const DROP_NOTE_MS = 4000;

/** State icons, drawn in a 16x16 box: shapes that differ without colour. */
export const STATE_ICON: Readonly<Record<StateWord | 'reaped', string>> = {
  // A play triangle.
  running: 'M3 1.5 L14.5 8 L3 14.5 Z',
  // A crescent moon.
  sleeping: 'M10.5 1.2 A7 7 0 1 0 14.8 11 A5.6 5.6 0 1 1 10.5 1.2 Z',
  // A stop square.
  stopped: 'M2.5 2.5 H13.5 V13.5 H2.5 Z',
  // A tombstone with a cross: dead, not yet buried.
  zombie: 'M2.5 15 V7 A5.5 5.5 0 0 1 13.5 7 V15 Z M8 4.5 V11 M5.5 7 H10.5',
  // An empty dashed circle: nothing left.
  reaped: 'M8 1.5 A6.5 6.5 0 1 1 7.99 1.5',
};

interface EdgePoints {
  x1: number;
  y1: number;
  busY: number;
  laneX: number;
  y2: number;
  x2: number;
}

const edgePoints = (e: PlacedEdge): EdgePoints => ({
  x1: e.x1,
  y1: e.y1,
  busY: e.busY,
  laneX: e.laneX ?? e.x2,
  y2: e.y2,
  x2: e.x2,
});

const edgePath = (p: EdgePoints): string => `M${p.x1},${p.y1}V${p.busY}H${p.laneX}V${p.y2}H${p.x2}`;

const center = (p: { x: number; y: number; w: number; h: number }): [number, number] => [
  p.x + p.w / 2,
  p.y + p.h / 2,
];

export class TreeRenderer {
  private readonly root: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly boxLayer: Selection<SVGGElement, unknown, null, undefined>;
  private readonly edgeLayer: Selection<SVGGElement, unknown, null, undefined>;
  private readonly nodeLayer: Selection<SVGGElement, unknown, null, undefined>;
  private readonly fxLayer: Selection<SVGGElement, unknown, null, undefined>;
  /** Where each node was last drawn, so a new child can grow out of its parent's old place. */
  private placed = new Map<string, PlacedNode>();
  private readonly timers = new Set<number>();
  /** The points each edge is drawn at now (mid-movement too), so a new movement starts there. */
  private readonly edgeAt = new WeakMap<SVGPathElement, EdgePoints>();
  /** What each node element shows now, to change only what differs. */
  private readonly shown = new WeakMap<
    SVGGElement,
    { readonly view: NodeView; readonly cls: string; readonly at: string }
  >();
  /** Each namespace box's place and text as last drawn. */
  private readonly boxAt = new WeakMap<SVGGElement, string>();
  private readonly boxText = new WeakMap<SVGGElement, string>();
  /** Each edge's target points, to start a movement only when they change. */
  private readonly edgeTarget = new WeakMap<SVGPathElement, string>();

  constructor(
    svg: SVGSVGElement,
    private readonly idPrefix: string,
    private readonly handlers: RendererHandlers,
  ) {
    this.root = select(svg);
    const defs = this.root.append('defs');
    // Zombies are hatched: readable in greyscale and by the colour-blind.
    const hatch = defs
      .append('pattern')
      .attr('id', `${idPrefix}-hatch`)
      .attr('width', 8)
      .attr('height', 8)
      .attr('patternUnits', 'userSpaceOnUse')
      .attr('patternTransform', 'rotate(45)');
    hatch.append('rect').attr('class', 'ptree-hatch__bg').attr('width', 8).attr('height', 8);
    hatch
      .append('line')
      .attr('class', 'ptree-hatch__line')
      .attr('x1', 0)
      .attr('y1', 0)
      .attr('x2', 0)
      .attr('y2', 8);
    this.boxLayer = this.root.append('g').attr('class', 'ptree-boxes');
    this.edgeLayer = this.root.append('g').attr('class', 'ptree-edges').attr('aria-hidden', 'true');
    this.nodeLayer = this.root.append('g').attr('class', 'ptree-nodes');
    this.fxLayer = this.root.append('g').attr('class', 'ptree-fx').attr('aria-hidden', 'true');
  }

  destroy(): void {
    for (const t of this.timers) window.clearTimeout(t);
    this.timers.clear();
    this.root.selectAll('*').interrupt();
    this.root.selectChildren().remove();
  }

  /** Moves keyboard focus to a node. */
  focus(key: string): void {
    const el = this.nodeLayer
      .selectAll<SVGGElement, NodeView>('g.ptree-node')
      .filter((d) => d.p.key === key)
      .node();
    el?.focus();
  }

  private later(ms: number, fn: () => void): void {
    const t = window.setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  update(frame: Frame): void {
    const ms = frame.animate ? MOVE_MS : 0;
    const previous = this.placed;
    const next = new Map(frame.nodes.map((n) => [n.p.key, n.p]));
    this.drawBoxes(frame, ms);
    this.drawEdges(frame, ms, previous, next);
    this.drawNodes(frame, ms, previous);
    this.placed = next;
    if (frame.animate) for (const s of frame.signals) this.signal(s, next);
    else for (const s of frame.signals) if (s.dropped) this.dropNote(s, next, false);
  }

  private drawBoxes(frame: Frame, ms: number): void {
    const boxes = this.boxLayer
      .selectAll<SVGGElement, BoxView>('g.ptree-ns')
      .data(frame.boxes, (d) => String(d.b.ns));
    const entered = boxes
      .enter()
      .append('g')
      .attr('class', 'ptree-ns')
      .attr('role', 'group')
      .style('opacity', 0);
    entered.append('rect').attr('class', 'ptree-ns__frame').attr('rx', 12);
    const chip = entered.append('g').attr('class', 'ptree-ns__label');
    chip.append('rect').attr('class', 'ptree-ns__chip').attr('rx', 6).attr('height', 24);
    chip.append('text').attr('class', 'ptree-ns__name').attr('x', 8).attr('y', 17);
    chip
      .append('rect')
      .attr('class', 'ptree-ns__track')
      .attr('width', 70)
      .attr('height', 9)
      .attr('rx', 4);
    chip.append('rect').attr('class', 'ptree-ns__fill').attr('height', 9).attr('rx', 4);
    chip.append('text').attr('class', 'ptree-ns__gauge').attr('y', 17);
    chip.append('title');

    const all = entered.merge(boxes);
    all
      .attr('aria-label', (d) => d.title)
      .attr('data-ns', (d) => d.b.ns)
      .attr('class', (d) => `ptree-ns ptree-ns--depth${Math.min(d.b.box.depth, 3)}`);
    // Move only boxes whose place changed; without animation, stop any movement still running
    // (it would carry the box back to where the previous picture had it).
    const boxAt = this.boxAt;
    const place = (d: BoxView): string => `translate(${d.b.x},${d.b.y})`;
    if (ms > 0) {
      const changed = all.filter(function (d) {
        const target = `${d.b.x},${d.b.y},${d.b.w},${d.b.h}`;
        if (boxAt.get(this) === target) return false;
        boxAt.set(this, target);
        return true;
      });
      changed.transition().duration(ms).style('opacity', 1).attr('transform', place);
      changed
        .select<SVGRectElement>('rect.ptree-ns__frame')
        .transition()
        .duration(ms)
        .attr('width', (d) => d.b.w)
        .attr('height', (d) => d.b.h);
    } else {
      all.each(function (d) {
        boxAt.set(this, `${d.b.x},${d.b.y},${d.b.w},${d.b.h}`);
      });
      all.interrupt().style('opacity', 1).attr('transform', place);
      all
        .select<SVGRectElement>('rect.ptree-ns__frame')
        .interrupt()
        .attr('width', (d) => d.b.w)
        .attr('height', (d) => d.b.h);
    }
    const boxText = this.boxText;
    all.each(function (d) {
      const text = `${d.label}|${d.gauge}|${d.fraction}|${d.title}`;
      if (boxText.get(this) === text) return;
      boxText.set(this, text);
      const g = select(this);
      const name = g.select<SVGTextElement>('text.ptree-ns__name').text(d.label);
      const nameWidth = name.node()?.getComputedTextLength?.() ?? d.label.length * 8;
      const trackX = 8 + nameWidth + 12;
      g.select('rect.ptree-ns__track').attr('x', trackX).attr('y', 8);
      g.select('rect.ptree-ns__fill')
        .attr('x', trackX)
        .attr('y', 8)
        .attr('width', Math.max(d.fraction > 0 ? 2 : 0, Math.min(1, d.fraction) * 70));
      const gauge = g
        .select<SVGTextElement>('text.ptree-ns__gauge')
        .attr('x', trackX + 78)
        .text(d.gauge);
      const gaugeWidth = gauge.node()?.getComputedTextLength?.() ?? d.gauge.length * 7;
      g.select('rect.ptree-ns__chip').attr('width', trackX + 78 + gaugeWidth + 8);
      g.select('title').text(d.title);
    });
    boxes.exit().remove();
  }

  private drawEdges(
    frame: Frame,
    ms: number,
    previous: ReadonlyMap<string, PlacedNode>,
    next: ReadonlyMap<string, PlacedNode>,
  ): void {
    const edgeAt = this.edgeAt;
    const edges = this.edgeLayer
      .selectAll<SVGPathElement, PlacedEdge>('path.ptree-edge:not(.is-leaving)')
      .data(frame.edges, (d) => d.key);
    const entered = edges
      .enter()
      .append('path')
      .attr('class', 'ptree-edge')
      .each(function (d) {
        // A new edge starts collapsed at its parent's old place (or new, if the parent is new too).
        const parent = previous.get(d.parentKey) ?? next.get(d.parentKey);
        const x = parent ? parent.x + parent.w / 2 : d.x1;
        const y = parent ? parent.y + parent.h : d.y1;
        edgeAt.set(this, { x1: x, y1: y, busY: y, laneX: x, y2: y, x2: x });
        this.setAttribute('d', edgePath(edgeAt.get(this)!));
      });
    const all = entered.merge(edges);
    all.classed('is-reparented', (d) => frame.reparented.has(d.key));
    const edgeTarget = this.edgeTarget;
    const changed = all.filter(function (d) {
      const target = edgePath(edgePoints(d));
      if (edgeTarget.get(this) === target) return false;
      edgeTarget.set(this, target);
      return true;
    });
    if (ms > 0) {
      changed
        .transition()
        .duration(ms)
        .attrTween('d', function (d) {
          const from = edgeAt.get(this) ?? edgePoints(d);
          const to = edgePoints(d);
          const keys = Object.keys(to) as (keyof EdgePoints)[];
          const lerp = keys.map((k) => [k, interpolateNumber(from[k], to[k])] as const);
          return (t: number): string => {
            const now = {} as EdgePoints;
            for (const [k, f] of lerp) now[k] = f(t);
            edgeAt.set(this, now);
            return edgePath(now);
          };
        });
    } else {
      changed.interrupt().each(function (d) {
        edgeAt.set(this, edgePoints(d));
        this.setAttribute('d', edgePath(edgeAt.get(this)!));
      });
    }
    if (frame.reparented.size > 0) {
      this.later(2500, () =>
        this.edgeLayer.selectAll('path.is-reparented').classed('is-reparented', false),
      );
    }
    // Leaving elements are left out of later joins, so their fade runs to the end.
    const gone = edges.exit<PlacedEdge>().classed('is-leaving', true);
    if (ms > 0) gone.transition().duration(ms).style('opacity', 0).remove();
    else gone.remove();
  }

  private drawNodes(frame: Frame, ms: number, previous: ReadonlyMap<string, PlacedNode>): void {
    const handlers = this.handlers;
    const hatch = `url(#${this.idPrefix}-hatch)`;
    const nodes = this.nodeLayer
      .selectAll<SVGGElement, NodeView>('g.ptree-node:not(.is-leaving)')
      .data(frame.nodes, (d) => d.p.key);

    const entered = nodes
      .enter()
      .append('g')
      .attr('class', 'ptree-node')
      .attr('role', 'treeitem')
      .attr('transform', (d) => {
        // A new child starts where its parent was: it grows out of it.
        const parentKey = d.p.node.parentKey;
        const parent = parentKey === null ? undefined : previous.get(parentKey);
        if (ms === 0 || parent === undefined) return `translate(${d.p.x},${d.p.y})`;
        return `translate(${parent.x + (parent.w - d.p.w) / 2},${parent.y})`;
      })
      .on('click', (_event: MouseEvent, d: NodeView) => handlers.activate(d.p.key))
      .on('focus', (_event: FocusEvent, d: NodeView) => handlers.focused(d.p.key));
    const inner = entered.append('g').attr('class', 'ptree-node__inner');
    inner.classed('is-born', ms > 0);
    inner
      .append('rect')
      .attr('class', 'ptree-node__focus')
      .attr('x', -5)
      .attr('y', -5)
      .attr('rx', 12);
    inner
      .append('rect')
      .attr('class', 'ptree-node__halo')
      .attr('x', -9)
      .attr('y', -9)
      .attr('rx', 15);
    inner
      .filter((d) => d.group)
      .append('rect')
      .attr('class', 'ptree-node__stack')
      .attr('x', 8)
      .attr('y', -8)
      .attr('rx', 8);
    inner
      .filter((d) => d.group)
      .append('rect')
      .attr('class', 'ptree-node__stack')
      .attr('x', 4)
      .attr('y', -4)
      .attr('rx', 8);
    inner.append('rect').attr('class', 'ptree-node__body').attr('rx', 8);
    inner.append('text').attr('class', 'ptree-node__cmd').attr('x', 10).attr('y', 20);
    inner.append('text').attr('class', 'ptree-node__pids').attr('x', 10).attr('y', 38);
    inner
      .append('path')
      .attr('class', 'ptree-node__icon')
      .attr('transform', `translate(10,${NODE_H - 21}) scale(0.85)`);
    inner
      .append('text')
      .attr('class', 'ptree-node__state')
      .attr('x', 27)
      .attr('y', NODE_H - 8);
    inner.append('title');
    // The collapse / expand button of a node with children (the keyboard uses the arrows).
    const toggle = inner
      .append('g')
      .attr('class', 'ptree-node__toggle')
      .attr('aria-hidden', 'true')
      .on('click', function (event: MouseEvent) {
        event.stopPropagation();
        const key = (this as SVGGElement).closest('g.ptree-node')?.getAttribute('data-key');
        if (key) handlers.toggle(key);
      });
    toggle.append('rect').attr('width', 24).attr('height', 24).attr('rx', 5);
    toggle.append('text').attr('x', 12).attr('y', 17);
    if (ms > 0) this.later(ms + 50, () => inner.classed('is-born', false));

    const all = entered.merge(nodes);
    // Touch only what changed: with hundreds of nodes redrawn many times a second, rewriting
    // every text and restarting every transition would cost more frames than it draws.
    const shown = this.shown;
    const moving: SVGGElement[] = [];
    all.each(function (d) {
      const before = shown.get(this);
      const g = select<SVGGElement, NodeView>(this);
      const cls = [
        'ptree-node',
        `is-${d.state}`,
        d.group ? 'is-group' : '',
        d.p.inGrid ? 'in-grid' : '',
        d.selected ? 'is-selected' : '',
        d.highlighted ? 'is-highlighted' : '',
      ]
        .filter((c) => c !== '')
        .join(' ');
      if (before?.cls !== cls) g.attr('class', cls);
      if (before === undefined) {
        g.attr('data-key', d.p.key);
        g.select('rect.ptree-node__body').attr('width', d.p.w).attr('height', d.p.h);
        g.select('rect.ptree-node__focus')
          .attr('width', d.p.w + 10)
          .attr('height', d.p.h + 10);
        g.select('rect.ptree-node__halo')
          .attr('width', d.p.w + 18)
          .attr('height', d.p.h + 18);
        g.selectAll('rect.ptree-node__stack').attr('width', d.p.w).attr('height', NODE_H);
        g.select('g.ptree-node__toggle').attr('transform', `translate(${d.p.w - 28},4)`);
      }
      const v = before?.view;
      if (v?.expanded !== d.expanded || before === undefined) {
        g.select('g.ptree-node__toggle')
          .attr('display', d.expanded === null ? 'none' : null)
          .select('text')
          .text(d.expanded === false ? '+' : '−');
      }
      if (v?.label !== d.label) {
        g.attr('aria-label', d.label);
        g.select('title').text(d.label);
      }
      if (v?.level !== d.level) g.attr('aria-level', d.level);
      if (v?.setsize !== d.setsize) g.attr('aria-setsize', d.setsize);
      if (v?.posinset !== d.posinset) g.attr('aria-posinset', d.posinset);
      if (v?.selected !== d.selected) g.attr('aria-selected', d.selected ? 'true' : 'false');
      if (v?.expanded !== d.expanded)
        g.attr('aria-expanded', d.expanded === null ? null : String(d.expanded));
      if (v?.tabbable !== d.tabbable) g.attr('tabindex', d.tabbable ? 0 : -1);
      if (v?.line1 !== d.line1) g.select('text.ptree-node__cmd').text(d.line1);
      if (v?.line2 !== d.line2) g.select('text.ptree-node__pids').text(d.line2);
      if (v?.line3 !== d.line3) g.select('text.ptree-node__state').text(d.line3);
      if (v?.state !== d.state) {
        g.select('path.ptree-node__icon').attr('d', STATE_ICON[d.state]);
        g.select('rect.ptree-node__body').attr('fill', d.state === 'zombie' ? hatch : null);
      }
      // Flashes for exec (new command line) and death (now a zombie).
      if (ms > 0 && (d.exec || d.died)) {
        const inner = g.select<SVGGElement>('g.ptree-node__inner');
        if (d.exec) inner.classed('is-exec', true);
        if (d.died) inner.classed('is-dying', true);
      }
      const at = `translate(${d.p.x},${d.p.y})`;
      if (before?.at !== at) {
        if (ms > 0) moving.push(this);
        else g.interrupt().attr('transform', at);
      }
      shown.set(this, { view: d, cls, at });
    });
    if (ms > 0 && frame.nodes.some((n) => n.exec || n.died)) {
      this.later(1400, () =>
        this.nodeLayer
          .selectAll('g.is-exec, g.is-dying')
          .classed('is-exec', false)
          .classed('is-dying', false),
      );
    }
    if (moving.length > 0) {
      selectAll<SVGGElement, NodeView>(moving)
        .transition()
        .duration(ms)
        .attr('transform', (d) => `translate(${d.p.x},${d.p.y})`);
    }

    // Gone: reaped processes fade out saying so; hidden ones (viewpoint, grouping) just leave.
    const gone = nodes.exit<NodeView>();
    gone
      .attr('role', null)
      .attr('aria-hidden', 'true')
      .attr('tabindex', null)
      .on('click', null)
      .on('focus', null);
    const reaped = gone.filter((d) => frame.reaped.has(d.p.key));
    gone.filter((d) => !frame.reaped.has(d.p.key)).remove();
    reaped.attr('class', 'ptree-node is-reaped is-leaving');
    reaped.select('text.ptree-node__state').text('reaped');
    reaped.select('path.ptree-node__icon').attr('d', STATE_ICON.reaped);
    reaped.select('rect.ptree-node__body').attr('fill', null);
    if (ms > 0)
      reaped
        .transition()
        .delay(ms)
        .duration(ms * 2)
        .style('opacity', 0)
        .remove();
    else reaped.remove();
  }

  private signal(s: SignalFx, nodes: ReadonlyMap<string, PlacedNode>): void {
    const target = nodes.get(s.to) ?? this.placed.get(s.to);
    if (target === undefined) return;
    const [tx, ty] = center(target);
    const sender = s.from === null ? undefined : (nodes.get(s.from) ?? this.placed.get(s.from));
    const [sx, sy] = sender ? center(sender) : [tx, Math.max(0, target.y - 60)];
    const g = this.fxLayer
      .append('g')
      .attr('class', `ptree-signal${s.dropped ? ' is-dropped' : ''}`)
      .attr('transform', `translate(${sx},${sy})`);
    g.append('circle').attr('r', 10);
    g.append('text').attr('class', 'ptree-signal__name').attr('x', 14).attr('y', 5).text(s.sig);
    if (!s.dropped) {
      g.transition()
        .duration(SIGNAL_MS)
        .attr('transform', `translate(${tx},${ty})`)
        .transition()
        .duration(250)
        .style('opacity', 0)
        .remove();
      return;
    }
    // A dropped signal stops short of its target and bounces back; the reason stays a while.
    const hitX = sx + (tx - sx) * 0.8;
    const hitY = sy + (ty - sy) * 0.8;
    const backX = sx + (tx - sx) * 0.45;
    const backY = sy + (ty - sy) * 0.45;
    g.transition()
      .duration(SIGNAL_MS * 0.8)
      .attr('transform', `translate(${hitX},${hitY})`)
      .transition()
      .duration(SIGNAL_MS * 0.6)
      .attr('transform', `translate(${backX},${backY})`)
      .transition()
      .duration(300)
      .style('opacity', 0)
      .remove();
    this.dropNote(s, nodes, true);
  }

  private dropNote(s: SignalFx, nodes: ReadonlyMap<string, PlacedNode>, animate: boolean): void {
    const target = nodes.get(s.to) ?? this.placed.get(s.to);
    if (target === undefined) return;
    const note = this.fxLayer
      .append('g')
      .attr('class', 'ptree-drop')
      .attr('transform', `translate(${target.x},${target.y + target.h + 6})`);
    const text = `${s.sig} dropped: ${s.reason}`;
    const bg = note.append('rect').attr('class', 'ptree-drop__bg').attr('rx', 6).attr('height', 24);
    const t = note
      .append('text')
      .attr('class', 'ptree-drop__text')
      .attr('x', 8)
      .attr('y', 17)
      .text(text);
    bg.attr('width', (t.node()?.getComputedTextLength?.() ?? text.length * 7) + 16);
    this.later(DROP_NOTE_MS, () => {
      if (animate) note.transition().duration(400).style('opacity', 0).remove();
      else note.remove();
    });
  }
}
