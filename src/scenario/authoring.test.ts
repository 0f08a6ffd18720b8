import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, memoryFolder } from './load.ts';
import { createScenarioMachine, runLines, runStep } from './run.ts';
import { formatProblem } from './types.ts';

/** The worked example of docs/authoring.md must stay a valid scenario whose claims hold. */
const doc = readFileSync(new URL('../../docs/authoring.md', import.meta.url), 'utf8');
const block = (lang: string): string => {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)\\n```').exec(doc);
  if (!m) throw new Error(`no \`\`\`${lang} block in docs/authoring.md`);
  return m[1]!;
};

describe('docs/authoring.md', () => {
  const json = block('json');
  const id = (JSON.parse(json) as { id: string }).id;
  const r = loadScenario(
    memoryFolder(id, { 'scenario.json': json, 'lesson.md': block('markdown') }),
  );

  it('its worked example validates', () => {
    expect(r.problems.map(formatProblem)).toEqual([]);
  });

  it('its steps replay with every claim holding, and its solution reaches the goals', () => {
    const loaded = r.loaded!;
    const m = createScenarioMachine(loaded);
    for (const step of loaded.scenario.steps)
      expect(runStep(m, step).claims.filter((c) => !c.pass)).toEqual([]);
    for (const ex of loaded.scenario.exercises ?? []) {
      const res = runLines(createScenarioMachine(loaded), ex.solution, ex.goals);
      expect(res.claims.filter((c) => !c.pass)).toEqual([]);
    }
  });

  it('lists every check of the library', async () => {
    const { CHECKS } = await import('./checks.ts');
    for (const c of CHECKS) expect(doc).toContain(`${c.name}: ${c.doc}`);
  });
});
