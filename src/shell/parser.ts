/**
 * A recursive-descent parser for POSIX sh (plus the bits of bash the lab needs). It parses one
 * complete command (a line, or several when a compound command spans lines) at a time, as dash
 * and bash do, so `echo a; if` fails before anything runs but `echo a\nif` prints `a` first.
 * It never throws: errors come back as a SyntaxError value.
 */
import type { Assign, ListItem, Node, Redir, RedirOp, SyntaxError, Word } from './ast.ts';
import { Lexer, type Token } from './lexer.ts';

export interface ParseOptions {
  readonly bash?: boolean;
}

export type ParseStep =
  | {
      readonly ok: true;
      /** null at end of input. */
      readonly node: Node | null;
      /** Where the next complete command starts. */
      readonly pos: number;
      readonly line: number;
      /** Nothing but blanks, comments and newlines follows. */
      readonly atEnd: boolean;
    }
  | { readonly ok: false; readonly error: SyntaxError };

class ParseFail {
  constructor(readonly error: SyntaxError) {}
}

const CLOSERS = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);
const REDIR_OPS = new Set(['>', '>>', '<', '>&', '<&', '<>', '>|', '&>', '<<', '<<-']);
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses the complete command starting at `pos`. */
export function parseNext(src: string, pos = 0, line = 1, options: ParseOptions = {}): ParseStep {
  const p = new Parser(src, pos, line, options);
  try {
    return p.completeCommand();
  } catch (e) {
    if (e instanceof ParseFail) return { ok: false, error: e.error };
    // A bug in the parser must not take the shell down: report it as a syntax error.
    return {
      ok: false,
      error: { kind: 'unsupported', what: 'internal parser error', line: p.lineNow() },
    };
  }
}

/** Parses a whole program into one list node (null when empty). */
export function parseProgram(
  src: string,
  options: ParseOptions = {},
): { ok: true; node: Node | null } | { ok: false; error: SyntaxError } {
  const items: ListItem[] = [];
  let pos = 0;
  let line = 1;
  for (;;) {
    const r = parseNext(src, pos, line, options);
    if (!r.ok) return r;
    if (r.node === null) break;
    items.push({ node: r.node, bg: false, src: '' });
    pos = r.pos;
    line = r.line;
  }
  if (items.length === 0) return { ok: true, node: null };
  if (items.length === 1) return { ok: true, node: items[0]?.node ?? null };
  return { ok: true, node: { t: 'list', items } };
}

class Parser {
  private readonly lx: Lexer;
  private peeked: Token | null = null;

  constructor(
    private readonly src: string,
    pos: number,
    line: number,
    private readonly options: ParseOptions,
  ) {
    this.lx = new Lexer(src, pos, line, { bash: options.bash ?? false });
  }

  lineNow(): number {
    return this.peeked?.line ?? this.lx.line;
  }

  private peek(): Token {
    this.peeked ??= this.lx.next();
    return this.peeked;
  }

  private take(): Token {
    const t = this.peek();
    this.peeked = null;
    return t;
  }

  private isWord(t: Token, w: string): boolean {
    return t.t === 'word' && t.w.raw === w;
  }

  private isOp(t: Token, v: string): boolean {
    return t.t === 'op' && t.v === v;
  }

  private fail(t: Token, expecting: string | null = null): never {
    if (t.t === 'error') {
      if (t.what === 'bad substitution')
        throw new ParseFail({ kind: 'unsupported', what: 'Bad substitution', line: t.line });
      throw new ParseFail({ kind: 'unterminated', what: t.what, line: t.line });
    }
    const token =
      t.t === 'eof' ? null : t.t === 'nl' ? 'newline' : t.t === 'op' ? opText(t) : t.w.raw;
    throw new ParseFail({ kind: 'unexpected', token, expecting, line: t.line });
  }

  private linebreak(): void {
    while (this.peek().t === 'nl') this.take();
  }

  private expectWord(w: string): void {
    const t = this.peek();
    if (!this.isWord(t, w)) this.fail(t, `"${w}"`);
    this.take();
  }

  private expectOp(v: string): void {
    const t = this.peek();
    if (!this.isOp(t, v)) this.fail(t, `"${v}"`);
    this.take();
  }

  completeCommand(): ParseStep {
    this.linebreak();
    const first = this.peek();
    if (first.t === 'eof')
      return { ok: true, node: null, pos: first.start, line: first.line, atEnd: true };
    const node = this.list(true);
    const end = this.peek();
    if (end.t !== 'nl' && end.t !== 'eof') this.fail(end);
    this.take();
    const pos = end.end;
    const line = this.lx.line;
    const rest = new Lexer(this.src, pos, line, { bash: this.options.bash ?? false });
    let atEnd: boolean;
    for (;;) {
      const t = rest.next();
      if (t.t === 'nl') continue;
      atEnd = t.t === 'eof';
      break;
    }
    return { ok: true, node, pos, line, atEnd };
  }

  /** Does the next token start a command (as opposed to ending a list)? */
  private startsCommand(): boolean {
    const t = this.peek();
    if (t.t === 'word') return !CLOSERS.has(t.w.raw);
    if (t.t === 'op') return t.v === '(' || REDIR_OPS.has(t.v);
    return t.t === 'error';
  }

  /**
   * A list of and-or lists separated by ; & (and newlines unless `top`). At the top level a
   * newline ends the complete command.
   */
  private list(top: boolean, expecting: string | null = null): Node {
    if (!top) this.linebreak();
    const items: ListItem[] = [];
    for (;;) {
      if (!this.startsCommand()) {
        const t = this.peek();
        this.fail(t, t.t === 'eof' ? expecting : null);
      }
      const startTok = this.peek();
      const node = this.andOr();
      const endPos = this.peekEndOfPrev();
      const sep = this.peek();
      const bg = this.isOp(sep, '&');
      items.push({ node, bg, src: this.src.slice(startTok.start, endPos).trim() });
      if (this.isOp(sep, ';') || bg) {
        this.take();
        if (top) {
          if (this.peek().t === 'nl' || this.peek().t === 'eof') break;
        } else this.linebreak();
        if (!this.startsCommand()) break;
        continue;
      }
      if (!top && sep.t === 'nl') {
        this.linebreak();
        if (!this.startsCommand()) break;
        continue;
      }
      break;
    }
    if (items.length === 1 && !items[0]?.bg) return items[0]?.node as Node;
    return { t: 'list', items };
  }

  /** Start of the token after the last one consumed (used to cut source text). */
  private peekEndOfPrev(): number {
    return this.peek().start;
  }

  private andOr(): Node {
    let left = this.pipeline();
    for (;;) {
      const t = this.peek();
      if (this.isOp(t, '&&') || this.isOp(t, '||')) {
        this.take();
        this.linebreak();
        const right = this.pipeline();
        left = { t: 'andor', op: (t as { v: '&&' | '||' }).v, left, right };
      } else return left;
    }
  }

  private pipeline(): Node {
    let bang = false;
    if (this.isWord(this.peek(), '!')) {
      this.take();
      bang = true;
    }
    const cmds: Node[] = [this.command()];
    while (this.isOp(this.peek(), '|')) {
      this.take();
      this.linebreak();
      cmds.push(this.command());
    }
    if (cmds.length === 1 && !bang) return cmds[0] as Node;
    return { t: 'pipeline', cmds, bang };
  }

  private command(): Node {
    const t = this.peek();
    if (t.t === 'op' && t.v === '(') {
      this.take();
      const body = this.list(false, '")"');
      this.expectOp(')');
      return { t: 'subshell', body, redirs: this.redirs() };
    }
    if (t.t === 'word') {
      switch (t.w.raw) {
        case '{': {
          this.take();
          const body = this.list(false, '"}"');
          this.expectWord('}');
          return { t: 'group', body, redirs: this.redirs() };
        }
        case 'if':
          return this.ifClause();
        case 'while':
        case 'until':
          return this.loop(t.w.raw === 'until');
        case 'for':
          return this.forClause();
        case 'case':
          return this.caseClause();
        case 'function':
          if (this.options.bash) return this.bashFunction();
          break;
        default:
          if (CLOSERS.has(t.w.raw)) this.fail(t);
      }
    }
    return this.simple();
  }

  private ifClause(): Node {
    const start = this.take();
    const clauses: { cond: Node; body: Node }[] = [];
    let elseBody: Node | null = null;
    const cond = this.list(false, '"then"');
    this.expectWord('then');
    clauses.push({ cond, body: this.list(false, '"fi"') });
    for (;;) {
      const t = this.peek();
      if (this.isWord(t, 'elif')) {
        this.take();
        const c = this.list(false, '"then"');
        this.expectWord('then');
        clauses.push({ cond: c, body: this.list(false, '"fi"') });
      } else if (this.isWord(t, 'else')) {
        this.take();
        elseBody = this.list(false, '"fi"');
        this.expectWord('fi');
        break;
      } else {
        this.expectWord('fi');
        break;
      }
    }
    void start;
    return { t: 'if', clauses, else: elseBody, redirs: this.redirs() };
  }

  private loop(until: boolean): Node {
    this.take();
    const cond = this.list(false, '"do"');
    this.expectWord('do');
    const body = this.list(false, '"done"');
    this.expectWord('done');
    return { t: 'loop', until, cond, body, redirs: this.redirs() };
  }

  private forClause(): Node {
    this.take();
    const nameTok = this.take();
    if (nameTok.t !== 'word' || !NAME_RE.test(nameTok.w.raw)) {
      if (nameTok.t === 'word')
        throw new ParseFail({
          kind: 'unsupported',
          what: `Bad for loop variable`,
          line: nameTok.line,
        });
      this.fail(nameTok);
    }
    const name = nameTok.w.raw;
    let items: Word[] | null = null;
    this.linebreak();
    if (this.isWord(this.peek(), 'in')) {
      this.take();
      items = [];
      for (;;) {
        const t = this.peek();
        if (t.t === 'word') {
          items.push(t.w);
          this.take();
        } else break;
      }
      const sep = this.peek();
      if (this.isOp(sep, ';') || sep.t === 'nl') this.take();
      else this.fail(sep, '"do"');
      this.linebreak();
    } else if (this.isOp(this.peek(), ';')) {
      this.take();
      this.linebreak();
    }
    this.expectWord('do');
    const body = this.list(false, '"done"');
    this.expectWord('done');
    return { t: 'for', name, items, body, redirs: this.redirs() };
  }

  private caseClause(): Node {
    this.take();
    const wt = this.take();
    if (wt.t !== 'word') this.fail(wt);
    const word = wt.w;
    this.linebreak();
    this.expectWord('in');
    this.linebreak();
    const arms: { patterns: Word[]; body: Node | null }[] = [];
    for (;;) {
      const t = this.peek();
      if (this.isWord(t, 'esac')) break;
      if (this.isOp(t, '(')) this.take();
      const patterns: Word[] = [];
      for (;;) {
        const pt = this.take();
        if (pt.t !== 'word') this.fail(pt);
        patterns.push(pt.w);
        if (this.isOp(this.peek(), '|')) {
          this.take();
          continue;
        }
        break;
      }
      this.expectOp(')');
      this.linebreak();
      let body: Node | null = null;
      const nt = this.peek();
      if (!this.isOp(nt, ';;') && !this.isWord(nt, 'esac')) body = this.list(false, '"esac"');
      arms.push({ patterns, body });
      const end = this.peek();
      if (this.isOp(end, ';;')) {
        this.take();
        this.linebreak();
        continue;
      }
      if (this.isWord(end, 'esac')) break;
      this.fail(end, '"esac"');
    }
    this.expectWord('esac');
    return { t: 'case', word, arms, redirs: this.redirs() };
  }

  private bashFunction(): Node {
    this.take();
    const nt = this.take();
    if (nt.t !== 'word') this.fail(nt);
    if (this.isOp(this.peek(), '(')) {
      this.take();
      this.expectOp(')');
    }
    return this.functionBody(nt.w.raw, nt.start);
  }

  private functionBody(name: string, start: number): Node {
    this.linebreak();
    const t = this.peek();
    const compound =
      (t.t === 'op' && t.v === '(') ||
      (t.t === 'word' && ['{', 'if', 'while', 'until', 'for', 'case'].includes(t.w.raw));
    if (!compound) this.fail(t);
    const body = this.command();
    const src = this.src.slice(start, this.peek().start).trim();
    return { t: 'func', name, body, src };
  }

  private redirs(): Redir[] {
    const out: Redir[] = [];
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && REDIR_OPS.has(t.v)) out.push(this.redir());
      else return out;
    }
  }

  private redir(): Redir {
    const t = this.take();
    if (t.t !== 'op') this.fail(t);
    if (t.v === '<<' || t.v === '<<-')
      throw new ParseFail({
        kind: 'unsupported',
        what: 'here-documents (<<) are not supported in this lab',
        line: t.line,
      });
    const target = this.take();
    if (target.t !== 'word') this.fail(target);
    const op = t.v as RedirOp;
    const fd = t.fd ?? (op === '<' || op === '<&' || op === '<>' ? 0 : 1);
    return { fd, op, target: target.w };
  }

  private simple(): Node {
    const first = this.peek();
    const assigns: Assign[] = [];
    const words: Word[] = [];
    const redirs: Redir[] = [];
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && REDIR_OPS.has(t.v)) {
        redirs.push(this.redir());
        continue;
      }
      if (t.t === 'error') this.fail(t);
      if (t.t !== 'word') break;
      if (words.length === 0) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(t.w.raw);
        const p0 = t.w.parts[0];
        if (m && p0?.k === 'lit' && !p0.q && p0.v.startsWith(`${m[1]}=`)) {
          this.take();
          const name = m[1] as string;
          const rest = p0.v.slice(name.length + 1);
          const parts = [
            ...(rest === '' ? [] : [{ k: 'lit' as const, v: rest, q: false }]),
            ...t.w.parts.slice(1),
          ];
          assigns.push({ name, value: { parts, raw: t.w.raw.slice(name.length + 1) } });
          continue;
        }
      }
      this.take();
      words.push(t.w);
      if (words.length === 1 && assigns.length === 0 && redirs.length === 0) {
        if (this.isOp(this.peek(), '(')) {
          this.take();
          const close = this.peek();
          if (!this.isOp(close, ')')) this.fail(close);
          this.take();
          if (!NAME_RE.test(t.w.raw) && !/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(t.w.raw))
            this.fail(close);
          return this.functionBody(t.w.raw, t.start);
        }
      }
    }
    if (words.length === 0 && assigns.length === 0 && redirs.length === 0) this.fail(first);
    return { t: 'simple', assigns, words, redirs, line: first.line };
  }
}

function opText(t: { v: string; fd: number | null }): string {
  return t.fd === null ? t.v : `${t.fd}${t.v}`;
}

/** Is the word in a command position a reserved word that would start a compound command? */
export function isReservedWord(w: string): boolean {
  return (
    [
      'if',
      'then',
      'else',
      'elif',
      'fi',
      'do',
      'done',
      'case',
      'esac',
      'while',
      'until',
      'for',
    ].includes(w) ||
    w === '{' ||
    w === '}' ||
    w === '!' ||
    w === 'in'
  );
}
