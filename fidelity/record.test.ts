/**
 * The fidelity record (record.ts) and the committed fidelity/checked.json: the reader, the
 * badge's verdicts, and that the record still describes the case files.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  badgeVerdict,
  caseId,
  coverageSummary,
  kernelSeries,
  parseCases,
  parseRecord,
  ruleCoverage,
  serializeRecord,
  toolSeries,
} from './record.ts';
import type { FidelityRecord } from './record.ts';
import { RULES } from '../src/kernel-sim/rules.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));

const sample: FidelityRecord = {
  checkedAt: '2026-11-28',
  kernel: '6.18.44-fc-v669',
  tools: { tini: '0.19.0', bash: '5.2.15', dash: '0.5.12', 'util-linux': '2.38.1' },
  cases: {
    'a:1': { line: 'echo one', result: 'pass' },
    'a:2': { line: 'echo two', result: 'pass', retried: true },
    'b:1': { line: 'echo three', result: 'known' },
    'b:2': { line: 'echo four', result: 'fail' },
  },
};

describe('case files', () => {
  it('ids count the case lines of a file from 1; comments, blanks and markers are not cases', () => {
    const text =
      '# about\nfirst line\n\n# known difference: not yet\nsecond line\n# more\nthird line\n';
    expect(parseCases('05-x.sh', text)).toEqual([
      { id: '05-x:1', line: 'first line' },
      { id: '05-x:2', line: 'second line', known: 'not yet' },
      { id: '05-x:3', line: 'third line' },
    ]);
    expect(caseId('01-pid-namespaces.sh', 3)).toBe('01-pid-namespaces:3');
  });
});

describe('the record', () => {
  it('round-trips through its JSON text, tools sorted by name', () => {
    const text = serializeRecord(sample);
    expect(text.endsWith('}\n')).toBe(true);
    const back = parseRecord(JSON.parse(text));
    expect(back).toEqual(sample);
    expect(Object.keys(back.tools)).toEqual(['bash', 'dash', 'tini', 'util-linux']);
  });

  it('refuses what is not a record, saying what is wrong', () => {
    expect(() => parseRecord([])).toThrow('not an object');
    expect(() => parseRecord({ ...sample, checkedAt: 'yesterday' })).toThrow('YYYY-MM-DD');
    expect(() => parseRecord({ ...sample, kernel: '' })).toThrow('uname -r');
    expect(() => parseRecord({ ...sample, tools: { bash: 5 } })).toThrow('version strings');
    expect(() =>
      parseRecord({ ...sample, cases: { 'no id': { line: 'x', result: 'pass' } } }),
    ).toThrow("bad case id 'no id'");
    expect(() => parseRecord({ ...sample, cases: { 'a:1': { line: 'x', result: 'ok' } } })).toThrow(
      'pass|fail|known',
    );
  });

  it('splits the rules into exercised, not exercised and not checkable, and keeps that in the record', () => {
    const c = ruleCoverage(['b/x', 'a/y', 'c/z', 'd'], new Set(['b/x', 'a/y', 'program']), {
      d: 'needs a race',
    });
    expect(c).toEqual({
      covered: ['a/y', 'b/x'],
      uncovered: ['c/z'],
      notCheckable: { d: 'needs a race' },
    });
    expect(coverageSummary(c)).toBe(
      '2 of 4 model rules exercised by the cases, 1 not checkable here, 1 not exercised by any case',
    );
    // A rule a case did exercise is covered, whatever the table says.
    expect(ruleCoverage(['d'], new Set(['d']), { d: 'why' }).notCheckable).toEqual({});
    expect(() => ruleCoverage(['a'], new Set(), { gone: 'why' })).toThrow(
      'not a rule of the model: gone',
    );
    const withRules = { ...sample, rules: c };
    expect(parseRecord(JSON.parse(serializeRecord(withRules)))).toEqual(withRules);
    expect(serializeRecord(sample)).not.toContain('"rules"');
    expect(() => parseRecord({ ...sample, rules: { covered: ['a'], uncovered: [1] } })).toThrow(
      'rules needs covered and uncovered',
    );
  });

  it('names versions as a person knows them', () => {
    expect(kernelSeries('6.18.44-fc-v669')).toBe('6.18');
    expect(kernelSeries('weird')).toBe('weird');
    expect(toolSeries('5.2.15')).toBe('5.2');
    expect(toolSeries('23.6')).toBe('23.6');
  });
});

describe('the badge verdict', () => {
  it('says "checked" with the kernel and tool series only when every case passed', () => {
    const v = badgeVerdict(sample, ['a:1', 'a:2']);
    expect(v.status).toBe('checked');
    expect(v.label).toBe('Checked against Linux 6.18 (bash 5.2, dash 0.5, tini 0.19)');
    expect(v.versions).toBe(
      'Linux 6.18.44-fc-v669, bash 5.2.15, dash 0.5.12, tini 0.19.0, util-linux 2.38.1; checked 2026-11-28',
    );
    expect(v.cases).toEqual([
      { id: 'a:1', line: 'echo one', result: 'pass' },
      { id: 'a:2', line: 'echo two', result: 'pass' },
    ]);
  });

  it('never claims a case it has no record of, nor one that failed or is a known difference', () => {
    const missing = badgeVerdict(sample, ['a:1', 'zz:9']);
    expect(missing.status).toBe('unchecked');
    expect(missing.label).toBe('1 of 2 cases not yet checked against Linux');
    expect(missing.cases[1]).toEqual({ id: 'zz:9', result: 'not checked' });
    const failing = badgeVerdict(sample, ['a:1', 'b:1', 'b:2', 'zz:9']);
    expect(failing.status).toBe('failing');
    expect(failing.label).toBe('2 of 4 cases differ from Linux 6.18');
    expect(badgeVerdict(sample, ['b:2']).label).toBe('1 of 1 case differ from Linux 6.18');
    expect(badgeVerdict(sample, [])).toMatchObject({ status: 'none', label: '' });
  });
});

describe('fidelity/checked.json', () => {
  const record = parseRecord(JSON.parse(readFileSync(join(HERE, 'checked.json'), 'utf8')));
  const current = new Map<string, string>();
  for (const file of readdirSync(join(HERE, 'cases')).filter((f) => f.endsWith('.sh')))
    for (const c of parseCases(file, readFileSync(join(HERE, 'cases', file), 'utf8')))
      current.set(c.id, c.line);

  it('is a valid record of a real run', () => {
    expect(record.kernel).toMatch(/^\d+\.\d+/);
    expect(Object.keys(record.cases).length).toBeGreaterThan(0);
  });

  it('accounts for every rule of the model, and only those, in its rule coverage', () => {
    const c = record.rules;
    if (c === undefined) throw new Error('record again: checked.json has no rule coverage');
    const listed = [...c.covered, ...c.uncovered, ...Object.keys(c.notCheckable)].sort();
    expect(listed).toEqual(Object.keys(RULES).sort());
  });

  it('still describes the case files: every recorded id has the same line today', () => {
    // A case edited or renumbered after the last `npm run fidelity -- --record` makes the
    // badge's claim stale: record again (as root on Linux). Cases added since are reported by
    // the badge as not yet checked, which is true.
    const stale = Object.entries(record.cases)
      .filter(([id, c]) => current.get(id) !== c.line)
      .map(([id]) => id);
    expect(stale).toEqual([]);
  });
});
