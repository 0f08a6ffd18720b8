/**
 * wait4()/waitpid(): which children a caller may collect, reaping zombies, reporting stops and
 * continues, and the status word. Linux: kernel/exit.c (do_wait, wait_consider_task,
 * wait_task_zombie, wait_task_stopped, wait_task_continued); wait(2).
 */
import type { Core } from './core.ts';
import type { Errno, TaskId } from './types.ts';
import type { Task } from './state.ts';
import { NO_TASK, TF_REPORT_CONTINUED, extraOf } from './state.ts';
import { findPidNs, taskPidNr } from './pidns.ts';
import { releaseTask } from './exit.ts';
import { WCONTINUED, WNOHANG, WNOWAIT, WUNTRACED } from './programs/abi.ts';
import type { WaitResult } from './programs/abi.ts';

/** Status word of a normal exit: the low 8 bits of the code, shifted (exit(300) reports 44). */
export const exitedStatus = (code: number): number => (code & 0xff) << 8;
/** Status word of a death by signal (bit 0x80: core dumped). */
export const signaledStatus = (sig: number, core = false): number =>
  (sig & 0x7f) | (core ? 0x80 : 0);
export const stoppedStatus = (sig: number): number => ((sig & 0xff) << 8) | 0x7f;
export const CONTINUED_STATUS = 0xffff;

export const wifexited = (s: number): boolean => (s & 0x7f) === 0;
export const wexitstatus = (s: number): number => (s >> 8) & 0xff;
export const wifsignaled = (s: number): boolean => (s & 0x7f) !== 0 && (s & 0x7f) !== 0x7f;
export const wtermsig = (s: number): number => s & 0x7f;
export const wifstopped = (s: number): boolean => (s & 0xff) === 0x7f;
export const wifcontinued = (s: number): boolean => s === CONTINUED_STATUS;

/** The shell and Docker convention: the exit code, or 128 + the signal that killed it. */
export const shellExitCode = (s: number): number =>
  wifsignaled(s) ? 128 + wtermsig(s) : wexitstatus(s);

/** What a wait selector names (wait_consider_task's eligible_pid). */
const ANY = 0;
const ONE = 1;
const GROUP = 2;

/**
 * Which children the selector names: pid > 0 that child (numbered in the caller's namespace),
 * -1 any, 0 the caller's group, < -1 the group -pid. Returns the kind and the struct pid id
 * (NO_TASK when the number names nothing: then no child matches).
 */
function selector(k: Core, caller: Task, pid: number): [kind: number, id: TaskId] {
  if (pid > 0) return [ONE, findPidNs(k, pid, caller.ns)];
  if (pid === -1) return [ANY, NO_TASK];
  return [GROUP, pid === 0 ? caller.pgrp : findPidNs(k, -pid, caller.ns)];
}

/**
 * do_wait(): the first eligible child (in list order) with something to report. A zombie is
 * reaped (unless WNOWAIT); a stopped child is reported with WUNTRACED, a continued one with
 * WCONTINUED. No eligible child at all: ECHILD. Nothing to report: 0 with WNOHANG, else block
 * (returns null). A dying namespace init is not a zombie yet, so it cannot be collected early.
 */
export function doWait(
  k: Core,
  caller: Task,
  pid: number,
  options: number,
): WaitResult | Errno | null {
  const [kind, want] = selector(k, caller, pid);
  let any = false;
  if (kind === ANY || want !== NO_TASK) {
    for (let id = caller.firstChild; id !== NO_TASK;) {
      const c = k.mustTask(id);
      id = c.nextSibling;
      if (kind === ONE ? c.id !== want : kind === GROUP && c.pgrp !== want) continue;
      any = true;
      const nr = taskPidNr(k, c, caller.ns);
      if (c.runState === 'zombie') {
        const status = c.exitStatus;
        if ((options & WNOWAIT) === 0) releaseTask(k, c, caller, 'wait/reap');
        return { pid: nr, status };
      }
      if (options & WUNTRACED && c.runState === 'stopped' && c.extra.reportStop !== 0) {
        const status = stoppedStatus(c.extra.reportStop);
        if ((options & WNOWAIT) === 0) extraOf(c).reportStop = 0;
        return { pid: nr, status };
      }
      if (options & WCONTINUED && c.flags & TF_REPORT_CONTINUED) {
        if ((options & WNOWAIT) === 0) c.flags &= ~TF_REPORT_CONTINUED;
        return { pid: nr, status: CONTINUED_STATUS };
      }
    }
  }
  if (!any) {
    // A blocking wait with no child to wait for (a WNOHANG poll that finds none is the shells'
    // routine end of a reaping loop: not traced, it would bury the trace).
    if (k.tracing && (options & WNOHANG) === 0)
      k.emit({
        seq: 0,
        t: 0,
        type: 'syscall-error',
        task: k.ref(caller),
        call: 'wait',
        errno: 'ECHILD',
        rule: 'wait/echild',
      });
    return 'ECHILD';
  }
  if (options & WNOHANG) return { pid: 0, status: 0 };
  return null;
}

/** __wake_up_parent(): a parent sleeping in wait() re-checks its children. */
export function wakeWaitingParent(k: Core, parent: Task): void {
  if (parent.block?.kind === 'wait') k.schedule('wake', parent.id, k.state.now, parent.wakeToken);
}
