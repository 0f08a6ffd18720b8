/**
 * What the tree says in words: the accessible names of its items, the text on each node, and the
 * order the keyboard walks them in. Pure functions over the tree model.
 */
import type { NsId } from '../../src/kernel-sim/index.ts';
import { groupLabel } from './model.ts';
import type { NamespaceBox, ProcessNode, TreeModel, TreeNode } from './model.ts';

const count = (n: number, one: string, many: string): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * "PID 1 sh, sleeping, 2 children"; a process with more PIDs than the viewpoint's also names its
 * innermost one: "PID 4021 sleep (PID 1 in pidns:2), sleeping, 0 children".
 */
export function nodeLabel(t: TreeModel, n: TreeNode, nsName: (ns: NsId) => string): string {
  if (n.kind === 'group') return groupLabel(n);
  const inner = n.pids.length > 1 ? ` (PID ${n.pids[n.pids.length - 1]} in ${nsName(n.ns)})` : '';
  const zombie = n.state === 'zombie' ? ' <defunct>' : '';
  void t;
  return `PID ${n.pid} ${n.comm}${zombie}${inner}, ${n.state}, ${count(n.childCount, 'child', 'children')}`;
}

/** The command line shown on a node: argv, or "[comm] <defunct>" for a zombie, as ps shows it. */
export function commandText(n: ProcessNode): string {
  if (n.state === 'zombie') return `[${n.comm}] <defunct>`;
  const line = n.argv.length > 0 ? n.argv.join(' ') : n.comm;
  return line;
}

/**
 * "PID 4021 → 1 inside": the viewpoint's PID, then the same process's PID in each namespace
 * nested below it (one number per level), so the mapping reads left to right.
 */
export function pidText(n: ProcessNode): string {
  return n.pids.length > 1
    ? `PID ${n.pids[0]} → ${n.pids.slice(1).join(' → ')} inside`
    : `PID ${n.pid}`;
}

/** "host · level 0 · 4 of 32,768 PIDs". */
export function namespaceLabel(b: NamespaceBox): string {
  const level = `level ${b.level}`;
  const what = b.level === 0 ? 'host PID namespace' : `PID namespace ${b.name}`;
  return `${what} (${level}): ${b.used.toLocaleString('en-US')} of ${b.pidMax.toLocaleString('en-US')} PIDs used`;
}

/** Shortens text to `max` characters with an ellipsis. */
export const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;

/** The keyboard's walking order: depth first, parents before children (the model's order). */
export function treeOrder(t: TreeModel): string[] {
  return t.nodes.map((n) => n.key);
}

/** aria-level, aria-setsize and aria-posinset of every node (the tree is flat in the DOM). */
export function ariaPositions(
  t: TreeModel,
): Map<string, { readonly level: number; readonly setsize: number; readonly posinset: number }> {
  const out = new Map<string, { level: number; setsize: number; posinset: number }>();
  const walk = (keys: readonly string[], level: number): void => {
    keys.forEach((k, i) => {
      out.set(k, { level, setsize: keys.length, posinset: i + 1 });
    });
  };
  walk(t.roots, 1);
  for (const n of t.nodes) {
    const kids = t.children.get(n.key);
    if (kids) walk(kids, out.get(n.key)!.level + 1);
  }
  return out;
}
