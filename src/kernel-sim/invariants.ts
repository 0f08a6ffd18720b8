/**
 * Structural invariants of the model, checked after every step in the property tests
 * (style rule 4, after gVisor's guarded state transitions and Linux's BUG_ON). Each message
 * names what is broken, so a failing seed explains itself.
 */
import type { Core } from './core.ts';
import type { NsId, TaskId } from './types.ts';
import { NO_TASK, TF_UNKILLABLE } from './state.ts';
import { hasChildren } from './children.ts';
import { pidIds } from './pidns.ts';

export function checkInvariants(k: Core): string[] {
  const bad: string[] = [];
  const s = k.state;

  // PID tables: every struct pid holds exactly one number per level, each recorded in the table.
  const counted = new Map<NsId, number>();
  const entries = pidIds(k).map((id) => k.entry(id)!);
  for (const e of entries) {
    const ns = k.ns(e.ns);
    if (e.nums.length !== ns.level + 1)
      bad.push(`pid ${e.id}: ${e.nums.length} numbers for level ${ns.level}`);
    for (let l = 0; l <= ns.level; l++) {
      const nr = e.nums[l]!;
      const lns = ns.chain[l]!;
      if (!(nr > 0)) bad.push(`pid ${e.id}: number ${nr} at level ${l}`);
      if (k.pidTables[lns]?.[nr] !== e.id)
        bad.push(`pid ${e.id}: ${nr} not in the table of ns ${lns}`);
      counted.set(lns, (counted.get(lns) ?? 0) + 1);
    }
    if (e.users <= 0) bad.push(`pid ${e.id}: kept with ${e.users} users`);
  }
  for (const [nsId, table] of k.pidTables.entries()) {
    if (!table) continue;
    const id = nsId as NsId;
    let used = 0;
    for (let i = 0; i < table.length; i++) if (table[i] !== 0) used++;
    if (used !== (counted.get(id) ?? 0))
      bad.push(`ns ${id}: table has ${used} numbers, struct pids hold ${counted.get(id) ?? 0}`);
    const ns = s.namespaces.get(id);
    if (ns && ns.allocated !== used)
      bad.push(`ns ${id}: pid_allocated ${ns.allocated} but ${used} in use`);
  }

  const users = new Map<TaskId, number>();
  const addUser = (id: TaskId): void => void users.set(id, (users.get(id) ?? 0) + 1);
  const charged = new Map<number, number>();
  const groupCount = new Map<TaskId, number>();

  for (const t of k.tasks()) {
    const own = k.entry(t.id);
    if (!own) bad.push(`task ${t.id} (${t.comm}) has no PID`);
    addUser(t.id);
    addUser(t.pgrp);
    addUser(t.session);
    for (const th of t.extra.threads) {
      addUser(th);
      if (k.entry(th)?.owner !== t.id) bad.push(`thread ${th} of ${t.id} has the wrong owner`);
    }
    charged.set(
      t.inherited.cgroup,
      (charged.get(t.inherited.cgroup) ?? 0) + 1 + t.extra.threads.length,
    );
    if (!(k.entry(t.pgrp) !== undefined))
      bad.push(`task ${t.id}: process group ${t.pgrp} has no struct pid`);
    if (!(k.entry(t.session) !== undefined))
      bad.push(`task ${t.id}: session ${t.session} has no struct pid`);
    groupCount.set(t.pgrp, (groupCount.get(t.pgrp) ?? 0) + 1);

    // Every process has a parent that knows it (the host's init has none).
    if (t.id === s.hostInit) {
      if (t.parent !== NO_TASK) bad.push('host init has a parent');
    } else {
      const p = k.task(t.parent);
      if (!p) bad.push(`task ${t.id} (${t.comm}): parent ${t.parent} does not exist`);
      else {
        // Linked from its predecessor (whose own link is checked in turn), or first in the list.
        const before = t.prevSibling === NO_TASK ? undefined : k.task(t.prevSibling);
        const linked =
          t.prevSibling === NO_TASK
            ? p.firstChild === t.id
            : before?.nextSibling === t.id && before.parent === p.id;
        if (!linked) bad.push(`task ${t.id} not among its parent's children`);
        if (p.runState === 'zombie') bad.push(`task ${t.id}: parent ${p.id} is a zombie`);
        if (p.exiting && p.block?.kind !== 'zap' && t.runState !== 'zombie')
          bad.push(`task ${t.id}: parent ${p.id} has exited but still has live children`);
      }
    }
    let prev = NO_TASK;
    for (let c = t.firstChild; c !== NO_TASK;) {
      const ct = k.task(c);
      if (ct?.parent !== t.id) bad.push(`task ${t.id} lists child ${c} whose parent is elsewhere`);
      if (!ct || ct.prevSibling !== prev) {
        bad.push(`task ${t.id}: children list broken at ${c}`);
        break;
      }
      prev = c;
      c = ct.nextSibling;
    }
    if (t.lastChild !== prev) bad.push(`task ${t.id}: last child is ${t.lastChild}, not ${prev}`);
    if (t.runState === 'zombie' && hasChildren(t)) bad.push(`zombie ${t.id} has children`);
    if (t.runState === 'zombie' && !t.exiting) bad.push(`zombie ${t.id} not marked exiting`);

    // Nothing lives on in a namespace whose init is gone (unless the teardown is under way).
    const ns = k.ns(t.ns);
    for (let l = 1; l <= ns.level; l++) {
      const lns = k.ns(ns.chain[l]!);
      if (lns.adding) continue;
      // Allowed: the teardown is under way, or this is the dead init itself (a zombie).
      const init = k.task(lns.childReaper);
      if (t.id !== lns.childReaper && (!init || init.block?.kind !== 'zap'))
        bad.push(`task ${t.id} survives in dead namespace ${lns.id}`);
    }
    const isReaper = k.ns(t.ns).childReaper === t.id;
    const unkillable = (t.flags & TF_UNKILLABLE) !== 0;
    if (unkillable !== isReaper)
      bad.push(`task ${t.id}: SIGNAL_UNKILLABLE ${unkillable} but reaper ${isReaper}`);
  }

  // Open files: each is referenced by exactly `refs` descriptors; pipes count their ends.
  const fileRefs = new Map<number, number>();
  for (const t of k.tasks())
    for (const f of t.fds) if (f >= 0) fileRefs.set(f, (fileRefs.get(f) ?? 0) + 1);
  for (const f of s.files.values()) {
    if ((fileRefs.get(f.id) ?? 0) !== f.refs)
      bad.push(`file ${f.id}: ${f.refs} refs recorded, ${fileRefs.get(f.id) ?? 0} descriptors`);
  }
  for (const id of fileRefs.keys())
    if (!s.files.has(id)) bad.push(`descriptor points at closed file ${id}`);
  for (const p of s.pipes.values()) {
    let r = 0;
    let w = 0;
    for (const f of s.files.values())
      if (f.kind === 'pipe' && f.pipe === p.id) {
        if (f.mode === 'r') r++;
        else w++;
      }
    if (p.readers !== r || p.writers !== w)
      bad.push(`pipe ${p.id}: ${p.readers}/${p.writers} ends recorded, ${r}/${w} open`);
  }

  for (const [id, n] of users) {
    const e = k.entry(id);
    if (e && e.users !== n) bad.push(`pid ${id}: ${e.users} users recorded, ${n} found`);
  }
  for (const e of entries) if (!users.has(e.id)) bad.push(`pid ${e.id} kept with no user`);

  k.groupSize.forEach((n, pgrp) => {
    if ((n ?? 0) !== (groupCount.get(pgrp as TaskId) ?? 0))
      bad.push(`group ${pgrp}: ${n} members counted, ${groupCount.get(pgrp as TaskId) ?? 0} found`);
  });

  // pids cgroups count every task and thread of their subtree.
  for (const cg of s.cgroups.values()) {
    let n = 0;
    for (const c of s.cgroups.values()) {
      for (let a: typeof c | undefined = c; a; a = a.parent ? s.cgroups.get(a.parent) : undefined) {
        if (a.id === cg.id) {
          n += charged.get(c.id) ?? 0;
          break;
        }
      }
    }
    if (cg.current !== n) bad.push(`cgroup ${cg.name}: pids.current ${cg.current} but ${n} tasks`);
  }

  for (const ns of s.namespaces.values()) {
    if (ns.childReaper !== NO_TASK && !(k.task(ns.childReaper) !== undefined))
      bad.push(`ns ${ns.id}: child reaper ${ns.childReaper} is gone`);
  }
  return bad;
}
