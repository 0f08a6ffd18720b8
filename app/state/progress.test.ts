import { describe, expect, it } from 'vitest';
import { makeResult } from '../../src/grading/result.ts';
import type { ExerciseRecord } from '../../src/grading/result.ts';
import {
  EMPTY_PROGRESS,
  PROGRESS_KEY,
  importResult,
  readProgress,
  toResult,
  writeProgress,
} from './progress.ts';
import type { Progress, StorageLike } from './progress.ts';

function memory(initial: Record<string, string> = {}): StorageLike & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const record: ExerciseRecord = {
  scenario: '08-docker-run-init',
  scenarioVersion: '1.0.0',
  exercise: 'exit-code',
  seed: 12345,
  values: {},
  actions: [
    { t: 0, kind: 'resize', tty: 1, cols: 80, rows: 24 },
    {
      t: 1_500_000,
      kind: 'keys',
      tty: 1,
      data: "docker run --init --name seven debian:12 sh -c 'exit 7'\r",
    },
    { t: 2_000_000, kind: 'check' },
  ],
  checks: [
    {
      t: 2_000_000,
      pass: true,
      goals: [
        { text: 'seven exited with 7', pass: true, found: "container 'seven' exited with 7" },
      ],
      digest: '0123abcd',
    },
  ],
  help: { hints: 1, reactingHint: null, solution: false },
  claimed: 'passed',
};

const progress: Progress = {
  learner: 'ada',
  cohort: 'w1',
  exercises: { '08-docker-run-init/exit-code': record },
  lessons: { '03-zombies': [0, 1] },
};

describe('saved progress', () => {
  it('survives a reload: what is written is read back', () => {
    const s = memory();
    expect(readProgress(s)).toEqual({ progress: EMPTY_PROGRESS, notice: null });
    expect(writeProgress(s, progress)).toBeNull();
    expect(readProgress(s)).toEqual({ progress, notice: null });
  });

  it.each([
    ['not JSON', '{"format": "pidlab-progress", ', 'it is not valid JSON'],
    ['a foreign store', '{"theme":"dark"}', 'it was not written by PID 1 Lab'],
    [
      'a newer version',
      '{"format":"pidlab-progress","version":2}',
      'it is version 2, this page reads 1',
    ],
    [
      'invalid records',
      JSON.stringify({
        format: 'pidlab-progress',
        version: 1,
        result: {
          format: 'pidlab-result',
          version: 1,
          learner: 'ada',
          cohort: '',
          exercises: [{ ...record, seed: -4 }],
        },
        lessons: {},
      }),
      'exercises[0].seed: expected an integer from 0 to 4294967295, got -4',
    ],
    [
      'bad lesson steps',
      JSON.stringify({
        format: 'pidlab-progress',
        version: 1,
        result: makeResult('ada', '', []),
        lessons: { x: ['a'] },
      }),
      'lessons.x is not a list of steps',
    ],
  ])('a corrupt store (%s) is reset with a message saying why', (_name, text, why) => {
    const s = memory({ [PROGRESS_KEY]: text });
    const r = readProgress(s);
    expect(r.progress).toEqual(EMPTY_PROGRESS);
    expect(r.notice).toBe(
      `Your saved progress could not be read (${why}), so it was reset. If you exported it to a file, import that file to get it back.`,
    );
    expect(s.data.has(PROGRESS_KEY)).toBe(false);
  });

  it('a storage that refuses to save says so', () => {
    const s = memory();
    s.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    expect(writeProgress(s, progress)).toBe(
      'Your progress could not be saved in this browser (QuotaExceededError); export it to a file to keep it.',
    );
  });

  it('exports as a result file and imports it back, validated', () => {
    const text = JSON.stringify(toResult(progress, { track: 'onboarding' }));
    expect(importResult(text, EMPTY_PROGRESS)).toEqual({
      progress: { ...progress, lessons: {} },
      problems: [],
    });
    expect(
      importResult(
        '{"format":"pidlab-result","version":1,"learner":"a","cohort":"","exercises":[],"score":3}',
        EMPTY_PROGRESS,
      ).problems,
    ).toEqual([
      "score: unknown field 'score'; known: format, version, learner, cohort, track, exportedAt, exercises",
    ]);
  });
});
