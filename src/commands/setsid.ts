/**
 * util-linux 2.38.1 setsid: runs a program in a new session. A process-group leader cannot call
 * setsid(), so then (or with -f) it forks first; the parent exits 0 at once, or with -w waits
 * and returns the child's exit status. -c makes the terminal on stdin the controlling one.
 */
import { isErrno } from '../kernel-sim/index.ts';
import type { Program, ProgramContext } from '../kernel-sim/index.ts';
import { getopt } from './getopt.ts';
import { wexitstatus, wifexited } from './reraise.ts';
import { err, errText, execvp } from './util.ts';
import { helpRequested } from './help.ts';

interface SetsidState {
  role: 'parent' | 'child';
  program: string[];
  ctty: boolean;
  child: number;
}

function childRun(ctx: ProgramContext<SetsidState>): void {
  const s = ctx.state;
  if (isErrno(ctx.setsid())) {
    err(ctx, 'setsid: setsid failed: Operation not permitted\n');
    ctx.exit(1);
    return;
  }
  if (s.ctty && ctx.setControllingTty(0) !== 0) {
    err(ctx, 'setsid: failed to set the controlling terminal: Operation not permitted\n');
    ctx.exit(1);
    return;
  }
  const e = execvp(ctx, s.program[0]!, s.program);
  if (e === 0) return;
  err(ctx, `setsid: failed to execute ${s.program[0]!}: ${errText(e)}\n`);
  ctx.exit(e === 'ENOENT' ? 127 : 126);
}

function parentDone(ctx: ProgramContext<SetsidState>, status: number): void {
  if (wifexited(status)) ctx.exit(wexitstatus(status));
  else {
    err(ctx, `setsid: child ${ctx.state.child} did not exit normally: Success\n`);
    ctx.exit(status & 0xff);
  }
}

export const setsid: Program<SetsidState> = {
  name: 'setsid',
  start(ctx) {
    if (helpRequested(ctx, 'setsid')) return;
    if (ctx.state?.role === 'child') {
      childRun(ctx);
      return;
    }
    const p = getopt(
      ctx.argv.slice(1),
      [
        { key: 'c', short: 'c', long: 'ctty' },
        { key: 'f', short: 'f', long: 'fork' },
        { key: 'w', short: 'w', long: 'wait' },
        { key: 'V', short: 'V', long: 'version' },
      ],
      true,
    );
    if (!p.ok) {
      err(ctx, `setsid: ${p.error}\nTry 'setsid --help' for more information.\n`);
      ctx.exit(1);
      return;
    }
    const has = (k: string): boolean => p.opts.some((o) => o.key === k);
    if (has('V')) {
      ctx.write(1, 'setsid from util-linux 2.38.1\n');
      ctx.exit(0);
      return;
    }
    if (p.operands.length === 0) {
      err(ctx, "setsid: no command specified\nTry 'setsid --help' for more information.\n");
      ctx.exit(1);
      return;
    }
    const state: SetsidState = { role: 'child', program: p.operands, ctty: has('c'), child: 0 };
    if (ctx.getpgrp() !== ctx.getpid() && !has('f')) {
      ctx.state = state;
      childRun(ctx);
      return;
    }
    const pid = ctx.fork({ program: 'setsid', state });
    if (isErrno(pid)) {
      err(ctx, `setsid: fork: ${errText(pid)}\n`);
      ctx.exit(1);
      return;
    }
    if (!has('w')) {
      ctx.exit(0);
      return;
    }
    ctx.state = { ...state, role: 'parent', child: pid };
    const r = ctx.wait(pid, 0);
    if (isErrno(r)) {
      err(ctx, `setsid: wait: ${errText(r)}\n`);
      ctx.exit(1);
    } else if (!('blocked' in r)) parentDone(ctx, r.status);
  },
  resume(ctx, wake) {
    if (wake.call !== 'wait') return;
    const r = wake.result;
    if (isErrno(r)) {
      err(ctx, `setsid: wait: ${errText(r)}\n`);
      ctx.exit(1);
    } else parentDone(ctx, r.status);
  },
};
