/**
 * Signals: generation (kill, the kernel's own), the checks that drop a signal, queueing, and
 * delivery (handler, default action). Linux: kernel/signal.c. The order of checks follows
 * send_signal_locked() -> prepare_signal() -> sig_ignored() -> sig_task_ignored(), then
 * legacy_queue() and complete_signal(); delivery follows get_signal().
 */
import type { Core } from './core.ts';
import type { Errno, TaskId } from './types.ts';
import { InvariantViolation } from './types.ts';
import type { RuleId } from './rules.ts';
import type { SigHand, SigInfo, Task } from './state.ts';
import {
  DISP_DEFAULT,
  DISP_HANDLER,
  DISP_IGNORE,
  NO_TASK,
  SA_NOCLDSTOP,
  SA_NOCLDWAIT,
  SA_RESETHAND,
  SA_RESTART,
  TF_BUSY,
  TF_GROUP_EXIT,
  TF_REPORT_CONTINUED,
  TF_UNKILLABLE,
  appendTo,
  extraOf,
  NONE,
} from './state.ts';
import type { Disposition } from './state.ts';
import {
  SIGCHLD,
  SIGCONT,
  SIGKILL,
  SIGSTOP,
  STOP_SIGNALS,
  UNBLOCKABLE,
  defaultAction,
  isRealtime,
  isValidSignal,
  lowestSignal,
  sigBit,
  sigIsMember,
  sigKernelIgnore,
  sigKernelOnly,
  sigKernelStop,
} from './signals.ts';
import type { SigSet } from './signals.ts';
import { findPidNs, findTaskByPid, taskPidNr } from './pidns.ts';
import { doExit } from './exit.ts';
import { groupMembers, isCurrentPgrpOrphaned } from './sessions.ts';
import { wakeWaitingParent } from './wait.ts';

/** How a signal is sent. `sender` null with `priv` = the kernel itself (SEND_SIG_PRIV). */
export interface SendOrigin {
  readonly sender: Task | null;
  /** SEND_SIG_PRIV: kernel-generated, always forced (e.g. the SIGKILL of a namespace teardown). */
  readonly priv?: boolean;
  readonly code?: SigInfo['code'];
  readonly status?: number;
  /** si_pid as the receiver should see it, when the kernel fills it in (do_notify_parent). */
  readonly siPid?: number;
  /** SEND_SIG_NOINFO: the kernel fills si_pid, translated into the receiver's namespace. */
  readonly noinfo?: boolean;
  /** The rule to name in the trace when the signal is queued (default: how it was sent). */
  readonly rule?: RuleId;
}

export const isGlobalInit = (k: Core, t: Task): boolean => t.id === k.state.hostInit;

// ------------------------------------------------------------------ permission

/**
 * check_kill_permission()/kill_ok_by_cred(): root (CAP_KILL) may signal anyone; otherwise the
 * sender's real or effective UID must match the target's real or saved UID; SIGCONT is also
 * allowed within the same session.
 */
export function checkKillPermission(sender: Task, target: Task, sig: number): Errno | null {
  const from = sender.cred;
  const to = target.cred;
  if (from.euid === 0) return null;
  if (from.euid === to.suid || from.euid === to.uid || from.uid === to.suid || from.uid === to.uid)
    return null;
  if (sig === SIGCONT && sender.session === target.session) return null;
  return 'EPERM';
}

// ------------------------------------------------------------------ generation

/**
 * sig_task_ignored()/sig_ignored(): the rule that makes the kernel discard a signal when it is
 * generated, or null when it must be queued. A blocked signal is never judged ignored (it may
 * get a handler before it is unblocked); that is how blocking inits such as tini get SIGTERM.
 */
export function sigIgnoredRule(k: Core, t: Task, sig: number, forced: boolean): RuleId | null {
  if (sigIsMember(t.blocked, sig) || sigIsMember(t.extra.realBlocked, sig)) return null;
  const disp = t.sighand.disp[sig];
  if (isGlobalInit(k, t) && sigKernelOnly(sig)) return 'sig/global-init';
  if (t.flags & TF_UNKILLABLE && disp === DISP_DEFAULT && !(forced && sigKernelOnly(sig)))
    return 'sig/unkillable-init';
  if (disp === DISP_IGNORE) return 'sig/ignored';
  if (disp === DISP_DEFAULT && sigKernelIgnore(sig)) return 'sig/default-ignore';
  return null;
}

/**
 * send_signal_locked() + prepare_signal() + complete_signal(). "Forced" when the kernel sends it
 * (SEND_SIG_PRIV) or when the sender has no PID in the target's namespace (an ancestor
 * namespace); such a receiver sees si_pid 0.
 */
export function sendSignal(k: Core, sig: number, t: Task, origin: SendOrigin): void {
  let forced: boolean;
  let siPid: number;
  if (origin.priv || origin.sender === null) {
    forced = origin.priv === true;
    siPid = origin.siPid ?? 0;
  } else {
    // kill() fills si_pid with the sender's PID in its *own* namespace (prepare_kill_siginfo:
    // task_tgid_vnr) and the kernel only zeroes it for a sender outside the target's namespace;
    // it is never translated. SEND_SIG_NOINFO (the parent-death signal) is translated instead.
    const inTarget = taskPidNr(k, origin.sender, t.ns);
    forced = inTarget === 0;
    siPid = forced
      ? 0
      : (origin.siPid ??
        (origin.noinfo ? inTarget : taskPidNr(k, origin.sender, origin.sender.ns)));
  }
  // prepare_signal(): a dying process takes nothing more.
  if (t.exiting || t.flags & TF_GROUP_EXIT)
    return noteSignal(k, origin, t, sig, forced, 'dropped', 'sig/exiting');
  // A stop signal discards a SIGCONT still pending (and the trace says so: sig/stop-flushes-cont).
  const flushedCont = sigKernelStop(sig) && sigIsMember(t.pending, SIGCONT);
  if (sigKernelStop(sig)) {
    t.pending &= ~sigBit(SIGCONT);
    if (t.extra.pendingInfo.length > 0)
      extraOf(t).pendingInfo = t.extra.pendingInfo.filter((i) => i.sig !== SIGCONT);
  } else if (sig === SIGCONT) {
    t.pending &= ~STOP_SIGNALS;
    if (t.extra.pendingInfo.length > 0)
      extraOf(t).pendingInfo = t.extra.pendingInfo.filter((i) => !sigKernelStop(i.sig));
    if (t.runState === 'stopped') continueTask(k, t);
  }
  const ignored = sigIgnoredRule(k, t, sig, forced);
  if (ignored) return noteSignal(k, origin, t, sig, forced, 'dropped', ignored);

  // legacy_queue(): a standard signal already pending is merged.
  if (!isRealtime(sig) && sigIsMember(t.pending, sig))
    return noteSignal(k, origin, t, sig, forced, 'coalesced', 'sig/coalesced');
  t.pending |= sigBit(sig);
  const info: SigInfo =
    origin.status === undefined
      ? { sig, pid: siPid, code: origin.code ?? (origin.priv ? 'SI_KERNEL' : 'SI_USER') }
      : { sig, pid: siPid, code: origin.code ?? 'SI_USER', status: origin.status };
  extraOf(t).pendingInfo = appendTo(t.extra.pendingInfo, info);
  if (k.tracing)
    noteSignal(
      k,
      origin,
      t,
      sig,
      forced,
      'pending',
      flushedCont
        ? 'sig/stop-flushes-cont'
        : sigIsMember(t.blocked, sig) || sigIsMember(t.extra.realBlocked, sig)
          ? 'sig/blocked'
          : (origin.rule ??
            (forced && sigKernelOnly(sig) && !origin.priv ? 'sig/forced' : 'sig/sent')),
    );
  completeSignal(k, t, sig);
}

function noteSignal(
  k: Core,
  origin: SendOrigin,
  t: Task,
  sig: number,
  forced: boolean,
  outcome: 'pending' | 'dropped' | 'coalesced',
  rule: RuleId,
): void {
  if (k.tracing) k.traceSignal(origin.sender ?? null, t, sig, outcome, forced, rule);
}

/**
 * complete_signal(): wake whoever will act on it. A signal a sigtimedwait()/signalfd reader is
 * waiting for wakes that reader; an unblocked one is delivered when the task next runs. A fatal
 * signal (SIGKILL, or a default-terminate signal nobody handles) marks the group as exiting so
 * that nothing else is taken first.
 */
function completeSignal(k: Core, t: Task, sig: number): void {
  const b = t.block;
  if (b?.kind === 'sigwait' && sigIsMember(b.set, sig)) {
    k.schedule('wake', t.id, k.state.now, t.wakeToken);
    return;
  }
  if (sigIsMember(t.blocked, sig) && sig !== SIGKILL) return;
  // sig_fatal(): SIGKILL, or a default-terminate signal with no handler. The whole process is
  // doomed at once (SIGNAL_GROUP_EXIT): no more user code runs and later signals are discarded.
  const disp = t.sighand.disp[sig];
  if (
    sig === SIGKILL ||
    (disp === DISP_DEFAULT &&
      defaultAction(sig) === 'terminate' &&
      !sigIsMember(t.extra.realBlocked, sig))
  ) {
    t.flags |= TF_GROUP_EXIT;
    extraOf(t).fatalSig = sig;
  }
  k.schedule('deliver', t.id, k.state.now);
}

/** group_send_sig_info(): permission check, then send (signal 0 only checks). */
export function groupSendSigInfo(k: Core, sender: Task, t: Task, sig: number): 0 | Errno {
  const denied = checkKillPermission(sender, t, sig);
  if (denied) return denied;
  if (sig !== 0) sendSignal(k, sig, t, { sender });
  return 0;
}

/**
 * kill_something_info(): pid > 0 one process (looked up in the sender's namespace); 0 the
 * sender's process group; -1 every process the sender can see with a PID above 1, except
 * itself; < -1 the process group -pid.
 */
export function killSomething(k: Core, sender: Task, pid: number, sig: number): 0 | Errno {
  if (!Number.isInteger(sig) || sig < 0 || sig > 64) return 'EINVAL';
  if (pid > 0) {
    const t = findTaskByPid(k, pid, sender.ns);
    if (!t) return 'ESRCH';
    return groupSendSigInfo(k, sender, t, sig);
  }
  if (pid === -1) {
    let count = 0;
    let retval: 0 | Errno = 0;
    for (const t of k.tasks()) {
      if (t === sender || taskPidNr(k, t, sender.ns) <= 1) continue;
      const err = groupSendSigInfo(k, sender, t, sig);
      count++;
      if (err !== 'EPERM') retval = err;
    }
    return count > 0 ? retval : 'ESRCH';
  }
  const pgrp = pid === 0 ? sender.pgrp : findPidNs(k, -pid, sender.ns);
  if (pgrp === NO_TASK) return 'ESRCH';
  return killPgrp(k, sender, pgrp, sig);
}

/** __kill_pgrp_info(): every member; success if any was signalled, else the last error. */
export function killPgrp(
  k: Core,
  sender: Task | null,
  pgrp: TaskId,
  sig: number,
  rule?: RuleId,
): 0 | Errno {
  const members = groupMembers(k, pgrp);
  if (members.length === 0) return 'ESRCH';
  let success = false;
  let retval: Errno = 'ESRCH';
  for (const t of members) {
    if (sender === null) {
      sendSignal(
        k,
        sig,
        t,
        rule ? { sender: null, priv: true, rule } : { sender: null, priv: true },
      );
      success = true;
      continue;
    }
    const err = groupSendSigInfo(k, sender, t, sig);
    if (err === 0) success = true;
    else retval = err;
  }
  return success ? 0 : retval;
}

// ------------------------------------------------------------------ dispositions and masks

export const withDisposition = (
  h: SigHand,
  sig: number,
  disp: Disposition,
  flags: number,
): SigHand => {
  const d = h.disp.slice();
  const f = h.flags.slice();
  d[sig] = disp;
  f[sig] = flags;
  return { disp: d, flags: f };
};

/**
 * do_sigaction(): SIGKILL and SIGSTOP cannot be changed. Setting SIG_IGN (or SIG_DFL for a
 * signal whose default is to ignore) discards that signal if it is pending (POSIX 3.3.1.3).
 */
export function doSigaction(
  k: Core,
  t: Task,
  sig: number,
  disp: Disposition,
  flags: number,
): 0 | Errno {
  if (!isValidSignal(sig) || sigKernelOnly(sig)) return 'EINVAL';
  t.sighand = withDisposition(t.sighand, sig, disp, flags);
  if (disp === DISP_IGNORE || (disp === DISP_DEFAULT && sigKernelIgnore(sig))) {
    t.pending &= ~sigBit(sig);
    if (t.extra.pendingInfo.length > 0)
      extraOf(t).pendingInfo = t.extra.pendingInfo.filter((i) => i.sig !== sig);
  }
  if (k.tracing)
    k.emit({
      seq: 0,
      t: 0,
      type: 'sigaction',
      task: k.ref(t),
      sig,
      disposition: disp === DISP_HANDLER ? 'handler' : disp === DISP_IGNORE ? 'ignore' : 'default',
      rule: 'program',
    });
  return 0;
}

/** sigprocmask(): SIGKILL and SIGSTOP are silently left unblocked. Unblocking may deliver. */
export function doSigprocmask(
  k: Core,
  t: Task,
  how: 'block' | 'unblock' | 'setmask',
  set: SigSet,
): SigSet {
  const old = t.blocked;
  const next = how === 'block' ? old | set : how === 'unblock' ? old & ~set : set;
  t.blocked = next & ~UNBLOCKABLE;
  if (t.pending & ~t.blocked) k.schedule('deliver', t.id, k.state.now);
  return old;
}

/** flush_signal_handlers() at exec: handlers become SIG_DFL, SIG_IGN stays, flags are cleared. */
export function flushSignalHandlers(h: SigHand): SigHand {
  if (!h.disp.includes(DISP_HANDLER) && !h.flags.some((f) => f !== 0)) return h;
  return {
    disp: h.disp.map((d) => (d === DISP_HANDLER ? DISP_DEFAULT : d)),
    flags: h.flags.map(() => 0),
  };
}

// ------------------------------------------------------------------ SIGCHLD to the parent

/**
 * do_notify_parent(): tell the parent a child exited. If the parent ignores SIGCHLD or set
 * SA_NOCLDWAIT, the child is to be released at once (returns true: auto-reap); with SIG_IGN
 * no SIGCHLD is sent at all. The parent is woken if it sleeps in wait().
 */
export function doNotifyParent(k: Core, child: Task): boolean {
  const parent = k.task(child.parent);
  if (!parent) throw new InvariantViolation(`task ${child.id} has no parent`);
  const st = child.exitStatus;
  const killed = (st & 0x7f) !== 0;
  const code: SigInfo['code'] = killed
    ? (st & 0x80) !== 0
      ? 'CLD_DUMPED'
      : 'CLD_KILLED'
    : 'CLD_EXITED';
  const disp = parent.sighand.disp[SIGCHLD];
  const autoreap =
    disp === DISP_IGNORE || ((parent.sighand.flags[SIGCHLD] ?? 0) & SA_NOCLDWAIT) !== 0;
  if (disp !== DISP_IGNORE && child.exitSignal !== 0) {
    sendSignal(k, child.exitSignal, parent, {
      sender: null,
      code,
      status: killed ? st & 0x7f : (st >> 8) & 0xff,
      siPid: taskPidNr(k, child, parent.ns),
      rule: 'exit/notify-parent',
    });
  }
  wakeWaitingParent(k, parent);
  return autoreap;
}

/** do_notify_parent_cldstop(): CLD_STOPPED / CLD_CONTINUED, unless the parent set SA_NOCLDSTOP. */
function notifyParentCldstop(
  k: Core,
  t: Task,
  why: 'CLD_STOPPED' | 'CLD_CONTINUED',
  sig: number,
): void {
  const parent = k.task(t.parent);
  if (!parent) return;
  const flags = parent.sighand.flags[SIGCHLD] ?? 0;
  if (parent.sighand.disp[SIGCHLD] !== DISP_IGNORE && (flags & SA_NOCLDSTOP) === 0) {
    sendSignal(k, SIGCHLD, parent, {
      sender: null,
      code: why,
      status: sig,
      siPid: taskPidNr(k, t, parent.ns),
      rule: 'sig/cldstop',
    });
  }
  wakeWaitingParent(k, parent);
}

function continueTask(k: Core, t: Task): void {
  t.runState = t.flags & TF_BUSY ? 'running' : 'sleeping';
  if (t.extra.reportStop !== 0) extraOf(t).reportStop = 0;
  t.flags |= TF_REPORT_CONTINUED;
  if (k.tracing) k.emit({ seq: 0, t: 0, type: 'continue', task: k.ref(t), rule: 'sig/cont' });
  // Work that came in while stopped runs now.
  const deferred = t.extra.deferred;
  if (deferred.length > 0) extraOf(t).deferred = NONE;
  for (const item of deferred) k.schedule(item.kind, item.task, k.state.now, item.token, item.tag);
  k.schedule('deliver', t.id, k.state.now);
  // A read() the stop cut short (SIGTTIN from n_tty_read's job-control check, or a stop signal
  // while it slept) returned -ERESTARTSYS; with no handler to run it is restarted from the top
  // once the task runs again (arch_do_signal_or_restart): the terminal's foreground group is
  // checked again (a reader still in the background gets SIGTTIN again) and it waits for input
  // anew. After 'deliver', so a handler that runs first interrupts it with EINTR instead.
  if (t.block?.kind === 'read') k.schedule('wake', t.id, k.state.now, t.wakeToken);
  notifyParentCldstop(k, t, 'CLD_CONTINUED', SIGCONT);
}

function doSignalStop(k: Core, t: Task, sig: number): void {
  t.runState = 'stopped';
  extraOf(t).reportStop = sig;
  t.flags &= ~TF_REPORT_CONTINUED;
  if (k.tracing) k.emit({ seq: 0, t: 0, type: 'stop', task: k.ref(t), sig, rule: 'sig/stop' });
  notifyParentCldstop(k, t, 'CLD_STOPPED', sig);
}

// ------------------------------------------------------------------ delivery

/** Removes `sig` from the pending set and returns its (first) siginfo. */
export function dequeueSignal(t: Task, sig: number): SigInfo {
  const i = t.extra.pendingInfo.findIndex((p) => p.sig === sig);
  const info =
    i >= 0 ? t.extra.pendingInfo.splice(i, 1)[0]! : { sig, pid: 0, code: 'SI_KERNEL' as const };
  if (!t.extra.pendingInfo.some((p) => p.sig === sig)) t.pending &= ~sigBit(sig);
  return info;
}

/** Hooks into the program runner (kernel.ts), so delivery can run a program's handler. */
export interface DeliveryHooks {
  runHandler(t: Task, info: SigInfo): void;
  interrupt(t: Task): void;
}

/**
 * get_signal(): act on the pending, unblocked signals, lowest number first (SIGKILL before all).
 * Handler: run it (one-shot handlers revert to SIG_DFL), and interrupt a blocking call.
 * Default: ignore; skip it for a namespace init unless SIGKILL/SIGSTOP (those only get here
 * from an ancestor namespace or the kernel); stop (not for TSTP/TTIN/TTOU in an orphaned
 * process group); or terminate.
 */
export function getSignal(k: Core, t: Task, hooks: DeliveryHooks): void {
  for (;;) {
    if (t.exiting || !k.task(t.id)) return;
    if (t.extra.fatalSig !== 0) {
      const fatal = t.extra.fatalSig;
      const rule: RuleId = fatal === SIGKILL ? 'sig/kill' : 'sig/terminate';
      dequeueSignal(t, fatal);
      if (k.tracing) k.traceDeliver(t, fatal, 'terminate', rule);
      doExit(k, t, fatal, rule);
      return;
    }
    if (t.runState === 'stopped') return;
    const ready = t.pending & ~t.blocked;
    if (ready === 0n) return;
    const sig = lowestSignal(ready);
    const info = dequeueSignal(t, sig);
    const emit = (
      action: 'handler' | 'ignore' | 'skip' | 'terminate' | 'core' | 'stop',
      rule: RuleId,
    ): void => {
      if (k.tracing) k.traceDeliver(t, sig, action, rule);
    };
    const disp = t.sighand.disp[sig];
    if (disp === DISP_IGNORE) {
      emit('ignore', 'sig/ignored');
      continue;
    }
    if (disp === DISP_HANDLER) {
      const flags = t.sighand.flags[sig] ?? 0;
      if (flags & SA_RESETHAND) t.sighand = withDisposition(t.sighand, sig, DISP_DEFAULT, 0);
      emit('handler', flags & SA_RESETHAND ? 'sig/resethand' : 'sig/handler');
      hooks.runHandler(t, info);
      if (t.exiting || !k.task(t.id)) return;
      const b = t.block;
      if (
        b &&
        b.kind !== 'idle' &&
        b.kind !== 'zap' &&
        !(b.kind === 'wait' && flags & SA_RESTART)
      ) {
        hooks.interrupt(t);
      }
      continue;
    }
    if (sigKernelIgnore(sig)) {
      emit('ignore', 'sig/default-ignore');
      continue;
    }
    if (t.flags & TF_UNKILLABLE && !sigKernelOnly(sig)) {
      emit('skip', 'sig/unkillable-at-delivery');
      continue;
    }
    if (sigKernelStop(sig)) {
      if (sig !== SIGSTOP && isCurrentPgrpOrphaned(k, t)) {
        emit('skip', 'sig/orphaned-stop');
        continue;
      }
      emit('stop', 'sig/stop');
      doSignalStop(k, t, sig);
      return;
    }
    // Core dumps need RLIMIT_CORE > 0; containers and Debian default to 0, so no core is written
    // and the status has no 0x80 bit (bash prints "Quit", not "Quit (core dumped)").
    const core = defaultAction(sig) === 'core';
    emit(core ? 'core' : 'terminate', core ? 'sig/core' : 'sig/terminate');
    doExit(k, t, sig, core ? 'sig/core' : 'sig/terminate');
    return;
  }
}
