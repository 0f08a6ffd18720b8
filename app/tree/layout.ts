/**
 * Where everything in the process tree goes: a tidy tree (d3-hierarchy's Reingold–Tilford
 * layout) of the processes, parents above children; many leaf children of one parent in one
 * namespace packed into a grid under it; and each PID namespace as a box around its processes,
 * nested namespaces nested. Pure: positions in SVG user units, no DOM.
 */
import { hierarchy, tree } from 'd3-hierarchy';
import type { HierarchyPointNode } from 'd3-hierarchy';
import type { NsId } from '../../src/kernel-sim/index.ts';
import type { NamespaceBox, TreeModel, TreeNode } from './model.ts';

export const NODE_W = 188;
export const NODE_H = 64;
export const GROUP_W = 300;
/** Gap between neighbouring nodes, and between a grid's cells. */
export const GAP = 18;
export const CELL_GAP = 10;
/** Padding of a namespace box, and the height of its label line. */
export const PAD = 12;
export const LABEL_H = 30;
/** Vertical space between a parent's bottom and its children's top (room for a box label). */
export const LEVEL_GAP = PAD + LABEL_H + 26;
export const MARGIN = 8;
/** More leaf children than this (same parent, same namespace) are packed into a grid. */
export const GRID_ABOVE = 6;

export interface PlacedNode {
  readonly key: string;
  readonly node: TreeNode;
  /** Top-left corner and size. */
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  /** Its depth in the process tree (0 = a root of the drawing). */
  readonly depth: number;
  /** Part of a grid of leaf siblings. */
  readonly inGrid: boolean;
}

export interface PlacedEdge {
  /** The child's key: an edge belongs to its child, so a reparented child keeps its edge. */
  readonly key: string;
  readonly parentKey: string;
  /** Parent's bottom centre to the child's attachment point; grid cells are entered from the left. */
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  /** The y of the horizontal run (the "bus" between parent and children). */
  readonly busY: number;
  /** For grid cells: the x of the vertical run beside the cell. */
  readonly laneX: number | null;
}

export interface PlacedBox {
  readonly ns: NsId;
  readonly box: NamespaceBox;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface TreeLayout {
  readonly nodes: readonly PlacedNode[];
  readonly byKey: ReadonlyMap<string, PlacedNode>;
  readonly edges: readonly PlacedEdge[];
  readonly boxes: readonly PlacedBox[];
  readonly width: number;
  readonly height: number;
}

interface Item {
  readonly id: string;
  readonly ns: NsId | null;
  readonly w: number;
  readonly h: number;
  /** The node drawn for this item, or the cells of a grid. */
  readonly node: TreeNode | null;
  readonly cells: readonly TreeNode[] | null;
  readonly cols: number;
  readonly children: Item[];
}

const widthOf = (n: TreeNode): number => (n.kind === 'group' ? GROUP_W : NODE_W);

/** Columns of a grid of `n` cells: roughly twice as wide as tall, at most 24 wide. */
export const gridColumns = (n: number): number =>
  Math.max(1, Math.min(n, 24, Math.ceil(Math.sqrt(n * 2))));

function itemFor(model: TreeModel, n: TreeNode): Item {
  const kids = (model.children.get(n.key) ?? []).map((k) => model.byKey.get(k)!);
  const children: Item[] = [];
  // Leaf processes per namespace; a crowd of them becomes one grid item.
  const leaves = new Map<NsId, TreeNode[]>();
  for (const c of kids) {
    if (c.kind === 'process' && !model.children.has(c.key)) {
      let l = leaves.get(c.ns);
      if (l === undefined) leaves.set(c.ns, (l = []));
      l.push(c);
    }
  }
  const gridded = new Set<string>();
  const grids: Item[] = [];
  for (const [ns, cells] of leaves) {
    if (cells.length <= GRID_ABOVE) continue;
    const cols = gridColumns(cells.length);
    const rows = Math.ceil(cells.length / cols);
    for (const c of cells) gridded.add(c.key);
    grids.push({
      id: `grid:${n.key}:${ns}`,
      ns,
      w: cols * NODE_W + (cols - 1) * CELL_GAP + CELL_GAP * 2,
      h: rows * NODE_H + (rows - 1) * CELL_GAP,
      node: null,
      cells,
      cols,
      children: [],
    });
  }
  for (const c of kids) if (!gridded.has(c.key)) children.push(itemFor(model, c));
  children.push(...grids);
  return { id: n.key, ns: n.ns, w: widthOf(n), h: NODE_H, node: n, cells: null, cols: 0, children };
}

/** Lays out a tree model. */
export function layoutTree(model: TreeModel): TreeLayout {
  const boxesByNs = new Map(model.namespaces.map((b) => [b.ns, b]));
  const depthOfNs = (ns: NsId | null): number =>
    ns === null ? -1 : (boxesByNs.get(ns)?.depth ?? 0);
  const parentNs = (ns: NsId): NsId | null => boxesByNs.get(ns)?.parent ?? null;

  // Boxes between two neighbours: each box that one is in and the other is not adds padding.
  const boxesBetween = (a: NsId | null, b: NsId | null): number => {
    if (a === null || b === null || a === b) return 0;
    let x: NsId | null = a;
    let y: NsId | null = b;
    let n = 0;
    while (x !== y && x !== null && y !== null) {
      if (depthOfNs(x) >= depthOfNs(y)) x = parentNs(x);
      else y = parentNs(y);
      n++;
    }
    return n;
  };

  // An item is in the namespace of the process it draws; the virtual root in none.
  const rootItem: Item = {
    id: '',
    ns: null,
    w: 0,
    h: 0,
    node: null,
    cells: null,
    cols: 0,
    children: model.roots.map((k) => itemFor(model, model.byKey.get(k)!)),
  };
  const root = hierarchy(rootItem, (d) => d.children);
  const laid = tree<Item>()
    .nodeSize([1, 1])
    .separation(
      (a, b) => (a.data.w + b.data.w) / 2 + GAP + 2 * PAD * boxesBetween(a.data.ns, b.data.ns),
    )(root);

  // Rows: each depth as tall as its tallest item.
  const rowHeight: number[] = [];
  laid.each((d) => {
    rowHeight[d.depth] = Math.max(rowHeight[d.depth] ?? 0, d.data.h);
  });
  const rowTop: number[] = [0];
  for (let d = 1; d < rowHeight.length; d++) {
    rowTop[d] = rowTop[d - 1]! + (rowHeight[d - 1] ?? 0) + (d === 1 ? 0 : LEVEL_GAP);
  }

  const nodes: PlacedNode[] = [];
  const edges: PlacedEdge[] = [];
  const byKey = new Map<string, PlacedNode>();
  const place = (p: PlacedNode): void => {
    nodes.push(p);
    byKey.set(p.key, p);
  };
  laid.each((d: HierarchyPointNode<Item>) => {
    if (d.depth === 0) return;
    const item = d.data;
    const left = d.x - item.w / 2;
    const top = rowTop[d.depth]!;
    if (item.node !== null) {
      place({
        key: item.node.key,
        node: item.node,
        x: left,
        y: top,
        w: item.w,
        h: item.h,
        depth: d.depth - 1,
        inGrid: false,
      });
    } else if (item.cells !== null) {
      item.cells.forEach((cell, i) => {
        const col = i % item.cols;
        const row = Math.floor(i / item.cols);
        place({
          key: cell.key,
          node: cell,
          x: left + CELL_GAP * 2 + col * (NODE_W + CELL_GAP),
          y: top + row * (NODE_H + CELL_GAP),
          w: NODE_W,
          h: NODE_H,
          depth: d.depth - 1,
          inGrid: true,
        });
      });
    }
  });

  // Edges: from each drawn parent's bottom centre, down to a bus, across, down to the child.
  for (const p of nodes) {
    const parentKey = p.node.parentKey;
    if (parentKey === null) continue;
    const parent = byKey.get(parentKey);
    if (parent === undefined) continue;
    const x1 = parent.x + parent.w / 2;
    const y1 = parent.y + parent.h;
    const busY = y1 + LEVEL_GAP - PAD - 6;
    if (p.inGrid) {
      const laneX = p.x - CELL_GAP / 2;
      edges.push({ key: p.key, parentKey, x1, y1, x2: p.x, y2: p.y + p.h / 2, busY, laneX });
    } else {
      edges.push({ key: p.key, parentKey, x1, y1, x2: p.x + p.w / 2, y2: p.y, busY, laneX: null });
    }
  }

  // Namespace boxes, innermost first: their members and the boxes nested in them, padded.
  const bounds = new Map<NsId, { x0: number; y0: number; x1: number; y1: number }>();
  const grow = (ns: NsId, x0: number, y0: number, x1: number, y1: number): void => {
    const b = bounds.get(ns);
    if (b === undefined) bounds.set(ns, { x0, y0, x1, y1 });
    else {
      b.x0 = Math.min(b.x0, x0);
      b.y0 = Math.min(b.y0, y0);
      b.x1 = Math.max(b.x1, x1);
      b.y1 = Math.max(b.y1, y1);
    }
  };
  for (const p of nodes) grow(p.node.ns, p.x, p.y, p.x + p.w, p.y + p.h);
  const boxes: PlacedBox[] = [];
  const deepestFirst = [...model.namespaces].sort((a, b) => b.depth - a.depth);
  for (const box of deepestFirst) {
    const b = bounds.get(box.ns);
    if (b === undefined) continue;
    const x = b.x0 - PAD;
    const y = b.y0 - PAD - LABEL_H;
    const placed: PlacedBox = {
      ns: box.ns,
      box,
      x,
      y,
      w: b.x1 - b.x0 + 2 * PAD,
      h: b.y1 - y + PAD,
    };
    boxes.push(placed);
    if (box.parent !== null)
      grow(box.parent, placed.x, placed.y, placed.x + placed.w, placed.y + placed.h);
  }
  boxes.reverse(); // outermost first, so inner boxes are drawn on top

  // Move everything so the drawing starts at the margin.
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of nodes) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x + p.w);
    maxY = Math.max(maxY, p.y + p.h);
  }
  for (const b of boxes) {
    minX = Math.min(minX, b.x);
    minY = Math.min(minY, b.y);
    maxX = Math.max(maxX, b.x + b.w);
    maxY = Math.max(maxY, b.y + b.h);
  }
  if (nodes.length === 0) return { nodes, byKey, edges, boxes, width: 0, height: 0 };
  const dx = MARGIN - minX;
  const dy = MARGIN - minY;
  const movedNodes = nodes.map((p) => ({ ...p, x: p.x + dx, y: p.y + dy }));
  const movedByKey = new Map(movedNodes.map((p) => [p.key, p]));
  return {
    nodes: movedNodes,
    byKey: movedByKey,
    edges: edges.map((e) => ({
      ...e,
      x1: e.x1 + dx,
      y1: e.y1 + dy,
      x2: e.x2 + dx,
      y2: e.y2 + dy,
      busY: e.busY + dy,
      laneX: e.laneX === null ? null : e.laneX + dx,
    })),
    boxes: boxes.map((b) => ({ ...b, x: b.x + dx, y: b.y + dy })),
    width: maxX - minX + 2 * MARGIN,
    height: maxY - minY + 2 * MARGIN,
  };
}
