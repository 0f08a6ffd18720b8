/** GNU coreutils wc: lines, words, bytes (-l -w -c -m), in its column format. */
import { isErrno } from '../kernel-sim/index.ts';
import type { Program } from '../kernel-sim/index.ts';
import { getopt } from './getopt.ts';
import { initInputs, pump, resumeInputs } from './inputs.ts';
import type { InputHandler, InputState } from './inputs.ts';
import { err, errText, out } from './util.ts';
import { helpRequested } from './help.ts';

export interface Counts {
  lines: number;
  words: number;
  chars: number;
  bytes: number;
}

export function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

export function countText(text: string): Counts {
  return {
    lines: (text.match(/\n/g) ?? []).length,
    words: (text.match(/\S+/g) ?? []).length,
    chars: [...text].length,
    bytes: utf8Length(text),
  };
}

export type Which = 'lines' | 'words' | 'chars' | 'bytes';

/** One output line: each selected count right-aligned to `width`, then the name. */
export function formatCounts(
  c: Counts,
  which: readonly Which[],
  width: number,
  name?: string,
): string {
  const cols = which.map((w) => String(c[w]).padStart(width));
  return cols.join(' ') + (name !== undefined ? ` ${name}` : '') + '\n';
}

/**
 * coreutils compute_number_width(): digits of the total size of the regular files, at least 7
 * when an input is not a regular file (a pipe, a terminal); 1 when only one count of one input
 * is printed.
 */
export function numberWidth(
  inputs: readonly { readonly regular: boolean; readonly size: number }[],
  countsShown: number,
): number {
  if (countsShown === 1 && inputs.length === 1) return 1;
  let min = 1;
  let total = 0;
  for (const i of inputs) {
    if (!i.regular) min = 7;
    else total += i.size;
  }
  return Math.max(min, String(total).length);
}

interface WcState extends InputState {
  which: Which[];
  width: number;
  cur: Counts;
  total: Counts;
  named: boolean;
  status: number;
}

const zero = (): Counts => ({ lines: 0, words: 0, chars: 0, bytes: 0 });

function add(a: Counts, b: Counts): void {
  a.lines += b.lines;
  a.words += b.words;
  a.chars += b.chars;
  a.bytes += b.bytes;
}

const handler: InputHandler<WcState> = {
  data(ctx, _name, text) {
    const s = ctx.state;
    const c = countText(text);
    // A word split across two reads is counted twice; reads return whole lines or files here.
    add(s.cur, c);
    return true;
  },
  end(ctx, name) {
    const s = ctx.state;
    out(ctx, formatCounts(s.cur, s.which, s.width, s.named ? name : undefined));
    add(s.total, s.cur);
    s.cur = zero();
  },
  error(ctx, name, e, when) {
    const s = ctx.state;
    err(ctx, `wc: ${name}: ${errText(e)}\n`);
    s.status = 1;
    if (when === 'open' && e === 'EISDIR') out(ctx, formatCounts(zero(), s.which, s.width, name));
  },
  finish(ctx) {
    const s = ctx.state;
    if (s.inputs.length > 1) out(ctx, formatCounts(s.total, s.which, s.width, 'total'));
    ctx.exit(s.status);
  },
};

export const wc: Program<WcState> = {
  name: 'wc',
  start(ctx) {
    if (helpRequested(ctx, 'wc')) return;
    const p = getopt(ctx.argv.slice(1), [
      { key: 'lines', short: 'l', long: 'lines' },
      { key: 'words', short: 'w', long: 'words' },
      { key: 'bytes', short: 'c', long: 'bytes' },
      { key: 'chars', short: 'm', long: 'chars' },
    ]);
    if (!p.ok) {
      err(ctx, `wc: ${p.error}\nTry 'wc --help' for more information.\n`);
      ctx.exit(1);
      return;
    }
    const order: Which[] = ['lines', 'words', 'chars', 'bytes'];
    const chosen = new Set(p.opts.map((o) => o.key as Which));
    const which = chosen.size ? order.filter((w) => chosen.has(w)) : ['lines', 'words', 'bytes'];
    const names = p.operands;
    const stats = (names.length ? names : ['-']).flatMap((n) => {
      if (n === '-') return [{ regular: false, size: 0 }];
      const st = ctx.fs.stat(n);
      if (isErrno(st)) return [];
      return [{ regular: st.type === 'file', size: st.size }];
    });
    ctx.state = {
      ...initInputs(names),
      which: which as Which[],
      width: numberWidth(stats, which.length),
      cur: zero(),
      total: zero(),
      named: names.length > 0,
      status: 0,
    };
    pump(ctx, handler);
  },
  resume(ctx, wake) {
    resumeInputs(ctx, handler, wake);
  },
};
