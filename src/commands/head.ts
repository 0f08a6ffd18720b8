/** GNU coreutils head: the first N lines (-n N, -N, default 10) of each input. */
import type { Program } from '../kernel-sim/index.ts';
import { initInputs, pump, reportAndExit, resumeInputs } from './inputs.ts';
import type { InputHandler, InputState } from './inputs.ts';
import { err, out } from './util.ts';
import { lineCountArgs } from './tail.ts';

interface HeadState extends InputState {
  count: number;
  left: number;
  headers: boolean;
  printed: number;
  status: number;
}

const label = (name: string): string => (name === '-' ? 'standard input' : name);

function header(s: HeadState, name: string): string {
  if (!s.headers) return '';
  return `${s.printed++ > 0 ? '\n' : ''}==> ${label(name)} <==\n`;
}

const handler: InputHandler<HeadState> = {
  data(ctx, name, text) {
    const s = ctx.state;
    if (s.left === s.count) out(ctx, header(s, name));
    let i = 0;
    while (s.left > 0 && i < text.length) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) {
        out(ctx, text.slice(i));
        break;
      }
      out(ctx, text.slice(i, nl + 1));
      i = nl + 1;
      s.left--;
    }
    if (s.left === 0) {
      // Done with this input: skip the rest of it.
      if (s.index === s.inputs.length - 1) return false;
      if (s.fd > 2) ctx.close(s.fd);
      s.fd = -1;
      s.index++;
      s.left = s.count;
    }
    return true;
  },
  end(ctx) {
    ctx.state.left = ctx.state.count;
  },
  ...reportAndExit<HeadState>('head'),
};

export const head: Program<HeadState> = {
  name: 'head',
  start(ctx) {
    const p = lineCountArgs('head', ctx.argv.slice(1));
    if (typeof p === 'string') {
      err(ctx, p);
      ctx.exit(1);
      return;
    }
    ctx.state = {
      ...initInputs(p.files),
      count: p.count,
      left: p.count,
      headers: p.files.length > 1 && !p.quiet,
      printed: 0,
      status: 0,
    };
    if (p.count === 0 && !ctx.state.headers) {
      ctx.exit(0);
      return;
    }
    pump(ctx, handler);
  },
  resume(ctx, wake) {
    resumeInputs(ctx, handler, wake);
  },
};
