/**
 * The plain-data state of a running shell: variables, jobs, traps and the evaluation stack.
 * Everything here is JSON-like (the kernel snapshots it with structuredClone).
 */
import type { Node, Redir } from './ast.ts';
import type { WakeEvent } from '../kernel-sim/index.ts';

export type Flavor = 'dash' | 'bash' | 'ash';

export interface Job {
  id: number;
  pgid: number;
  pids: number[];
  /** Wait status of each pid once it has ended (null while it runs). */
  st: (number | null)[];
  cmd: string;
  stopped: boolean;
  bg: boolean;
  /** Command substitutions: never listed, never notified. */
  hidden: boolean;
  /** The interactive shell has reported that the job stopped. */
  told?: boolean;
}

/** A redirection with its target word already expanded. */
export interface XRedir {
  readonly fd: number;
  readonly op: Redir['op'];
  readonly target: string;
}

/** How a forked child sets itself up before it runs its frames. */
export interface Setup {
  /** Job control: setpgid(0, pgid) (0 = own group); null = stay in the parent's group. */
  pgid: number | null;
  /** Job control: make the group the terminal's foreground group. */
  fg: boolean;
  /** Non-interactive `&`: SIGINT and SIGQUIT ignored, stdin from /dev/null. */
  asyncIgnore: boolean;
  /** dup2(from, to) pairs, then close these descriptors. */
  dups: [number, number][];
  closes: number[];
}

export interface SavedFd {
  fd: number;
  /** Where the original was saved, or -1 when the descriptor was closed before. */
  save: number;
}

export type Frame =
  | {
      k: 'script';
      src: string;
      pos: number;
      line: number;
      top: boolean;
      /** The last command run could trigger `set -e` (not a && / || list or a ! pipeline). */
      plain?: boolean;
    }
  | {
      k: 'repl';
      phase: 'prompt' | 'read' | 'run';
      /** Text of an unfinished command (continued with PS2). */
      buf: string;
      /** Complete lines typed ahead, not yet run. */
      queue: string[];
    }
  | { k: 'list'; node: Extract<Node, { t: 'list' }>; i: number; tail: boolean; plain?: boolean }
  | { k: 'andor'; node: Extract<Node, { t: 'andor' }>; phase: 0 | 1; tail: boolean }
  | { k: 'pipe'; node: Extract<Node, { t: 'pipeline' }>; phase: 0 | 1 }
  | { k: 'if'; node: Extract<Node, { t: 'if' }>; i: number; phase: 0 | 1 | 2; tail: boolean }
  | { k: 'loop'; node: Extract<Node, { t: 'loop' }>; phase: 0 | 1 | 2; last: number }
  | {
      k: 'for';
      node: Extract<Node, { t: 'for' }>;
      items: string[] | null;
      i: number;
      last: number;
      subs: string[] | null;
    }
  | {
      k: 'case';
      node: Extract<Node, { t: 'case' }>;
      subs: string[] | null;
      tail: boolean;
      done: boolean;
    }
  | {
      k: 'simple';
      node: Extract<Node, { t: 'simple' }>;
      tail: boolean;
      subs: string[] | null;
    }
  | {
      k: 'compound';
      node: Node;
      tail: boolean;
      subs: string[] | null;
      /** A `( ... )` that already runs in the child forked for it (bash: `( ... ) &`, a pipe). */
      forked?: boolean;
    }
  | { k: 'subs'; srcs: string[]; out: string[] }
  | { k: 'cmdsub'; src: string; phase: 0 | 1 | 2; fd: number; buf: string; job: number }
  | { k: 'fg'; job: number }
  | {
      k: 'waitb';
      jobs: number[];
      all: boolean;
      missing: number;
      /** Jobs before this index in the table are done: not looked at again (a hint only). */
      from?: number;
    }
  | { k: 'readb'; names: string[]; raw: boolean }
  | {
      k: 'restore';
      fds: SavedFd[];
      vars: { name: string; old: string | null; exp: boolean }[];
    }
  | { k: 'func'; pos: string[]; locals: { name: string; old: string | null; exp: boolean }[] }
  | { k: 'trap'; status: number }
  | { k: 'bang' }
  | { k: 'exit'; code: number | null }
  | {
      /**
       * bash's make_child() sleeping between fork attempts that failed with EAGAIN; `then` is
       * the fork to try again: a foreground job, an asynchronous list, or the frame below
       * (a pipeline or a command substitution that has not forked anything yet).
       */
      k: 'forkretry';
      secs: number;
      timer: number;
      fired: boolean;
      interrupted: boolean;
      /** execute_pipeline blocks SIGCHLD around its forks: SIGCHLD does not end the sleep. */
      chldBlocked?: boolean;
      then:
        | { kind: 'job'; child: ShState; xr: XRedir[]; text: string }
        | { kind: 'async'; node: Node; src: string }
        | { kind: 'restep' };
    }
  | {
      k: 'execve';
      path: string;
      argv: string[];
      env: Record<string, string>;
      redirs: XRedir[];
    };

export interface ShState {
  readonly v: 'sh1';
  flavor: Flavor;
  /** $0, also the prefix of error messages. */
  arg0: string;
  mode: 'c' | 'script' | 'stdin' | 'interactive';
  interactive: boolean;
  /** bash's interactive_shell: set in an interactive shell and kept by its subshells. */
  interactiveShell: boolean;
  login: boolean;
  /** $$: the PID of the main shell, kept by subshells. */
  shellPid: number;
  /** The interactive shell's own process group. */
  pgid: number;
  vars: Record<string, string>;
  exported: Record<string, true>;
  pos: string[];
  funcs: Record<string, Node>;
  /** Signal number (as text; '0' = EXIT) → action ('' = ignore). */
  traps: Record<string, string>;
  pending: number[];
  status: number;
  lastBg: number | null;
  jobs: Job[];
  nextJob: number;
  /**
   * Job ids, the current job last, the previous one before it (for %+ and %-). bash keeps
   * exactly [previous, current] (jobs.c set_current_job, reset_current: jobs.ts); dash and
   * ash, most recent last.
   */
  jobOrder: number[];
  /** Where recordWait found the last reaped child's job (a search hint, not state that matters). */
  waitHint?: number;
  /** bash's last_stopped_job: the job that stopped last, until it is dead (jobs.c waitchld). */
  lastStopped?: number | undefined;
  /** Some job of this shell has stopped at some time (until then, none can be stopped). */
  someStopped?: boolean;
  frames: Frame[];
  isChild: boolean;
  line: number;
  ctl: { k: 'break' | 'continue'; n: number } | { k: 'return' } | null;
  /** A SIGINT arrived that no trap handles (non-interactive shells die of it). */
  sigint: boolean;
  /** A SIGCHLD arrived (dash/ash only set this flag). */
  chld: boolean;
  /** Input read by `read` but not used yet. */
  readBuf: string;
  setup: Setup | null;
  /** The line editor's fields (interactive only). */
  editor: Record<string, unknown> | null;
  opts: { e: boolean; u: boolean; x: boolean };
  wake: WakeEvent | null;
  /** Next descriptor used to save one around a redirection. */
  nextSave: number;
  /** Status of the last command substitution (for `x=$(false)`). */
  subStatus: number;
  /** Steps run since the shell last blocked (to let CPU-bound loops yield). */
  spin: number;
  /** The EXIT trap is running. */
  exiting: boolean;
  /** bash make_child()'s forksleep for the fork being retried (absent: a first attempt). */
  forkSleep?: number;
  /**
   * A pipeline half forked while bash retries the fork of member `next`: its pipes, the
   * members already running and their process group (execute_pipeline's state, kept across
   * make_child()'s sleeps).
   */
  pipeFork?: {
    pipes: [number, number][];
    pids: number[];
    pgid: number;
    next: number;
    /** Members reaped meanwhile (make_child's waitchld records them in the_pipeline). */
    ended: [number, number][];
  };
}

export function isShState(x: unknown): x is ShState {
  return typeof x === 'object' && x !== null && (x as { v?: unknown }).v === 'sh1';
}
