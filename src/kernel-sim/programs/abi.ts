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
  | { readonly call: 'pause'; readonly result: 'EINTR' };

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
  /** On success the program is replaced: return at once. */
  exec(path: string, argv: readonly string[]): 0 | Errno;
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
  /** Starts `count` extra threads (they take PID numbers and count against pids.max). */
  spawnThreads(count: number): 0 | Errno;
  /** The program spins on the CPU (state R) until a signal changes that. */
  busy(): void;
  write(fd: number, text: string): void;
  /** A deterministic random number in [0, 1) from the kernel's seeded generator. */
  random(): number;
  /** /proc as this process's namespace shows it. */
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
