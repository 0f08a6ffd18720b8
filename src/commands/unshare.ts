/**
 * util-linux 2.38.1 unshare: --pid/-p, --fork/-f, --mount-proc[=dir], --mount/-m, and the other
 * namespace flags accepted as no-ops (only PID namespaces and /proc are modelled).
 * With --fork the parent blocks SIGINT and SIGTERM, waits, and exits with the child's status;
 * a child killed by a signal is re-raised, except SIGKILL: signal(SIGKILL, SIG_DFL) fails and
 * 2.38.1 prints "unshare: sigprocmask unblock failed: Invalid argument" and exits 1.
 * Without --fork the program is exec'd in place and is NOT in the new namespace: its first
 * child is PID 1 there.
 */
import { SIGINT, SIGTERM, isErrno, sigSetOf } from '../kernel-sim/index.ts';
import type { Program, ProgramContext, SigSet, WakeEvent } from '../kernel-sim/index.ts';
import { getopt } from './getopt.ts';
import { RERAISE_TAG, reraise, wexitstatus, wifexited, wifsignaled, wtermsig } from './reraise.ts';
import { err, errText, execShell, execvp } from './util.ts';

interface UnshareState {
  role: 'parent' | 'child';
  program: string[];
  mountProc: boolean;
  child: number;
  oldMask: string;
}

const TRY = "Try 'unshare --help' for more information.\n";

function execProgram(ctx: ProgramContext<UnshareState>, program: readonly string[]): void {
  if (program.length === 0) {
    const r = execShell(ctx);
    if (r.error === 0) return;
    err(ctx, `unshare: failed to execute ${r.shell}: ${errText(r.error)}\n`);
    ctx.exit(r.error === 'ENOENT' ? 127 : 126);
    return;
  }
  const e = execvp(ctx, program[0]!, program);
  if (e === 0) return;
  err(ctx, `unshare: failed to execute ${program[0]!}: ${errText(e)}\n`);
  ctx.exit(e === 'ENOENT' ? 127 : 126);
}

function childStart(ctx: ProgramContext<UnshareState>): void {
  const s = ctx.state;
  ctx.sigprocmask('setmask', BigInt(s.oldMask) as SigSet);
  if (s.mountProc) ctx.mountProc();
  execProgram(ctx, s.program);
}

function finish(ctx: ProgramContext<UnshareState>, status: number): void {
  if (wifexited(status)) {
    ctx.exit(wexitstatus(status));
    return;
  }
  if (wifsignaled(status)) {
    const sig = wtermsig(status);
    if (!reraise(ctx, sig)) {
      err(ctx, 'unshare: sigprocmask unblock failed: Invalid argument\n');
      ctx.exit(1);
    }
    return;
  }
  err(ctx, 'unshare: child exit failed\n');
  ctx.exit(1);
}

export const unshare: Program<UnshareState> = {
  name: 'unshare',
  start(ctx) {
    if (ctx.state?.role === 'child') {
      childStart(ctx);
      return;
    }
    const p = getopt(
      ctx.argv.slice(1),
      [
        { key: 'pid', short: 'p' },
        { key: 'pid', long: 'pid', arg: 'optional' },
        { key: 'fork', short: 'f', long: 'fork' },
        { key: 'mount-proc', long: 'mount-proc', arg: 'optional' },
        { key: 'mount', short: 'm' },
        { key: 'mount', long: 'mount', arg: 'optional' },
        { key: 'uts', short: 'u' },
        { key: 'uts', long: 'uts', arg: 'optional' },
        { key: 'ipc', short: 'i' },
        { key: 'ipc', long: 'ipc', arg: 'optional' },
        { key: 'net', short: 'n' },
        { key: 'net', long: 'net', arg: 'optional' },
        { key: 'user', short: 'U' },
        { key: 'user', long: 'user', arg: 'optional' },
        { key: 'cgroup', short: 'C' },
        { key: 'cgroup', long: 'cgroup', arg: 'optional' },
        { key: 'time', short: 'T' },
        { key: 'time', long: 'time', arg: 'optional' },
        { key: 'root', short: 'r', long: 'map-root-user' },
        { key: 'kill-child', long: 'kill-child', arg: 'optional' },
        { key: 'propagation', long: 'propagation', arg: 'required' },
        { key: 'help', short: 'h', long: 'help' },
        { key: 'version', short: 'V', long: 'version' },
      ],
      true,
    );
    if (!p.ok) {
      err(ctx, `unshare: ${p.error}\n${TRY}`);
      ctx.exit(1);
      return;
    }
    const has = (k: string): boolean => p.opts.some((o) => o.key === k);
    if (has('version')) {
      ctx.write(1, 'unshare from util-linux 2.38.1\n');
      ctx.exit(0);
      return;
    }
    if (has('help')) {
      ctx.write(
        1,
        '\nUsage:\n unshare [options] [<program> [<argument>...]]\n\nRun a program with some namespaces unshared from the parent.\n',
      );
      ctx.exit(0);
      return;
    }
    const mountProc = has('mount-proc');
    if (has('pid')) {
      const r = ctx.unsharePid();
      if (r !== 0) {
        err(ctx, `unshare: unshare failed: ${errText(r)}\n`);
        ctx.exit(1);
        return;
      }
    }
    if (!has('fork')) {
      if (mountProc) ctx.mountProc();
      execProgram(ctx, p.operands);
      return;
    }
    const oldMask = ctx.sigprocmask('block', sigSetOf(SIGINT, SIGTERM));
    const state: UnshareState = {
      role: 'child',
      program: p.operands,
      mountProc,
      child: 0,
      oldMask: oldMask.toString(),
    };
    const pid = ctx.fork({ program: 'unshare', state });
    if (isErrno(pid)) {
      err(ctx, `unshare: fork failed: ${errText(pid)}\n`);
      ctx.exit(1);
      return;
    }
    ctx.state = { ...state, role: 'parent', child: pid };
    const r = ctx.wait(pid, 0);
    if (isErrno(r)) {
      err(ctx, `unshare: waitpid failed: ${errText(r)}\n`);
      ctx.exit(1);
    } else if (!('blocked' in r)) finish(ctx, r.status);
  },
  resume(ctx, wake: WakeEvent) {
    if (wake.call !== 'wait') return;
    const r = wake.result;
    if (r === 'EINTR') {
      const again = ctx.wait(ctx.state.child, 0);
      if (!isErrno(again) && !('blocked' in again)) finish(ctx, again.status);
      return;
    }
    if (isErrno(r)) {
      err(ctx, `unshare: waitpid failed: ${errText(r)}\n`);
      ctx.exit(1);
      return;
    }
    finish(ctx, r.status);
  },
  onTimer(ctx, tag) {
    if (tag === RERAISE_TAG) {
      err(ctx, 'unshare: child exit failed\n');
      ctx.exit(1);
    }
  },
};
