/**
 * What a PID namespace can see: the process list with PIDs translated, and /proc/PID/status and
 * /proc/PID/cmdline as the kernel prints them. Linux: fs/proc/array.c (proc_pid_status,
 * task_state, render_sigset_t), fs/proc/base.c; proc(5).
 */
import type { Core } from './core.ts';
import type { Micros, NsId, TaskId } from './types.ts';
import type { Task, TaskRef } from './state.ts';
import { DISP_HANDLER, DISP_IGNORE, NO_TASK } from './state.ts';
import { findTaskByPid, pidNrNs, taskPidNr } from './pidns.ts';
import { sigBit, sigSetHex } from './signals.ts';
import type { SigSet } from './signals.ts';

export type ProcState = 'R' | 'S' | 'T' | 'Z';

/** One row of the process table as a namespace sees it (what ps reads from /proc). */
export interface ProcEntry {
  readonly pid: number;
  /** 0 when the parent is outside this namespace (or for the host's init). */
  readonly ppid: number;
  /** 0 when the group / session leader is outside this namespace. */
  readonly pgid: number;
  readonly sid: number;
  readonly state: ProcState;
  readonly comm: string;
  readonly argv: readonly string[];
  readonly uid: number;
  readonly threads: number;
  readonly startTime: Micros;
  /** The process's PIDs from this namespace's level down to its own (NSpid). */
  readonly nspid: readonly number[];
  readonly sessionLeader: boolean;
  /** Controlling terminal as ps prints it ("pts/0"), or "?" for none. */
  readonly tty: string;
  /**
   * The foreground process group of its controlling terminal as this namespace numbers it
   * (/proc/PID/stat field 8): 0 when that group is outside the namespace (or gone), -1 when the
   * process has no controlling terminal. procps prints "+" in STAT when PGID == TPGID.
   */
  readonly tpgid: number;
  readonly task: TaskId;
  readonly sigPending: SigSet;
  readonly sigBlocked: SigSet;
  readonly sigIgnored: SigSet;
  readonly sigCaught: SigSet;
}

export interface ProcView {
  readonly ns: NsId;
  readonly now: Micros;
  /** Every process visible from the namespace, by PID. */
  list(): ProcEntry[];
  get(pid: number): ProcEntry | undefined;
  /** /proc/PID/status text, undefined when there is no such process. */
  status(pid: number): string | undefined;
  /** /proc/PID/cmdline: the arguments joined by NUL (empty for a zombie). */
  cmdline(pid: number): string | undefined;
  /** /proc/sys/kernel/pid_max of this namespace. */
  pidMax(): number;
  /** /proc/sys/kernel/ns_last_pid. */
  lastPid(): number;
}

export function procState(t: Task): ProcState {
  switch (t.runState) {
    case 'zombie':
      return 'Z';
    case 'stopped':
      return 'T';
    case 'running':
      return 'R';
    default:
      return 'S';
  }
}

const STATE_TEXT: Record<ProcState, string> = {
  R: 'R (running)',
  S: 'S (sleeping)',
  T: 'T (stopped)',
  Z: 'Z (zombie)',
};

function sigSets(t: Task): { ignored: SigSet; caught: SigSet } {
  let ignored = 0n;
  let caught = 0n;
  const d = t.sighand.disp;
  for (let s = 1; s < d.length; s++) {
    if (d[s] === DISP_IGNORE) ignored |= sigBit(s);
    else if (d[s] === DISP_HANDLER) caught |= sigBit(s);
  }
  return { ignored, caught };
}

/** Numbers of struct pid `id` from level `from` down to the task's own level (0 where hidden). */
function nsColumn(k: Core, t: Task, id: TaskId, from: number): number[] {
  const own = k.ns(t.ns);
  const out: number[] = [];
  for (let l = from; l <= own.level; l++) out.push(pidNrNs(k, id, own.chain[l]!));
  return out;
}

function ttyName(k: Core, t: Task): string {
  const tty = t.inherited.ctty === 0 ? undefined : k.state.ttys.get(t.inherited.ctty);
  return tty && tty.session === t.session ? tty.name : '?';
}

function tpgidOf(k: Core, t: Task, ns: NsId): number {
  const tty = t.inherited.ctty === 0 ? undefined : k.state.ttys.get(t.inherited.ctty);
  if (!tty || tty.session !== t.session) return -1;
  return pidNrNs(k, tty.fgPgrp, ns);
}

export function procEntry(k: Core, t: Task, ns: NsId): ProcEntry | undefined {
  const pid = taskPidNr(k, t, ns);
  if (pid === 0) return undefined;
  const parent = k.task(t.parent);
  const { ignored, caught } = sigSets(t);
  return {
    pid,
    ppid: parent ? taskPidNr(k, parent, ns) : 0,
    pgid: pidNrNs(k, t.pgrp, ns),
    sid: pidNrNs(k, t.session, ns),
    state: procState(t),
    comm: t.comm,
    argv: t.image.argv,
    uid: t.cred.uid,
    threads: 1 + t.extra.threads.length,
    startTime: t.startTime,
    nspid: nsColumn(k, t, t.id, k.ns(ns).level),
    sessionLeader: t.session === t.id,
    tty: ttyName(k, t),
    tpgid: tpgidOf(k, t, ns),
    task: t.id,
    sigPending: t.pending,
    sigBlocked: t.blocked,
    sigIgnored: ignored,
    sigCaught: caught,
  };
}

/**
 * /proc/PID/status in the kernel's order and format (tab after the colon, signal sets as 16 hex
 * digits, NS* columns from the level of the namespace that mounted this /proc inward).
 * Memory lines (Vm*) are not modelled and left out.
 */
export function procStatusText(k: Core, t: Task, ns: NsId): string {
  const e = procEntry(k, t, ns);
  if (!e) return '';
  const level = k.ns(ns).level;
  const { uid: ruid, euid, suid } = t.cred;
  const uid = `${ruid}\t${euid}\t${suid}\t${euid}`;
  const caps = euid === 0 ? '000001ffffffffff' : '0000000000000000';
  const lines = [
    `Name:\t${t.comm}`,
    'Umask:\t0022',
    `State:\t${STATE_TEXT[e.state]}`,
    `Tgid:\t${e.pid}`,
    'Ngid:\t0',
    `Pid:\t${e.pid}`,
    `PPid:\t${e.ppid}`,
    'TracerPid:\t0',
    `Uid:\t${uid}`,
    'Gid:\t0\t0\t0\t0',
    'Groups:\t',
    `NStgid:\t${e.nspid.join('\t')}`,
    `NSpid:\t${e.nspid.join('\t')}`,
    `NSpgid:\t${nsColumn(k, t, t.pgrp, level).join('\t')}`,
    `NSsid:\t${nsColumn(k, t, t.session, level).join('\t')}`,
    `Threads:\t${e.threads}`,
    `SigQ:\t${t.extra.pendingInfo.length}/63448`,
    'SigPnd:\t0000000000000000',
    `ShdPnd:\t${sigSetHex(t.pending)}`,
    `SigBlk:\t${sigSetHex(t.blocked)}`,
    `SigIgn:\t${sigSetHex(e.sigIgnored)}`,
    `SigCgt:\t${sigSetHex(e.sigCaught)}`,
    'CapInh:\t0000000000000000',
    `CapPrm:\t${caps}`,
    `CapEff:\t${caps}`,
    'CapBnd:\t000001ffffffffff',
    'CapAmb:\t0000000000000000',
    'NoNewPrivs:\t0',
    'Seccomp:\t0',
  ];
  return lines.join('\n') + '\n';
}

/**
 * One process as the host's process table holds it: what a picture of the whole machine needs,
 * cheap enough to read for tens of thousands of processes (no /proc text, no signal sets).
 */
export interface ProcessRow {
  readonly task: TaskId;
  /** The process's own PID namespace and its PIDs at every level, host first (NSpid as the host reads it). */
  readonly ref: TaskRef;
  /** real_parent's task id; NO_TASK (0) for the host's init. */
  readonly parent: TaskId;
  readonly state: ProcState;
  readonly comm: string;
  readonly argv: readonly string[];
  readonly threads: number;
}

/** Every process (thread group leaders; threads are counted, not listed), in creation order. */
export function processTable(k: Core): ProcessRow[] {
  const out: ProcessRow[] = [];
  for (const t of k.tasks()) {
    out.push({
      task: t.id,
      ref: k.ref(t),
      parent: k.task(t.parent) ? t.parent : NO_TASK,
      state: procState(t),
      comm: t.comm,
      argv: t.image.argv,
      threads: 1 + t.extra.threads.length,
    });
  }
  return out;
}

export function createProcView(k: Core, ns: NsId): ProcView {
  const visible = (pid: number): Task | undefined => findTaskByPid(k, pid, ns);
  return {
    ns,
    get now() {
      return k.state.now;
    },
    list() {
      const out: ProcEntry[] = [];
      for (const t of k.tasks()) {
        const e = procEntry(k, t, ns);
        if (e) out.push(e);
      }
      return out.sort((a, b) => a.pid - b.pid);
    },
    get(pid) {
      const t = visible(pid);
      return t ? procEntry(k, t, ns) : undefined;
    },
    status(pid) {
      const t = visible(pid);
      return t ? procStatusText(k, t, ns) : undefined;
    },
    cmdline(pid) {
      const t = visible(pid);
      if (!t) return undefined;
      return t.runState === 'zombie' ? '' : t.image.argv.join('\0') + '\0';
    },
    pidMax() {
      return k.ns(ns).pidMax;
    },
    lastPid() {
      return Math.max(0, k.ns(ns).cursor - 1);
    },
  };
}
