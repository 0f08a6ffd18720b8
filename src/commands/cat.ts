/** GNU coreutils cat: files and "-" (standard input) in order; -n numbers lines, -E marks ends. */
import type { Program } from '../kernel-sim/index.ts';
import { getopt } from './getopt.ts';
import { initInputs, pump, resumeInputs } from './inputs.ts';
import type { InputHandler, InputState } from './inputs.ts';
import { err, errText, out } from './util.ts';
import { helpRequested } from './help.ts';

interface CatState extends InputState {
  number: boolean;
  showEnds: boolean;
  line: number;
  atStart: boolean;
  status: number;
}

function decorate(s: CatState, text: string): string {
  if (!s.number && !s.showEnds) return text;
  let res = '';
  for (const ch of text) {
    if (s.atStart && s.number) res += `${String(++s.line).padStart(6)}\t`;
    s.atStart = false;
    if (ch === '\n') {
      res += s.showEnds ? '$\n' : '\n';
      s.atStart = true;
    } else res += ch;
  }
  return res;
}

const handler: InputHandler<CatState> = {
  data(ctx, _name, text) {
    out(ctx, decorate(ctx.state, text));
    return true;
  },
  error(ctx, name, e) {
    err(ctx, `cat: ${name}: ${errText(e)}\n`);
    ctx.state.status = 1;
  },
  finish(ctx) {
    ctx.exit(ctx.state.status);
  },
};

export const cat: Program<CatState> = {
  name: 'cat',
  start(ctx) {
    if (helpRequested(ctx, 'cat')) return;
    const p = getopt(ctx.argv.slice(1), [
      { key: 'n', short: 'n', long: 'number' },
      { key: 'E', short: 'E', long: 'show-ends' },
      { key: 'u', short: 'u' },
    ]);
    if (!p.ok) {
      err(ctx, `cat: ${p.error}\nTry 'cat --help' for more information.\n`);
      ctx.exit(1);
      return;
    }
    ctx.state = {
      ...initInputs(p.operands),
      number: p.opts.some((o) => o.key === 'n'),
      showEnds: p.opts.some((o) => o.key === 'E'),
      line: 0,
      atStart: true,
      status: 0,
    };
    pump(ctx, handler);
  },
  resume(ctx, wake) {
    resumeInputs(ctx, handler, wake);
  },
};
