import { describe, expect, it } from 'vitest';
import text from '../../scenarios/02-orphans-adopted/scenario.json?raw';
import { useLabStore } from '../state/labStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { CATALOG } from './catalog.ts';
import {
  bundledLessons,
  choose,
  loadPickedFiles,
  runCurrentStep,
  startLesson,
  stepKey,
  useLessonStore,
} from './lessonStore.ts';

const file = (name: string, text: string): File => new File([text], name);

describe('the bundled lessons', () => {
  it('every scenario folder is bundled and loads', () => {
    expect(CATALOG.map((c) => c.result.problems)).toEqual(CATALOG.map(() => []));
    expect(bundledLessons().map((l) => l.scenario.order)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    ]);
  });
});

describe('the lesson store', () => {
  it("starting a lesson puts the lab on the lesson's world and its first step", () => {
    const before = useLabStore.getState().machine;
    startLesson('11-pid-exhaustion');
    const { machine } = useLabStore.getState();
    expect(machine).not.toBe(before);
    expect(machine.kernel.view().pidMax()).toBe(400);
    expect(useUiStore.getState()).toMatchObject({ lessonId: '11-pid-exhaustion', stepIndex: 0 });
    expect(useLessonStore.getState().startedFor).toBe('11-pid-exhaustion');
  });

  it('running a step records its result; restarting the lesson forgets predictions and results', () => {
    startLesson('02-orphans-adopted');
    choose('02-orphans-adopted', 0, 1);
    runCurrentStep();
    const key = stepKey('02-orphans-adopted', 0);
    const r = useLessonStore.getState().results[key]!;
    expect(r.claims.map((c) => c.pass)).toEqual([true]);
    expect(useLabStore.getState().machine.output()).toContain("sh -c 'sleep 30 & echo started");
    startLesson('02-orphans-adopted');
    expect(useLessonStore.getState().results[key]).toBeUndefined();
    expect(useLessonStore.getState().choices[key]).toBeUndefined();
  });

  it('picked files: problems are listed and nothing starts; a valid scenario starts', async () => {
    await loadPickedFiles([file('lesson.md', '# x\n')]);
    expect(useLessonStore.getState().loadProblems).toEqual([
      "scenario.json is missing: pick a scenario's scenario.json together with the files it names (lesson.md, ...)",
    ]);
    await loadPickedFiles([file('scenario.json', text.replace('"parentIs"', '"parentIz"'))]);
    expect(useLessonStore.getState().loadProblems).toEqual([
      "02-orphans-adopted/scenario.json: steps[0].claims[0].check: unknown check 'parentIz'; did you mean 'parentIs'?",
      "02-orphans-adopted/scenario.json: lesson: file 'lesson.md' does not exist in 02-orphans-adopted/",
    ]);
    const mine = text
      .replace('"02-orphans-adopted"', '"90-mine"')
      .replace('"order": 2', '"order": 90');
    await loadPickedFiles([file('scenario.json', mine), file('lesson.md', '# Mine\n')]);
    expect(useLessonStore.getState().loadProblems).toEqual([]);
    expect(useUiStore.getState().lessonId).toBe('90-mine');
    expect(useLessonStore.getState().picked.map((p) => p.scenario.id)).toEqual(['90-mine']);
  });

  it('an oversize picked file is refused', async () => {
    await loadPickedFiles([file('scenario.json', ' '.repeat(300 * 1024))]);
    expect(useLessonStore.getState().loadProblems[0]).toMatch(/^scenario\.json: too large/);
  });
});
