/**
 * Terminals: a pseudo-terminal with the n_tty line discipline — canonical line editing and
 * echo, Ctrl-C/Ctrl-\/Ctrl-Z sending SIGINT/SIGQUIT/SIGTSTP to the foreground process group,
 * Ctrl-D as end of file — the controlling terminal of a session, and job control (a background
 * group reading the terminal gets SIGTTIN). Linux: drivers/tty/n_tty.c (n_tty_receive_char,
 * isig), drivers/tty/tty_jobctrl.c (tty_check_change, __tty_check_change, disassociate_ctty,
 * tiocsctty, tiocspgrp); termios(3), credentials(7).
 */
import type { Core } from './core.ts';
import type { Errno, TaskId } from './types.ts';
import type { Task, Tty } from './state.ts';
import { DISP_IGNORE, NO_TASK, withInherited } from './state.ts';
import { findPidNs, pidNrNs } from './pidns.ts';
import { killPgrp } from './signal.ts';
import {
  SIGCONT,
  SIGHUP,
  SIGINT,
  SIGQUIT,
  SIGTSTP,
  SIGTTIN,
  SIGTTOU,
  SIGWINCH,
  sigIsMember,
} from './signals.ts';
import { groupMembers, groupSizeOf, isCurrentPgrpOrphaned } from './sessions.ts';

export type TtyListener = (tty: number, text: string) => void;

export function createTty(k: Core, cols = 100, rows = 30): Tty {
  const id = k.state.nextTtyId++;
  const tty: Tty = {
    id,
    name: `pts/${id - 1}`,
    session: NO_TASK,
    fgPgrp: NO_TASK,
    canonical: true,
    echo: true,
    editing: '',
    input: '',
    eof: false,
    waiters: [],
    cols,
    rows,
  };
  k.state.ttys.set(id, tty);
  return tty;
}

export function mustTty(k: Core, id: number): Tty {
  const t = k.state.ttys.get(id);
  if (!t) throw new RangeError(`no terminal ${id}`);
  return t;
}

/** Output to the terminal's screen (what xterm.js shows). */
export function ttyOutput(k: Core, tty: Tty, text: string): void {
  if (text === '') return;
  for (const l of k.ttyListeners) l(tty.id, text);
}

function wakeReaders(k: Core, tty: Tty): void {
  for (const id of tty.waiters) {
    const t = k.task(id);
    if (t?.block?.kind === 'read') k.schedule('wake', id, k.state.now, t.wakeToken);
  }
  tty.waiters = [];
}

/*
 * tty->pgrp and tty->session hold a struct pid (get_pid), but that only keeps the structure,
 * not the number: free_pid() releases the number as soon as no task uses it (__change_pid), so
 * a dead foreground group must not keep its PID allocated (it would keep a dying namespace's
 * init waiting forever). Ids are never reused in the model, so holding the id is enough: a
 * group that no longer exists simply has no members.
 */
function setFgPgrp(tty: Tty, pgrp: TaskId): void {
  tty.fgPgrp = pgrp;
}

function setSession(tty: Tty, session: TaskId): void {
  tty.session = session;
}

/**
 * Keystrokes arriving from the terminal (n_tty_receive_char). ISIG characters signal the
 * foreground process group (kill_pgrp with SEND_SIG_PRIV) and flush pending input; in
 * canonical mode Backspace/Ctrl-U edit the line, Enter (ICRNL: CR becomes NL) completes it,
 * Ctrl-D ends the input; echo writes what was typed back to the screen.
 */
export function ttyInput(k: Core, tty: Tty, data: string): void {
  for (const ch of data) {
    const sig = ch === '\x03' ? SIGINT : ch === '\x1c' ? SIGQUIT : ch === '\x1a' ? SIGTSTP : 0;
    if (sig !== 0) {
      if (tty.echo) ttyOutput(k, tty, ch === '\x03' ? '^C' : ch === '\x1c' ? '^\\' : '^Z');
      tty.editing = '';
      tty.input = '';
      if (tty.fgPgrp !== NO_TASK) killPgrp(k, null, tty.fgPgrp, sig, 'tty/isig');
      continue;
    }
    if (!tty.canonical) {
      tty.input += ch;
      if (tty.echo) ttyOutput(k, tty, ch === '\r' ? '\n' : ch);
      continue;
    }
    if (ch === '\x7f' || ch === '\b') {
      if (tty.editing.length > 0) {
        tty.editing = tty.editing.slice(0, -1);
        if (tty.echo) ttyOutput(k, tty, '\b \b');
      }
      continue;
    }
    if (ch === '\x15') {
      if (tty.echo) ttyOutput(k, tty, '\b \b'.repeat(tty.editing.length));
      tty.editing = '';
      continue;
    }
    if (ch === '\x04') {
      if (tty.editing === '') tty.eof = true;
      else tty.input += tty.editing;
      tty.editing = '';
      continue;
    }
    const c = ch === '\r' ? '\n' : ch;
    if (c === '\x1b') continue; // escape sequences (arrow keys) mean nothing to a cooked reader
    tty.editing += c;
    if (tty.echo) ttyOutput(k, tty, c);
    if (c === '\n') {
      tty.input += tty.editing;
      tty.editing = '';
    }
  }
  if (tty.input !== '' || tty.eof) wakeReaders(k, tty);
}

/**
 * __tty_check_change(): a process of a background process group using its controlling terminal
 * makes the whole group get `sig` (SIGTTIN for reads, SIGTTOU for tcsetpgrp) unless it ignores
 * or blocks it (then reads fail with EIO, tcsetpgrp goes ahead); an orphaned group gets EIO.
 * Returns null when the caller may go ahead.
 */
function ttyCheckChange(k: Core, t: Task, tty: Tty, sig: number): 'EIO' | 'EINTR' | null {
  if (
    t.inherited.ctty !== tty.id ||
    tty.session !== t.session ||
    tty.fgPgrp === NO_TASK ||
    t.pgrp === tty.fgPgrp
  )
    return null;
  const ignored = t.sighand.disp[sig] === DISP_IGNORE || sigIsMember(t.blocked, sig);
  if (ignored) return sig === SIGTTIN ? 'EIO' : null;
  if (isCurrentPgrpOrphaned(k, t)) return 'EIO';
  killPgrp(k, null, t.pgrp, sig, 'tty/bg');
  return 'EINTR';
}

/** read() on a terminal: a line (canonical) or all pending bytes; null = block. */
export function ttyRead(
  k: Core,
  t: Task,
  tty: Tty,
  count = Infinity,
): string | 'EOF' | Errno | null {
  const denied = ttyCheckChange(k, t, tty, SIGTTIN);
  // n_tty_read() returns -ERESTARTSYS after sending SIGTTIN, which is delivered before the read
  // returns: its default action stops the reader (bash: "Stopped cat"), never an EINTR the
  // program sees. Blocking gives that (the pending SIGTTIN stops the task; a handler interrupts
  // the read with EINTR).
  if (denied === 'EINTR') return null;
  if (denied) return denied;
  // n_tty_read(): at most `count` characters; what is left stays for the next read.
  const take = (n: number): string => {
    const data = tty.input.slice(0, Math.min(n, count));
    tty.input = tty.input.slice(data.length);
    return data;
  };
  if (tty.canonical) {
    const nl = tty.input.indexOf('\n');
    if (nl >= 0) return take(nl + 1);
    if (tty.input !== '' && tty.eof) {
      const rest = take(tty.input.length);
      if (tty.input === '') tty.eof = false;
      return rest;
    }
  } else if (tty.input !== '') return take(tty.input.length);
  if (tty.eof) {
    tty.eof = false;
    return 'EOF';
  }
  if (!tty.waiters.includes(t.id)) tty.waiters.push(t.id);
  return null;
}

/** TIOCSWINSZ (tty_do_resize): a new size; the foreground group gets SIGWINCH if it changed. */
export function resizeTty(k: Core, tty: Tty, cols: number, rows: number): void {
  const c = Math.max(1, Math.floor(cols));
  const r = Math.max(1, Math.floor(rows));
  if (c === tty.cols && r === tty.rows) return;
  tty.cols = c;
  tty.rows = r;
  if (tty.fgPgrp !== NO_TASK && groupSizeOf(k, tty.fgPgrp) > 0)
    killPgrp(k, null, tty.fgPgrp, SIGWINCH, 'tty/winch');
}

/** TIOCSCTTY: a session leader with no controlling terminal takes this one. */
export function setControllingTty(k: Core, t: Task, tty: Tty): 0 | Errno {
  if (t.session !== t.id || t.inherited.ctty !== 0) return 'EPERM';
  if (tty.session !== NO_TASK && tty.session !== t.session) return 'EPERM';
  setSession(tty, t.session);
  setFgPgrp(tty, t.pgrp);
  withInherited(t, { ctty: tty.id });
  return 0;
}

/** TIOCNOTTY: give up the controlling terminal (a session leader's foreground gets SIGHUP). */
export function dropControllingTty(k: Core, t: Task): 0 | Errno {
  if (t.inherited.ctty === 0) return 'ENOTTY';
  const tty = k.state.ttys.get(t.inherited.ctty);
  withInherited(t, { ctty: 0 });
  if (tty && t.session === t.id && tty.session === t.session) disassociateCtty(k, tty, false);
  return 0;
}

/**
 * disassociate_ctty(): when a session leader exits (or gives up the terminal) its foreground
 * process group gets SIGHUP, and the terminal no longer belongs to the session. SIGCONT follows
 * only when it gave the terminal up (TIOCNOTTY, `onExit` false): on exit a pseudo-terminal's
 * foreground group gets SIGHUP alone (`if (!on_exit) kill_pgrp(tty_pgrp, SIGCONT, on_exit)`).
 * The lab's terminals are all pseudo-terminals; a real console would be hung up instead
 * (tty_vhangup_session), which the model does not have.
 */
export function disassociateCtty(k: Core, tty: Tty, onExit = true): void {
  const fg = tty.fgPgrp;
  setSession(tty, NO_TASK);
  setFgPgrp(tty, NO_TASK);
  if (fg !== NO_TASK && groupSizeOf(k, fg) > 0) {
    killPgrp(k, null, fg, SIGHUP, 'tty/hangup');
    if (!onExit) killPgrp(k, null, fg, SIGCONT, 'tty/hangup');
  }
  for (const task of k.tasks())
    if (task.inherited.ctty === tty.id) withInherited(task, { ctty: 0 });
}

/** tcgetpgrp(): the foreground group as the caller's namespace numbers it. */
export function tcgetpgrp(k: Core, t: Task, tty: Tty): number | Errno {
  if (t.inherited.ctty !== tty.id) return 'ENOTTY';
  return pidNrNs(k, tty.fgPgrp, t.ns);
}

/** tcsetpgrp(): only on the caller's controlling terminal, to a group of its session. */
export function tcsetpgrp(k: Core, t: Task, tty: Tty, pgrp: number): 0 | Errno {
  if (t.inherited.ctty !== tty.id || tty.session !== t.session) return 'ENOTTY';
  const denied = ttyCheckChange(k, t, tty, SIGTTOU);
  if (denied) return denied;
  const id = findPidNs(k, pgrp, t.ns);
  const first = id === NO_TASK ? undefined : groupMembers(k, id)[0];
  if (!first || first.session !== t.session) return 'EPERM';
  setFgPgrp(tty, id);
  return 0;
}

/** Forgets a task that stopped waiting on a terminal (it exited or was interrupted). */
export function forgetTtyWaiter(k: Core, id: TaskId): void {
  for (const tty of k.state.ttys.values()) tty.waiters = tty.waiters.filter((w) => w !== id);
}
