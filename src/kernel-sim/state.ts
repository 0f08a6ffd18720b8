/**
 * The shape of the kernel model's state. Everything here is plain data (records, arrays, Sets,
 * Maps, bigints) so that a snapshot is a structured clone and a saved snapshot is JSON.
 * Derived indexes (the per-namespace PID tables) live outside, in pidns.ts, and are rebuilt.
 */
import type { CgroupId, Errno, Micros, NsId, TaskId } from './types.ts';
import type { SigSet } from './signals.ts';
import { NSIG } from './signals.ts';

/** No task (the parent of the host's init, like Linux's swapper). */
export const NO_TASK = 0 as TaskId;

/**
 * The empty list every new task starts with (threads, timers, deferred work, queued siginfo,
 * descriptors), shared and frozen: a task gets its own array on the first append (appendTo).
 * Saves five allocations per fork and five arrays per zombie.
 */
export const NONE: never[] = Object.freeze([]) as unknown as never[];

/** Appends to one of a task's lists, replacing the shared empty list by a fresh one. */
export function appendTo<T>(list: T[], item: T): T[] {
  if (list.length === 0) return [item];
  list.push(item);
  return list;
}

// ---------------------------------------------------------------- signal dispositions

export const DISP_DEFAULT = 0;
export const DISP_IGNORE = 1;
export const DISP_HANDLER = 2;
export type Disposition = typeof DISP_DEFAULT | typeof DISP_IGNORE | typeof DISP_HANDLER;

/** sigaction(2) flags the model honours (own bit values; names as in the man page). */
export const SA_NOCLDSTOP = 1;
export const SA_NOCLDWAIT = 2;
export const SA_RESTART = 4;
export const SA_RESETHAND = 8;

/**
 * A process's signal handlers (struct sighand_struct). Copy-on-write: never mutated in place,
 * so fork can share it and a zombie's costs nothing. Index = signal number (0 unused).
 */
export interface SigHand {
  readonly disp: readonly Disposition[];
  readonly flags: readonly number[];
}

export const DEFAULT_SIGHAND: SigHand = Object.freeze({
  disp: Object.freeze(Array.from({ length: NSIG + 1 }, () => DISP_DEFAULT as Disposition)),
  flags: Object.freeze(Array.from({ length: NSIG + 1 }, () => 0)),
});

/** What a receiver learns about a signal (siginfo_t, the parts the model uses). */
export interface SigInfo {
  readonly sig: number;
  /** Sender as seen from the receiver's namespace; 0 from an ancestor namespace or the kernel. */
  readonly pid: number;
  /** SI_USER for kill(), SI_KERNEL for the kernel, CLD_* for SIGCHLD. */
  readonly code:
    | 'SI_USER'
    | 'SI_KERNEL'
    | 'SI_TKILL'
    | 'CLD_EXITED'
    | 'CLD_KILLED'
    | 'CLD_DUMPED'
    | 'CLD_STOPPED'
    | 'CLD_CONTINUED';
  /** For SIGCHLD: exit code or signal. */
  readonly status?: number;
}

// ---------------------------------------------------------------- tasks

/**
 * The stable description of a task that trace events and views point at: a value built from
 * the task when asked for (Core.ref), never kept by the task itself, so an old event still
 * shows the command the task had then.
 */
export interface TaskRef {
  readonly id: TaskId;
  /** The task's own (innermost) PID namespace. */
  readonly ns: NsId;
  /** Its PID at each level, index = namespace level (0 = host). */
  readonly nums: readonly number[];
  readonly comm: string;
}

/** Where a sleeping task is blocked (what `wchan` would name). */
export type Block =
  | { readonly kind: 'idle' } // the program's event loop: waits for timers and signals
  | { readonly kind: 'pause' }
  | { readonly kind: 'sleep'; readonly until: Micros }
  | { readonly kind: 'wait'; readonly pid: number; readonly options: number }
  | {
      readonly kind: 'sigwait';
      readonly set: SigSet;
      readonly until: Micros | null;
      readonly signalfd: boolean;
    }
  | { readonly kind: 'zap' } // a dying namespace init in zap_pid_ns_processes()
  | {
      readonly kind: 'read';
      readonly fd: number;
      readonly file: number;
      /** At most this many characters (read(2)'s count); absent: whatever is there. */
      readonly count?: number;
    };

export type RunState = 'running' | 'sleeping' | 'stopped' | 'zombie';

/**
 * A task's user ids (struct cred). Never changed in place: fork shares the parent's record and
 * setuid installs a new one, as Linux's copy-on-write creds do (prepare_creds / commit_creds),
 * so a fork allocates none and a zombie keeps one field for three.
 */
export interface Cred {
  readonly uid: number;
  readonly euid: number;
  readonly suid: number;
}

export const ROOT_CRED: Cred = Object.freeze({ uid: 0, euid: 0, suid: 0 });

/**
 * What execve installs and fork shares: the command line and environment (the memory between
 * mm->arg_start and env_end) and the executable (mm->exe_file). Never changed in place: exec,
 * setproctitle and the login's environment install a new record.
 */
export interface ExecImage {
  readonly exe: string;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/*
 * Task.flags bits. Linux keeps these as bits too: is_child_subreaper and has_child_subreaper are
 * bitfields of struct signal_struct, SIGNAL_UNKILLABLE and SIGNAL_GROUP_EXIT are bits of
 * signal->flags, and SIGNAL_STOP_CONTINUED is the pending "continued" report.
 */
/** prctl(PR_SET_CHILD_SUBREAPER) is on (signal->is_child_subreaper). */
export const TF_SUBREAPER = 1;
/** An ancestor is a subreaper (signal->has_child_subreaper). */
export const TF_HAS_SUBREAPER = 2;
/** SIGNAL_UNKILLABLE: set on every namespace init. */
export const TF_UNKILLABLE = 4;
/** SIGNAL_GROUP_EXIT: a fatal signal or exit_group is under way. */
export const TF_GROUP_EXIT = 8;
/** The process has called execve since fork (setpgid's EACCES test). */
export const TF_DID_EXEC = 16;
/** A continue not yet reported to a waiting parent (WCONTINUED). */
export const TF_REPORT_CONTINUED = 32;
/** A CPU-bound loop: shown as R and never idle. */
export const TF_BUSY = 64;

/**
 * The parts of a task few tasks ever use, in a record of their own: a task that uses none of
 * them points at the shared, frozen NO_EXTRA, and gets a record of its own on the first change
 * (extraOf). Eight fields fewer in every task record, which a zombie keeps until it is reaped
 * (ARCHITECTURE.md, Performance). A record belongs to one task only: fork starts the child at
 * NO_EXTRA (no threads, timers, queued siginfo or parent-death signal are inherited).
 */
export interface TaskExtra {
  /** The mask saved by sigtimedwait() while it runs with a temporary one (kernel real_blocked). */
  realBlocked: SigSet;
  /** Queued siginfo, in order (standard signals at most once each). */
  pendingInfo: SigInfo[];
  /** The signal that doomed the process (sig_fatal in complete_signal), 0 if none. */
  fatalSig: number;
  pdeathSignal: number;
  /** A stop not yet reported to a waiting parent (WUNTRACED); the continue is TF_REPORT_CONTINUED. */
  reportStop: number;
  /** Extra threads: their struct pid ids (each holds a PID number at every level). */
  threads: TaskId[];
  /** Active program timers (ids). */
  timers: number[];
  /** Work that arrived while the task was stopped, run again after SIGCONT. */
  deferred: QueueItem[];
}

export const NO_EXTRA: Readonly<TaskExtra> = Object.freeze({
  realBlocked: 0n,
  pendingInfo: NONE,
  fatalSig: 0,
  pdeathSignal: 0,
  reportStop: 0,
  threads: NONE,
  timers: NONE,
  deferred: NONE,
});

/** The task's own TaskExtra, made (from the defaults) on first use: call it to change one. */
export function extraOf(t: Task): TaskExtra {
  if (t.extra === NO_EXTRA)
    t.extra = {
      realBlocked: 0n,
      pendingInfo: NONE,
      fatalSig: 0,
      pdeathSignal: 0,
      reportStop: 0,
      threads: NONE,
      timers: NONE,
      deferred: NONE,
    };
  return t.extra as TaskExtra;
}

/** Whether a TaskExtra holds only the defaults (what restore turns back into NO_EXTRA). */
export const isDefaultExtra = (x: Readonly<TaskExtra>): boolean =>
  x.realBlocked === 0n &&
  x.pendingInfo.length === 0 &&
  x.fatalSig === 0 &&
  x.pdeathSignal === 0 &&
  x.reportStop === 0 &&
  x.threads.length === 0 &&
  x.timers.length === 0 &&
  x.deferred.length === 0;

/**
 * What fork hands the child unchanged and a task seldom changes, shared by parent and child
 * until one of them changes it (then it gets a copy of its own: withInherited). Linux keeps
 * these behind shared pointers too: nsproxy (pid_ns_for_children, and the mount namespace
 * whose /proc the task sees), fs_struct (the working directory), signal->tty and the css_set.
 * Five fields fewer in every task record and nothing to copy at fork.
 */
export interface TaskInherited {
  /** nsproxy->pid_ns_for_children: where this task's next children go. */
  readonly nsForChildren: NsId;
  /** The PID namespace whose procfs this task's /proc shows (its mount namespace's). */
  readonly procNs: NsId;
  readonly cwd: string;
  /** Controlling terminal (a TtyId), 0 for none. */
  readonly ctty: number;
  readonly cgroup: CgroupId;
}

/** Changes some of a task's inherited fields, copying the record (never changing a shared one). */
export function withInherited(t: Task, change: Partial<TaskInherited>): void {
  const o = t.inherited;
  t.inherited = {
    nsForChildren: change.nsForChildren ?? o.nsForChildren,
    procNs: change.procNs ?? o.procNs,
    cwd: change.cwd ?? o.cwd,
    ctty: change.ctty ?? o.ctty,
    cgroup: change.cgroup ?? o.cgroup,
  };
}

export interface Task {
  readonly id: TaskId;
  /** task_active_pid_ns(). */
  ns: NsId;
  /** real_parent. */
  parent: TaskId;
  /**
   * Children in list order (list_add_tail): the first and last child, and this task's
   * neighbours in its parent's list; NO_TASK for none (children.ts).
   */
  firstChild: TaskId;
  lastChild: TaskId;
  prevSibling: TaskId;
  nextSibling: TaskId;
  /** Process group and session: the TaskId of the struct pid that names them. */
  pgrp: TaskId;
  session: TaskId;
  comm: string;
  /** Credentials: shared with the parent from fork until one of them changes its own. */
  cred: Cred;
  /** The command line, environment and executable: set by exec, shared from fork on. */
  image: ExecImage;
  runState: RunState;
  /** Exit in progress (PF_EXITING and later). */
  exiting: boolean;
  /** Wait status word (see wait.ts encodeStatus), valid once exiting. */
  exitStatus: number;
  exitSignal: number;
  sighand: SigHand;
  blocked: SigSet;
  pending: SigSet;
  /**
   * Flag bits (TF_*): is/has child subreaper, SIGNAL_UNKILLABLE, SIGNAL_GROUP_EXIT, did_exec,
   * a continue to report, a CPU-bound loop. One number instead of seven booleans: a zombie
   * keeps its task record, and seven fields are 48 bytes of it (see ARCHITECTURE.md,
   * Performance).
   */
  flags: number;
  /** What few tasks use (threads, timers, queued siginfo, ...): see TaskExtra. */
  extra: Readonly<TaskExtra>;
  /** What a child gets from its parent and seldom changes: see TaskInherited. */
  inherited: TaskInherited;
  /** The program model that runs in this task and its private state (plain data). */
  program: string;
  pstate: unknown;
  block: Block | null;
  /** Bumped whenever the task blocks or wakes, so stale queued wake-ups are ignored. */
  wakeToken: number;
  startTime: Micros;
  /** File descriptor table: index = fd, value = open file id, or -1 when closed. */
  fds: number[];
}

// ---------------------------------------------------------------- files, pipes, terminals

/** An open file description (struct file): shared by every descriptor that refers to it. */
export interface OpenFile {
  readonly id: number;
  readonly kind: 'tty' | 'pipe' | 'null' | 'file' | 'proc';
  readonly mode: 'r' | 'w' | 'a' | 'rw';
  refs: number;
  /** For 'tty'. */
  readonly tty?: number;
  /** For 'pipe': the pipe and which end. */
  readonly pipe?: number;
  /** For 'file' and 'proc'. */
  readonly path?: string;
  /** Read position (files), and for 'proc' the text as it was when opened. */
  pos: number;
  readonly snapshot?: string;
}

export interface Pipe {
  readonly id: number;
  buffer: string;
  readers: number;
  writers: number;
  /** Tasks blocked reading it. */
  waiters: TaskId[];
}

/** A pseudo-terminal (/dev/pts/N) with its line discipline (n_tty) settings. */
export interface Tty {
  readonly id: number;
  readonly name: string;
  /** The session it controls (its leader's struct pid id), NO_TASK when none. */
  session: TaskId;
  /** Foreground process group (struct pid id), NO_TASK when none. */
  fgPgrp: TaskId;
  /** ICANON and ECHO. */
  canonical: boolean;
  echo: boolean;
  /** The line being edited (canonical mode). */
  editing: string;
  /** Input ready for read(): complete lines (canonical) or raw bytes. */
  input: string;
  /** An end-of-file (Ctrl-D on an empty line) is pending for the next read. */
  eof: boolean;
  waiters: TaskId[];
  cols: number;
  rows: number;
}

export type FsNode =
  | { readonly type: 'dir'; mode: number }
  | { readonly type: 'file'; content: string; mode: number }
  | { readonly type: 'exec'; readonly program: string; mode: number }
  | { readonly type: 'dev'; readonly dev: 'null' | 'tty' | 'zero'; mode: number };

/**
 * struct pid (kernel/pid.c) as one task (or thread) holds it, read out of the PidTable: the
 * numbers, kept while anything refers to them. A value built on request (Core.entry), for
 * readers off the hot path.
 */
export interface PidEntry {
  readonly id: TaskId;
  readonly ns: NsId;
  readonly nums: readonly number[];
  /** Users: the task itself, thread slots, and every task naming it as pgrp or session. */
  readonly users: number;
  /** For a thread's ID: the process it belongs to; NO_TASK for a process's own PID. */
  readonly owner: TaskId;
}

/**
 * Every struct pid, as columns indexed by its id (the TaskId of the task or thread it was
 * made for). Columns rather than an object per struct pid: a zombie holds its struct pid until
 * reaped, and two objects (the record and its array of numbers, 128 bytes) per zombie were a
 * fifth of what a zombie kept and of what the collector copied (ARCHITECTURE.md, Performance).
 */
export interface PidTable {
  /** The namespace it was allocated in (its innermost level); 0: no struct pid has this id. */
  ns: Int32Array;
  /** Users: the task itself, thread slots, and every task naming it as pgrp or session. */
  users: Int32Array;
  /** For a thread's ID: the process it belongs to; NO_TASK for a process's own PID. */
  owner: Int32Array;
  /** Where its numbers (one per level, host first) start in `nums`. */
  at: Int32Array;
  /**
   * The numbers of every struct pid, appended as they are allocated. Not reused when a struct
   * pid is freed (4 bytes per level per fork, as the trace grows per fork); a restored
   * snapshot's table is rebuilt compact.
   */
  nums: Int32Array;
  numsUsed: number;
}

// ---------------------------------------------------------------- namespaces and cgroups

export interface PidNamespace {
  readonly id: NsId;
  readonly level: number;
  readonly parent: NsId | 0;
  /** Namespace ids from the root (index 0) down to this one (index = level). */
  readonly chain: readonly NsId[];
  /** PID 1, once it exists; NO_TASK before the first process and after it is gone. */
  childReaper: TaskId;
  /** PIDNS_ADDING: cleared when the init dies; forks into the namespace then fail. */
  adding: boolean;
  /** Per-namespace pid_max (Linux 6.14+); a new namespace starts at PID_MAX_LIMIT. */
  pidMax: number;
  /** The IDR cursor: the next search starts here (ns_last_pid + 1). */
  cursor: number;
  /** pid_allocated: numbers in use in this namespace. */
  allocated: number;
  readonly name: string;
}

export interface Cgroup {
  readonly id: CgroupId;
  readonly parent: CgroupId | 0;
  readonly name: string;
  /** pids.max; Infinity stands for "max". */
  pidsMax: number;
  /** pids.current. */
  current: number;
  /** pids.events "max": refusals at this cgroup or a descendant's limit (hierarchical, v2). */
  eventsMax: number;
  /** pids.events.local "max": refusals because of this cgroup's own pids.max. */
  eventsMaxLocal: number;
  /** Forks refused for tasks in this cgroup, whichever limit refused them (v1's pids.events). */
  forkFail: number;
  /** pids.peak: the highest pids.current seen (pids_update_watermark). */
  peak: number;
  /** Whether "pids" is in cgroup.subtree_control (its children have the pids.* files). */
  subtreePids: boolean;
  /** rmdir'ed while zombies still held a charge: gone from /sys/fs/cgroup, kept for the charge. */
  removed: boolean;
}

// ---------------------------------------------------------------- the event queue

export type QueueKind = 'start' | 'deliver' | 'timer' | 'wake' | 'exit';

export interface QueueItem {
  readonly at: Micros;
  readonly seq: number;
  readonly kind: QueueKind;
  readonly task: TaskId;
  /** For 'wake': the wakeToken it belongs to. For 'timer': the timer id. */
  readonly token: number;
  /** For 'timer': the program's tag. */
  readonly tag?: string;
}

// ---------------------------------------------------------------- the whole machine

export interface KernelState {
  now: Micros;
  seq: number;
  nextTaskId: number;
  nextNsId: number;
  nextCgroupId: number;
  nextTimerId: number;
  rootNs: NsId;
  rootCgroup: CgroupId;
  hostInit: TaskId;
  /**
   * Tasks by TaskId and struct pids by id: arrays indexed by the id (ids are dense counters), so
   * lookups are plain indexing and iteration is in creation order. Released slots hold null.
   */
  tasks: (Task | null)[];
  pids: PidTable;
  namespaces: Map<NsId, PidNamespace>;
  cgroups: Map<CgroupId, Cgroup>;
  queue: QueueItem[];
  /** Set when the host's init exited: nothing runs after a panic. */
  panicked: boolean;
  /** Seeded PRNG state (xorshift32) for anything a scenario wants randomised. */
  rng: number;
  hostname: string;
  files: Map<number, OpenFile>;
  pipes: Map<number, Pipe>;
  ttys: Map<number, Tty>;
  /** The file system (everything but /proc, which is generated). Absolute normalised paths. */
  fs: Map<string, FsNode>;
  nextFileId: number;
  nextPipeId: number;
  nextTtyId: number;
}

export type SyscallResult<T> = T | Errno;
