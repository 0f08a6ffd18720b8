/**
 * Programs the kernel model itself needs: the host's init, sleep, true/false, and a "puppet"
 * whose syscalls are made from outside (tests, the conformance cases).
 * The models of shells, tini, dumb-init, node, go... come with the runtime models.
 */
import type { Program, ProgramContext, WakeEvent } from './abi.ts';
import { WNOHANG } from './abi.ts';
import type { SigInfo } from '../state.ts';
import { SIGCHLD } from '../signals.ts';

/**
 * The host's PID 1. A real init (systemd, sysvinit) catches SIGCHLD and reaps every child and
 * adopted orphan in a loop of waitpid(-1, WNOHANG), because SIGCHLD does not queue.
 */
export const hostInit: Program<null> = {
  name: 'init',
  start(ctx) {
    ctx.sigaction(SIGCHLD, 'handler');
  },
  resume() {
    // A wait made on init's behalf (from outside) finished; init goes back to its loop.
  },
  onSignal(ctx, info) {
    if (info.sig !== SIGCHLD) return;
    for (;;) {
      const r = ctx.wait(-1, WNOHANG);
      if (typeof r === 'string' || 'blocked' in r || r.pid === 0) break;
    }
  },
};

/**
 * Parses GNU coreutils sleep arguments: numbers with an optional s/m/h/d suffix, summed.
 * Returns microseconds, or an error message as coreutils prints it.
 */
export function parseSleepArgs(args: readonly string[]): number | string {
  if (args.length === 0)
    return "sleep: missing operand\nTry 'sleep --help' for more information.\n";
  let total = 0;
  for (const a of args) {
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (!m)
      return `sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.\n`;
    const mult = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
    total += Number(m[1]) * mult;
  }
  return Math.round(total * 1e6);
}

/** coreutils sleep: installs no signal handler at all; nanosleep, then exit 0. */
export const sleep: Program<null> = {
  name: 'sleep',
  start(ctx) {
    const us = parseSleepArgs(ctx.argv.slice(1));
    if (typeof us === 'string') {
      ctx.write(2, us);
      ctx.exit(1);
      return;
    }
    ctx.sleep(us);
  },
  resume(ctx) {
    ctx.exit(0);
  },
};

export const trueProgram: Program<null> = { name: 'true', start: (ctx) => ctx.exit(0) };
export const falseProgram: Program<null> = { name: 'false', start: (ctx) => ctx.exit(1) };

/** State of a puppet: what happened to it, and how it reacts to handled signals. */
export interface PuppetState {
  /** Every result of a blocking call and every handled signal, in order. */
  log: (
    | WakeEvent
    | { readonly call: 'signal'; readonly info: SigInfo }
    | { readonly call: 'timer'; readonly tag: string }
  )[];
  /** When a handled signal arrives, exit with this code (e.g. { 15: 0 } for a graceful SIGTERM). */
  exitOn?: Record<number, number>;
}

/**
 * A process that does nothing by itself: its syscalls are made from outside through
 * Kernel.sys(task), as an LTP test program makes them. It records what it receives.
 */
export const puppet: Program<PuppetState> = {
  name: 'puppet',
  start(ctx) {
    // The common case (a plain fork, nothing to parse) shares one frozen empty state: a puppet
    // that never receives anything costs no allocation; ensure() copies it on first change.
    if (ctx.state === undefined && ctx.argv.length <= 1) {
      ctx.state = FRESH_PUPPET;
      return;
    }
    // Exec'd puppets take their reactions from argv: --exit-on=SIG:CODE (repeatable).
    const exitOn: Record<number, number> = { ...(ctx.state?.exitOn ?? {}) };
    for (const a of ctx.argv.slice(1)) {
      const m = /^--exit-on=(\d+):(\d+)$/.exec(a);
      if (m) exitOn[Number(m[1])] = Number(m[2]);
    }
    ctx.state = { ...(ctx.state ?? {}), log: ctx.state?.log ?? [], exitOn };
  },
  resume(ctx, wake) {
    ensure(ctx).log.push(wake);
  },
  onSignal(ctx, info) {
    const st = ensure(ctx);
    st.log.push({ call: 'signal', info });
    const code = st.exitOn?.[info.sig];
    if (code !== undefined) ctx.exit(code);
  },
  onTimer(ctx, tag) {
    ensure(ctx).log.push({ call: 'timer', tag });
  },
};

/** The state of a puppet started with nothing (what start() used to build each time). */
const FRESH_PUPPET: PuppetState = Object.freeze({
  log: Object.freeze([]) as unknown as PuppetState['log'],
  exitOn: Object.freeze({}),
});

function ensure(ctx: ProgramContext<PuppetState>): PuppetState {
  const st = ctx.state;
  if (st === FRESH_PUPPET) ctx.state = { log: [], exitOn: {} };
  else if (!st || !Array.isArray(st.log)) ctx.state = { ...(st ?? {}), log: [] };
  return ctx.state;
}

export const BUILTIN_PROGRAMS: readonly Program<never>[] = [
  hostInit,
  sleep,
  trueProgram,
  falseProgram,
  puppet,
] as unknown as readonly Program<never>[];

/** Where the builtin programs live in the simulated file system. */
export const BUILTIN_BINARIES: Readonly<Record<string, string>> = {
  '/sbin/init': 'init',
  '/usr/bin/sleep': 'sleep',
  '/bin/sleep': 'sleep',
  '/usr/bin/true': 'true',
  '/bin/true': 'true',
  '/usr/bin/false': 'false',
  '/bin/false': 'false',
  '/usr/local/bin/puppet': 'puppet',
};
