/**
 * The userspace ABI: how a program model (a shell, tini, node, the go tool, sleep...) talks to the
 * kernel model. A program is a set of callbacks over its own plain-data state; it acts only
 * through the ProgramContext, whose calls are the syscalls it would make. Blocking calls return
 * BLOCKED; the program then returns, and the kernel calls `resume` with the result later.
 * Programs never see kernel internals, only numbers as their namespace shows them.
 */
import type { Errno, Micros } from '../types.ts';
import type { SigSet } from '../signals.ts';
import type { SigInfo } from '../state.ts';
import type { ProcView } from '../views.ts';

export const BLOCKED = Object.freeze({ blocked: true as const });
export type Blocked = typeof BLOCKED;

/** waitpid(2) options. */
export const WNOHANG = 1;
export const WUNTRACED = 2;
export const WCONTINUED = 8;
export const WNOWAIT = 0x01000000;

/** Result of wait(): the child's PID (0 with WNOHANG when nothing is ready) and its status word. */
export interface WaitResult {
  readonly pid: number;
  readonly status: number;
}

/** What a blocking call finally returned, handed to Program.resume. */
export type WakeEvent =
  | { readonly call: 'wait'; readonly result: WaitResult | Errno }
  | { readonly call: 'sleep'; readonly result: 0 | 'EINTR' }
  | { readonly call: 'sigwait'; readonly result: SigInfo | 'EAGAIN' | 'EINTR' }
  | { readonly call: 'pause'; readonly result: 'EINTR' }
  | { readonly call: 'read'; readonly result: string | 'EOF' | Errno };

/** What a forked child runs: the program (usually the parent's own) and its starting state. */
export interface ForkSpec {
  readonly program: string;
  readonly state?: unknown;
}

export type DispositionName = 'default' | 'ignore' | 'handler';

export interface ProgramContext<S = unknown> {
  /** The program's private state (plain data; it is part of every snapshot). */
  state: S;
  readonly now: Micros;
  readonly argv: readonly string[];
  readonly comm: string;
  getpid(): number;
  /** 0 when the parent is outside the caller's namespace. */
  getppid(): number;
  getpgrp(): number;
  getsid(): number;
  fork(spec: ForkSpec): number | Errno;
  /**
   * execve(): on success the program is replaced (return at once). `env` defaults to the
   * current environment. ENOENT when no such file, EACCES when it is not executable.
   */
  exec(path: string, argv: readonly string[], env?: Readonly<Record<string, string>>): 0 | Errno;
  /** The environment the program was exec'd with (inherited across fork). */
  readonly env: Readonly<Record<string, string>>;
  /** Current working directory (chdir changes it; inherited across fork and exec). */
  getcwd(): string;
  chdir(path: string): 0 | Errno;
  /** Resolves a command name through PATH as execvp would: the path, or ENOENT/EACCES. */
  which(name: string): string | Errno;

  // ---- files: descriptors 0, 1, 2 are inherited; all are kept across exec (no O_CLOEXEC) ----
  /**
   * read(2): what is available now (a whole line from a terminal in canonical mode, the whole
   * buffered content of a pipe, the rest of a file), 'EOF' at end of file, or BLOCKED: the
   * result then comes to resume as { call: 'read' }. A background process reading its
   * controlling terminal gets SIGTTIN. With `count` (a positive integer), at most that many
   * characters; the rest stays for the next reader (a shell's `read` builtin takes one byte at
   * a time from a pipe so that it never eats what follows its line).
   */
  read(fd: number, count?: number): string | 'EOF' | Errno | Blocked;
  /** write(2): EPIPE (and SIGPIPE) on a pipe nobody reads; EBADF on a closed descriptor. */
  write(fd: number, text: string): number | Errno;
  /** open(2) on the simulated file system ('/proc', '/dev/null', '/dev/tty', files). */
  open(path: string, mode: 'r' | 'w' | 'a'): number | Errno;
  pipe(): readonly [number, number] | Errno;
  dup2(oldfd: number, newfd: number): number | Errno;
  close(fd: number): 0 | Errno;
  isatty(fd: number): boolean;
  /** tcgetpgrp/tcsetpgrp on the terminal behind fd (in the caller's PID namespace). */
  tcgetpgrp(fd: number): number | Errno;
  tcsetpgrp(fd: number, pgrp: number): 0 | Errno;
  /** ioctl(TIOCGWINSZ): the terminal's size, for output laid out in columns. */
  ttySize(fd: number): { readonly cols: number; readonly rows: number } | Errno;
  /** termios ICANON and ECHO: a shell's line editor turns both off while it reads a line. */
  setTtyMode(fd: number, mode: { readonly canonical: boolean; readonly echo: boolean }): 0 | Errno;
  /** ioctl(TIOCSCTTY): a session leader without a terminal takes the one behind fd. */
  setControllingTty(fd: number): 0 | Errno;
  /** ioctl(TIOCNOTTY): give up the controlling terminal. */
  dropControllingTty(): 0 | Errno;
  mkdir(path: string, mode?: number): 0 | Errno;
  unlink(path: string): 0 | Errno;
  rmdir(path: string): 0 | Errno;
  chmod(path: string, mode: number): 0 | Errno;
  /** The file system, read without descriptors (stat, directory listings). */
  readonly fs: FileSystemView;
  exit(code: number): void;
  kill(pid: number, sig: number): 0 | Errno;
  sigaction(sig: number, disposition: DispositionName, flags?: number): 0 | Errno;
  sigprocmask(how: 'block' | 'unblock' | 'setmask', set: SigSet): SigSet;
  wait(pid: number, options: number): WaitResult | Errno | Blocked;
  sleep(micros: Micros): Blocked;
  pause(): Blocked;
  /** sigtimedwait(2): takes a pending signal of `set`, or waits (null: no timeout). */
  sigtimedwait(set: SigSet, timeout: Micros | null): SigInfo | 'EAGAIN' | Blocked;
  /** read() on a signalfd for `set`: like sigtimedwait but the mask is left as it is. */
  signalfdRead(set: SigSet): SigInfo | Blocked;
  /** An event-loop timer: onTimer runs when it is due and the program is idle. */
  setTimer(micros: Micros, tag: string): number;
  clearTimer(id: number): void;
  /** setuid(2): root sets real, effective and saved UID; others may only switch between them. */
  setuid(uid: number): 0 | Errno;
  setsid(): number | Errno;
  setpgid(pid: number, pgid: number): 0 | Errno;
  setChildSubreaper(on: boolean): 0;
  setPdeathsig(sig: number): 0 | Errno;
  /** unshare(CLONE_NEWPID). */
  unsharePid(): 0 | Errno;
  /** setns() into the PID namespace of process `pid` (as nsenter --target PID --pid does). */
  setnsPid(pid: number): 0 | Errno;
  /**
   * unshare(CLONE_NEWNS) + mount -t proc proc /proc: from now on /proc (and so ps) shows the
   * caller's active PID namespace (what `unshare --mount-proc` does in its child). Without it a
   * new PID namespace still sees the host's /proc.
   */
  mountProc(): 0 | Errno;
  /** setns() into the mount namespace of process `pid` (nsenter --mount): its /proc view. */
  setnsMount(pid: number): 0 | Errno;
  /** Starts `count` extra threads (they take PID numbers and count against pids.max). */
  spawnThreads(count: number): 0 | Errno;
  /**
   * Overwrites the process's argv in place (setproctitle(3), nginx's "nginx: worker process"):
   * /proc/PID/cmdline shows the new text, comm stays.
   */
  setProcTitle(argv: readonly string[]): void;
  /** The program spins on the CPU (state R) until a signal changes that. */
  busy(): void;
  /** A deterministic random number in [0, 1) from the kernel's seeded generator. */
  random(): number;
  /** /proc as this process sees it: the PID namespace its mounted procfs belongs to. */
  readonly proc: ProcView;
}

export interface Program<S = unknown> {
  readonly name: string;
  start(ctx: ProgramContext<S>): void;
  resume?(ctx: ProgramContext<S>, wake: WakeEvent): void;
  onSignal?(ctx: ProgramContext<S>, info: SigInfo): void;
  onTimer?(ctx: ProgramContext<S>, tag: string, id: number): void;
}

export type ProgramRegistry = ReadonlyMap<string, Program>;

export interface FileStat {
  readonly type: 'file' | 'dir' | 'exec' | 'dev';
  readonly size: number;
  /** For 'exec': the program model it runs. */
  readonly program?: string;
  readonly mode: string;
}

/** Read-only access to the simulated file system, /proc as the caller's namespace sees it. */
export interface FileSystemView {
  stat(path: string): FileStat | Errno;
  /** Entry names, sorted. */
  readdir(path: string): string[] | Errno;
  readFile(path: string): string | Errno;
  /** Absolute, normalised path (resolves '.', '..' against the caller's cwd). */
  resolve(path: string): string;
}
