/**
 * The model-to-tree step: what the process tree draws, computed from the kernel model's public
 * API alone (`processTable`, `namespaceIds`, `namespaceInfo`). Pure functions, no DOM, so they
 * are unit-tested in Node and the renderer only draws their result.
 *
 * What Linux says, and the tree follows:
 * - A process has one PID in its own PID namespace and one in every ancestor (kernel/pid.c:
 *   alloc_pid; NSpid in /proc/PID/status). A viewpoint numbers processes at its own level.
 * - From inside a namespace only its own processes and those of its descendants are visible
 *   (pid_nr_ns returns 0 otherwise); a parent outside reads as PPID 0 (fs/proc/array.c:
 *   task_state uses task_tgid_nr_ns on the real parent).
 */
import type { Kernel, NsId, ProcState, ProcessRow, TaskId } from '../../src/kernel-sim/index.ts';

export type StateWord = 'running' | 'sleeping' | 'stopped' | 'zombie';

/** The word ps(1) gives each /proc state letter (procps: R running, S sleeping, T stopped, Z zombie). */
export const STATE_WORD: Readonly<Record<ProcState, StateWord>> = {
  R: 'running',
  S: 'sleeping',
  T: 'stopped',
  Z: 'zombie',
};

/** The tree reads the model through this much of the Kernel's public API. */
export type TreeSource = Pick<Kernel, 'processTable' | 'namespaceIds' | 'namespaceInfo' | 'rootNs'>;

/** A viewpoint resolved against the model: which namespace numbers the processes. */
export interface ResolvedView {
  readonly ns: NsId;
  readonly level: number;
  /** The requested namespace no longer has processes; the host's view is shown instead. */
  readonly fellBack: boolean;
}

export interface ProcessNode {
  readonly kind: 'process';
  readonly key: string;
  readonly task: TaskId;
  readonly ns: NsId;
  /** Its PID as the viewpoint numbers it. */
  readonly pid: number;
  /** Its PIDs from the viewpoint's level down to its own namespace (NSpid as the viewpoint reads it). */
  readonly pids: readonly number[];
  /** Its PIDs at every level, host first. */
  readonly allPids: readonly number[];
  /** Its parent's PID as the viewpoint numbers it; 0 when the parent is outside (or none). */
  readonly ppid: number;
  readonly parentTask: TaskId;
  /** The drawn node it hangs from; null for a root of the drawing. */
  readonly parentKey: string | null;
  readonly comm: string;
  readonly argv: readonly string[];
  readonly state: StateWord;
  readonly threads: number;
  /** Children of this process visible from the viewpoint (grouped ones included). */
  readonly childCount: number;
}

/** Many leaf children of one parent in one state, drawn as one node. */
export interface GroupNode {
  readonly kind: 'group';
  readonly key: string;
  readonly ns: NsId;
  readonly parentKey: string;
  readonly parentPid: number;
  /** The parent's own PID in its namespace when the viewpoint numbers it differently, else null. */
  readonly parentInnerPid: number | null;
  readonly parentComm: string;
  readonly state: StateWord;
  readonly count: number;
  /** Their command when they all share one, else null. */
  readonly comm: string | null;
  /** Lowest and highest PID (viewpoint numbering). */
  readonly minPid: number;
  readonly maxPid: number;
  readonly tasks: readonly TaskId[];
  readonly childCount: 0;
}

export type TreeNode = ProcessNode | GroupNode;

export interface NamespaceBox {
  readonly ns: NsId;
  /** The namespace's level in the kernel (0 = host). */
  readonly level: number;
  /** Its nesting depth in this drawing (0 = the viewpoint's namespace). */
  readonly depth: number;
  /** The enclosing drawn namespace; null for the viewpoint's own. */
  readonly parent: NsId | null;
  readonly name: string;
  /** PID numbers in use (pid_allocated) and /proc/sys/kernel/pid_max of the namespace. */
  readonly used: number;
  readonly pidMax: number;
  /** Its init as the viewpoint numbers it (0: none any more). */
  readonly initPid: number;
  /** Processes of this namespace itself (not nested ones) in the drawing. */
  readonly processes: number;
}

export interface TreeModel {
  readonly view: ResolvedView;
  /** Every drawn node, parents before their children, siblings in PID order. */
  readonly nodes: readonly TreeNode[];
  readonly byKey: ReadonlyMap<string, TreeNode>;
  /** The drawn node that shows a visible task (its process node or the group holding it). */
  readonly keyOf: (task: TaskId) => string | undefined;
  readonly children: ReadonlyMap<string, readonly string[]>;
  readonly roots: readonly string[];
  readonly namespaces: readonly NamespaceBox[];
  /** Visible processes (grouped ones included). */
  readonly processCount: number;
  /** Nodes whose children are hidden (see collapseTree). */
  readonly collapsed: ReadonlySet<string>;
}

export interface TreeOptions {
  /** A parent's leaf children in one state and namespace are grouped beyond this many. */
  readonly groupAbove?: number;
  /** When more processes than this would be drawn, group every bucket above `groupWhenCrowded`. */
  readonly maxDrawn?: number;
  readonly groupWhenCrowded?: number;
}

export const GROUP_ABOVE = 400;
export const MAX_DRAWN = 1500;
export const GROUP_WHEN_CROWDED = 12;

export const processKey = (task: TaskId): string => `p${task}`;

/** Resolves a viewpoint: a namespace with no process left falls back to the host. */
export function resolveView(
  src: TreeSource,
  ns: NsId | null,
  rows: readonly ProcessRow[],
): ResolvedView {
  if (ns === null || ns === src.rootNs || !src.namespaceIds().includes(ns)) {
    return { ns: src.rootNs, level: 0, fellBack: ns !== null && ns !== src.rootNs };
  }
  const info = src.namespaceInfo(ns);
  const alive = rows.some((r) => r.ref.ns === ns || chainHas(src, r.ref.ns, ns, info.level));
  if (!alive) return { ns: src.rootNs, level: 0, fellBack: true };
  return { ns, level: info.level, fellBack: false };
}

function chainHas(src: TreeSource, own: NsId, ns: NsId, level: number): boolean {
  return src.namespaceInfo(own).chain[level] === ns;
}

const plural = (n: number, one: string, many: string): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "3,211 zombies, children of PID 1 (sleep)": how a group reads, on screen and to a screen reader. */
export function groupLabel(g: GroupNode): string {
  const what =
    g.state === 'zombie'
      ? plural(g.count, 'zombie', 'zombies')
      : `${plural(g.count, `${g.state} process`, `${g.state} processes`)}`;
  const cmd = g.comm === null ? '' : ` ${g.comm}`;
  const inner = g.parentInnerPid === null ? '' : `, PID ${g.parentInnerPid} in its namespace`;
  return `${what}${cmd}, children of PID ${g.parentPid} (${g.parentComm}${inner})`;
}

/** The state of a process as ps shows it, in words. */
export const stateWord = (s: ProcState): StateWord => STATE_WORD[s];

/**
 * Builds the tree as `ns` (null: the host) sees it. The host's view shows every process; a
 * namespace's view shows its own processes and those of namespaces nested in it.
 */
export function buildTree(src: TreeSource, ns: NsId | null, options: TreeOptions = {}): TreeModel {
  const rows = src.processTable();
  const view = resolveView(src, ns, rows);
  const first = buildWith(src, rows, view, options.groupAbove ?? GROUP_ABOVE);
  const maxDrawn = options.maxDrawn ?? MAX_DRAWN;
  let drawn = 0;
  for (const n of first.nodes) if (n.kind === 'process') drawn++;
  if (drawn <= maxDrawn) return first;
  return buildWith(src, rows, view, options.groupWhenCrowded ?? GROUP_WHEN_CROWDED);
}

function buildWith(
  src: TreeSource,
  rows: readonly ProcessRow[],
  view: ResolvedView,
  groupAbove: number,
): TreeModel {
  // Namespace chains, read once each.
  const chainOf = new Map<NsId, readonly NsId[]>();
  const chain = (n: NsId): readonly NsId[] => {
    let c = chainOf.get(n);
    if (c === undefined) {
      c = src.namespaceInfo(n).chain;
      chainOf.set(n, c);
    }
    return c;
  };

  // What the viewpoint sees, numbered at its level (pid_nr_ns). Arrays indexed by task id:
  // with tens of thousands of processes this runs on every redraw and must stay cheap.
  const level = view.level;
  const rowOf: (ProcessRow | undefined)[] = [];
  const pidOf: number[] = [];
  const visibleRows: ProcessRow[] = [];
  let lastNs: NsId | null = null;
  let lastSees = false;
  for (const row of rows) {
    const ns = row.ref.ns;
    if (ns !== lastNs) {
      lastNs = ns;
      lastSees = chain(ns)[level] === view.ns;
    }
    if (!lastSees) continue;
    const pid = row.ref.nums[level] ?? 0;
    if (pid === 0) continue;
    rowOf[row.task] = row;
    pidOf[row.task] = pid;
    visibleRows.push(row);
  }

  // Children of each visible process (and the roots: parent outside or none), in PID order.
  const kidsOf: (ProcessRow[] | undefined)[] = [];
  const rootList: ProcessRow[] = [];
  for (const row of visibleRows) {
    if (rowOf[row.parent] === undefined) rootList.push(row);
    else (kidsOf[row.parent] ??= []).push(row);
  }
  const byPid = (a: ProcessRow, b: ProcessRow): number => pidOf[a.task]! - pidOf[b.task]!;
  const sortByPid = (list: ProcessRow[]): void => {
    // Usually already in order (PIDs grow with creation until they wrap).
    for (let i = 1; i < list.length; i++) {
      if (pidOf[list[i - 1]!.task]! > pidOf[list[i]!.task]!) {
        list.sort(byPid);
        return;
      }
    }
  };
  sortByPid(rootList);

  const nodes: TreeNode[] = [];
  const byKey = new Map<string, TreeNode>();
  const keyOfTask = new Map<TaskId, string>();
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  const groups: GroupNode[] = [];

  // Depth-first from the roots, so parents come before children; an explicit stack, because a
  // chain of thousands of processes (a fork chain) must not overflow the call stack.
  const stack: { row: ProcessRow; parentKey: string | null }[] = [];
  for (let i = rootList.length - 1; i >= 0; i--) stack.push({ row: rootList[i]!, parentKey: null });
  while (stack.length > 0) {
    const { row, parentKey } = stack.pop()!;
    const key = processKey(row.task);
    const own = kidsOf[row.task] ?? [];
    sortByPid(own);
    const parentPid = rowOf[row.parent] === undefined ? 0 : pidOf[row.parent]!;
    const pid = pidOf[row.task]!;
    const node: ProcessNode = {
      kind: 'process',
      key,
      task: row.task,
      ns: row.ref.ns,
      pid,
      pids: level === 0 ? row.ref.nums : row.ref.nums.slice(level),
      allPids: row.ref.nums,
      ppid: parentPid,
      parentTask: row.parent,
      parentKey,
      comm: row.comm,
      argv: row.argv,
      state: STATE_WORD[row.state],
      threads: row.threads,
      childCount: own.length,
    };
    nodes.push(node);
    byKey.set(key, node);
    keyOfTask.set(node.task, key);
    if (parentKey === null) roots.push(key);
    if (own.length === 0) continue;

    // Leaf children bucketed by namespace and state; a big bucket becomes one group node.
    const buckets = new Map<string, ProcessRow[]>();
    if (own.length > groupAbove) {
      for (const c of own) {
        if (kidsOf[c.task] !== undefined) continue;
        const b = `${c.ref.ns}:${c.state}`;
        let list = buckets.get(b);
        if (list === undefined) buckets.set(b, (list = []));
        list.push(c);
      }
    }
    const grouped: GroupNode[] = [];
    for (const [b, list] of buckets) {
      if (list.length <= groupAbove) continue;
      const first = list[0]!;
      let comm: string | null = first.comm;
      for (const c of list) {
        if (c.comm !== comm) {
          comm = null;
          break;
        }
      }
      const g: GroupNode = {
        kind: 'group',
        key: `g${row.task}:${b}`,
        ns: first.ref.ns,
        parentKey: key,
        parentPid: pid,
        parentInnerPid:
          row.ref.nums.length - 1 > level ? row.ref.nums[row.ref.nums.length - 1]! : null,
        parentComm: row.comm,
        state: STATE_WORD[first.state],
        count: list.length,
        comm,
        minPid: pidOf[first.task]!,
        maxPid: pidOf[list[list.length - 1]!.task]!,
        tasks: list.map((c) => c.task),
        childCount: 0,
      };
      grouped.push(g);
    }
    const inGroup = new Set<TaskId>();
    for (const g of grouped) for (const t of g.tasks) inGroup.add(t);
    // Children in PID order; groups after the processes drawn one by one.
    const next: ProcessRow[] = inGroup.size === 0 ? own : own.filter((c) => !inGroup.has(c.task));
    children.set(key, [...next.map((c) => processKey(c.task)), ...grouped.map((g) => g.key)]);
    for (const g of grouped) {
      nodes.push(g);
      byKey.set(g.key, g);
      groups.push(g);
    }
    for (let i = next.length - 1; i >= 0; i--) stack.push({ row: next[i]!, parentKey: key });
  }

  // Namespaces: the viewpoint's and every namespace nested in it that has a visible process.
  const counts = new Map<NsId, number>();
  for (const row of visibleRows) counts.set(row.ref.ns, (counts.get(row.ref.ns) ?? 0) + 1);
  const drawnNs = new Set<NsId>([view.ns]);
  for (const n of counts.keys()) {
    const c = chain(n);
    for (let l = view.level; l < c.length; l++) drawnNs.add(c[l]!);
  }
  const namespaces: NamespaceBox[] = [];
  for (const n of src.namespaceIds()) {
    if (!drawnNs.has(n)) continue;
    const info = src.namespaceInfo(n);
    const init = rowOf[info.childReaper];
    namespaces.push({
      ns: n,
      level: info.level,
      depth: info.level - view.level,
      parent: n === view.ns ? null : (info.parent as NsId),
      name: info.name,
      used: info.allocated,
      pidMax: info.pidMax,
      initPid: init !== undefined && init.ref.ns === n ? pidOf[init.task]! : 0,
      processes: counts.get(n) ?? 0,
    });
  }

  // Grouped tasks map to their group only when asked (a selection or a signal inside a crowd).
  let inGroups: Map<TaskId, string> | null = null;
  const keyOf = (task: TaskId): string | undefined => {
    const k = keyOfTask.get(task);
    if (k !== undefined || groups.length === 0) return k;
    if (inGroups === null) {
      inGroups = new Map();
      for (const g of groups) for (const t of g.tasks) inGroups.set(t, g.key);
    }
    return inGroups.get(task);
  };

  return {
    view,
    nodes,
    byKey,
    keyOf,
    children,
    roots,
    namespaces,
    processCount: visibleRows.length,
    collapsed: new Set(),
  };
}

/**
 * The tree with the subtrees under `collapsed` nodes left out (what a collapsed tree item hides).
 * A hidden task maps to the collapsed node that hides it, so a selection or a signal inside
 * still lands on something drawn.
 */
export function collapseTree(t: TreeModel, collapsed: ReadonlySet<string>): TreeModel {
  const closed = [...collapsed].filter((k) => t.children.has(k));
  if (closed.length === 0) return t;
  const hiddenBy = new Map<string, string>();
  for (const key of closed) {
    if (hiddenBy.has(key)) continue;
    const stack = [...(t.children.get(key) ?? [])];
    while (stack.length > 0) {
      const k = stack.pop()!;
      hiddenBy.set(k, key);
      stack.push(...(t.children.get(k) ?? []));
    }
  }
  // A collapsed node inside another collapsed subtree hides its part for the outer one.
  const top = (k: string): string => {
    let at = k;
    while (hiddenBy.has(at)) at = hiddenBy.get(at)!;
    return at;
  };
  const nodes = t.nodes.filter((n) => !hiddenBy.has(n.key));
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const children = new Map<string, readonly string[]>();
  for (const [k, list] of t.children) if (byKey.has(k) && !collapsed.has(k)) children.set(k, list);
  return {
    ...t,
    nodes,
    byKey,
    children,
    keyOf: (task) => {
      const k = t.keyOf(task);
      return k === undefined ? undefined : top(k);
    },
    collapsed: new Set(closed.filter((k) => byKey.has(k))),
  };
}
