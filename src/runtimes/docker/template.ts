/**
 * The Go text/template subset `docker ps --format` uses, as the docker 24 CLI runs it
 * (cli/command/container/list.go, cli/command/formatter/{formatter,container}.go,
 * templates/templates.go). Strict and data only: a template is text and `{{ }}` actions; an
 * action is a pipeline of commands (`.Field`, `.Label "key"`, `.` and the CLI's functions json,
 * upper, lower, title, split, join, pad, truncate, and Go's println, with string and number literals,
 * joined by `|`); `{{- ` and ` -}}` trim the spaces around; `{{/* comment *\/}}`. Field chains
 * (`.ID.Foo`) are evaluated as Go does (a string has no fields). Nothing else of Go templates
 * (if, range, with, variables, parentheses, Go's other functions) is understood: such a template is refused with a
 * message saying so, never run.
 *
 * Errors are worded as text/template words them (`template: :LINE:COL: executing "" at <.Foo>:
 * can't evaluate field Foo in type *formatter.ContainerContext`, `template: :1: function "foo"
 * not defined`, `template: :1: unclosed action`).
 */

/** What a template can reach: the methods of the Go value it runs on. */
export interface TemplateData {
  /** The Go type, for error messages: `*formatter.ContainerContext`. */
  readonly typeName: string;
  /** Methods without arguments (or map keys): name → value. */
  readonly fields: Readonly<Record<string, string>>;
  /** Methods with one string argument (`.Label "key"`). */
  readonly methods1: Readonly<Record<string, (arg: string) => string>>;
  /** A map (the table header): a missing key is `<no value>`, a key takes no arguments. */
  readonly isMap?: boolean;
  /** `{{json .}}`: the value's MarshalJSON. */
  json(): string;
}

type Operand =
  | { readonly k: 'field'; readonly path: readonly string[]; readonly pos: number }
  | { readonly k: 'dot'; readonly pos: number }
  | { readonly k: 'str'; readonly v: string; readonly pos: number; readonly raw: string }
  | { readonly k: 'num'; readonly v: number; readonly pos: number; readonly raw: string }
  | { readonly k: 'fn'; readonly name: string; readonly pos: number };

type TplNode =
  | { readonly k: 'text'; readonly v: string }
  | { readonly k: 'action'; readonly pipe: readonly (readonly Operand[])[]; readonly line: number };

export interface Template {
  readonly nodes: readonly TplNode[];
}

export class TemplateError {
  constructor(readonly message: string) {}
}

type Value = string | readonly string[] | { readonly dot: TemplateData };

const FUNCTIONS: Readonly<Record<string, number | 'variadic'>> = {
  json: 1,
  split: 2,
  join: 2,
  title: 1,
  lower: 1,
  upper: 1,
  pad: 3,
  truncate: 2,
  println: 'variadic',
};

/** templates.HeaderFunctions: in a table's header these return their first argument. */
const HEADER_IDENTITY = new Set(['json', 'split', 'join', 'title', 'lower', 'upper', 'truncate']);

/** Go's own template functions, which the lab does not model (println aside). */
const GO_BUILTINS = new Set([
  'and',
  'call',
  'html',
  'index',
  'slice',
  'js',
  'len',
  'not',
  'or',
  'print',
  'printf',
  'urlquery',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
]);

const KEYWORDS = new Set([
  'if',
  'else',
  'end',
  'range',
  'with',
  'define',
  'template',
  'block',
  'break',
  'continue',
  'nil',
  'true',
  'false',
]);

const lineAt = (src: string, pos: number): number =>
  1 + (src.slice(0, pos).match(/\n/g)?.length ?? 0);

/** Parses a template (text/template's parse errors: `template: :LINE: ...`). */
export function parseTemplate(src: string): Template | TemplateError {
  const nodes: TplNode[] = [];
  let i = 0;
  let text = '';
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      text += src.slice(i);
      break;
    }
    text += src.slice(i, open);
    let j = open + 2;
    let trimLeft = false;
    if (src[j] === '-' && /[ \t\r\n]/.test(src[j + 1] ?? '')) {
      trimLeft = true;
      j += 2;
    }
    // The closing }} outside quotes.
    let close = -1;
    for (let q = j; q < src.length; q++) {
      const c = src[q];
      if (c === '"') {
        q++;
        while (q < src.length && src[q] !== '"') q += src[q] === '\\' ? 2 : 1;
      } else if (c === '`') {
        const e = src.indexOf('`', q + 1);
        if (e < 0) break;
        q = e;
      } else if (src.startsWith('}}', q)) {
        close = q;
        break;
      }
    }
    const line = lineAt(src, open);
    if (close < 0) return new TemplateError(`template: :${line}: unclosed action`);
    let end = close;
    let trimRight = false;
    if (src[close - 1] === '-' && /[ \t\r\n]/.test(src[close - 2] ?? '') && close - 2 >= j) {
      trimRight = true;
      end = close - 2;
    }
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
    if (text) nodes.push({ k: 'text', v: text });
    text = '';
    const inner = src.slice(j, end);
    if (!/^\s*\/\*[\s\S]*\*\/\s*$/.test(inner)) {
      const pipe = parseAction(src, j, end, line);
      if (pipe instanceof TemplateError) return pipe;
      nodes.push({ k: 'action', pipe, line });
    }
    i = close + 2;
    if (trimRight) {
      while (i < src.length && /[ \t\r\n]/.test(src[i] ?? '')) i++;
    }
  }
  if (text) nodes.push({ k: 'text', v: text });
  return { nodes };
}

function parseAction(
  src: string,
  from: number,
  to: number,
  line: number,
): Operand[][] | TemplateError {
  const fail = (m: string): TemplateError => new TemplateError(`template: :${line}: ${m}`);
  const unsupported = (what: string): TemplateError =>
    fail(`${what} is not supported by the lab's docker (fields, functions and | pipes only)`);
  const pipe: Operand[][] = [];
  let cmd: Operand[] = [];
  let p = from;
  while (p < to) {
    const c = src[p] ?? '';
    if (/\s/.test(c)) {
      p++;
      continue;
    }
    if (c === '|') {
      if (cmd.length === 0) return fail('missing value for command');
      pipe.push(cmd);
      cmd = [];
      p++;
      continue;
    }
    if (c === '.') {
      const m = /^(?:\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(src.slice(p, to));
      if (m) {
        cmd.push({ k: 'field', path: m[0].slice(1).split('.'), pos: p });
        p += m[0].length;
      } else {
        cmd.push({ k: 'dot', pos: p });
        p++;
      }
      continue;
    }
    if (c === '"') {
      let q = p + 1;
      let v = '';
      while (q < to && src[q] !== '"') {
        if (src[q] === '\\') {
          const n = src[q + 1] ?? '';
          v += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          q += 2;
        } else v += src[q++];
      }
      if (q >= to) return fail('unterminated quoted string');
      cmd.push({ k: 'str', v, pos: p, raw: src.slice(p, q + 1) });
      p = q + 1;
      continue;
    }
    if (c === '`') {
      const e = src.indexOf('`', p + 1);
      if (e < 0 || e >= to) return fail('unterminated raw quoted string');
      cmd.push({ k: 'str', v: src.slice(p + 1, e), pos: p, raw: src.slice(p, e + 1) });
      p = e + 1;
      continue;
    }
    const num = /^-?\d+/.exec(src.slice(p, to));
    if (num) {
      cmd.push({ k: 'num', v: Number(num[0]), pos: p, raw: num[0] });
      p += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(p, to));
    if (id) {
      const name = id[0];
      if (KEYWORDS.has(name) || GO_BUILTINS.has(name)) return unsupported(`"${name}"`);
      if (!(name in FUNCTIONS)) return fail(`function "${name}" not defined`);
      cmd.push({ k: 'fn', name, pos: p });
      p += name.length;
      continue;
    }
    if (c === '$') return unsupported('a variable');
    if (c === '(' || c === ')') return unsupported('a parenthesised pipeline');
    return fail(`unexpected "${c}" in operand`);
  }
  if (cmd.length === 0) return fail('missing value for command');
  pipe.push(cmd);
  return pipe;
}

const goString = (v: Value): string =>
  typeof v === 'string' ? v : Array.isArray(v) ? `[${v.join(' ')}]` : '<context>';

/**
 * Runs a parsed template on `data`. `header`: the CLI's header functions (every function
 * returns its first argument unchanged). Stops at the first error, as Go does: the text written
 * so far is in `partial`.
 */
export function executeTemplate(
  t: Template,
  data: TemplateData,
  header = false,
): string | (TemplateError & { partial: string }) {
  let out = '';
  for (const n of t.nodes) {
    if (n.k === 'text') {
      out += n.v;
      continue;
    }
    const r = runPipe(n.pipe, n.line, data, header);
    if (r instanceof TemplateError) return Object.assign(r, { partial: out });
    out += goString(r);
  }
  return out;
}

function runPipe(
  pipe: readonly (readonly Operand[])[],
  line: number,
  data: TemplateData,
  header: boolean,
): Value | TemplateError {
  let prev: Value | undefined;
  for (const cmd of pipe) {
    const r = runCommand(cmd, prev, line, data, header);
    if (r instanceof TemplateError) return r;
    prev = r;
  }
  return prev ?? '';
}

function nodeText(o: Operand): string {
  switch (o.k) {
    case 'field':
      return `.${o.path.join('.')}`;
    case 'dot':
      return '.';
    case 'fn':
      return o.name;
    default:
      return o.raw;
  }
}

function runCommand(
  cmd: readonly Operand[],
  piped: Value | undefined,
  line: number,
  data: TemplateData,
  header: boolean,
): Value | TemplateError {
  const head = cmd[0]!;
  const at = (o: Operand, m: string): TemplateError =>
    new TemplateError(`template: :${line}:${o.pos}: executing "" at <${nodeText(o)}>: ${m}`);
  /** A field (or method) of the data; `args` when it heads a command with arguments. */
  const field = (
    o: Extract<Operand, { k: 'field' }>,
    args: readonly Value[] | null,
  ): Value | TemplateError => {
    const [name, ...rest] = o.path as [string, ...string[]];
    const own = rest.length === 0 ? args : null;
    let v: string;
    // Go looks for a method first, then a map key or a struct field.
    const method = data.methods1[name];
    if (method) {
      const got = own ?? [];
      if (got.length !== 1)
        return at(o, `wrong number of args for ${name}: want 1 got ${got.length}`);
      const a = got[0]!;
      if (typeof a !== 'string')
        return at(
          o,
          `wrong type for value; expected string; got ${Array.isArray(a) ? '[]string' : data.typeName}`,
        );
      v = method(a);
    } else if (data.isMap) {
      if (own) return at(o, `${name} is not a method but has arguments`);
      v = data.fields[name] ?? '<no value>';
    } else if (name in data.fields) {
      if (own) return at(o, `wrong number of args for ${name}: want 0 got ${own.length}`);
      v = data.fields[name]!;
    } else return at(o, `can't evaluate field ${name} in type ${data.typeName}`);
    if (rest.length > 0) return at(o, `can't evaluate field ${rest[0]} in type string`);
    return v;
  };
  const operand = (o: Operand): Value | TemplateError => {
    switch (o.k) {
      case 'str':
        return o.v;
      case 'num':
        return String(o.v);
      case 'dot':
        return { dot: data };
      case 'field':
        return field(o, null);
      case 'fn':
        // A function name as an argument is called without arguments.
        return FUNCTIONS[o.name] === 'variadic'
          ? '\n'
          : at(o, `wrong number of args for ${o.name}: want ${FUNCTIONS[o.name]} got 0`);
    }
  };
  const args: Value[] = [];
  for (const a of cmd.slice(1)) {
    const v = operand(a);
    if (v instanceof TemplateError) return v;
    args.push(v);
  }
  if (piped !== undefined) args.push(piped);
  if (head.k === 'field') return field(head, args.length > 0 ? args : null);
  if (head.k !== 'fn') {
    if (args.length > 0) return at(head, `can't give argument to non-function ${nodeText(head)}`);
    return operand(head);
  }
  const want = FUNCTIONS[head.name]!;
  if (want !== 'variadic' && args.length !== want)
    return at(head, `wrong number of args for ${head.name}: want ${want} got ${args.length}`);
  if (header && HEADER_IDENTITY.has(head.name)) return args[0] ?? '';
  const typeOf = (v: Value): string =>
    typeof v === 'string' ? 'string' : Array.isArray(v) ? '[]string' : data.typeName;
  const str = (i: number): string | TemplateError => {
    const v = args[i]!;
    if (typeof v === 'string') return v;
    return at(head, `wrong type for value; expected string; got ${typeOf(v)}`);
  };
  const int = (i: number): number | TemplateError => {
    const o = cmd[1 + i];
    if (o?.k === 'num') return o.v;
    return at(head, `wrong type for value; expected int; got ${typeOf(args[i]!)}`);
  };
  switch (head.name) {
    case 'json': {
      const v = args[0]!;
      if (typeof v === 'object' && 'dot' in v) return v.dot.json();
      return JSON.stringify(v);
    }
    case 'println':
      return `${args.map(goString).join(' ')}\n`;
    case 'join': {
      const v = args[0]!;
      if (!Array.isArray(v))
        return at(head, `wrong type for value; expected []string; got ${typeOf(v)}`);
      const sep = str(1);
      if (sep instanceof TemplateError) return sep;
      return (v as readonly string[]).join(sep);
    }
  }
  const s = str(0);
  if (s instanceof TemplateError) return s;
  switch (head.name) {
    case 'upper':
      return s.toUpperCase();
    case 'lower':
      return s.toLowerCase();
    case 'title':
      return s.replace(
        /(^|[^\p{L}\p{N}_'])(\p{L})/gu,
        (_m, a: string, b: string) => a + b.toUpperCase(),
      );
    case 'split': {
      const sep = str(1);
      if (sep instanceof TemplateError) return sep;
      return s.split(sep);
    }
    case 'truncate': {
      const n = int(1);
      if (n instanceof TemplateError) return n;
      return [...s].length < n ? s : [...s].slice(0, n).join('');
    }
    case 'pad': {
      const l = int(1);
      if (l instanceof TemplateError) return l;
      const r = int(2);
      if (r instanceof TemplateError) return r;
      return s === '' ? s : ' '.repeat(l) + s + ' '.repeat(r);
    }
  }
  return s;
}

/**
 * Go's text/tabwriter (docker's copy: minwidth 10, tabwidth 1, padding 3, padchar ' ', no
 * flags): cells end at a tab; the tab-terminated cells of contiguous lines form a column whose
 * width is its widest cell plus the padding (at least minwidth); the text after a line's last
 * tab is in no column and is not padded.
 */
export function tabwrite(text: string, minWidth = 10, padding = 3): string {
  const lines = text.split('\n').map((l) => l.split('\t'));
  const width = (s: string): number => [...s].length;
  const widths: number[] = [];
  let out = '';
  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const cells = lines[i]!;
      cells.forEach((c, j) => {
        out += c;
        if (j < cells.length - 1 && j < widths.length) out += ' '.repeat(widths[j]! - width(c));
      });
      if (i + 1 < lines.length) out += '\n';
    }
  };
  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let t = line0; t < line1; t++) {
      if (column >= lines[t]!.length - 1) continue;
      writeLines(start, t);
      start = t;
      let w = minWidth;
      for (; t < line1; t++) {
        const cells = lines[t]!;
        if (column >= cells.length - 1) break;
        w = Math.max(w, width(cells[column]!) + padding);
      }
      widths.push(w);
      format(start, t);
      widths.pop();
      start = t;
      t--;
    }
    writeLines(start, line1);
  };
  format(0, lines.length);
  return out;
}
