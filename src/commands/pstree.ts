/**
 * psmisc pstree: the process tree from PID 1 of the visible /proc (or a given PID), children
 * sorted by name, identical sibling subtrees merged as N*[name] (not with -p or -a), threads as
 * {name}. -p PIDs, -g PGIDs, -a arguments, -n sort by PID, -c no merging, -A ASCII, -U UTF-8
 * (the default unless the locale is C/POSIX).
 */
import type { ProcEntry, Program } from '../kernel-sim/index.ts';
import { getopt } from './getopt.ts';
import { err, out } from './util.ts';

export interface TreeOptions {
  pids: boolean;
  pgids: boolean;
  args: boolean;
  numeric: boolean;
  compact: boolean;
  ascii: boolean;
}

interface Node {
  label: string;
  key: string;
  pid: number;
  children: Node[];
  count: number;
}

const GLYPHS = {
  utf8: { one: '───', first: '─┬─', mid: '├─', last: '└─', bar: '│ ', sp: '  ' },
  ascii: { one: '---', first: '-+-', mid: '|-', last: '`-', bar: '| ', sp: '  ' },
};

function labelOf(e: ProcEntry, o: TreeOptions): string {
  const ids = [o.pids ? String(e.pid) : '', o.pgids ? String(e.pgid) : ''].filter(Boolean);
  const idText = ids.length ? `(${ids.join(',')})` : '';
  if (o.args) {
    if (e.state === 'Z' || e.argv.length === 0) return `(${e.comm})${idText}`;
    const rest = e.argv.slice(1).join(' ');
    return `${e.comm}${idText}${rest ? ` ${rest}` : ''}`;
  }
  return `${e.comm}${idText}`;
}

function build(e: ProcEntry, kids: Map<number, ProcEntry[]>, o: TreeOptions): Node {
  const children = (kids.get(e.pid) ?? []).map((c) => build(c, kids, o));
  children.sort((a, b) =>
    o.numeric ? a.pid - b.pid : a.label < b.label ? -1 : a.label > b.label ? 1 : a.pid - b.pid,
  );
  if (e.threads > 1 && !o.pids) {
    const t = `{${e.comm}}`;
    for (let i = 1; i < e.threads; i++)
      children.push({ label: t, key: t, pid: e.pid, children: [], count: 1 });
  }
  const label = labelOf(e, o);
  return {
    label,
    key: `${label}(${children.map((c) => `${c.count}*${c.key}`).join(',')})`,
    pid: e.pid,
    children,
    count: 1,
  };
}

/** Merges identical adjacent subtrees (threads are merged even with -a). */
function compact(n: Node, o: TreeOptions): void {
  for (const c of n.children) compact(c, o);
  const merged: Node[] = [];
  for (const c of n.children) {
    const prev = merged[merged.length - 1];
    const thread = c.label.startsWith('{');
    if (prev && prev.key === c.key && (o.compact || thread)) prev.count++;
    else merged.push({ ...c });
  }
  n.children = merged;
}

const shown = (n: Node): string => (n.count > 1 ? `${n.count}*[` : '');

function lines(n: Node, o: TreeOptions): string[] {
  const g = o.ascii ? GLYPHS.ascii : GLYPHS.utf8;
  const close = n.count > 1 ? ']' : '';
  const head = `${shown(n)}${n.label}`;
  const kids = n.children.map((c) => lines(c, o));
  if (o.args) {
    const res = [head + (kids.length ? '' : close)];
    kids.forEach((k, i) => {
      const last = i === kids.length - 1;
      k.forEach((l, j) =>
        res.push(`  ${j === 0 ? (last ? g.last : g.mid) : last ? g.sp : g.bar}${l}`),
      );
    });
    if (kids.length && close) res[res.length - 1] += close;
    return res;
  }
  if (kids.length === 0) return [head + close];
  const pad = ' '.repeat(head.length + 1);
  if (kids.length === 1) {
    const k = kids[0]!;
    const res = [head + g.one + k[0]!, ...k.slice(1).map((l) => ' '.repeat(head.length + 3) + l)];
    res[res.length - 1] += close;
    return res;
  }
  const res: string[] = [];
  kids.forEach((k, i) => {
    const last = i === kids.length - 1;
    k.forEach((l, j) => {
      if (i === 0 && j === 0) res.push(head + g.first + l);
      else if (j === 0) res.push(pad + (last ? g.last : g.mid) + l);
      else res.push(pad + (last ? g.sp : g.bar) + l);
    });
  });
  res[res.length - 1] += close;
  return res;
}

/** The tree text for `entries`, rooted at `root` (PID 1, or every root when there is none). */
export function renderTree(entries: readonly ProcEntry[], o: TreeOptions, root?: number): string {
  const pids = new Set(entries.map((e) => e.pid));
  const kids = new Map<number, ProcEntry[]>();
  for (const e of entries)
    if (e.ppid !== 0 && pids.has(e.ppid)) kids.set(e.ppid, [...(kids.get(e.ppid) ?? []), e]);
  let roots: ProcEntry[];
  if (root !== undefined) roots = entries.filter((e) => e.pid === root);
  else if (pids.has(1)) roots = entries.filter((e) => e.pid === 1);
  else roots = entries.filter((e) => e.ppid === 0 || !pids.has(e.ppid));
  let text = '';
  for (const r of roots) {
    const tree = build(r, kids, o);
    compact(tree, o);
    text += lines(tree, o)
      .map((l) => `${l}\n`)
      .join('');
  }
  return text;
}

export const pstree: Program<null> = {
  name: 'pstree',
  start(ctx) {
    const p = getopt(ctx.argv.slice(1), [
      { key: 'p', short: 'p', long: 'show-pids' },
      { key: 'g', short: 'g', long: 'show-pgids' },
      { key: 'a', short: 'a', long: 'arguments' },
      { key: 'n', short: 'n', long: 'numeric-sort' },
      { key: 'c', short: 'c', long: 'compact-not' },
      { key: 'A', short: 'A', long: 'ascii' },
      { key: 'U', short: 'U', long: 'unicode' },
      { key: 'l', short: 'l', long: 'long' },
    ]);
    const usage =
      'Usage: pstree [-acglpsStTuZ] [ -h | -H PID ] [ -n | -N type ]\n              [ -A | -G | -U ] [ PID | USER ]\n   or: pstree -V\n';
    if (
      !p.ok ||
      p.operands.length > 1 ||
      (p.operands[0] !== undefined && !/^\d+$/.test(p.operands[0]))
    ) {
      err(ctx, p.ok ? usage : `pstree: ${p.error}\n${usage}`);
      ctx.exit(1);
      return;
    }
    const has = (k: string): boolean => p.opts.some((x) => x.key === k);
    const locale = ctx.env.LC_ALL || ctx.env.LC_CTYPE || ctx.env.LANG || '';
    const asciiLocale = locale !== '' && !/utf-?8/i.test(locale);
    const o: TreeOptions = {
      pids: has('p'),
      pgids: has('g'),
      args: has('a'),
      numeric: has('n'),
      compact: !has('c') && !has('p') && !has('g') && !has('a'),
      ascii: has('A') || (asciiLocale && !has('U')),
    };
    const root = p.operands[0] === undefined ? undefined : Number(p.operands[0]);
    const entries = ctx.proc.list();
    if (root !== undefined && !entries.some((e) => e.pid === root)) {
      ctx.exit(1);
      return;
    }
    out(ctx, renderTree(entries, o, root));
    ctx.exit(0);
  },
};
