/**
 * GNU coreutils 9.1 timeout: `timeout [-s SIG] [-k DUR] [--foreground] [--preserve-status] [-v]
 * DURATION COMMAND...`. It puts itself in its own process group (unless --foreground), forks the
 * command, and waits in its event loop: a timer stands for alarm(2), a SIGCHLD handler for the
 * sigsuspend loop. On expiry it sends the signal to the command and its group (then SIGCONT),
 * and exits 124; when -k's SIGKILL was needed it dies of SIGKILL itself (its group is killed),
 * or with --foreground exits 137. Otherwise it exits with the command's status, or re-raises the
 * command's fatal signal.
 */
import {
  SIGALRM,
  SIGCHLD,
  SIGCONT,
  SIGHUP,
  SIGINT,
  SIGKILL,
  SIGQUIT,
  SIGTERM,
  SIGTTIN,
  SIGTTOU,
  WNOHANG,
  isErrno,
} from '../kernel-sim/index.ts';
import type { Program, ProgramContext } from '../kernel-sim/index.ts';
import { getopt } from './getopt.ts';
import { signalNameOf, signalNumber } from './kill.ts';
import { RERAISE_TAG, reraise, wexitstatus, wifexited, wifsignaled, wtermsig } from './reraise.ts';
import { err, errText, execvp, parseDuration } from './util.ts';
import { helpRequested } from './help.ts';

interface TimeoutState {
  role: 'parent' | 'child';
  program: string[];
  child: number;
  sig: number;
  killAfter: number;
  foreground: boolean;
  preserve: boolean;
  verbose: boolean;
  timedOut: boolean;
  done: boolean;
}

const TRY = "Try 'timeout --help' for more information.\n";

function send(ctx: ProgramContext<TimeoutState>, sig: number): void {
  const s = ctx.state;
  if (s.verbose)
    err(ctx, `timeout: sending signal ${signalNameOf(sig)} to command '${s.program[0] ?? ''}'\n`);
  ctx.kill(s.child, sig);
  if (!s.foreground) {
    // The command normally stayed in our process group: signal all of it (we ignore our own).
    ctx.kill(0, sig);
    if (sig !== SIGKILL && sig !== SIGCONT) {
      ctx.kill(s.child, SIGCONT);
      ctx.kill(0, SIGCONT);
    }
  }
}

function reap(ctx: ProgramContext<TimeoutState>): void {
  const s = ctx.state;
  if (s.done) return;
  const r = ctx.wait(s.child, WNOHANG);
  if (isErrno(r) || 'blocked' in r || r.pid === 0) return;
  s.done = true;
  const st = r.status;
  let code: number;
  if (wifexited(st)) code = wexitstatus(st);
  else if (wifsignaled(st)) {
    const sig = wtermsig(st);
    if (!s.timedOut) {
      if (reraise(ctx, sig)) return;
    }
    if (s.timedOut && sig === SIGKILL) s.preserve = true;
    code = sig + 128;
  } else code = 1;
  ctx.exit(s.timedOut && !s.preserve ? 124 : code);
}

export const timeout: Program<TimeoutState> = {
  name: 'timeout',
  start(ctx) {
    if (helpRequested(ctx, 'timeout')) return;
    if (ctx.state?.role === 'child') {
      ctx.sigaction(SIGTTIN, 'default');
      ctx.sigaction(SIGTTOU, 'default');
      const prog = ctx.state.program;
      const e = execvp(ctx, prog[0]!, prog);
      if (e === 0) return;
      err(ctx, `timeout: failed to run command '${prog[0]!}': ${errText(e)}\n`);
      ctx.exit(e === 'ENOENT' ? 127 : 126);
      return;
    }
    const p = getopt(
      ctx.argv.slice(1),
      [
        { key: 's', short: 's', long: 'signal', arg: 'required' },
        { key: 'k', short: 'k', long: 'kill-after', arg: 'required' },
        { key: 'foreground', long: 'foreground' },
        { key: 'preserve', long: 'preserve-status' },
        { key: 'v', short: 'v', long: 'verbose' },
      ],
      true,
    );
    if (!p.ok) {
      err(ctx, `timeout: ${p.error}\n${TRY}`);
      ctx.exit(125);
      return;
    }
    let sig = SIGTERM;
    let killAfter = 0;
    for (const o of p.opts) {
      if (o.key === 's') {
        sig = signalNumber(o.value ?? '');
        if (sig < 0 || sig > 64) {
          err(ctx, `timeout: ${o.value ?? ''}: invalid signal\n${TRY}`);
          ctx.exit(125);
          return;
        }
      } else if (o.key === 'k') {
        const d = parseDuration(o.value ?? '');
        if (d === undefined) {
          err(ctx, `timeout: invalid time interval '${o.value ?? ''}'\n${TRY}`);
          ctx.exit(125);
          return;
        }
        killAfter = d;
      }
    }
    if (p.operands.length < 2) {
      err(ctx, `timeout: missing operand\n${TRY}`);
      ctx.exit(125);
      return;
    }
    const duration = parseDuration(p.operands[0]!);
    if (duration === undefined) {
      err(ctx, `timeout: invalid time interval '${p.operands[0]!}'\n${TRY}`);
      ctx.exit(125);
      return;
    }
    const has = (k: string): boolean => p.opts.some((o) => o.key === k);
    const state: TimeoutState = {
      role: 'child',
      program: p.operands.slice(1),
      child: 0,
      sig,
      killAfter,
      foreground: has('foreground'),
      preserve: has('preserve'),
      verbose: has('v'),
      timedOut: false,
      done: false,
    };
    if (!state.foreground) ctx.setpgid(0, 0);
    for (const s of [SIGALRM, SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGCHLD, sig])
      if (s !== SIGKILL && s !== 0) ctx.sigaction(s, 'handler');
    ctx.sigaction(SIGTTIN, 'ignore');
    ctx.sigaction(SIGTTOU, 'ignore');
    const pid = ctx.fork({ program: 'timeout', state });
    if (isErrno(pid)) {
      err(ctx, `timeout: fork system call failed: ${errText(pid)}\n`);
      ctx.exit(125);
      return;
    }
    ctx.state = { ...state, role: 'parent', child: pid };
    if (duration > 0) ctx.setTimer(duration, 'alarm');
    reap(ctx);
  },
  onTimer(ctx, tag) {
    const s = ctx.state;
    if (tag === RERAISE_TAG) {
      ctx.exit(125);
      return;
    }
    if (s.done) return;
    if (tag === 'alarm') {
      s.timedOut = true;
      let sig = s.sig;
      if (s.killAfter > 0) {
        ctx.setTimer(s.killAfter, 'kill');
        s.killAfter = 0;
      }
      if (sig === 0) sig = SIGTERM;
      send(ctx, sig);
    } else if (tag === 'kill') {
      send(ctx, SIGKILL);
    }
    reap(ctx);
  },
  onSignal(ctx, info) {
    const s = ctx.state;
    if (s.role !== 'parent' || s.done) return;
    if (info.sig === SIGCHLD) {
      reap(ctx);
      return;
    }
    if (info.pid === ctx.getpid()) return; // our own signal to the group
    // SIGINT, SIGTERM, ...: pass it on to the command (coreutils cleanup()).
    send(ctx, info.sig);
    reap(ctx);
  },
};
