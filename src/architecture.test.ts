// Proves that the architecture rules in eslint.config.js actually fire.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, {
    filePath: `${root}/${filePath}`,
  });
  if (result === undefined) throw new Error('no lint result');
  const fatal = result.messages.filter((m) => m.fatal === true);
  expect(fatal, `parse error in ${filePath}`).toEqual([]);
  return result.messages.filter((m) => m.severity === 2).map((m) => m.ruleId ?? '');
}

const IMPORT_RULES = ['no-restricted-imports', '@typescript-eslint/no-restricted-imports'];

async function importErrors(code: string, filePath: string): Promise<number> {
  return (await ruleIds(code, filePath)).filter((id) => IMPORT_RULES.includes(id)).length;
}

describe('architecture lint rules: src/ is headless and deterministic', () => {
  it.each([
    ["import React from 'react'; export const x = React;", 'src/kernel-sim/x.ts'],
    ["import React from 'react'; export const x = React;", 'src/terminal/x.ts'],
    ["import { createRoot } from 'react-dom/client'; export const x = createRoot;", 'src/x.ts'],
    ["import { select } from 'd3-selection'; export const x = select;", 'src/terminal/x.ts'],
    ["import { Terminal } from '@xterm/xterm'; export const x = Terminal;", 'src/terminal/x.ts'],
    ["import { create } from 'zustand'; export const x = create;", 'src/terminal/x.ts'],
    ["import { App } from '../../app/App.tsx'; export const x = App;", 'src/terminal/x.ts'],
    ["import { App } from '../app/App.tsx'; export const x = App;", 'src/x.ts'],
  ])('%s in %s is a restricted import', async (code, file) => {
    expect(await ruleIds(code, file)).toContain('no-restricted-imports');
  });

  it.each([
    ['export const r = Math.random();', 'no-restricted-properties'],
    ['export const t = Date.now();', 'no-restricted-properties'],
    ['export const d = new Date();', 'no-restricted-syntax'],
    ['setTimeout(() => {}, 10);', 'no-restricted-globals'],
    ['setInterval(() => {}, 10);', 'no-restricted-globals'],
    ['export const t = performance.now();', 'no-restricted-globals'],
    ['export const b = document.body;', 'no-restricted-globals'],
    ['export const w = window.innerWidth;', 'no-restricted-globals'],
    ["export const s = localStorage.getItem('x');", 'no-restricted-globals'],
    ['export const u = navigator.userAgent;', 'no-restricted-globals'],
    ['requestAnimationFrame(() => {});', 'no-restricted-globals'],
  ])('%s under src/ is an error (%s)', async (code, rule) => {
    for (const file of ['src/kernel-sim/x.ts', 'src/terminal/x.ts']) {
      expect(await ruleIds(code, file)).toContain(rule);
    }
  });

  it('explains the determinism rule', async () => {
    const [result] = await eslint.lintText('export const r = Math.random();', {
      filePath: `${root}/src/kernel-sim/x.ts`,
    });
    expect(result?.messages[0]?.message).toMatch(/deterministic.*virtual clock/);
  });

  it('the same code is allowed in app/', async () => {
    const code = [
      "import React from 'react';",
      "import { Terminal } from '@xterm/xterm';",
      "import { create } from 'zustand';",
      "import { select } from 'd3-selection';",
      'export const x = [React, Terminal, create, select, document.body, window.innerWidth];',
      'export const t = [Math.random(), Date.now(), new Date(), performance.now()];',
      'setTimeout(() => {}, 10);',
    ].join('\n');
    expect(await ruleIds(code, 'app/x.tsx')).toEqual([]);
  });

  it('src/cli/ may use Node and the clock, but not React or the DOM', async () => {
    expect(
      await ruleIds(
        "import { readFileSync } from 'node:fs'; export const x = [readFileSync, process.argv, Date.now(), new Date()];\nsetTimeout(() => {}, 1);",
        'src/cli/x.ts',
      ),
    ).toEqual([]);
    expect(
      await ruleIds("import React from 'react'; export const x = React;", 'src/cli/x.ts'),
    ).toContain('no-restricted-imports');
    expect(await ruleIds('export const b = document.body;', 'src/cli/x.ts')).toContain(
      'no-restricted-globals',
    );
  });
});

describe('architecture lint rules: src/kernel-sim/ is self-contained', () => {
  it.each([
    ["import { x } from './clock.ts';", 'src/kernel-sim/x.ts'],
    ["import { x } from './sched/runqueue.ts';", 'src/kernel-sim/x.ts'],
    ["import { x } from '../clock.ts';", 'src/kernel-sim/sched/x.ts'],
    ["import { x } from '../../kernel-sim/clock.ts';", 'src/kernel-sim/sched/x.ts'],
    ["import { x } from '../fs/inode.ts';", 'src/kernel-sim/sched/x.ts'],
    ["import { x } from '../../clock.ts';", 'src/kernel-sim/a/b/x.ts'],
  ])('allows %s in %s', async (code, file) => {
    expect(await importErrors(`${code}\nexport const y = x;`, file)).toBe(0);
  });

  it.each([
    ["import { x } from '../terminal/session.ts';", 'src/kernel-sim/x.ts'],
    ["import { x } from '../../terminal/session.ts';", 'src/kernel-sim/sched/x.ts'],
    ["import { x } from '../../../app/App.tsx';", 'src/kernel-sim/sched/x.ts'],
    ["import { x } from '../../package.json';", 'src/kernel-sim/x.ts'],
    ["import { x } from 'lodash';", 'src/kernel-sim/x.ts'],
    ["import { x } from 'node:fs';", 'src/kernel-sim/x.ts'],
    ["import { x } from 'vitest';", 'src/kernel-sim/x.ts'],
    ["import type { x } from '../terminal/session.ts';", 'src/kernel-sim/x.ts'],
    ["export { x } from '../terminal/session.ts';", 'src/kernel-sim/x.ts'],
  ])('forbids %s in %s', async (code, file) => {
    expect(await importErrors(`${code}\nexport const y = 1;`, file)).toBeGreaterThan(0);
  });

  it('tests of the kernel model may import vitest, fast-check and node: builtins', async () => {
    const code = [
      "import { describe } from 'vitest';",
      "import fc from 'fast-check';",
      "import { readFileSync } from 'node:fs';",
      "import { x } from './clock.ts';",
      'export const y = [describe, fc, readFileSync, x];',
    ].join('\n');
    expect(await importErrors(code, 'src/kernel-sim/x.test.ts')).toBe(0);
    expect(await importErrors(code, 'src/kernel-sim/sched/x.test.ts')).toBe(0);
    expect(
      await importErrors(
        "import { x } from '../terminal/session.ts'; export const y = x;",
        'src/kernel-sim/x.test.ts',
      ),
    ).toBe(1);
  });
});

describe('architecture lint rules: scenarios/ are data', () => {
  it('allows type-only imports from src/', async () => {
    const code =
      "import type { Scenario } from '../src/kernel-sim/types.ts'; export const s: Scenario | null = null;";
    expect(await importErrors(code, 'scenarios/x.ts')).toBe(0);
  });

  it.each([
    "import { boot } from '../src/kernel-sim/boot.ts'; export const s = boot;",
    "import { readFileSync } from 'node:fs'; export const s = readFileSync;",
    "import React from 'react'; export const s = React;",
    "import type { ReactNode } from 'react'; export const s: ReactNode = null;",
  ])('forbids %s', async (code) => {
    expect(await importErrors(code, 'scenarios/x.ts')).toBeGreaterThan(0);
  });
});
