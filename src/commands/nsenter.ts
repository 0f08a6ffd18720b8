/**
 * util-linux 2.38.1 nsenter: --target/-t PID with --pid/-p and --mount/-m (-a: all; the other
 * namespace flags are accepted and do nothing). After setns it forks when the PID namespace
 * changed (so the child is inside it; -F: no fork, --fork forces it); the parent waits
 * (following a stopped child with WUNTRACED) and exits with the child's status, or kills
 * itself with the child's signal. The program defaults to $SHELL (or /bin/sh).
 */
import { SIGCONT, SIGSTOP, WUNTRACED, isErrno, wifstopped } from '../kernel-sim/index.ts';
import type { Program, ProgramContext } from '../kernel-sim/index.ts';
import { getopt } from './getopt.ts';
import { RERAISE_TAG, reraise, wexitstatus, wifexited, wifsignaled, wtermsig } from './reraise.ts';
import { err, errText, execShell, execvp } from './util.ts';
import { helpRequested } from './help.ts';

interface NsenterState {
  role: 'parent' | 'child';
  program: string[];
  child: number;
}

const TRY = "Try 'nsenter --help' for more information.\n";

function execProgram(ctx: ProgramContext<NsenterState>, program: readonly string[]): void {
  if (program.length === 0) {
    const r = execShell(ctx);
    if (r.error === 0) return;
    err(ctx, `nsenter: failed to execute ${r.shell}: ${errText(r.error)}\n`);
    ctx.exit(r.error === 'ENOENT' ? 127 : 126);
    return;
  }
  const e = execvp(ctx, program[0]!, program);
  if (e === 0) return;
  err(ctx, `nsenter: failed to execute ${program[0]!}: ${errText(e)}\n`);
  ctx.exit(e === 'ENOENT' ? 127 : 126);
}

function waitChild(ctx: ProgramContext<NsenterState>): void {
  const r = ctx.wait(ctx.state.child, WUNTRACED);
  if (isErrno(r)) ctx.exit(1);
  else if (!('blocked' in r)) handleStatus(ctx, r.status);
}

function handleStatus(ctx: ProgramContext<NsenterState>, status: number): void {
  if (wifstopped(status)) {
    // The child suspended, so suspend too; continue it when we are continued.
    ctx.kill(ctx.getpid(), SIGSTOP);
    ctx.setTimer(0, 'continued');
    return;
  }
  if (wifexited(status)) ctx.exit(wexitstatus(status));
  else if (wifsignaled(status)) reraise(ctx, wtermsig(status), false);
  else ctx.exit(1);
}

export const nsenter: Program<NsenterState> = {
  name: 'nsenter',
  start(ctx) {
    if (helpRequested(ctx, 'nsenter')) return;
    if (ctx.state?.role === 'child') {
      execProgram(ctx, ctx.state.program);
      return;
    }
    const p = getopt(
      ctx.argv.slice(1),
      [
        { key: 'target', short: 't', long: 'target', arg: 'required' },
        { key: 'all', short: 'a', long: 'all' },
        { key: 'pid', short: 'p', long: 'pid', arg: 'optional' },
        { key: 'mount', short: 'm', long: 'mount', arg: 'optional' },
        { key: 'uts', short: 'u', long: 'uts', arg: 'optional' },
        { key: 'ipc', short: 'i', long: 'ipc', arg: 'optional' },
        { key: 'net', short: 'n', long: 'net', arg: 'optional' },
        { key: 'user', short: 'U', long: 'user', arg: 'optional' },
        { key: 'cgroup', short: 'C', long: 'cgroup', arg: 'optional' },
        { key: 'time', short: 'T', long: 'time', arg: 'optional' },
        { key: 'no-fork', short: 'F', long: 'no-fork' },
        { key: 'preserve', long: 'preserve-credentials' },
        { key: 'root', short: 'r', long: 'root', arg: 'optional' },
        { key: 'wd', short: 'w', long: 'wd', arg: 'optional' },
        { key: 'version', short: 'V', long: 'version' },
      ],
      true,
    );
    if (!p.ok) {
      err(ctx, `nsenter: ${p.error}\n${TRY}`);
      ctx.exit(1);
      return;
    }
    const has = (k: string): boolean => p.opts.some((o) => o.key === k);
    if (has('version')) {
      ctx.write(1, 'nsenter from util-linux 2.38.1\n');
      ctx.exit(0);
      return;
    }
    const targetText = p.opts.filter((o) => o.key === 'target').pop()?.value;
    if (targetText !== undefined && !/^\d+$/.test(targetText)) {
      err(ctx, `nsenter: failed to parse pid: '${targetText}'\n`);
      ctx.exit(1);
      return;
    }
    const target = targetText === undefined ? undefined : Number(targetText);
    const nsKeys = ['user', 'cgroup', 'ipc', 'uts', 'net', 'pid', 'mount', 'time'];
    const wanted = nsKeys.filter((k) => has(k) || has('all'));
    if (wanted.length === 0 && !has('root') && !has('wd')) {
      err(ctx, `nsenter: no namespace specified\n${TRY}`);
      ctx.exit(1);
      return;
    }
    if (target === undefined) {
      const first = wanted[0] === 'mount' ? 'mnt' : (wanted[0] ?? 'pid');
      err(ctx, `nsenter: neither filename nor target pid supplied for ns/${first}\n`);
      ctx.exit(1);
      return;
    }
    // Open the namespace files of the target first (through the caller's /proc).
    if (!ctx.proc.get(target)) {
      const first = wanted[0] === 'mount' ? 'mnt' : (wanted[0] ?? 'pid');
      err(ctx, `nsenter: cannot open /proc/${target}/ns/${first}: No such file or directory\n`);
      ctx.exit(1);
      return;
    }
    const wantPid = wanted.includes('pid');
    if (wantPid) {
      const r = ctx.setnsPid(target);
      if (r !== 0) {
        err(ctx, `nsenter: reassociate to namespace 'ns/pid' failed: ${errText(r)}\n`);
        ctx.exit(1);
        return;
      }
    }
    if (wanted.includes('mount')) {
      const r = ctx.setnsMount(target);
      if (r !== 0) {
        err(ctx, `nsenter: reassociate to namespace 'ns/mnt' failed: ${errText(r)}\n`);
        ctx.exit(1);
        return;
      }
    }
    if (has('no-fork') || !wantPid) {
      execProgram(ctx, p.operands);
      return;
    }
    ctx.sigaction(17, 'default');
    const state: NsenterState = { role: 'child', program: p.operands, child: 0 };
    const pid = ctx.fork({ program: 'nsenter', state });
    if (isErrno(pid)) {
      err(ctx, `nsenter: fork failed: ${errText(pid)}\n`);
      ctx.exit(1);
      return;
    }
    ctx.state = { ...state, role: 'parent', child: pid };
    waitChild(ctx);
  },
  resume(ctx, wake) {
    if (wake.call !== 'wait') return;
    const r = wake.result;
    if (r === 'EINTR') waitChild(ctx);
    else if (isErrno(r)) ctx.exit(1);
    else handleStatus(ctx, r.status);
  },
  onTimer(ctx, tag) {
    if (tag === 'continued') {
      ctx.kill(ctx.state.child, SIGCONT);
      waitChild(ctx);
    } else if (tag === RERAISE_TAG) ctx.exit(1);
  },
};
