/**
 * A process's children, in list order: an intrusive doubly linked list through the tasks
 * themselves, as Linux links task_struct.sibling into the parent's task_struct.children
 * (list_add_tail in copy_process, list_del_init in __unhash_process, list_move_tail in
 * reparent_leader). Adding and removing cost no allocation, and a parent with 32,768 zombie
 * children holds no table of them; the links are plain numbers, so a snapshot is still data.
 */
import type { Core } from './core.ts';
import type { TaskId } from './types.ts';
import type { Task } from './state.ts';
import { NO_TASK } from './state.ts';

/** Appends `child` to the end of `parent`'s children (list_add_tail). */
export function addChild(k: Core, parent: Task, child: Task): void {
  const last = parent.lastChild;
  child.prevSibling = last;
  child.nextSibling = NO_TASK;
  if (last === NO_TASK) parent.firstChild = child.id;
  else k.mustTask(last).nextSibling = child.id;
  parent.lastChild = child.id;
}

/** Unlinks `child` from `parent`'s children (list_del_init). */
export function removeChild(k: Core, parent: Task, child: Task): void {
  const prev = child.prevSibling;
  const next = child.nextSibling;
  if (prev === NO_TASK) parent.firstChild = next;
  else k.mustTask(prev).nextSibling = next;
  if (next === NO_TASK) parent.lastChild = prev;
  else k.mustTask(next).prevSibling = prev;
  child.prevSibling = NO_TASK;
  child.nextSibling = NO_TASK;
}

/** The children's ids in list order (a copy: the list may change while the caller walks it). */
export function childIds(k: Core, parent: Task): TaskId[] {
  const out: TaskId[] = [];
  for (let id = parent.firstChild; id !== NO_TASK; id = k.mustTask(id).nextSibling) out.push(id);
  return out;
}

export const hasChildren = (t: Task): boolean => t.firstChild !== NO_TASK;

/**
 * Snapshots saved before the children list (their tasks have `children`, a Set of ids in list
 * order, or null): link the same lists. Runs on a restored state before anything reads it.
 */
export function migrateChildSets(tasks: readonly (Task | null)[]): void {
  type Legacy = Task & { children?: ReadonlySet<TaskId> | null };
  const legacy = tasks.filter((t): t is Legacy => t !== null && t.firstChild === undefined);
  if (legacy.length === 0) return;
  for (const t of legacy) {
    t.firstChild = t.lastChild = t.prevSibling = t.nextSibling = NO_TASK;
  }
  for (const parent of legacy) {
    for (const id of parent.children ?? []) {
      const child = tasks[id];
      if (!child) continue;
      child.prevSibling = parent.lastChild;
      child.nextSibling = NO_TASK;
      if (parent.lastChild === NO_TASK) parent.firstChild = id;
      else tasks[parent.lastChild]!.nextSibling = id;
      parent.lastChild = id;
    }
    delete parent.children;
  }
}
