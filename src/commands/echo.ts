/** GNU coreutils /bin/echo: -n (no newline), -e (backslash escapes), -E; options only first. */
import type { Program } from '../kernel-sim/index.ts';
import { out } from './util.ts';

/** Interprets echo -e escapes; `stop` is true when \c ended the output. */
export function echoEscapes(text: string): { text: string; stop: boolean } {
  let res = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '\\' || i + 1 >= text.length) {
      res += ch;
      continue;
    }
    const n = text[++i]!;
    const simple: Record<string, string> = {
      '\\': '\\',
      a: '\x07',
      b: '\b',
      e: '\x1b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
    };
    if (n in simple) res += simple[n];
    else if (n === 'c') return { text: res, stop: true };
    else if (n === '0') {
      const m = /^[0-7]{0,3}/.exec(text.slice(i + 1))![0];
      res += String.fromCharCode(parseInt(m || '0', 8) & 0xff);
      i += m.length;
    } else if (n === 'x' && /^[0-9a-fA-F]/.test(text.slice(i + 1))) {
      const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 1))![0];
      res += String.fromCharCode(parseInt(m, 16));
      i += m.length;
    } else res += `\\${n}`;
  }
  return { text: res, stop: false };
}

export const echo: Program<null> = {
  name: 'echo',
  start(ctx) {
    const args = ctx.argv.slice(1);
    let newline = true;
    let escapes = false;
    while (args.length && /^-[neE]+$/.test(args[0]!)) {
      for (const c of args.shift()!.slice(1)) {
        if (c === 'n') newline = false;
        else if (c === 'e') escapes = true;
        else escapes = false;
      }
    }
    let text = args.join(' ');
    if (escapes) {
      const r = echoEscapes(text);
      text = r.text;
      if (r.stop) newline = false;
    }
    out(ctx, text + (newline ? '\n' : ''));
    ctx.exit(0);
  },
};
