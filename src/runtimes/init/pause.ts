/**
 * The Kubernetes pause container (kubernetes/kubernetes build/pause/linux/pause.c): `-v` (any
 * argument, case-insensitive) prints the version; a warning when not PID 1; handlers for
 * SIGINT/SIGTERM (psignal + exit(0)) and SIGCHLD (SA_NOCLDSTOP: reap with waitpid(-1, WNOHANG)
 * until nothing is left), then pause() forever. Every other signal keeps SIG_DFL, so as a
 * namespace init it drops them.
 */
import {
  SA_NOCLDSTOP,
  SIGCHLD,
  SIGINT,
  SIGTERM,
  WNOHANG,
  isErrno,
} from '../../kernel-sim/index.ts';
import type { Program } from '../../kernel-sim/index.ts';
import { isBlocked, strsignal, write } from './common.ts';

export const PAUSE_VERSION = 'v3.10';

interface PauseState {
  done: boolean;
}

export const pause: Program<PauseState> = {
  name: 'pause',
  start(ctx) {
    ctx.state = { done: false };
    for (const a of ctx.argv.slice(1)) {
      if (a.toLowerCase() === '-v') {
        write(ctx, 1, `pause.c ${PAUSE_VERSION}\n`);
        ctx.exit(0);
        return;
      }
    }
    if (ctx.getpid() !== 1) write(ctx, 2, 'Warning: pause should be the first process\n');
    ctx.sigaction(SIGINT, 'handler');
    ctx.sigaction(SIGTERM, 'handler');
    ctx.sigaction(SIGCHLD, 'handler', SA_NOCLDSTOP);
    ctx.pause();
  },
  resume(ctx) {
    if (!ctx.state.done) ctx.pause();
  },
  onSignal(ctx, info) {
    if (ctx.state.done) return;
    if (info.sig === SIGINT || info.sig === SIGTERM) {
      // sigdown(): psignal(signo, "Shutting down, got signal"); exit(0)
      write(ctx, 2, `Shutting down, got signal: ${strsignal(info.sig)}\n`);
      ctx.state.done = true;
      ctx.exit(0);
      return;
    }
    if (info.sig === SIGCHLD) {
      // sigreap()
      for (;;) {
        const r = ctx.wait(-1, WNOHANG);
        if (isBlocked(r) || isErrno(r) || r.pid <= 0) break;
      }
    }
  },
};
