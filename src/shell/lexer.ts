/**
 * The shell's lexer: turns source text into tokens on demand (words with their quoting kept as
 * parts, operators, newlines). It never throws out of `next()`: a lexical error is returned as
 * an 'error' token.
 */
import type { Word, WordPart } from './ast.ts';

export type Token =
  | {
      readonly t: 'word';
      readonly w: Word;
      readonly line: number;
      readonly start: number;
      readonly end: number;
    }
  | {
      readonly t: 'op';
      readonly v: string;
      /** For redirection operators preceded by a number (2>&1): the descriptor. */
      readonly fd: number | null;
      readonly line: number;
      readonly start: number;
      readonly end: number;
    }
  | { readonly t: 'nl'; readonly line: number; readonly start: number; readonly end: number }
  | { readonly t: 'eof'; readonly line: number; readonly start: number; readonly end: number }
  | {
      readonly t: 'error';
      readonly what: string;
      readonly line: number;
      readonly start: number;
      readonly end: number;
    };

const OPERATORS = [
  '&&',
  '||',
  ';;',
  '<<-',
  '<<',
  '>>',
  '<&',
  '>&',
  '<>',
  '>|',
  '&>',
  ';',
  '&',
  '|',
  '(',
  ')',
  '<',
  '>',
];

const META = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);
const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '$', '!', '-', '0']);

class LexError {
  constructor(readonly what: string) {}
}

export interface LexerOptions {
  /** bash understands `&>file`. */
  readonly bash?: boolean;
}

export class Lexer {
  pos: number;
  line: number;

  constructor(
    readonly src: string,
    pos = 0,
    line = 1,
    private readonly options: LexerOptions = {},
  ) {
    this.pos = pos;
    this.line = line;
  }

  next(): Token {
    this.skipBlanks();
    const start = this.pos;
    const line = this.line;
    if (this.pos >= this.src.length) return { t: 'eof', line, start, end: start };
    const c = this.src[this.pos] ?? '';
    if (c === '\n') {
      this.pos++;
      this.line++;
      return { t: 'nl', line, start, end: this.pos };
    }
    for (const op of OPERATORS) {
      if (op === '&>' && !this.options.bash) continue;
      if (this.src.startsWith(op, this.pos)) {
        this.pos += op.length;
        return { t: 'op', v: op, fd: null, line, start, end: this.pos };
      }
    }
    try {
      const w = this.readWord();
      // IO_NUMBER: digits immediately followed by a redirection operator.
      const next = this.src[this.pos];
      if ((next === '<' || next === '>') && /^\d+$/.test(w.raw) && w.raw.length < 6) {
        for (const op of OPERATORS) {
          if (op === '&>' || !/^[<>]/.test(op)) continue;
          if (this.src.startsWith(op, this.pos)) {
            this.pos += op.length;
            return { t: 'op', v: op, fd: Number(w.raw), line, start, end: this.pos };
          }
        }
      }
      return { t: 'word', w, line, start, end: this.pos };
    } catch (e) {
      if (e instanceof LexError) {
        const end = this.src.length;
        this.pos = end;
        return { t: 'error', what: e.what, line, start, end };
      }
      throw e;
    }
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.src[this.pos + 1] === '\n') {
        this.pos += 2;
        this.line++;
      } else if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      } else return;
    }
  }

  private readWord(): Word {
    const start = this.pos;
    const parts: WordPart[] = [];
    // Tilde prefix.
    if (this.src[this.pos] === '~') {
      let j = this.pos + 1;
      while (j < this.src.length && /[A-Za-z0-9_.-]/.test(this.src[j] ?? '')) j++;
      const after = this.src[j];
      if (after === undefined || after === '/' || META.has(after)) {
        parts.push({ k: 'tilde', user: this.src.slice(this.pos + 1, j) });
        this.pos = j;
      }
    }
    this.readParts(parts, (c) => META.has(c), false);
    return { parts: mergeLits(parts), raw: this.src.slice(start, this.pos) };
  }

  /** Reads word parts until `stop(c)` is true for an unquoted character (not consumed). */
  private readParts(parts: WordPart[], stop: (c: string) => boolean, dq: boolean): void {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos] ?? '';
      if (stop(c)) return;
      if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) throw new LexError("'");
        const v = this.src.slice(this.pos + 1, end);
        this.countLines(v);
        parts.push({ k: 'lit', v, q: true });
        this.pos = end + 1;
      } else if (c === '"') {
        this.pos++;
        const inner: WordPart[] = [];
        this.readDquote(inner);
        parts.push(...(inner.length === 0 ? [{ k: 'lit' as const, v: '', q: true }] : inner));
      } else if (c === '\\') {
        const n = this.src[this.pos + 1];
        if (n === undefined) {
          parts.push({ k: 'lit', v: '\\', q: false });
          this.pos++;
        } else if (n === '\n') {
          this.pos += 2;
          this.line++;
        } else {
          parts.push({ k: 'lit', v: n, q: true });
          this.pos += 2;
        }
      } else if (c === '$') {
        parts.push(this.readDollar(dq));
      } else if (c === '`') {
        parts.push({ k: 'cmdsub', src: this.readBackquote(), q: dq });
      } else {
        if (c === '\n') this.line++;
        parts.push({ k: 'lit', v: c, q: dq });
        this.pos++;
      }
    }
  }

  private readDquote(parts: WordPart[]): void {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos] ?? '';
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        if (n === '\n') {
          this.pos += 2;
          this.line++;
          continue;
        }
        if (n === '$' || n === '`' || n === '"' || n === '\\') {
          parts.push({ k: 'lit', v: n, q: true });
          this.pos += 2;
          continue;
        }
        parts.push({ k: 'lit', v: '\\', q: true });
        this.pos++;
        continue;
      }
      if (c === '$') {
        parts.push(this.readDollar(true));
        continue;
      }
      if (c === '`') {
        parts.push({ k: 'cmdsub', src: this.readBackquote(), q: true });
        continue;
      }
      if (c === '\n') this.line++;
      parts.push({ k: 'lit', v: c, q: true });
      this.pos++;
    }
    throw new LexError('"');
  }

  private readBackquote(): string {
    let j = this.pos + 1;
    let out = '';
    while (j < this.src.length) {
      const c = this.src[j] ?? '';
      if (c === '\\' && j + 1 < this.src.length) {
        const n = this.src[j + 1] ?? '';
        out += n === '`' || n === '\\' || n === '$' ? n : c + n;
        j += 2;
        continue;
      }
      if (c === '`') {
        this.countLines(out);
        this.pos = j + 1;
        return out;
      }
      out += c;
      j++;
    }
    throw new LexError('`');
  }

  private readDollar(dq: boolean): WordPart {
    const s = this.src;
    const n = s[this.pos + 1];
    if (n === '(' && s[this.pos + 2] === '(') {
      const end = findClose(s, this.pos + 3, 2);
      if (end < 0) throw new LexError('))');
      const src = s.slice(this.pos + 3, end - 1);
      this.countLines(src);
      this.pos = end + 1;
      return { k: 'arith', src, q: dq };
    }
    if (n === '(') {
      const end = findClose(s, this.pos + 2, 1);
      if (end < 0) throw new LexError(')');
      const src = s.slice(this.pos + 2, end);
      this.countLines(src);
      this.pos = end + 1;
      return { k: 'cmdsub', src, q: dq };
    }
    if (n === '{') return this.readBrace(dq);
    if (n !== undefined && /[A-Za-z_]/.test(n)) {
      let j = this.pos + 1;
      while (j < s.length && /[A-Za-z0-9_]/.test(s[j] ?? '')) j++;
      const name = s.slice(this.pos + 1, j);
      this.pos = j;
      return { k: 'param', name, op: null, arg: null, q: dq };
    }
    if (n !== undefined && (/[0-9]/.test(n) || SPECIAL_PARAMS.has(n))) {
      this.pos += 2;
      return { k: 'param', name: n, op: null, arg: null, q: dq };
    }
    this.pos++;
    return { k: 'lit', v: '$', q: dq };
  }

  private readBrace(dq: boolean): WordPart {
    const s = this.src;
    let j = this.pos + 2;
    let length = false;
    if (s[j] === '#' && s[j + 1] !== '}' && s[j + 1] !== undefined) {
      length = true;
      j++;
    }
    let name: string;
    const c = s[j] ?? '';
    if (/[A-Za-z_]/.test(c)) {
      let e = j;
      while (e < s.length && /[A-Za-z0-9_]/.test(s[e] ?? '')) e++;
      name = s.slice(j, e);
      j = e;
    } else if (/[0-9]/.test(c)) {
      let e = j;
      while (e < s.length && /[0-9]/.test(s[e] ?? '')) e++;
      name = s.slice(j, e);
      j = e;
    } else if (SPECIAL_PARAMS.has(c)) {
      name = c;
      j++;
    } else {
      if (j >= s.length) throw new LexError('}');
      throw new LexError('bad substitution');
    }
    if (length) {
      if (s[j] !== '}') throw new LexError(s.indexOf('}', j) < 0 ? '}' : 'bad substitution');
      this.pos = j + 1;
      return { k: 'param', name, op: 'len', arg: null, q: dq };
    }
    if (s[j] === '}') {
      this.pos = j + 1;
      return { k: 'param', name, op: null, arg: null, q: dq };
    }
    const ops = [':-', ':=', ':+', ':?', '##', '%%', '-', '=', '+', '?', '#', '%'];
    const op = ops.find((o) => s.startsWith(o, j));
    if (op === undefined) {
      throw new LexError(s.indexOf('}', j) < 0 ? '}' : 'bad substitution');
    }
    this.pos = j + op.length;
    const argParts: WordPart[] = [];
    const argStart = this.pos;
    this.readArgParts(argParts, dq);
    if (s[this.pos] !== '}') throw new LexError('}');
    const raw = s.slice(argStart, this.pos);
    this.pos++;
    return { k: 'param', name, op, arg: { parts: mergeLits(argParts), raw }, q: dq };
  }

  /** The word inside ${x:-word}: quotes nest, stops at the matching unquoted }. */
  private readArgParts(parts: WordPart[], dq: boolean): void {
    if (dq) {
      // Inside double quotes, the argument is read as double-quoted text up to }.
      while (this.pos < this.src.length) {
        const c = this.src[this.pos] ?? '';
        if (c === '}') return;
        if (c === '\\') {
          const n = this.src[this.pos + 1] ?? '';
          parts.push({ k: 'lit', v: '$`"\\}'.includes(n) ? n : '\\' + n, q: true });
          this.pos += 2;
        } else if (c === '$') parts.push(this.readDollar(true));
        else if (c === '`') parts.push({ k: 'cmdsub', src: this.readBackquote(), q: true });
        else if (c === '"') {
          this.pos++;
          this.readDquote(parts);
        } else {
          parts.push({ k: 'lit', v: c, q: true });
          this.pos++;
        }
      }
      return;
    }
    this.readParts(parts, (c) => c === '}', false);
  }

  /**
   * The inside of `$(( ))` as a word: parameter expansions (`$x`, `${x:-w}`), command
   * substitutions (`$(cmd)`, backquotes) and nested `$(( ))` are expanded before the expression
   * is evaluated (POSIX 2.6.4: "as if it were in double-quotes"; bash's and dash's expand_arith
   * expand the text first), so `$(( $(echo 3) + 1 ))` is 4. Everything else is literal text.
   */
  readArith(): Word {
    const parts: WordPart[] = [];
    const start = this.pos;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos] ?? '';
      if (c === '\\' && /[$`\\]/.test(this.src[this.pos + 1] ?? '')) {
        parts.push({ k: 'lit', v: this.src[this.pos + 1] ?? '', q: true });
        this.pos += 2;
      } else if (c === '$') parts.push(this.readDollar(true));
      else if (c === '`') parts.push({ k: 'cmdsub', src: this.readBackquote(), q: true });
      else {
        parts.push({ k: 'lit', v: c, q: true });
        this.pos++;
      }
    }
    return { parts: mergeLits(parts), raw: this.src.slice(start) };
  }

  private countLines(text: string): void {
    for (const ch of text) if (ch === '\n') this.line++;
  }
}

/** Index of the `)` closing a $( … ) (depth 1) or the first `)` of `))` (depth 2), or -1. */
function findClose(s: string, from: number, depth: number): number {
  let d = depth;
  let j = from;
  while (j < s.length) {
    const c = s[j];
    if (c === '\\') {
      j += 2;
      continue;
    }
    if (c === "'") {
      const e = s.indexOf("'", j + 1);
      if (e < 0) return -1;
      j = e + 1;
      continue;
    }
    if (c === '"') {
      j++;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      j++;
      continue;
    }
    if (c === '(') d++;
    else if (c === ')') {
      d--;
      if (d === 0) return j;
    }
    j++;
  }
  return -1;
}

function mergeLits(parts: WordPart[]): WordPart[] {
  const out: WordPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.k === 'lit' && last?.k === 'lit' && last.q === p.q) {
      out[out.length - 1] = { k: 'lit', v: last.v + p.v, q: p.q };
    } else out.push(p);
  }
  return out;
}

/**
 * The word inside `$(( src ))` (see `Lexer.readArith`); text that does not lex (an unclosed
 * `$(`) stays literal, and the evaluator reports it as a syntax error.
 */
export function arithWord(src: string): Word {
  try {
    return new Lexer(src).readArith();
  } catch (e) {
    if (e instanceof LexError) return { parts: [{ k: 'lit', v: src, q: true }], raw: src };
    throw e;
  }
}

// Exported for tests.
export { LexError };
