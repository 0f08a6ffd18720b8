/**
 * GNU grep: basic (default), extended (-E) and fixed (-F) patterns, run as JavaScript regular
 * expressions; -i -v -c -n -w -x -q -s -l -L -h -H -o -e. Exit 0 when a line matched, 1 when
 * none did, 2 on an error (unless -q matched).
 */
import type { Program } from '../kernel-sim/index.ts';
import { getopt } from './getopt.ts';
import { initInputs, pump, resumeInputs } from './inputs.ts';
import type { InputHandler, InputState } from './inputs.ts';
import { err, errText, out } from './util.ts';
import { helpRequested } from './help.ts';

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
};

/** A POSIX bracket expression starting at text[i] ('['): its JS form and where it ends. */
function bracket(text: string, i: number): { js: string; end: number } {
  let j = i + 1;
  let js = '[';
  if (text[j] === '^') {
    js += '^';
    j++;
  }
  if (text[j] === ']') {
    js += '\\]';
    j++;
  }
  while (j < text.length && text[j] !== ']') {
    const cls = /^\[:([a-z]+):\]/.exec(text.slice(j));
    if (cls && CLASSES[cls[1]!]) {
      js += CLASSES[cls[1]!];
      j += cls[0].length;
      continue;
    }
    const c = text[j]!;
    js += c === '\\' || c === '[' ? `\\${c}` : c;
    j++;
  }
  if (j >= text.length) throw new SyntaxError('Unmatched [, [^, [:, [., or [=');
  return { js: js + ']', end: j };
}

/** Translates a POSIX basic or extended regular expression to JavaScript syntax. */
export function posixToJs(pattern: string, extended: boolean): string {
  let js = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '[') {
      const b = bracket(pattern, i);
      js += b.js;
      i = b.end;
      continue;
    }
    if (c === '\\') {
      const n = pattern[++i];
      if (n === undefined) throw new SyntaxError('Trailing backslash');
      if (!extended && '(){}|+?'.includes(n)) js += n;
      else if ('<>'.includes(n)) js += '\\b';
      else if ('wWsSbB'.includes(n) || /\d/.test(n)) js += `\\${n}`;
      else js += /[a-zA-Z0-9]/.test(n) ? n : `\\${n}`;
      continue;
    }
    if (!extended && '(){}|+?'.includes(c)) js += `\\${c}`;
    else if (!extended && c === '*' && (js === '' || js === '^')) js += '\\*';
    else js += c;
  }
  return js;
}

export function buildMatcher(
  patterns: readonly string[],
  o: { fixed: boolean; extended: boolean; ignoreCase: boolean; word: boolean; line: boolean },
): RegExp {
  const alts = patterns.map((p) =>
    o.fixed ? p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : posixToJs(p, o.extended),
  );
  let body = alts.map((a) => `(?:${a})`).join('|');
  if (o.word) body = `(?<![\\w])(?:${body})(?![\\w])`;
  if (o.line) body = `^(?:${body})$`;
  return new RegExp(body, o.ignoreCase ? 'gi' : 'g');
}

interface GrepState extends InputState {
  source: string;
  flags: string;
  invert: boolean;
  count: boolean;
  number: boolean;
  quiet: boolean;
  silent: boolean;
  listMatching: boolean;
  listNonMatching: boolean;
  onlyMatching: boolean;
  withName: boolean;
  partial: string;
  lineNo: number;
  matches: number;
  anyMatch: boolean;
  error: boolean;
}

const label = (name: string): string => (name === '-' ? '(standard input)' : name);

/** Handles complete lines; returns false when grep can stop (-q matched). */
function lines(s: GrepState, name: string, text: string, write: (t: string) => void): boolean {
  const re = new RegExp(s.source, s.flags);
  for (const line of text.split('\n')) {
    s.lineNo++;
    re.lastIndex = 0;
    const hit = re.test(line) !== s.invert;
    if (!hit) continue;
    s.matches++;
    s.anyMatch = true;
    if (s.quiet) return false;
    if (s.count || s.listMatching || s.listNonMatching) continue;
    const prefix = (s.withName ? `${label(name)}:` : '') + (s.number ? `${s.lineNo}:` : '');
    if (s.onlyMatching && !s.invert) {
      re.lastIndex = 0;
      for (const m of line.matchAll(re)) if (m[0] !== '') write(`${prefix}${m[0]}\n`);
    } else write(`${prefix}${line}\n`);
  }
  return true;
}

const handler: InputHandler<GrepState> = {
  data(ctx, name, text) {
    const s = ctx.state;
    const all = s.partial + text;
    const nl = all.lastIndexOf('\n');
    if (nl < 0) {
      s.partial = all;
      return true;
    }
    s.partial = all.slice(nl + 1);
    return lines(s, name, all.slice(0, nl), (t) => out(ctx, t));
  },
  end(ctx, name) {
    const s = ctx.state;
    if (s.partial !== '') {
      const go = lines(s, name, s.partial, (t) => out(ctx, t));
      s.partial = '';
      if (!go) return;
    }
    if (s.count) out(ctx, `${s.withName ? `${label(name)}:` : ''}${s.matches}\n`);
    if (s.listMatching && s.matches > 0) out(ctx, `${label(name)}\n`);
    if (s.listNonMatching && s.matches === 0) out(ctx, `${label(name)}\n`);
    s.matches = 0;
    s.lineNo = 0;
  },
  error(ctx, name, e) {
    if (!ctx.state.silent) err(ctx, `grep: ${name}: ${errText(e)}\n`);
    ctx.state.error = true;
  },
  finish(ctx) {
    const s = ctx.state;
    if (s.quiet && s.anyMatch) ctx.exit(0);
    else ctx.exit(s.error ? 2 : s.anyMatch ? 0 : 1);
  },
};

const USAGE =
  "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n";

export const grep: Program<GrepState> = {
  name: 'grep',
  start(ctx) {
    if (helpRequested(ctx, 'grep')) return;
    const p = getopt(ctx.argv.slice(1), [
      { key: 'E', short: 'E', long: 'extended-regexp' },
      { key: 'F', short: 'F', long: 'fixed-strings' },
      { key: 'G', short: 'G', long: 'basic-regexp' },
      { key: 'e', short: 'e', long: 'regexp', arg: 'required' },
      { key: 'i', short: 'i', long: 'ignore-case' },
      { key: 'y', short: 'y' },
      { key: 'v', short: 'v', long: 'invert-match' },
      { key: 'w', short: 'w', long: 'word-regexp' },
      { key: 'x', short: 'x', long: 'line-regexp' },
      { key: 'c', short: 'c', long: 'count' },
      { key: 'n', short: 'n', long: 'line-number' },
      { key: 'q', short: 'q', long: 'quiet' },
      { key: 'q', long: 'silent' },
      { key: 's', short: 's', long: 'no-messages' },
      { key: 'l', short: 'l', long: 'files-with-matches' },
      { key: 'L', short: 'L', long: 'files-without-match' },
      { key: 'o', short: 'o', long: 'only-matching' },
      { key: 'H', short: 'H', long: 'with-filename' },
      { key: 'h', short: 'h', long: 'no-filename' },
      { key: 'color', long: 'color', arg: 'optional' },
      { key: 'color', long: 'colour', arg: 'optional' },
    ]);
    if (!p.ok) {
      err(ctx, `grep: ${p.error}\n${USAGE}`);
      ctx.exit(2);
      return;
    }
    const has = (k: string): boolean => p.opts.some((o) => o.key === k);
    const patterns = p.opts.filter((o) => o.key === 'e').map((o) => o.value ?? '');
    const operands = [...p.operands];
    if (patterns.length === 0) {
      if (operands.length === 0) {
        err(ctx, USAGE);
        ctx.exit(2);
        return;
      }
      patterns.push(...operands.shift()!.split('\n'));
    }
    const last = [...p.opts].reverse().find((o) => 'EFG'.includes(o.key) && o.key.length === 1);
    let re: RegExp;
    try {
      re = buildMatcher(patterns, {
        fixed: last?.key === 'F',
        extended: last?.key === 'E',
        ignoreCase: has('i') || has('y'),
        word: has('w'),
        line: has('x'),
      });
    } catch (e) {
      err(
        ctx,
        `grep: ${e instanceof SyntaxError && !e.message.startsWith('Invalid') ? e.message : 'Invalid regular expression'}\n`,
      );
      ctx.exit(2);
      return;
    }
    const lastName = [...p.opts].reverse().find((o) => o.key === 'H' || o.key === 'h');
    ctx.state = {
      ...initInputs(operands),
      source: re.source,
      flags: re.flags,
      invert: has('v'),
      count: has('c'),
      number: has('n'),
      quiet: has('q'),
      silent: has('s'),
      listMatching: has('l'),
      listNonMatching: has('L'),
      onlyMatching: has('o'),
      withName: lastName ? lastName.key === 'H' : operands.length > 1,
      partial: '',
      lineNo: 0,
      matches: 0,
      anyMatch: false,
      error: false,
    };
    pump(ctx, handler);
  },
  resume(ctx, wake) {
    resumeInputs(ctx, handler, wake);
  },
};
