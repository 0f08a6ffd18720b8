import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, memoryFolder } from './load.ts';
import { createScenarioMachine, runLines, runStep } from './run.ts';
import { scenarioJsonSchemaText } from './schema.ts';
import { closest, editDistance } from './suggest.ts';
import type { LoadedScenario } from './types.ts';
import { formatProblem } from './types.ts';
import { MAX_SCENARIO_BYTES, fidelityIdsOf, validateScenarioText } from './validate.ts';
import { CHECKS } from './checks.ts';
import { coveringInstances } from '../grading/variants.ts';

const ROOT = new URL('../../', import.meta.url);
const SCENARIOS = new URL('scenarios/', ROOT);
const FIXTURES = new URL('fixtures/', import.meta.url);

const fidelityIds = (() => {
  const dir = new URL('fidelity/cases/', ROOT);
  const files: Record<string, string> = {};
  for (const n of readdirSync(dir))
    if (n.endsWith('.sh')) files[n] = readFileSync(new URL(n, dir), 'utf8');
  return fidelityIdsOf(files);
})();

function load(base: URL, folder: string) {
  const dir = new URL(`${folder}/`, base);
  return loadScenario({
    folder,
    read: (p) => (existsSync(new URL(p, dir)) ? readFileSync(new URL(p, dir), 'utf8') : undefined),
    fidelityIds,
  });
}

const lessonFolders = readdirSync(SCENARIOS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && /^\d\d-/.test(d.name))
  .map((d) => d.name)
  .sort();

const lessons: LoadedScenario[] = lessonFolders.map((f) => {
  const r = load(SCENARIOS, f);
  if (!r.loaded) throw new Error(r.problems.map(formatProblem).join('\n'));
  return r.loaded;
});

describe('the scenarios in scenarios/', () => {
  it('are the lessons 1-15 of issue #8, in order', () => {
    expect(lessons.map((l) => l.scenario.order)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    ]);
  });

  it.each(lessonFolders)('%s validates without problems', (folder) => {
    expect(load(SCENARIOS, folder).problems.map(formatProblem)).toEqual([]);
  });

  it.each(lessonFolders)('%s asks for predictions and checks its claims', (folder) => {
    const s = lessons.find((l) => l.scenario.id === folder)!.scenario;
    expect(s.steps.filter((st) => st.question).length).toBeGreaterThanOrEqual(2);
    for (const st of s.steps) if (st.question) expect(st.claims?.length ?? 0).toBeGreaterThan(0);
  });

  it('the published schema is the one generated from the validator', () => {
    const file = readFileSync(new URL('schema/v1.json', SCENARIOS), 'utf8');
    expect(JSON.parse(file)).toEqual(JSON.parse(scenarioJsonSchemaText()));
  });
});

describe('replaying every lesson in the model', () => {
  it.each(lessonFolders)('%s: every step finishes and every claim holds', (folder) => {
    const loaded = lessons.find((l) => l.scenario.id === folder)!;
    const m = createScenarioMachine(loaded);
    for (const step of loaded.scenario.steps) {
      const r = runStep(m, step);
      expect(r.finished, `${step.id} did not come back to the prompt`).toBe(true);
      const failed = r.claims
        .filter((c) => !c.pass)
        .map((c) => `${step.id}: ${c.claim.text} — ${c.actual}`);
      expect(failed).toEqual([]);
      for (const item of step.why ?? []) {
        const type = item.split(':')[0];
        expect(
          r.why.some((w) => w.type === type),
          `${step.id}: no ${item} event to explain`,
        ).toBe(true);
      }
    }
  });

  it.each(lessonFolders)('%s: every exercise solution reaches its goals', (folder) => {
    const loaded = lessons.find((l) => l.scenario.id === folder)!;
    for (const ex0 of loaded.scenario.exercises ?? []) {
      // Each variant of the exercise (src/grading/variants.ts), every drawn value at least once.
      for (const { loaded: world, exercise: ex } of coveringInstances(loaded, ex0)) {
        const r = runLines(createScenarioMachine(world), ex.solution, ex.goals);
        expect(
          r.claims.filter((c) => !c.pass).map((c) => `${ex.id}: ${c.claim.text} — ${c.actual}`),
        ).toEqual([]);
      }
    }
  });

  it('an exercise goal fails when the work is not done, and says what the model shows', () => {
    const loaded = lessons.find((l) => l.scenario.id === '03-zombies')!;
    const ex = loaded.scenario.exercises![0]!;
    // Without --init: node is PID 1 and zombies pile up.
    const r = runLines(
      createScenarioMachine(loaded),
      ['docker run -d --name app node:20 node /app/index.js', 'sleep 10'],
      ex.goals,
    );
    expect(r.claims.map((c) => c.pass)).toEqual([true, false, true]);
    expect(r.claims[1]!.actual).toMatch(/^\d+ zombies in container 'app': \d+ \(sleep\)/);
  });

  it('a replay is deterministic: the same steps give the same output', () => {
    const loaded = lessons.find((l) => l.scenario.id === '04-signals-and-pid-1')!;
    const run = () => {
      const m = createScenarioMachine(loaded);
      return loaded.scenario.steps.map((s) => runStep(m, s).output).join('');
    };
    expect(run()).toBe(run());
  });
});

describe('the checks', () => {
  const loaded = lessons.find((l) => l.scenario.id === '03-zombies')!;
  const m = createScenarioMachine(loaded);
  runLines(m, ['docker run -d --name web node:20 node /app/index.js', 'sleep 5']);
  const check = (check: string, args: Record<string, string | number | boolean>) =>
    runLines(m, [], [{ check, args, text: check }]).claims[0]!;

  it('each check can fail as well as pass', () => {
    expect(check('pid1Is', { comm: 'node', container: 'web' }).pass).toBe(true);
    expect(check('pid1Is', { comm: 'tini', container: 'web' })).toEqual(
      expect.objectContaining({ pass: false, actual: "PID 1 in container 'web' is node" }),
    );
    expect(check('pid1Is', { comm: 'node', container: 'nope' }).actual).toBe(
      "there is no container 'nope'",
    );
    expect(check('zombieCount', { min: 1, container: 'web' }).pass).toBe(true);
    expect(check('zombieCount', { max: 0, container: 'web' }).pass).toBe(false);
    expect(check('noZombies', { container: 'web' }).pass).toBe(false);
    expect(check('noZombies', {}).pass).toBe(false); // the host sees the container's zombies too
    expect(check('processCount', { comm: 'node', count: 1 }).pass).toBe(true);
    expect(check('processCount', { comm: 'node', count: 2 }).pass).toBe(false);
    expect(check('containerRunning', { container: 'web' }).pass).toBe(true);
    expect(check('containerExitCode', { container: 'web', code: 0 }).actual).toBe(
      "container 'web' is running",
    );
    expect(check('outputContains', { text: 'anything' }).pass).toBe(false);
  });

  it('signal checks look at the step only', () => {
    const r = runLines(
      m,
      ['docker kill -s TERM web', 'sleep 1'],
      [
        { check: 'signalDropped', args: { comm: 'node', signal: 'TERM' }, text: '' },
        { check: 'receivedSignal', args: { comm: 'node', signal: '15' }, text: '' },
        { check: 'receivedSignal', args: { comm: 'node', signal: 'SIGUSR2' }, text: '' },
      ],
    );
    expect(r.claims.map((c) => c.pass)).toEqual([true, true, false]);
    expect(r.claims[2]!.actual).toBe('node never received SIGUSR2');
    const later = runLines(
      m,
      ['true'],
      [{ check: 'receivedSignal', args: { comm: 'node', signal: 'TERM' }, text: '' }],
    );
    expect(later.claims[0]!.pass).toBe(false);
  });

  it('"not" inverts a claim', () => {
    const r = runLines(
      m,
      [],
      [{ check: 'containerRunning', args: { container: 'web' }, not: true, text: '' }],
    );
    expect(r.claims[0]!.pass).toBe(false);
  });

  it('every check is documented with typed parameters', () => {
    for (const c of CHECKS) {
      expect(c.doc.length).toBeGreaterThan(10);
      for (const p of Object.values(c.params)) expect(p.doc.length).toBeGreaterThan(3);
    }
  });
});

describe('broken scenarios get the expected messages', () => {
  const folders = readdirSync(FIXTURES).sort();
  it('there are fixtures', () => expect(folders.length).toBeGreaterThanOrEqual(8));
  it.each(folders)('%s', (folder) => {
    const expected = readFileSync(new URL(`${folder}/expected.txt`, FIXTURES), 'utf8');
    const r = load(FIXTURES, folder);
    expect(r.loaded).toBeUndefined();
    expect(r.problems.map(formatProblem).join('\n') + '\n').toBe(expected);
  });

  it('oversize input is refused before parsing', () => {
    const r = validateScenarioText(' '.repeat(MAX_SCENARIO_BYTES + 1), memoryFolder('big', {}));
    expect(r.problems.map(formatProblem)).toEqual([
      `big/scenario.json: too large: ${MAX_SCENARIO_BYTES + 1} bytes, at most ${MAX_SCENARIO_BYTES}; move long text into Markdown files`,
    ]);
  });

  it('a folder without scenario.json says so', () => {
    expect(loadScenario(memoryFolder('empty', {})).problems.map(formatProblem)).toEqual([
      'empty/scenario.json: missing: every scenario folder needs a scenario.json (see docs/authoring.md)',
    ]);
  });

  it('a lesson edited in memory (as the page loads a picked file) validates the same way', () => {
    const text = readFileSync(new URL('03-zombies/scenario.json', SCENARIOS), 'utf8').replace(
      '"noZombies"',
      '"noZombie"',
    );
    const r = loadScenario(
      memoryFolder('03-zombies', { 'scenario.json': text, 'lesson.md': '# x\n' }),
    );
    expect(r.problems.map(formatProblem)).toEqual([
      "03-zombies/scenario.json: steps[3].claims[1].check: unknown check 'noZombie'; did you mean 'noZombies'?",
    ]);
  });
});

describe('did you mean', () => {
  it('measures edit distance and suggests only close names', () => {
    expect(editDistance('noZombie', 'noZombies')).toBe(1);
    expect(closest('noZombie', ['noZombies', 'pid1Is'])).toBe('noZombies');
    expect(closest('frobnicate', ['noZombies', 'pid1Is'])).toBeUndefined();
  });
});
