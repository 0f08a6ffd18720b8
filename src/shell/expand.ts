/**
 * Word expansion (parameters, command substitution results, arithmetic, tilde, field splitting,
 * pathname expansion) and pattern matching. Pure: everything it needs comes in an ExpandEnv.
 */
import type { Word, WordPart } from './ast.ts';
import { arithWord } from './lexer.ts';

export interface ExpandEnv {
  getVar(name: string): string | undefined;
  setVar(name: string, value: string): void;
  /** $?, $$, $!, $#, $0, $- (strings; undefined when unset, e.g. $! before any job). */
  special(name: string): string | undefined;
  readonly positional: readonly string[];
  /** Outputs of the word's command substitutions, in order; `i` is advanced as they are used. */
  readonly subs: { readonly list: readonly string[]; i: number };
  /** Directory listing for pathname expansion (null when not a directory). */
  readdir(path: string): readonly string[] | null;
  readonly cwd: string;
  /** set -u */
  readonly nounset?: boolean;
}

/** An expansion error the shell reports (and a non-interactive shell exits on). */
export class ExpandError {
  constructor(
    readonly message: string,
    /** Whether a non-interactive shell exits (e.g. ${x?}). */
    readonly fatal: boolean = true,
  ) {}
}

interface Field {
  t: string;
  /** '1' where the character came from unquoted text (active for globbing), else '0'. */
  m: string;
  exists: boolean;
}

function paramValue(env: ExpandEnv, name: string): string | undefined {
  if (/^[0-9]+$/.test(name)) {
    const n = Number(name);
    if (n === 0) return env.special('0');
    return env.positional[n - 1];
  }
  if (name === '@' || name === '*') {
    return env.positional.length === 0 ? undefined : env.positional.join(' ');
  }
  if (name === '#') return String(env.positional.length);
  if (/^[?$!-]$/.test(name)) return env.special(name);
  return env.getVar(name);
}

/** Expands a word into fields (with field splitting and pathname expansion). */
export function expandFields(word: Word, env: ExpandEnv): string[] {
  const fields: Field[] = [];
  let cur: Field = { t: '', m: '', exists: false };
  const ifs = env.getVar('IFS') ?? ' \t\n';

  const addLit = (s: string, glob: boolean): void => {
    cur.t += s;
    cur.m += (glob ? '1' : '0').repeat(s.length);
    cur.exists = true;
  };
  const endField = (): void => {
    if (cur.exists) fields.push(cur);
    cur = { t: '', m: '', exists: false };
  };
  const addSplit = (s: string): void => {
    for (const c of s) {
      if (ifs.includes(c)) {
        const ws = c === ' ' || c === '\t' || c === '\n';
        if (ws) endField();
        else {
          cur.exists = true;
          endField();
        }
      } else addLit(c, true);
    }
  };

  for (const part of word.parts) {
    switch (part.k) {
      case 'lit':
        addLit(part.v, !part.q);
        if (part.q) cur.exists = true;
        break;
      case 'tilde':
        addLit(tilde(part.user, env), false);
        break;
      case 'param': {
        if ((part.name === '@' || part.name === '*') && part.op === null) {
          const ps = env.positional;
          if (part.q && part.name === '@') {
            ps.forEach((p, i) => {
              if (i > 0) {
                cur.exists = true;
                endField();
              }
              addLit(p, false);
              cur.exists = true;
            });
          } else if (part.q) {
            addLit(ps.join(ifs.slice(0, 1)), false);
            cur.exists = true;
          } else {
            ps.forEach((p, i) => {
              if (i > 0) endField();
              addSplit(p);
            });
          }
          break;
        }
        const v = expandParam(part, env);
        if (part.q) {
          addLit(v, false);
          cur.exists = true;
        } else addSplit(v);
        break;
      }
      case 'cmdsub': {
        const out = nextSub(env).replace(/\n+$/, '');
        if (part.q) {
          addLit(out, false);
          cur.exists = true;
        } else addSplit(out);
        break;
      }
      case 'arith': {
        const v = String(evalArith(expandString(arithWord(part.src), env), env));
        if (part.q) addLit(v, false);
        else addSplit(v);
        break;
      }
    }
  }
  endField();
  const out: string[] = [];
  for (const f of fields) {
    if (hasActiveGlob(f)) {
      const matches = glob(f, env);
      if (matches.length > 0) {
        out.push(...matches);
        continue;
      }
    }
    out.push(f.t);
  }
  return out;
}

/** Expands a word to one string: no field splitting, no pathname expansion. */
export function expandString(word: Word, env: ExpandEnv): string {
  let s = '';
  for (const part of word.parts) {
    switch (part.k) {
      case 'lit':
        s += part.v;
        break;
      case 'tilde':
        s += tilde(part.user, env);
        break;
      case 'param':
        s += expandParam(part, env);
        break;
      case 'cmdsub':
        s += nextSub(env).replace(/\n+$/, '');
        break;
      case 'arith':
        s += String(evalArith(expandString(arithWord(part.src), env), env));
        break;
    }
  }
  return s;
}

/** Converts a word to a regular expression source for case patterns and ${x#pat}. */
export function expandPattern(word: Word, env: ExpandEnv): string {
  let re = '';
  for (const part of word.parts) {
    switch (part.k) {
      case 'lit':
        re += part.q ? escapeRe(part.v) : globToRe(part.v);
        break;
      case 'tilde':
        re += escapeRe(tilde(part.user, env));
        break;
      case 'param': {
        const v = expandParam(part, env);
        re += part.q ? escapeRe(v) : globToRe(v);
        break;
      }
      case 'cmdsub': {
        const v = nextSub(env).replace(/\n+$/, '');
        re += part.q ? escapeRe(v) : globToRe(v);
        break;
      }
      case 'arith':
        re += escapeRe(String(evalArith(expandString(arithWord(part.src), env), env)));
        break;
    }
  }
  return re;
}

export function patternMatches(reSource: string, text: string): boolean {
  try {
    return new RegExp(`^(?:${reSource})$`, 's').test(text);
  } catch {
    return false;
  }
}

function nextSub(env: ExpandEnv): string {
  const v = env.subs.list[env.subs.i] ?? '';
  env.subs.i++;
  return v;
}

function tilde(user: string, env: ExpandEnv): string {
  if (user === '') return env.getVar('HOME') ?? '/root';
  if (user === 'root') return '/root';
  return `~${user}`;
}

function expandParam(part: Extract<WordPart, { k: 'param' }>, env: ExpandEnv): string {
  const v = paramValue(env, part.name);
  const op = part.op;
  if (op === 'len') return String((v ?? '').length);
  if (op === null) {
    if (v === undefined && env.nounset && !/^[@*#?$!\-0]$/.test(part.name))
      throw new ExpandError(`${part.name}: parameter not set`);
    return v ?? '';
  }
  let used = false;
  const arg = (): string => {
    used = true;
    return part.arg ? expandString(part.arg, env) : '';
  };
  const r = paramOp(part, env, v, op, arg);
  // Command substitutions in an argument that was not needed are skipped, in order.
  if (!used && part.arg && !['#', '##', '%', '%%'].includes(op))
    env.subs.i += collectSubs([part.arg]).length;
  return r;
}

function paramOp(
  part: Extract<WordPart, { k: 'param' }>,
  env: ExpandEnv,
  v: string | undefined,
  op: string,
  arg: () => string,
): string {
  const colon = op.startsWith(':');
  const unsetOrNull = v === undefined || (colon && v === '');
  switch (op) {
    case '-':
    case ':-':
      return unsetOrNull ? arg() : (v ?? '');
    case '=':
    case ':=': {
      if (!unsetOrNull) return v ?? '';
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(part.name))
        throw new ExpandError(`${part.name}: cannot assign in this way`);
      const a = arg();
      env.setVar(part.name, a);
      return a;
    }
    case '+':
    case ':+':
      return unsetOrNull ? '' : arg();
    case '?':
    case ':?': {
      if (!unsetOrNull) return v ?? '';
      const msg = arg();
      throw new ExpandError(
        `${part.name}: ${msg !== '' ? msg : v === undefined ? 'parameter not set' : 'parameter null or not set'}`,
      );
    }
    case '##':
    case '#':
    case '%%':
    case '%': {
      const s = v ?? '';
      const re = part.arg ? expandPattern(part.arg, env) : '';
      return removeAffix(s, re, op);
    }
    default:
      return v ?? '';
  }
}

function removeAffix(s: string, re: string, op: string): string {
  const prefix = op.startsWith('#');
  const longest = op.length === 2;
  const n = s.length;
  if (prefix) {
    for (let k = longest ? n : 0; longest ? k >= 0 : k <= n; k += longest ? -1 : 1) {
      if (patternMatches(re, s.slice(0, k))) return s.slice(k);
    }
  } else {
    for (let k = longest ? 0 : n; longest ? k <= n : k >= 0; k += longest ? 1 : -1) {
      if (patternMatches(re, s.slice(k))) return s.slice(0, k);
    }
  }
  return s;
}

function escapeRe(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** Translates glob syntax (* ? [..] and \x) into a regular expression source. */
export function globToRe(g: string): string {
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i] ?? '';
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '\\' && i + 1 < g.length) {
      re += escapeRe(g[i + 1] ?? '');
      i++;
    } else if (c === '[') {
      const end = g.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = g.slice(i + 1, end);
      let neg = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        neg = true;
        body = body.slice(1);
      }
      body = body.replace(/[\\\]^]/g, '\\$&');
      re += `[${neg ? '^' : ''}${body}]`;
      i = end;
    } else re += escapeRe(c);
  }
  return re;
}

/**
 * Whether unquoted text is a pattern: a `*` or `?`, or a `[` that a later `]` closes. A lone
 * `[` (the test command's name) is no pattern, so no directory is read for it: bash's
 * unquoted_glob_pattern_p and dash's expmeta both require the closing bracket.
 */
function isActivePattern(t: string, m: string): boolean {
  for (let i = 0; i < t.length; i++) {
    if (m[i] !== '1') continue;
    const ch = t[i];
    if (ch === '*' || ch === '?') return true;
    if (ch === '[') {
      let j = i + 1;
      if (t[j] === '!' || t[j] === '^') j++;
      j++; // a `]` right after the opening bracket is a member, not the end
      for (; j < t.length; j++) if (t[j] === ']' && m[j] === '1') return true;
    }
  }
  return false;
}

function hasActiveGlob(f: Field): boolean {
  return isActivePattern(f.t, f.m);
}

/** Pathname expansion of one field, sorted; [] when nothing matches. */
function glob(f: Field, env: ExpandEnv): string[] {
  // Split into path components, keeping the mask in step.
  const comps: { t: string; m: string }[] = [];
  let t = '';
  let m = '';
  for (let i = 0; i < f.t.length; i++) {
    if (f.t[i] === '/') {
      comps.push({ t, m });
      t = '';
      m = '';
    } else {
      t += f.t[i];
      m += f.m[i];
    }
  }
  comps.push({ t, m });
  const absolute = f.t.startsWith('/');
  let paths: string[] = [absolute ? '/' : ''];
  const start = absolute ? 1 : 0;
  for (let ci = start; ci < comps.length; ci++) {
    const comp = comps[ci] as { t: string; m: string };
    const last = ci === comps.length - 1;
    const next: string[] = [];
    const active = isActivePattern(comp.t, comp.m);
    for (const p of paths) {
      const join = (name: string): string =>
        p === '' ? name : p.endsWith('/') ? p + name : `${p}/${name}`;
      if (!active) {
        next.push(join(comp.t));
        continue;
      }
      let re = '';
      for (let i = 0; i < comp.t.length; i++) {
        const ch = comp.t[i] ?? '';
        if (comp.m[i] === '1') {
          if (ch === '[') {
            const end = comp.t.indexOf(']', i + 2);
            if (end > 0 && comp.m.slice(i, end + 1).includes('0') === false) {
              re += globToRe(comp.t.slice(i, end + 1));
              i = end;
              continue;
            }
          }
          re += ch === '*' ? '.*' : ch === '?' ? '.' : escapeRe(ch);
        } else re += escapeRe(ch);
      }
      const dir = p === '' ? env.cwd : p;
      const entries = env.readdir(dir) ?? [];
      for (const e of entries) {
        if (e.startsWith('.') && !comp.t.startsWith('.')) continue;
        if (patternMatches(re, e)) next.push(join(e));
      }
    }
    paths = last ? next : next;
    if (paths.length === 0) return [];
  }
  return paths.sort();
}

// ---------------------------------------------------------------- arithmetic

/** Evaluates $(( )) integer arithmetic: + - * / % ** comparisons && || ! ~ ?: and names. */
export function evalArith(src: string, env: ExpandEnv): number {
  const toks = src.match(
    /\s*(\d+|[A-Za-z_][A-Za-z0-9_]*|\*\*|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%()<>!~?:&|^=])/gy,
  );
  const joined = (toks ?? []).join('');
  if (joined.trim() !== src.trim())
    throw new ExpandError(`arithmetic expression: syntax error: "${src.trim()}"`, true);
  const ts = (toks ?? []).map((t) => t.trim());
  let i = 0;
  const peek = (): string | undefined => ts[i];
  const eat = (t: string): boolean => {
    if (ts[i] === t) {
      i++;
      return true;
    }
    return false;
  };
  const fail = (): never => {
    throw new ExpandError(`arithmetic expression: expecting primary: "${src.trim()}"`, true);
  };
  const num = (v: string | undefined): number => {
    if (v === undefined || v === '') return 0;
    const n = Number(v.trim());
    return Number.isFinite(n) ? Math.trunc(n) : 0;
  };
  const primary = (): number => {
    const t = peek();
    if (t === undefined) return fail();
    if (eat('(')) {
      const v = ternary();
      if (!eat(')')) fail();
      return v;
    }
    if (eat('-')) return -primary();
    if (eat('+')) return primary();
    if (eat('!')) return primary() === 0 ? 1 : 0;
    if (eat('~')) return ~primary();
    if (/^\d+$/.test(t)) {
      i++;
      return Number(t);
    }
    if (/^[A-Za-z_]/.test(t)) {
      i++;
      if (peek() === '=' && ts[i + 1] !== '=') {
        i++;
        const v = ternary();
        env.setVar(t, String(v));
        return v;
      }
      return num(env.getVar(t));
    }
    return fail();
  };
  const power = (): number => {
    const b = primary();
    if (eat('**')) return b ** power();
    return b;
  };
  const bin =
    (next: () => number, ops: Record<string, (a: number, b: number) => number>) => (): number => {
      let v = next();
      for (;;) {
        const t = peek();
        if (t !== undefined && t in ops) {
          i++;
          const r = next();
          v = (ops[t] as (a: number, b: number) => number)(v, r);
        } else return v;
      }
    };
  const div = (a: number, b: number): number => {
    if (b === 0) throw new ExpandError('arithmetic expression: division by zero', true);
    return Math.trunc(a / b);
  };
  const mul = bin(power, {
    '*': (a, b) => a * b,
    '/': div,
    '%': (a, b) => (b === 0 ? div(a, b) : a % b),
  });
  const add = bin(mul, { '+': (a, b) => a + b, '-': (a, b) => a - b });
  const shift = bin(add, { '<<': (a, b) => a << b, '>>': (a, b) => a >> b });
  const rel = bin(shift, {
    '<': (a, b) => +(a < b),
    '>': (a, b) => +(a > b),
    '<=': (a, b) => +(a <= b),
    '>=': (a, b) => +(a >= b),
  });
  const eq = bin(rel, { '==': (a, b) => +(a === b), '!=': (a, b) => +(a !== b) });
  const band = bin(eq, { '&': (a, b) => a & b });
  const bxor = bin(band, { '^': (a, b) => a ^ b });
  const bor = bin(bxor, { '|': (a, b) => a | b });
  const land = bin(bor, { '&&': (a, b) => +(a !== 0 && b !== 0) });
  const lor = bin(land, { '||': (a, b) => +(a !== 0 || b !== 0) });
  function ternary(): number {
    const c = lor();
    if (eat('?')) {
      const a = ternary();
      if (!eat(':')) fail();
      const b = ternary();
      return c !== 0 ? a : b;
    }
    return c;
  }
  if (ts.length === 0) return 0;
  const v = ternary();
  if (i < ts.length) fail();
  return v;
}

/** Every command substitution in the words, in the order expansion will use them. */
export function collectSubs(words: readonly Word[]): string[] {
  const out: string[] = [];
  const walk = (w: Word): void => {
    for (const p of w.parts) {
      if (p.k === 'cmdsub') out.push(p.src);
      else if (p.k === 'param' && p.arg) walk(p.arg);
      // $(( $(cmd) )): the substitutions inside arithmetic run too, in the same order.
      else if (p.k === 'arith') walk(arithWord(p.src));
    }
  };
  words.forEach(walk);
  return out;
}
