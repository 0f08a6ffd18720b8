/**
 * The model-to-tree functions, driven the way a learner drives the lab: commands typed at the
 * lab machine's bash prompt. What the tree says must be what /proc says.
 */
import { describe, expect, it } from 'vitest';
import { createLabMachine } from '../../src/lab/world.ts';
import type { LabMachine } from '../../src/lab/machine.ts';
import type { NsId } from '../../src/kernel-sim/index.ts';
import { buildTree, collapseTree, groupLabel, stateWord } from './model.ts';
import type { GroupNode, ProcessNode, TreeModel } from './model.ts';
import { GRID_ABOVE, layoutTree, NODE_H } from './layout.ts';
import { decodeSigMask, eventWords, parseStatus, recentEvents, taskDetails } from './details.ts';
import { nodeLabel, treeOrder } from './labels.ts';

const SECOND = 1_000_000;

function lab(...lines: string[]): LabMachine {
  const m = createLabMachine();
  for (const line of lines) {
    m.type(`${line}\r`);
    m.kernel.advance(SECOND / 2);
  }
  return m;
}

const processes = (t: TreeModel): ProcessNode[] =>
  t.nodes.filter((n): n is ProcessNode => n.kind === 'process');
const byComm = (t: TreeModel, comm: string): ProcessNode[] =>
  processes(t).filter((n) => n.comm === comm);
const containerNs = (m: LabMachine): NsId =>
  m.kernel.namespaceIds().find((n) => n !== m.kernel.rootNs)!;

describe('buildTree from the host', () => {
  it('draws init, the login shell and a container with both of its PIDs', () => {
    const m = lab('unshare --pid --fork --mount-proc sleep 100 &');
    const t = buildTree(m.kernel, null);
    expect(t.view).toEqual({ ns: m.kernel.rootNs, level: 0, fellBack: false });
    const [init] = byComm(t, 'init');
    expect(init).toMatchObject({ pid: 1, ppid: 0, parentKey: null, state: 'sleeping' });
    expect(t.roots).toEqual([init!.key]);

    const [sleep] = byComm(t, 'sleep');
    const [unshare] = byComm(t, 'unshare');
    // The sleep is PID 1 of the new namespace and has a host PID too (NSpid).
    expect(sleep!.pids.length).toBe(2);
    expect(sleep!.pids[1]).toBe(1);
    expect(sleep!.pid).toBe(sleep!.pids[0]);
    expect(sleep!.parentKey).toBe(unshare!.key);
    expect(sleep!.ppid).toBe(unshare!.pid);
    // The same numbers as /proc/PID/status read on the host.
    const status = parseStatus(m.kernel.view().status(sleep!.pid)!);
    expect(status.get('NSpid')).toBe(sleep!.pids.join('\t').replace(/\t/g, '\t'));

    // Two namespace boxes: the host's, and the container's nested in it.
    const ns = containerNs(m);
    expect(t.namespaces.map((b) => [b.name, b.depth, b.parent])).toEqual([
      ['host', 0, null],
      [m.kernel.namespaceInfo(ns).name, 1, m.kernel.rootNs],
    ]);
    const box = t.namespaces.find((b) => b.ns === ns)!;
    expect(box).toMatchObject({ used: 1, initPid: sleep!.pid, processes: 1 });
    expect(box.pidMax).toBe(m.kernel.view(ns).pidMax());
    expect(t.namespaces[0]!.used).toBe(processes(t).length);
  });

  it('a child that exits unreaped is a zombie; once reaped it is gone', () => {
    // sh waits for nothing while it sleeps: its finished background child stays a zombie.
    const m = lab("sh -c 'sleep 0.1 & exec sleep 100' &");
    let t = buildTree(m.kernel, null);
    const zombie = processes(t).find((n) => n.state === 'zombie')!;
    expect(zombie.comm).toBe('sleep');
    const parent = t.byKey.get(zombie.parentKey!) as ProcessNode;
    expect(parent.comm).toBe('sleep');
    expect(parent.childCount).toBe(1);

    m.type('kill %1\r');
    m.kernel.advance(SECOND);
    t = buildTree(m.kernel, null);
    expect(t.keyOf(zombie.task)).toBeUndefined();
  });

  it('an orphan is reparented to the namespace init', () => {
    const m = lab(
      'unshare --pid --fork --mount-proc sh -c \'sh -c "sleep 100 &"; exec sleep 200\' &',
    );
    const t = buildTree(m.kernel, null);
    const sleeps = byComm(t, 'sleep');
    const init = sleeps.find((n) => n.pids[1] === 1)!;
    const orphan = sleeps.find((n) => n !== init)!;
    // Its parent sh exited: PID 1 of the namespace adopted it (find_new_reaper).
    expect(orphan.parentKey).toBe(init.key);
    expect(orphan.ns).toBe(init.ns);
  });
});

describe('buildTree from inside a namespace', () => {
  it('shows only that namespace, numbered as it numbers them, a parent outside as PPID 0', () => {
    const m = lab("unshare --pid --fork --mount-proc sh -c 'sleep 100 & sleep 200' &");
    const ns = containerNs(m);
    const t = buildTree(m.kernel, ns);
    expect(t.view).toMatchObject({ ns, level: 1, fellBack: false });
    const visible = processes(t).map((n) => [n.pid, n.ppid, n.comm]);
    const fromProc = m.kernel
      .view(ns)
      .list()
      .map((e) => [e.pid, e.ppid, e.comm]);
    expect(visible.sort()).toEqual(fromProc.sort());
    const sh = byComm(t, 'sh')[0]!;
    expect(sh).toMatchObject({ pid: 1, ppid: 0, parentKey: null, pids: [1] });
    expect(t.roots).toEqual([sh.key]);
    expect(t.namespaces.map((b) => b.depth)).toEqual([0]);
    expect(byComm(t, 'bash')).toEqual([]);
  });

  it('falls back to the host when the namespace has no process left', () => {
    const m = lab('unshare --pid --fork --mount-proc sleep 0.1');
    m.kernel.advance(SECOND);
    const ns = containerNs(m);
    const t = buildTree(m.kernel, ns);
    expect(t.view).toEqual({ ns: m.kernel.rootNs, level: 0, fellBack: true });
  });
});

describe('grouping crowds of processes', () => {
  const zombieLab = (n: number): LabMachine => {
    const m = createLabMachine();
    m.type(
      `sh -c 'i=0; while [ $i -lt ${n} ]; do sleep 0 & i=$((i+1)); done; exec sleep 1000' &\r`,
    );
    m.kernel.advance(5 * SECOND);
    return m;
  };

  it('many zombies of one parent are one node that says how many and whose', () => {
    const m = zombieLab(60);
    const t = buildTree(m.kernel, null, { groupAbove: 50 });
    const groups = t.nodes.filter((n): n is GroupNode => n.kind === 'group');
    expect(groups).toHaveLength(1);
    const g = groups[0]!;
    expect(g.count).toBe(60);
    expect(g.state).toBe('zombie');
    const parent = t.byKey.get(g.parentKey) as ProcessNode;
    expect(groupLabel(g)).toBe(`60 zombies sleep, children of PID ${parent.pid} (sleep)`);
    expect(t.children.get(parent.key)).toEqual([g.key]);
    expect(parent.childCount).toBe(60);
    // Every grouped task still maps to a drawn node (for selection and signal animations).
    for (const task of g.tasks) expect(t.keyOf(task)).toBe(g.key);
    expect(t.processCount).toBe(processes(t).length + 60);
    expect(g.maxPid - g.minPid).toBeGreaterThanOrEqual(59);
  });

  it('below the limit they are drawn one by one, packed in a grid under their parent', () => {
    const m = zombieLab(20);
    const t = buildTree(m.kernel, null);
    expect(t.nodes.some((n) => n.kind === 'group')).toBe(false);
    const layout = layoutTree(t);
    const zombies = layout.nodes.filter(
      (p) => p.node.kind === 'process' && p.node.state === 'zombie',
    );
    expect(zombies).toHaveLength(20);
    expect(20).toBeGreaterThan(GRID_ABOVE);
    expect(zombies.every((p) => p.inGrid)).toBe(true);
    const rows = new Set(zombies.map((p) => p.y));
    expect(rows.size).toBeGreaterThan(1);
    // No two cells overlap.
    for (const a of zombies)
      for (const b of zombies)
        if (a !== b) expect(Math.abs(a.x - b.x) >= a.w || Math.abs(a.y - b.y) >= NODE_H).toBe(true);
  });

  it('too many processes on screen: smaller crowds are grouped too', () => {
    const m = zombieLab(30);
    const t = buildTree(m.kernel, null, { maxDrawn: 10, groupWhenCrowded: 12 });
    const g = t.nodes.find((n): n is GroupNode => n.kind === 'group')!;
    expect(g.count).toBe(30);
  });
});

describe('collapseTree', () => {
  it('hides the subtree of a collapsed node and maps its tasks to it', () => {
    const m = lab("unshare --pid --fork --mount-proc sh -c 'sleep 100 & sleep 200' &");
    const t = buildTree(m.kernel, null);
    const unshare = byComm(t, 'unshare')[0]!;
    const sh = byComm(t, 'sh')[0]!;
    const sleep = byComm(t, 'sleep')[0]!;
    const c = collapseTree(t, new Set([sh.key, unshare.key]));
    const outside = processes(t).filter((n) => n.comm !== 'sh' && n.comm !== 'sleep');
    expect(c.nodes.map((n) => n.key)).toEqual(outside.map((n) => n.key));
    expect(c.children.has(unshare.key)).toBe(false);
    expect([...c.collapsed]).toEqual([unshare.key]);
    // A task inside maps to the outermost collapsed node that hides it.
    expect(c.keyOf(sleep.task)).toBe(unshare.key);
    expect(c.keyOf(sh.task)).toBe(unshare.key);
    // Nothing collapsed: the same model.
    expect(collapseTree(t, new Set())).toBe(t);
    // The layout draws what is left, and the box of the now empty namespace is gone.
    const l = layoutTree(c);
    expect(l.nodes).toHaveLength(c.nodes.length);
    expect(l.boxes.map((b) => b.ns)).toEqual([m.kernel.rootNs]);
  });
});

describe('layout', () => {
  it('puts children below their parent and each namespace box around its processes', () => {
    const m = lab("unshare --pid --fork --mount-proc sh -c 'sleep 100 & sleep 200' &");
    const t = buildTree(m.kernel, null);
    const l = layoutTree(t);
    for (const p of l.nodes) {
      const parentKey = p.node.parentKey;
      if (parentKey === null) continue;
      expect(p.y).toBeGreaterThan(l.byKey.get(parentKey)!.y);
    }
    for (const b of l.boxes) {
      const inside = (p: { x: number; y: number; w: number; h: number }): boolean =>
        p.x >= b.x && p.y >= b.y && p.x + p.w <= b.x + b.w && p.y + p.h <= b.y + b.h;
      for (const p of l.nodes) {
        const nsChain = m.kernel.namespaceInfo(p.node.ns).chain;
        if (nsChain.includes(b.ns)) expect(inside(p)).toBe(true);
        else expect(inside(p)).toBe(false);
      }
      // A nested box lies inside its parent's box.
      const parent = l.boxes.find((o) => o.ns === b.box.parent);
      if (parent) expect(b.x > parent.x && b.y > parent.y).toBe(true);
    }
    // Nodes never overlap.
    for (const a of l.nodes)
      for (const c of l.nodes)
        if (a !== c)
          expect(a.x + a.w <= c.x || c.x + c.w <= a.x || a.y + a.h <= c.y || c.y + c.h <= a.y).toBe(
            true,
          );
    expect(l.width).toBeGreaterThan(0);
    expect(l.edges).toHaveLength(l.nodes.length - 1);
  });
});

describe('words', () => {
  it('state letters read as words', () => {
    expect(['R', 'S', 'T', 'Z'].map((s) => stateWord(s as 'R'))).toEqual([
      'running',
      'sleeping',
      'stopped',
      'zombie',
    ]);
  });

  it('signal masks decode to names, bit n-1 for signal n', () => {
    expect(decodeSigMask('0000000000000000')).toEqual([]);
    expect(decodeSigMask('0000000000004002')).toEqual(['SIGINT', 'SIGTERM']);
    expect(decodeSigMask('0000000000010000')).toEqual(['SIGCHLD']);
    expect(decodeSigMask('8000000000000000')).toEqual(['SIGRTMIN+30']);
    expect(() => decodeSigMask('xyz')).toThrow(/not a signal mask/);
  });

  it('tree item labels say PID, command, state and children, with both PIDs', () => {
    const m = lab('unshare --pid --fork --mount-proc sleep 100 &');
    const t = buildTree(m.kernel, null);
    const init = byComm(t, 'init')[0]!;
    expect(nodeLabel(t, init, (ns) => m.kernel.namespaceInfo(ns).name)).toBe(
      'PID 1 init, sleeping, 1 child',
    );
    const sleep = byComm(t, 'sleep')[0]!;
    const name = m.kernel.namespaceInfo(sleep.ns).name;
    expect(nodeLabel(t, sleep, (ns) => m.kernel.namespaceInfo(ns).name)).toBe(
      `PID ${sleep.pid} sleep (PID 1 in ${name}), sleeping, 0 children`,
    );
    // Keyboard order is the drawing's depth-first order.
    expect(treeOrder(t)[0]).toBe(init.key);
  });
});

describe('details', () => {
  it('reads PIDs at every level, group, session and decoded dispositions from /proc', () => {
    const m = lab(
      'unshare --pid --fork --mount-proc sh -c \'trap "" TERM; trap "echo" USR1; exec sleep 100\' &',
    );
    const t = buildTree(m.kernel, null);
    const sleep = byComm(t, 'sleep')[0]!;
    const d = taskDetails(m.kernel, sleep.task, m.kernel.rootNs)!;
    const ns = containerNs(m);
    expect(d.pids).toEqual([
      { ns: 'host', level: 0, pid: sleep.pid },
      { ns: m.kernel.namespaceInfo(ns).name, level: 1, pid: 1 },
    ]);
    expect(d.state).toBe('sleeping');
    expect(d.parentComm).toBe('unshare');
    // exec keeps ignored signals and resets handlers (begin_new_exec, flush_signal_handlers).
    expect(d.ignored).toContain('SIGTERM');
    expect(d.caught).not.toContain('SIGUSR1');
    expect(d.pgids.length).toBe(2);
    expect(d.sids.length).toBe(2);

    // From inside, only its own level.
    const inside = taskDetails(m.kernel, sleep.task, ns)!;
    expect(inside.pids).toEqual([{ ns: m.kernel.namespaceInfo(ns).name, level: 1, pid: 1 }]);
    expect(inside.ppid).toBe(0);
    expect(inside.parentComm).toBeNull();

    const events = recentEvents(m.kernel.trace, sleep.task);
    expect(events.length).toBeGreaterThan(0);
    const words = events.map((e) => eventWords(m.kernel, e, ns).summary);
    expect(words.some((w) => w.includes('replaced sh with sleep 100'))).toBe(true);
  });

  it('a reaped task has no details', () => {
    const m = lab('sleep 0.1');
    const sleepTask = m.kernel.trace.find((e) => e.type === 'exec' && e.argv[0] === 'sleep')!;
    if (sleepTask.type !== 'exec') throw new Error('no exec');
    expect(taskDetails(m.kernel, sleepTask.task.id, m.kernel.rootNs)).toBeUndefined();
  });
});
