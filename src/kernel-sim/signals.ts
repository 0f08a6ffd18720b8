/**
 * Signal numbers, names, default actions and signal sets, as on x86-64 Linux.
 * Sources: signal(7); include/uapi/asm-generic/signal.h; kernel/signal.c (SIG_KERNEL_*_MASK).
 */

export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGQUIT = 3;
export const SIGILL = 4;
export const SIGTRAP = 5;
export const SIGABRT = 6;
export const SIGBUS = 7;
export const SIGFPE = 8;
export const SIGKILL = 9;
export const SIGUSR1 = 10;
export const SIGSEGV = 11;
export const SIGUSR2 = 12;
export const SIGPIPE = 13;
export const SIGALRM = 14;
export const SIGTERM = 15;
export const SIGSTKFLT = 16;
export const SIGCHLD = 17;
export const SIGCONT = 18;
export const SIGSTOP = 19;
export const SIGTSTP = 20;
export const SIGTTIN = 21;
export const SIGTTOU = 22;
export const SIGURG = 23;
export const SIGXCPU = 24;
export const SIGXFSZ = 25;
export const SIGVTALRM = 26;
export const SIGPROF = 27;
export const SIGWINCH = 28;
export const SIGIO = 29;
export const SIGPWR = 30;
export const SIGSYS = 31;
export const SIGRTMIN = 34; // glibc reserves 32 and 33; the kernel's first realtime signal is 32
export const NSIG = 64;

const NAMES: readonly string[] = [
  '',
  'HUP',
  'INT',
  'QUIT',
  'ILL',
  'TRAP',
  'ABRT',
  'BUS',
  'FPE',
  'KILL',
  'USR1',
  'SEGV',
  'USR2',
  'PIPE',
  'ALRM',
  'TERM',
  'STKFLT',
  'CHLD',
  'CONT',
  'STOP',
  'TSTP',
  'TTIN',
  'TTOU',
  'URG',
  'XCPU',
  'XFSZ',
  'VTALRM',
  'PROF',
  'WINCH',
  'IO',
  'PWR',
  'SYS',
];

/** Short name without the SIG prefix ("TERM"), or the number for realtime signals ("33"). */
export function signalName(sig: number): string {
  if (sig >= 1 && sig < NAMES.length) return NAMES[sig] ?? String(sig);
  if (sig >= SIGRTMIN && sig <= NSIG) return sig === SIGRTMIN ? 'RTMIN' : `RTMIN+${sig - SIGRTMIN}`;
  return String(sig);
}

/** "SIGTERM", as kill -l and the lab's explanations write it. */
export const sigName = (sig: number): string =>
  sig >= 1 && sig < NAMES.length ? `SIG${NAMES[sig]}` : `SIG${signalName(sig)}`;

/** Parses "TERM", "SIGTERM", "term", "15"; undefined when unknown. */
export function parseSignal(text: string): number | undefined {
  const t = text.trim().toUpperCase();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return n >= 0 && n <= NSIG ? n : undefined;
  }
  const bare = t.startsWith('SIG') ? t.slice(3) : t;
  const i = NAMES.indexOf(bare);
  if (i > 0) return i;
  if (bare === 'IOT') return SIGABRT;
  if (bare === 'POLL') return SIGIO;
  if (bare === 'CLD') return SIGCHLD;
  const rt = /^RTMIN(?:\+(\d+))?$/.exec(bare);
  if (rt) {
    const n = SIGRTMIN + Number(rt[1] ?? 0);
    return n <= NSIG ? n : undefined;
  }
  const rtmax = /^RTMAX(?:-(\d+))?$/.exec(bare);
  if (rtmax) {
    const n = NSIG - Number(rtmax[1] ?? 0);
    return n >= SIGRTMIN ? n : undefined;
  }
  return undefined;
}

export type DefaultAction = 'terminate' | 'core' | 'stop' | 'continue' | 'ignore';

/** signal(7), "Standard signals" table; realtime signals terminate by default. */
export function defaultAction(sig: number): DefaultAction {
  switch (sig) {
    case SIGQUIT:
    case SIGILL:
    case SIGTRAP:
    case SIGABRT:
    case SIGBUS:
    case SIGFPE:
    case SIGSEGV:
    case SIGXCPU:
    case SIGXFSZ:
    case SIGSYS:
      return 'core';
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
      return 'stop';
    case SIGCONT:
      return 'continue';
    case SIGCHLD:
    case SIGURG:
    case SIGWINCH:
      return 'ignore';
    default:
      return 'terminate';
  }
}

/** SIGKILL and SIGSTOP: cannot be caught, blocked or ignored (kernel/signal.c sig_kernel_only). */
export const sigKernelOnly = (sig: number): boolean => sig === SIGKILL || sig === SIGSTOP;
/** SIG_KERNEL_STOP_MASK. */
export const sigKernelStop = (sig: number): boolean =>
  sig === SIGSTOP || sig === SIGTSTP || sig === SIGTTIN || sig === SIGTTOU;
/** SIG_KERNEL_IGNORE_MASK: default action "ignore". */
export const sigKernelIgnore = (sig: number): boolean =>
  sig === SIGCONT || sig === SIGCHLD || sig === SIGWINCH || sig === SIGURG;
/** Realtime signals queue every instance; standard ones coalesce (kernel/signal.c legacy_queue). */
export const isRealtime = (sig: number): boolean => sig >= 32;
export const isValidSignal = (sig: number): boolean =>
  Number.isInteger(sig) && sig >= 1 && sig <= NSIG;

/**
 * A signal set (sigset_t) as a 64-bit mask: bit (sig - 1) stands for sig, exactly the layout
 * /proc/PID/status prints in SigPnd/SigBlk/SigIgn/SigCgt.
 */
export type SigSet = bigint;
export const EMPTY_SET: SigSet = 0n;
export const FULL_SET: SigSet = (1n << 64n) - 1n;

const BITS: readonly bigint[] = Array.from({ length: NSIG + 1 }, (_, i) =>
  i === 0 ? 0n : 1n << BigInt(i - 1),
);
export const sigBit = (sig: number): SigSet => BITS[sig] ?? 0n;
/** (The empty set is tested first: a bigint `&` allocates its result.) */
export const sigIsMember = (set: SigSet, sig: number): boolean =>
  set !== 0n && (set & sigBit(sig)) !== 0n;
export const sigAdd = (set: SigSet, sig: number): SigSet => set | sigBit(sig);
export const sigDel = (set: SigSet, sig: number): SigSet => set & ~sigBit(sig);
export const sigSetOf = (...sigs: number[]): SigSet => sigs.reduce((s, n) => s | sigBit(n), 0n);
/** SIGKILL and SIGSTOP can never be blocked (kernel/signal.c sigprocmask: sigdelsetmask). */
export const UNBLOCKABLE: SigSet = sigSetOf(SIGKILL, SIGSTOP);
export const STOP_SIGNALS: SigSet = sigSetOf(SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU);

/** Members of a set in ascending order. */
export function sigMembers(set: SigSet): number[] {
  const out: number[] = [];
  for (let s = 1; s <= NSIG; s++) if (set & sigBit(s)) out.push(s);
  return out;
}

/** 16 hex digits, as in /proc/PID/status (fs/proc/array.c render_sigset_t). */
export const sigSetHex = (set: SigSet): string => set.toString(16).padStart(16, '0');

/** Lowest pending signal in `set`, 0 when empty (kernel/signal.c next_signal: lowest first). */
export function lowestSignal(set: SigSet): number {
  if (set === 0n) return 0;
  for (let s = 1; s <= NSIG; s++) if (set & sigBit(s)) return s;
  return 0;
}
