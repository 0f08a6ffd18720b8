/** GNU coreutils tail: the last N lines (-n N, -N, -n +N from line N; default 10). */
import type { Program } from '../kernel-sim/index.ts';
import { initInputs, pump, reportAndExit, resumeInputs } from './inputs.ts';
import type { InputHandler, InputState } from './inputs.ts';
import { err, out } from './util.ts';
import { helpRequested } from './help.ts';

/** Options shared by head and tail: -n N, -nN, --lines=N, -N, -q, -v. */
export function lineCountArgs(
  prog: string,
  args: readonly string[],
): { count: number; fromStart: boolean; files: string[]; quiet: boolean } | string {
  let count = 10;
  let fromStart = false;
  let quiet = false;
  let verbose = false;
  const files: string[] = [];
  const setCount = (v: string | undefined): string | undefined => {
    const m = /^([+-]?)(\d+)$/.exec(v ?? '');
    if (!m) return `${prog}: invalid number of lines: '${v ?? ''}'\n`;
    count = Number(m[2]);
    fromStart = prog === 'tail' && m[1] === '+';
    return undefined;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    let e: string | undefined;
    if (a === '--') {
      files.push(...args.slice(i + 1));
      break;
    } else if (a === '-n' || a === '--lines') e = setCount(args[++i]);
    else if (a.startsWith('--lines=')) e = setCount(a.slice(8));
    else if (a.startsWith('-n')) e = setCount(a.slice(2));
    else if (/^-\d+$/.test(a)) e = setCount(a.slice(1));
    else if (a === '-q' || a === '--quiet' || a === '--silent') quiet = true;
    else if (a === '-v' || a === '--verbose') verbose = true;
    else if (a.startsWith('--'))
      e = `${prog}: unrecognized option '${a}'\nTry '${prog} --help' for more information.\n`;
    else if (a.startsWith('-') && a !== '-')
      e = `${prog}: invalid option -- '${a[1] ?? ''}'\nTry '${prog} --help' for more information.\n`;
    else files.push(a);
    if (e) return e;
  }
  if (verbose && files.length <= 1) files.push(...(files.length ? [] : ['-']));
  return { count, fromStart, files, quiet: quiet && !verbose };
}

interface TailState extends InputState {
  count: number;
  fromStart: boolean;
  headers: boolean;
  printed: number;
  buf: string;
  status: number;
}

const label = (name: string): string => (name === '-' ? 'standard input' : name);

/** The part of `text` tail prints. */
export function tailText(text: string, count: number, fromStart: boolean): string {
  const lines = text.split('\n');
  const trailing = text.endsWith('\n');
  if (trailing) lines.pop();
  const pick = fromStart
    ? lines.slice(Math.max(0, count - 1))
    : count === 0
      ? []
      : lines.slice(-count);
  if (pick.length === 0) return '';
  return pick.join('\n') + (trailing ? '\n' : '');
}

const handler: InputHandler<TailState> = {
  data(ctx, _name, text) {
    ctx.state.buf += text;
    return true;
  },
  end(ctx, name) {
    const s = ctx.state;
    if (s.headers) out(ctx, `${s.printed++ > 0 ? '\n' : ''}==> ${label(name)} <==\n`);
    out(ctx, tailText(s.buf, s.count, s.fromStart));
    s.buf = '';
  },
  ...reportAndExit<TailState>('tail'),
};

export const tail: Program<TailState> = {
  name: 'tail',
  start(ctx) {
    if (helpRequested(ctx, 'tail')) return;
    const p = lineCountArgs('tail', ctx.argv.slice(1));
    if (typeof p === 'string') {
      err(ctx, p);
      ctx.exit(1);
      return;
    }
    ctx.state = {
      ...initInputs(p.files),
      count: p.count,
      fromStart: p.fromStart,
      headers: p.files.length > 1 && !p.quiet,
      printed: 0,
      buf: '',
      status: 0,
    };
    pump(ctx, handler);
  },
  resume(ctx, wake) {
    resumeInputs(ctx, handler, wake);
  },
};
