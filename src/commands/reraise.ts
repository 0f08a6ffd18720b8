/**
 * Dying of the signal a child died of, as util-linux and coreutils tools do: reset the
 * disposition, unblock it, kill(getpid(), sig). The kill is delivered after the current step;
 * a 0-µs timer catches the impossible case that the process is still alive afterwards.
 */
import {
  WNOHANG,
  sigSetOf,
  wexitstatus,
  wifexited,
  wifsignaled,
  wtermsig,
} from '../kernel-sim/index.ts';
import type { ProgramContext } from '../kernel-sim/index.ts';

export const RERAISE_TAG = 'reraise-fallback';

/** Returns false when resetting the disposition failed (SIGKILL, SIGSTOP: EINVAL). */
export function reraise(ctx: ProgramContext<unknown>, sig: number, reset = true): boolean {
  if (reset) {
    if (ctx.sigaction(sig, 'default') !== 0) return false;
    ctx.sigprocmask('unblock', sigSetOf(sig));
  }
  ctx.kill(ctx.getpid(), sig);
  ctx.setTimer(0, RERAISE_TAG);
  return true;
}

export { WNOHANG, wexitstatus, wifexited, wifsignaled, wtermsig };
