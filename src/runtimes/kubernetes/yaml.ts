/**
 * The YAML that pod manifests are written in: a careful subset of YAML 1.1 as kubectl reads it
 * (sigs.k8s.io/yaml on top of go-yaml v2, which turns YAML into JSON before decoding the object).
 *
 * Supported: `---` documents, `#` comments, block mappings and sequences (including the compact
 * `- key: value` items and sequences at their key's indentation), flow sequences and mappings
 * (`["sleep", "1000"]`, `{}`, also over several lines), plain, single- and double-quoted scalars, block scalars (`|`, `>`,
 * with `-`/`+` chomping). Plain scalars resolve as go-yaml v2 resolves them: null/~, booleans
 * (true/false, yes/no, on/off in any of their three spellings), integers, floats, else strings.
 * Not supported (an error says so): anchors, aliases, tags, multi-line plain or quoted scalars,
 * complex keys. Errors carry go-yaml's wording and line numbers ("yaml: line 4: did not find
 * expected key").
 */

export type YamlValue = null | boolean | number | string | YamlValue[] | { [k: string]: YamlValue };

export class YamlError extends Error {}

interface Line {
  /** 1-based line number in the source. */
  readonly no: number;
  indent: number;
  /** The content after the indentation, comment stripped, right-trimmed. */
  text: string;
  /** The raw line (for block scalars). */
  readonly raw: string;
}

const fail = (line: number, msg: string): never => {
  throw new YamlError(`yaml: line ${line}: ${msg}`);
};

/** Strips a `#` comment that is outside quotes and preceded by a space (or starts the line). */
function stripComment(s: string): string {
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === "'" && quote === "'" && s[i + 1] === "'") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:-]/.test(s[i - 1]!))) quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i);
  }
  return s;
}

const BOOL_TRUE = new Set([
  'true',
  'True',
  'TRUE',
  'yes',
  'Yes',
  'YES',
  'on',
  'On',
  'ON',
  'y',
  'Y',
]);
const BOOL_FALSE = new Set([
  'false',
  'False',
  'FALSE',
  'no',
  'No',
  'NO',
  'off',
  'Off',
  'OFF',
  'n',
  'N',
]);

/** go-yaml v2's resolve() for a plain scalar. */
export function resolvePlain(s: string): YamlValue {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (BOOL_TRUE.has(s)) return true;
  if (BOOL_FALSE.has(s)) return false;
  if (/^[-+]?(0|[1-9][0-9_]*)$/.test(s)) return Number(s.replace(/_/g, ''));
  if (/^0x[0-9a-fA-F_]+$/.test(s)) return parseInt(s.slice(2).replace(/_/g, ''), 16);
  if (/^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$/.test(s))
    return Number(s.replace(/_/g, ''));
  return s;
}

function unquoteDouble(body: string, line: number): string {
  const ESC: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    '"': '"',
    '\\': '\\',
    '/': '/',
    '0': '\0',
    ' ': ' ',
    e: '\x1b',
    a: '\x07',
    b: '\b',
  };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    if (n === undefined) fail(line, 'found unexpected end of stream');
    if (n === 'x' || n === 'u') {
      const len = n === 'x' ? 2 : 4;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len)
        fail(line, 'did not find expected hexdecimal number');
      out += String.fromCharCode(parseInt(hex, 16));
      i += len;
    } else if (ESC[n!] !== undefined) out += ESC[n!];
    else fail(line, 'found unknown escape character while parsing a quoted scalar');
  }
  return out;
}

/** A quoted scalar at the start of `s`: its value and what follows it. */
function readQuoted(s: string, line: number): { value: string; rest: string } {
  const q = s[0]!;
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if (q === '"' && c === '\\') {
      i++;
      continue;
    }
    if (c !== q) continue;
    if (q === "'" && s[i + 1] === "'") {
      i++;
      continue;
    }
    const body = s.slice(1, i);
    return {
      value: q === '"' ? unquoteDouble(body, line) : body.replace(/''/g, "'"),
      rest: s.slice(i + 1),
    };
  }
  return fail(line, 'found unexpected end of stream');
}

/** One scalar token on a line (the value after `key:` or `- `). */
function scalar(s: string, line: number): YamlValue {
  const t = s.trim();
  if (t.startsWith('"') || t.startsWith("'")) {
    const { value, rest } = readQuoted(t, line);
    if (rest.trim() !== '') fail(line, 'did not find expected key');
    return value;
  }
  if (/^[&*!]/.test(t)) fail(line, 'anchors, aliases and tags are not supported by the lab');
  if (/^[@`]/.test(t)) fail(line, 'found character that cannot start any token');
  if (/:(\s|$)/.test(t)) fail(line, 'mapping values are not allowed in this context');
  return resolvePlain(t);
}

/** How many flow brackets are still open at the end of `s` (quotes skipped). */
function flowDepth(s: string): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
  }
  return depth;
}

/** A flow collection (`[a, "b"]`, `{k: v}`), its lines joined. */
function flow(s: string, line: number): YamlValue {
  let i = 0;
  const ws = (): void => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const value = (inMap: boolean): YamlValue => {
    ws();
    const c = s[i];
    if (c === '[') {
      i++;
      const arr: YamlValue[] = [];
      ws();
      if (s[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(false));
        ws();
        if (s[i] === ',') {
          i++;
          ws();
          if (s[i] === ']') {
            i++;
            return arr;
          }
          continue;
        }
        if (s[i] === ']') {
          i++;
          return arr;
        }
        return fail(line, "did not find expected ',' or ']'");
      }
    }
    if (c === '{') {
      i++;
      const obj: Record<string, YamlValue> = {};
      ws();
      if (s[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        const k = value(true);
        ws();
        if (s[i] !== ':') return fail(line, "did not find expected ',' or '}'");
        i++;
        obj[String(k)] = value(false);
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === '}') {
          i++;
          return obj;
        }
        return fail(line, "did not find expected ',' or '}'");
      }
    }
    if (c === '"' || c === "'") {
      const r = readQuoted(s.slice(i), line);
      i = s.length - r.rest.length;
      return r.value;
    }
    const start = i;
    while (i < s.length && !/[,\]}]/.test(s[i]!) && !(inMap && s[i] === ':')) i++;
    return resolvePlain(s.slice(start, i).trim());
  };
  const v = value(false);
  ws();
  if (i < s.length) fail(line, 'did not find expected <document start>');
  return v;
}

class Parser {
  private i = 0;
  constructor(private readonly lines: Line[]) {}

  /** The next line with content (blank and comment-only lines have empty text). */
  private peek(): Line | undefined {
    while (this.i < this.lines.length && this.lines[this.i]!.text === '') this.i++;
    return this.lines[this.i];
  }

  parseDocument(): YamlValue {
    const first = this.peek();
    if (!first) return null;
    const v = this.node(first.indent);
    const rest = this.peek();
    if (rest)
      fail(
        rest.no,
        rest.indent > 0 ? 'did not find expected key' : 'did not find expected <document start>',
      );
    return v;
  }

  private node(indent: number): YamlValue {
    const l = this.peek()!;
    if (l.text === '-' || l.text.startsWith('- ')) return this.sequence(l.indent);
    if (keyOf(l.text) !== undefined) return this.mapping(indent);
    this.i++;
    if (l.text.startsWith('[') || l.text.startsWith('{')) return flow(this.flowText(l.text), l.no);
    const next = this.peek();
    if (next && next.indent > indent && !l.text.startsWith('"') && !l.text.startsWith("'"))
      fail(l.no, 'multi-line plain scalars are not supported by the lab');
    return scalar(l.text, l.no);
  }

  /** A flow collection may go on over the next lines until its brackets close. */
  private flowText(first: string): string {
    let text = first;
    while (flowDepth(text) > 0) {
      const next = this.peek();
      if (!next) break;
      text += ` ${next.text}`;
      this.i++;
    }
    return text;
  }

  private mapping(indent: number): YamlValue {
    const out: Record<string, YamlValue> = {};
    const seen = new Map<string, number>();
    for (let l = this.peek(); l && l.indent === indent; l = this.peek()) {
      const kv = keyOf(l.text);
      if (kv === undefined) {
        if (l.text === '-' || l.text.startsWith('- ')) fail(l.no, 'did not find expected key');
        fail(l.no, "could not find expected ':'");
      }
      const { key, rest } = kv!;
      const prev = seen.get(key);
      if (prev !== undefined) fail(l.no, `mapping key "${key}" already defined at line ${prev}`);
      seen.set(key, l.no);
      this.i++;
      out[key] = this.value(rest, l, indent);
    }
    const l = this.peek();
    if (l && l.indent > indent) fail(l.no, 'mapping values are not allowed in this context');
    return out;
  }

  /** The value after `key:` (or `- `) on line `l` whose owner is at `indent`. */
  private value(rest: string, l: Line, indent: number): YamlValue {
    const r = rest.trim();
    if (r === '') {
      const next = this.peek();
      if (next && next.indent > indent) return this.node(next.indent);
      if (next && next.indent === indent && (next.text === '-' || next.text.startsWith('- ')))
        return this.sequence(indent);
      return null;
    }
    if (/^[|>][-+0-9]*$/.test(r)) return this.blockScalar(r, indent);
    if (r.startsWith('[') || r.startsWith('{')) return flow(this.flowText(r), l.no);
    const next = this.peek();
    if (next && next.indent > indent && !(next.text === '-' || next.text.startsWith('- '))) {
      if (keyOf(next.text) !== undefined)
        fail(next.no, 'mapping values are not allowed in this context');
      fail(next.no, 'multi-line plain scalars are not supported by the lab');
    }
    return scalar(r, l.no);
  }

  private sequence(indent: number): YamlValue {
    const out: YamlValue[] = [];
    for (let l = this.peek(); l && l.indent === indent; l = this.peek()) {
      if (!(l.text === '-' || l.text.startsWith('- '))) {
        if (keyOf(l.text) !== undefined) break; // the sequence was a value at its key's indent
        fail(l.no, "did not find expected '-' indicator");
      }
      const body = l.text.slice(1);
      const pad = body.length - body.trimStart().length;
      const content = body.trim();
      if (content === '') {
        this.i++;
        const next = this.peek();
        out.push(next && next.indent > indent ? this.node(next.indent) : null);
        continue;
      }
      if (/^[|>][-+0-9]*$/.test(content)) {
        this.i++;
        out.push(this.blockScalar(content, indent));
        continue;
      }
      // A compact item: what follows "- " is a node at the column after the dash.
      l.indent = indent + 1 + pad;
      l.text = content;
      out.push(this.node(l.indent));
    }
    return out;
  }

  private blockScalar(header: string, indent: number): string {
    const literal = header[0] === '|';
    const chomp = header.includes('-') ? 'strip' : header.includes('+') ? 'keep' : 'clip';
    const explicit = /[0-9]/.exec(header);
    const raws: string[] = [];
    let blockIndent = explicit ? indent + Number(explicit[0]) : -1;
    while (this.i < this.lines.length) {
      const l = this.lines[this.i]!;
      const blank = l.raw.trim() === '';
      const ind = l.raw.length - l.raw.trimStart().length;
      if (!blank) {
        if (blockIndent < 0) {
          if (ind <= indent) break;
          blockIndent = ind;
        }
        if (ind < blockIndent) break;
      }
      raws.push(blank ? '' : l.raw.slice(blockIndent));
      this.i++;
    }
    let trailing = 0;
    while (raws.length > 0 && raws.at(-1) === '') {
      raws.pop();
      trailing++;
    }
    let text: string;
    if (literal) text = raws.join('\n');
    else {
      // Folded: single newlines become spaces; blank lines and more-indented lines stay.
      text = raws[0] ?? '';
      for (let k = 1; k < raws.length; k++) {
        const r = raws[k]!;
        const prev = raws[k - 1]!;
        if (r === '') text += '\n';
        else if (prev === '') text += r;
        else if (/^\s/.test(r) || /^\s/.test(prev)) text += `\n${r}`;
        else text += ` ${r}`;
      }
    }
    if (raws.length === 0) return '';
    if (chomp === 'strip') return text;
    if (chomp === 'keep') return `${text}\n${'\n'.repeat(trailing)}`;
    return `${text}\n`;
  }
}

/** `key: rest` (plain or quoted key), or undefined when the line is not a mapping entry. */
function keyOf(text: string): { key: string; rest: string } | undefined {
  if (text.startsWith('"') || text.startsWith("'")) {
    try {
      const { value, rest } = readQuoted(text, 0);
      const m = /^\s*:(\s+(.*)|$)/.exec(rest);
      return m ? { key: value, rest: m[2] ?? '' } : undefined;
    } catch {
      return undefined;
    }
  }
  if (text.startsWith('[') || text.startsWith('{') || text.startsWith('- ') || text === '-')
    return undefined;
  const m = /^([^\s:#][^:#]*?)\s*:(?:\s+(.*)|$)/.exec(text);
  return m ? { key: m[1]!, rest: m[2] ?? '' } : undefined;
}

/** Every document of a YAML stream (empty documents are skipped, as kubectl skips them). */
export function parseYamlDocuments(source: string): YamlValue[] {
  const docs: Line[][] = [[]];
  source
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .forEach((raw, k) => {
      const no = k + 1;
      if (/^---(\s|$)/.test(raw)) {
        docs.push([]);
        const rest = stripComment(raw.slice(3)).trim();
        if (rest !== '') docs.at(-1)!.push({ no, indent: 0, text: rest, raw: rest });
        return;
      }
      if (/^\.\.\.(\s|$)/.test(raw)) return;
      const lead = /^[ \t]*/.exec(raw)![0];
      if (lead.includes('\t') && raw.trim() !== '' && !raw.trim().startsWith('#'))
        fail(no, 'found character that cannot start any token');
      const text = stripComment(raw.slice(lead.length)).replace(/\s+$/, '');
      // Blank and comment-only lines stay (empty text): block scalars read their raw text.
      docs.at(-1)!.push({ no, indent: lead.length, text, raw });
    });
  const out: YamlValue[] = [];
  for (const lines of docs) {
    const v = new Parser(lines).parseDocument();
    if (v !== null) out.push(v);
  }
  return out;
}
