/**
 * ImageMagick 6 `convert IN OUT`: for the conversion it runs two delegate processes (modelled as
 * Ghostscript, `gs`, each working ~3 s) and waits for them with waitpid; then writes OUT and
 * exits 0. It installs no signal handlers, so SIGTERM/SIGKILL kill it at once and its delegates
 * are orphaned: re-parented to the namespace's PID 1, they become zombies when they exit if
 * that PID 1 never reaps them.
 *
 * `gs` is the delegate: it sleeps CONVERT_DELEGATE_MS and exits 0.
 */
import { isErrno } from '../../kernel-sim/index.ts';
import type { Program, ProgramContext, WakeEvent } from '../../kernel-sim/index.ts';
import { isExecChild, runExecChild, spawnChild } from './common.ts';

export const CONVERT_DELEGATES = 2;
export const CONVERT_DELEGATE_MS = 3000;

interface ConvertState {
  role: 'convert';
  input: string;
  output: string;
  left: number;
}

function waitNext(ctx: ProgramContext<ConvertState>): void {
  for (;;) {
    if (ctx.state.left <= 0) {
      const fd = ctx.open(ctx.state.output, 'w');
      if (typeof fd === 'number') {
        ctx.write(fd, `PNG image converted from ${ctx.state.input}\n`);
        ctx.close(fd);
      }
      ctx.exit(0);
      return;
    }
    const r = ctx.wait(-1, 0);
    if ('blocked' in (r as object)) return;
    if (isErrno(r)) {
      ctx.state.left = 0;
      continue;
    }
    ctx.state.left--;
  }
}

export const convert: Program<ConvertState | null> = {
  name: 'convert',
  start(ctx) {
    if (isExecChild(ctx.state)) {
      runExecChild(ctx, ctx.state, 'convert');
      return;
    }
    const files = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
    const [input, output] = files;
    if (input === undefined || output === undefined) {
      ctx.write(
        2,
        'Version: ImageMagick 6.9.11-60 Q16 x86_64 2021-01-25 https://imagemagick.org\nUsage: convert [options ...] file [ [options ...] file ...] [options ...] file\n',
      );
      ctx.exit(1);
      return;
    }
    ctx.state = { role: 'convert', input, output, left: 0 };
    for (let i = 0; i < CONVERT_DELEGATES; i++) {
      const pid = spawnChild(ctx, 'convert', '/usr/bin/gs', [
        'gs',
        '-q',
        '-dQUIET',
        '-dSAFER',
        '-dBATCH',
        '-dNOPAUSE',
        '-sDEVICE=pngalpha',
        `-sOutputFile=/tmp/magick-${ctx.getpid()}-${i}`,
        input,
      ]);
      if (typeof pid === 'number') ctx.state.left++;
    }
    waitNext(ctx as ProgramContext<ConvertState>);
  },
  resume(ctx, wake: WakeEvent) {
    const c = ctx as ProgramContext<ConvertState>;
    if (!c.state || wake.call !== 'wait') return;
    if (wake.result === 'EINTR') {
      waitNext(c);
      return;
    }
    c.state.left = isErrno(wake.result) ? 0 : c.state.left - 1;
    waitNext(c);
  },
};

/** Ghostscript as an ImageMagick delegate: works a while, exits 0. */
export const gs: Program<null> = {
  name: 'gs',
  start(ctx) {
    ctx.sleep(CONVERT_DELEGATE_MS * 1000);
  },
  resume(ctx) {
    ctx.exit(0);
  },
};
