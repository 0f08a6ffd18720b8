import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseNext, parseProgram } from './parser.ts';
import type { Node } from './ast.ts';
import { formatSyntaxError } from './messages.ts';
import type { ShState } from './state.ts';

function parse(src: string, bash = false): Node | null {
  const r = parseProgram(src, { bash });
  if (!r.ok) throw new Error(`syntax error: ${JSON.stringify(r.error)}`);
  return r.node;
}

function error(src: string, bash = false) {
  const r = parseProgram(src, { bash });
  if (r.ok) throw new Error('expected a syntax error');
  return r.error;
}

const words = (n: Node | null): string[] => {
  if (n?.t !== 'simple') throw new Error(`not simple: ${n?.t}`);
  return n.words.map((w) => w.raw);
};

function fakeState(flavor: ShState['flavor'], mode: ShState['mode'] = 'c'): ShState {
  return { flavor, mode, arg0: flavor === 'bash' ? 'bash' : 'sh', line: 1 } as ShState;
}

describe('parser', () => {
  it('parses simple commands, assignments and redirections', () => {
    const n = parse('A=1 B="x y" echo hi >out 2>&1 </dev/null');
    expect(n?.t).toBe('simple');
    if (n?.t !== 'simple') return;
    expect(n.assigns.map((a) => a.name)).toEqual(['A', 'B']);
    expect(words(n)).toEqual(['echo', 'hi']);
    expect(n.redirs.map((r) => [r.fd, r.op, r.target.raw])).toEqual([
      [1, '>', 'out'],
      [2, '>&', '1'],
      [0, '<', '/dev/null'],
    ]);
  });

  it('keeps quoting in word parts', () => {
    const n = parse(`echo 'a b' "c $X \${Y:-d}" e\\ f $(ls) \`pwd\` $((1+2)) ~/x`);
    if (n?.t !== 'simple') throw new Error();
    const w1 = n.words[1];
    expect(w1?.parts).toEqual([{ k: 'lit', v: 'a b', q: true }]);
    const w2 = n.words[2];
    expect(w2?.parts.map((p) => p.k)).toEqual(['lit', 'param', 'lit', 'param']);
    expect(n.words[4]?.parts).toEqual([{ k: 'cmdsub', src: 'ls', q: false }]);
    expect(n.words[5]?.parts).toEqual([{ k: 'cmdsub', src: 'pwd', q: false }]);
    expect(n.words[6]?.parts).toEqual([{ k: 'arith', src: '1+2', q: false }]);
    expect(n.words[7]?.parts[0]).toEqual({ k: 'tilde', user: '' });
  });

  it('parses lists, and-or lists, pipelines and background jobs', () => {
    const n = parse('a; b && c || d; e | f | g & h');
    expect(n?.t).toBe('list');
    if (n?.t !== 'list') return;
    expect(n.items.map((i) => [i.node.t, i.bg])).toEqual([
      ['simple', false],
      ['andor', false],
      ['pipeline', true],
      ['simple', false],
    ]);
    expect(n.items[2]?.src).toBe('e | f | g');
  });

  it('parses ! and compound commands', () => {
    expect(parse('! true')).toMatchObject({ t: 'pipeline', bang: true });
    expect(parse('( a; b ) > x')).toMatchObject({ t: 'subshell', redirs: [{ op: '>' }] });
    expect(parse('{ a; b; }')).toMatchObject({ t: 'group' });
    expect(parse('if a; then b; elif c; then d; else e; fi')).toMatchObject({
      t: 'if',
      clauses: [{}, {}],
    });
    expect(parse('while a; do b; done')).toMatchObject({ t: 'loop', until: false });
    expect(parse('until a\ndo\n b\ndone')).toMatchObject({ t: 'loop', until: true });
    expect(parse('for x in 1 2 3; do echo $x; done')).toMatchObject({ t: 'for', name: 'x' });
    expect(parse('for x; do :; done')).toMatchObject({ t: 'for', items: null });
    expect(parse('case $x in a|b) echo ab;; (c) ;; *) echo other; esac')).toMatchObject({
      t: 'case',
      arms: [{ patterns: [{}, {}] }, { body: null }, {}],
    });
    expect(parse('f() { sleep 3; }')).toMatchObject({ t: 'func', name: 'f' });
    expect(parse('function g { :; }', true)).toMatchObject({ t: 'func', name: 'g' });
  });

  it('skips comments and joins continued lines', () => {
    expect(words(parse('echo a # b c'))).toEqual(['echo', 'a']);
    expect(words(parse('echo a \\\n b'))).toEqual(['echo', 'a', 'b']);
  });

  it('parses one complete command at a time', () => {
    const r = parseNext('echo a\nif', 0, 1);
    expect(r.ok && r.node?.t).toBe('simple');
    if (!r.ok) return;
    expect(r.atEnd).toBe(false);
    const r2 = parseNext('echo a\nif', r.pos, r.line);
    expect(r2.ok).toBe(false);
    const last = parseNext('sleep 3\n\n# done\n');
    expect(last.ok && last.atEnd).toBe(true);
  });

  it('reports syntax errors as dash, bash and busybox do', () => {
    const dash = fakeState('dash');
    const bash = fakeState('bash');
    const ash = fakeState('ash');
    expect(formatSyntaxError(dash, error('if true; then echo'), '')).toBe(
      'sh: 1: Syntax error: end of file unexpected (expecting "fi")\n',
    );
    expect(formatSyntaxError(bash, error('if true; then echo'), '')).toBe(
      'bash: -c: line 1: syntax error: unexpected end of file\n',
    );
    expect(formatSyntaxError(ash, error('if true; then echo'), '')).toBe(
      'sh: syntax error: unexpected end of file (expecting "fi")\n',
    );
    expect(formatSyntaxError(dash, error('fi'), 'fi')).toBe(
      'sh: 1: Syntax error: "fi" unexpected\n',
    );
    expect(formatSyntaxError(bash, error('fi'), 'fi')).toBe(
      "bash: -c: line 1: syntax error near unexpected token `fi'\nbash: -c: line 1: `fi'\n",
    );
    expect(formatSyntaxError(dash, error("echo 'a"), '')).toBe(
      'sh: 1: Syntax error: Unterminated quoted string\n',
    );
    expect(formatSyntaxError(bash, error("echo 'a"), '')).toBe(
      "bash: -c: line 1: unexpected EOF while looking for matching `''\n",
    );
    expect(formatSyntaxError(dash, error('echo a |'), '')).toMatch(/end of file unexpected/);
    expect(formatSyntaxError(dash, error('| a'), '')).toBe('sh: 1: Syntax error: "|" unexpected\n');
    expect(formatSyntaxError(dash, error('if true; then :; done'), '')).toBe(
      'sh: 1: Syntax error: "done" unexpected (expecting "fi")\n',
    );
    expect(formatSyntaxError(dash, error('echo )'), '')).toBe(
      'sh: 1: Syntax error: ")" unexpected\n',
    );
    expect(formatSyntaxError(dash, error('( echo'), '')).toBe(
      'sh: 1: Syntax error: end of file unexpected (expecting ")")\n',
    );
    expect(formatSyntaxError(dash, error('{ }'), '')).toBe('sh: 1: Syntax error: "}" unexpected\n');
    expect(error('cat <<EOF\nx\nEOF').kind).toBe('unsupported');
  });

  it('never throws on arbitrary input', () => {
    const alphabet = fc.constantFrom(
      ...'abc ;&|<>()\'"`$\\{}#\n\t=*?[]!-0129'.split(''),
      'if ',
      'then ',
      'fi',
      'do ',
      'done',
      'case ',
      ' in ',
      'esac',
      ';;',
      '${',
      '$(',
      '$((',
      'for ',
      'while ',
      '2>&1',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), (parts) => {
        const src = parts.join('');
        for (const bash of [false, true]) {
          const r = parseProgram(src, { bash });
          expect(typeof r.ok).toBe('boolean');
          JSON.stringify(r); // plain data
        }
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (src) => {
        expect(typeof parseProgram(src).ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});
