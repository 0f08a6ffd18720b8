import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScript } from '../lab/script.ts';
import { loadScenario } from '../scenario/load.ts';
import { STEP_PROMPT_LIMIT } from '../scenario/run.ts';
import type { LoadedScenario } from '../scenario/types.ts';
import { formatProblem } from '../scenario/types.ts';
import { validateScenarioText } from '../scenario/validate.ts';
import { gradeCommand } from '../cli/grade.ts';
import { Attempt, NO_REACTING_HINT } from './attempt.ts';
import { gradeResult } from './grader.ts';
import type { ExerciseRecord, ResultFile } from './result.ts';
import { makeResult, parseResult } from './result.ts';
import { parseTrack } from './tracks.ts';
import { drawValues, instantiate, seedFor } from './variants.ts';

const ROOT = new URL('../../', import.meta.url);
const SCENARIOS = new URL('scenarios/', ROOT);

function load(folder: string): LoadedScenario {
  const dir = new URL(`${folder}/`, SCENARIOS);
  const r = loadScenario({
    folder,
    read: (p) => (existsSync(new URL(p, dir)) ? readFileSync(new URL(p, dir), 'utf8') : undefined),
  });
  if (!r.loaded) throw new Error(r.problems.map(formatProblem).join('\n'));
  return r.loaded;
}

const lessons: LoadedScenario[] = readdirSync(SCENARIOS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && /^\d\d-/.test(d.name))
  .map((d) => load(d.name))
  .sort((a, b) => a.scenario.order - b.scenario.order);
const lesson = (id: string): LoadedScenario => lessons.find((l) => l.scenario.id === id)!;

const allExercises = lessons.flatMap((l) =>
  (l.scenario.exercises ?? []).map((e) => [`${l.scenario.id}/${e.id}`, l, e] as const),
);

/** Starts an attempt and types `lines` at its prompt, as `pidlab run --script` does. */
function attempt(
  id: string,
  exercise: string,
  lines: readonly string[],
  learner = 'ada',
  cohort = 'w1',
) {
  const l = lesson(id);
  const a = new Attempt(
    l,
    l.scenario.exercises!.find((e) => e.id === exercise)!,
    cohort,
    learner,
  );
  type(a, lines);
  return a;
}

function type(a: Attempt, lines: readonly string[]): void {
  if (lines.length > 0) runScript(a.machine, lines.join('\n'), { promptLimit: STEP_PROMPT_LIMIT });
}

/** The result file as the page exports it, parsed back as the grader reads it. */
function roundTrip(r: ResultFile): ResultFile {
  const p = parseResult(JSON.stringify(r));
  expect(p.problems).toEqual([]);
  return p.result!;
}

const grade = (r: ResultFile, cohort?: string) =>
  gradeResult(roundTrip(r), { scenarios: lessons, ...(cohort !== undefined ? { cohort } : {}) });

describe('exercises', () => {
  it('every lesson has at least one exercise, and the exercises validate', () => {
    for (const l of lessons)
      expect(l.scenario.exercises?.length ?? 0, l.scenario.id).toBeGreaterThan(0);
    expect(allExercises.length).toBeGreaterThanOrEqual(13);
  });

  it.each(allExercises)(
    '%s: the reference solution, typed by two learners, passes and grades as confirmed',
    (_name, l, ex) => {
      for (const learner of ['ada', 'grace']) {
        const a = new Attempt(l, ex, 'w1', learner);
        const first = a.check();
        expect(first.pass, `${learner}: the goals hold before anything was done`).toBe(false);
        type(a, a.exercise.solution);
        const c = a.check();
        expect(
          c.goals.filter((g) => !g.pass).map((g) => `${g.text} — ${g.found}`),
          `${learner} ${JSON.stringify(a.instance.values)}`,
        ).toEqual([]);
        const report = grade(makeResult(learner, 'w1', [a.record()]));
        expect(report.exercises[0]!.reasons).toEqual([]);
        expect(report.exercises[0]).toMatchObject({
          verdict: 'confirmed',
          claimed: 'passed',
          earned: 'passed',
        });
      }
    },
  );
});

/** Deliberately wrong solutions: each fails, with the model's view beside the goal. */
const WRONG: readonly {
  readonly id: string;
  readonly exercise: string;
  readonly lines: readonly string[];
  /** The failing goal's text and what the model shows. */
  readonly goal: RegExp;
  readonly found: RegExp;
  /** The reacting hint that applies. */
  readonly hint?: RegExp;
}[] = [
  {
    id: '01-what-pid-1-is',
    exercise: 'own-namespace',
    lines: ["unshare --pid --fork --mount-proc bash -c 'sleep 1000' &", 'sleep 0.2'],
    goal: /PID 1 of the newest namespace is bash/,
    found: /^PID 1 in the newest PID namespace is sleep$/,
  },
  {
    id: '08-docker-run-init',
    exercise: 'exit-code',
    lines: ["docker run --name seven debian:12 sh -c 'exit 7'"],
    goal: /its PID 1 was tini/,
    found: /^no docker-init exited$/,
    hint: /^No tini ran: no docker-init exited\. Without `--init`/,
  },
  {
    id: '02-orphans-adopted',
    exercise: 'adopt-in-namespace',
    lines: ["unshare --pid --fork --mount-proc sh -c 'sleep 30 & sleep 1000' &", 'sleep 0.5'],
    goal: /a sleep was orphaned and adopted/,
    found: /^no sleep was orphaned$/,
  },
  {
    id: '03-zombies',
    exercise: 'no-zombies',
    lines: ['docker run -d --name app node:20 node /app/index.js', 'sleep 10'],
    goal: /^no zombies in app$/,
    found: /^\d+ zombies in container 'app': \d+ \(sleep\)/,
  },
  {
    id: '03-zombies',
    exercise: 'who-leaks',
    lines: [
      'docker run -d --name a node:20 node /app/svc-a.js',
      'docker run -d --name b node:20 node /app/svc-b.js',
      'sleep 10',
    ],
    goal: /no zombies in [ab]/,
    found: /^\d+ zombies in container '[ab]': \d+ \(sleep\)/,
    hint: /^Container [ab]: \d+ zombies in container '[ab]'.*--init/,
  },
  {
    id: '04-signals-and-pid-1',
    exercise: 'fast-stop',
    lines: ['docker run -d --name quick node:20 node /app/app-nohandler.js', 'docker stop quick'],
    goal: /docker stop quick took at most 2 s/,
    found: /^docker stop quick took 10\.0\d s \(exit code 137\)$/,
  },
  {
    id: '04-signals-and-pid-1',
    exercise: 'grace-period',
    lines: ['docker run -d --name slow node:20 node /app/app-nohandler.js', 'docker stop slow'],
    goal: /docker stop slow took [2-6] s/,
    found: /^docker stop slow took 10\.0\d s \(exit code 137\)$/,
    hint: /that is the default grace period/,
  },
  {
    id: '05-shell-form-exec-form',
    exercise: 'exec-form-stop',
    lines: [
      'docker build -q -t form-dash /root/forms/dash',
      'docker run -d --name NAME form-dash',
      'docker stop NAME',
    ],
    goal: /node received SIGTERM/,
    found: /^node never received SIGTERM$/,
    hint: /137 is 128 \+ 9/,
  },
  {
    id: '06-go-run',
    exercise: 'graceful-go',
    lines: [
      'docker run -d --name NAME golang:1.19 go run /app/main.go',
      'sleep 2',
      'docker stop NAME',
    ],
    goal: /exited with 0/,
    found: /exited with 2$/,
    hint: /that is the go tool's exit code/,
  },
  {
    id: '07-orphaned-imagemagick-helpers',
    exercise: 'no-gs-zombies',
    lines: ['docker run -d --name conv node:20 node /app/convert-server.js', 'sleep 16'],
    goal: /no gs zombies in conv/,
    found: /^\d+ zombies in container 'conv': .*\(gs\)/,
    hint: /Their parent is PID 1, node/,
  },
  {
    id: '09-process-groups-and-subreapers',
    exercise: 'stop-the-group',
    lines: [
      "docker run -d --name grp debian:12 tini -- sh -c 'sleep 1000 & wait'",
      'sleep 1',
      'docker stop grp',
    ],
    goal: /the sleep was ended by SIGTERM/,
    found: /killed by SIGKILL/,
    hint: /the sleep got no SIGTERM/,
  },
  {
    id: '10-shell-as-pid-1',
    exercise: 'forward',
    lines: [
      "docker run -d --name fw debian:12 sh -c 'node /app/app.js; true'",
      'sleep 1',
      'docker stop fw',
    ],
    goal: /node received SIGTERM/,
    found: /^node never received SIGTERM/,
  },
  {
    id: '11-pid-exhaustion',
    exercise: 'keep-pids-free',
    lines: ['docker run -d --name z node:20 node /app/zombies.js', 'sleep 40'],
    goal: /fork never failed/,
    found: /^fork failed \d+ time\(s\) \(EAGAIN\)$/,
    hint: /the PID table is full of zombies/,
  },
  {
    id: '12-when-pid-1-dies',
    exercise: 'one-kill',
    lines: [
      "unshare --pid --fork --mount-proc sh -c 'sleep 1000 & sleep 2000 & wait' &",
      'sleep 0.3',
      'pkill -KILL -x sleep || kill -KILL $(pidof sleep)',
      'sleep 0.1',
    ],
    goal: /took 2 processes with it/,
    found: /^no PID namespace lost its init$/,
  },
  {
    id: '13-kubernetes-pods',
    exercise: 'pause-reaps',
    lines: [
      'kubectl apply -f /root/k8s/orphans-no-share.yaml',
      'kubectl wait --for=condition=Ready pod/orphans-no-share',
      'sleep 6',
    ],
    goal: /pause is PID 1 of the pod orphans/,
    found: /orphans/,
    hint: /^In orphans-no-share: 1 zombies .*which never waits/,
  },
  {
    id: '14-full-init-systems',
    exercise: 'crash-visible',
    lines: ['docker run -d --name NAME pidlab/supervisord:4.2', 'sleep 4'],
    goal: /exited with 1$/,
    found: /is running$/,
    hint: /supervisord.*restarts the worker each time it exits/,
  },
  {
    id: '15-exec-and-nsenter',
    exercise: 'ppid-zero',
    lines: [
      'docker run -d --name NAME node:20 node /app/app.js',
      "docker exec NAME sh -c 'sleep 1000 & exit 0'",
    ],
    goal: /every sleep in \w+ has PPID 0/,
    found: /^sleep in container '\w+': \d+ has PPID 1$/,
    hint: /that sleep was adopted by PID 1/,
  },
];

describe('wrong solutions fail with the goal beside what the model shows', () => {
  it.each(WRONG.map((w) => [`${w.id}/${w.exercise}`, w] as const))('%s', (_n, w) => {
    const l = lesson(w.id);
    const ex = l.scenario.exercises!.find((e) => e.id === w.exercise)!;
    const a = new Attempt(l, ex, 'w1', 'ada');
    const name = a.instance.values.name ?? '';
    type(
      a,
      w.lines.map((x) => x.replace(/NAME/g, name)),
    );
    const c = a.check();
    expect(c.pass).toBe(false);
    const failed = c.goals.filter((g) => !g.pass);
    expect(
      failed.some((g) => w.goal.test(g.text)),
      JSON.stringify(failed),
    ).toBe(true);
    const g = failed.find((x) => w.goal.test(x.text))!;
    expect(g.found).toMatch(w.found);
    // The help ladder: the first hint, then the one that reacts to this run.
    const first = a.nextHelp()!;
    expect(first).toEqual({ kind: 'hint', text: ex.hints[0]!.replace(/\{\{name\}\}/g, name) });
    if (w.hint) {
      const r = a.nextHelp()!;
      expect(r.kind).toBe('reacting');
      expect(r.kind === 'reacting' ? r.text : '').toMatch(w.hint);
    }
    // Graded: the failure is confirmed as a failure, and a forged pass is not.
    const honest = a.record();
    expect(grade(makeResult('ada', 'w1', [honest])).exercises[0]).toMatchObject({
      verdict: 'confirmed',
      earned: 'failed',
    });
  });
});

describe('the help ladder', () => {
  it('a hint, a hint that reacts to the run, the remaining hints, then the solution, recorded as seen', () => {
    const a = attempt('05-shell-form-exec-form', 'exec-form-stop', []);
    const name = a.instance.values.name!;
    const r1 = a.nextHelp()!;
    expect(r1.kind).toBe('hint');
    const r2 = a.nextHelp()!;
    // Nothing done yet: the "no container" condition applies.
    expect(r2).toMatchObject({ kind: 'reacting', index: 2 });
    expect(r2.kind === 'reacting' && r2.text).toBe(
      `there is no container '${name}'. Build an image (\`docker build -q -t NAME /root/forms/...\`) and run it with \`--name ${name}\`.`,
    );
    expect(a.nextHelp()!.kind).toBe('hint');
    const sol = a.nextHelp()!;
    expect(sol).toEqual({ kind: 'solution', lines: a.exercise.solution });
    expect(a.nextHelp()).toBeUndefined();
    expect(a.help).toEqual({ hints: 2, reactingHint: 2, solution: true });
    // The solution seen goes into the result and the grade report.
    type(a, a.exercise.solution);
    a.check();
    const rep = grade(makeResult('ada', 'w1', [a.record()]));
    expect(rep.exercises[0]).toMatchObject({
      verdict: 'confirmed',
      help: { hints: 2, reactingHint: 2, solution: true },
    });
  });

  it('when no condition holds, the reacting rung says so', () => {
    const a = attempt('12-when-pid-1-dies', 'one-kill', []);
    a.nextHelp();
    // No namespace yet, so "no namespace lost its init" applies...
    expect(a.nextHelp()).toMatchObject({ kind: 'reacting', index: 1 });
    const b = attempt('12-when-pid-1-dies', 'one-kill', [
      "unshare --pid --fork --mount-proc sh -c 'sleep 1000 & sleep 2000 & wait' &",
      'sleep 0.3',
      'kill -KILL $(ps -o pid= --ppid $!)',
      'sleep 0.1',
    ]);
    b.nextHelp();
    // ...and after the namespace died, neither applies.
    expect(b.nextHelp()).toEqual({ kind: 'reacting', index: -1, text: NO_REACTING_HINT });
  });
});

describe('pidlab grade: forged results are rejected', () => {
  const honestAttempt = (): Attempt =>
    attempt('04-signals-and-pid-1', 'fast-stop', [
      'docker run -d --name quick node:20 node /app/app-nohandler.js',
      'docker stop quick',
    ]);
  const failing = honestAttempt();
  failing.check();
  const failed = failing.record();
  const passing = attempt('04-signals-and-pid-1', 'fast-stop', [
    'docker run -d --init --name quick node:20 node /app/app-nohandler.js',
    'docker stop quick',
  ]);
  passing.check();
  const passed = passing.record();
  const reasons = (rec: ExerciseRecord, learner = 'ada', cohort?: string): string => {
    const rep = grade(makeResult(learner, 'w1', [rec]), cohort);
    expect(rep.exercises[0]!.verdict).toBe('rejected');
    expect(rep.rejected).toBe(1);
    return rep.exercises[0]!.reasons.join('\n');
  };

  it('honest results are confirmed, passed and failed alike', () => {
    expect(grade(makeResult('ada', 'w1', [passed]))).toMatchObject({ passed: 1, rejected: 0 });
    expect(grade(makeResult('ada', 'w1', [failed]))).toMatchObject({ passed: 0, rejected: 0 });
  });

  it('a claimed pass the recorded actions do not earn', () => {
    const forged: ExerciseRecord = {
      ...failed,
      claimed: 'passed',
      checks: failed.checks.map((c) => ({
        ...c,
        pass: true,
        goals: c.goals.map((g) => ({ ...g, pass: true })),
      })),
    };
    const why = reasons(forged);
    expect(why).toContain(
      'the result says "docker stop quick took at most 2 s" held, the replay shows it does not hold',
    );
    expect(why).toContain('claims a pass, but no check in the replay meets every goal');
  });

  it('a claimed pass with no check at all', () => {
    expect(
      reasons({
        ...failed,
        claimed: 'passed',
        actions: failed.actions.filter((a) => a.kind !== 'check'),
        checks: [],
      }),
    ).toContain(
      'claims a pass, but no check in the replay meets every goal (there is no check at all)',
    );
  });

  it('a passing result copied by another learner (the seed is theirs)', () => {
    expect(reasons(passed, 'bob')).toMatch(
      /seed \d+ is not the one "bob" gets for this exercise \(\d+\): the seed was changed/,
    );
  });

  it('a changed seed', () => {
    expect(reasons({ ...passed, seed: (passed.seed + 1) >>> 0 })).toContain('the seed was changed');
  });

  it('a changed scenario version', () => {
    expect(reasons({ ...passed, scenarioVersion: '0.9.0' })).toBe(
      `recorded against version 0.9.0 of '04-signals-and-pid-1', but the scenario is version ${lesson('04-signals-and-pid-1').scenario.version}: a result is graded only against the version it was made with`,
    );
  });

  it('tampered inputs: a failing run edited into a passing one keeps the old fingerprint', () => {
    const edited: ExerciseRecord = {
      ...failed,
      actions: failed.actions.map((a) =>
        a.kind === 'keys'
          ? { ...a, data: a.data.replace('docker run -d ', 'docker run -d --init ') }
          : a,
      ),
      claimed: 'passed',
      checks: passed.checks,
    };
    expect(reasons(edited)).toMatch(
      /fingerprint [0-9a-f]{8} differs from the replay's [0-9a-f]{8}: the recorded inputs are not the ones that produced this check/,
    );
  });

  it('tampered inputs: times moved, out of order, or checks added', () => {
    const moved = {
      ...passed,
      actions: passed.actions.map((a) => (a.kind === 'keys' ? { ...a, t: a.t + 1000 } : a)),
    };
    expect(reasons(moved)).toMatch(
      /the inputs cannot be replayed: actions\[\d+\]: time \d+ µs is before|fingerprint/,
    );
    const swapped = { ...passed, actions: [...passed.actions].reverse() };
    expect(reasons(swapped)).toMatch(
      /the inputs cannot be replayed: actions\[1\]: time \d+ µs is before the previous action's/,
    );
    const extra = {
      ...passed,
      actions: [...passed.actions, { t: passed.actions.at(-1)!.t, kind: 'check' as const }],
    };
    expect(reasons(extra)).toBe(
      '1 recorded check results for 2 check presses in the actions: the inputs were edited',
    );
  });

  it('help taken and then hidden: the solution marked as not seen', () => {
    const a = attempt('04-signals-and-pid-1', 'fast-stop', []);
    while (a.nextHelp()?.kind !== 'solution');
    type(a, a.exercise.solution);
    a.check();
    const rec = a.record();
    expect(rec.help).toEqual({ hints: 2, reactingHint: null, solution: true });
    expect(grade(makeResult('ada', 'w1', [rec])).exercises[0]!.verdict).toBe('confirmed');
    expect(reasons({ ...rec, help: { ...rec.help, solution: false } })).toBe(
      'the help recorded ({"hints":2,"reactingHint":null,"solution":false}) is not the help the actions show ({"hints":2,"reactingHint":null,"solution":true})',
    );
  });

  it('a result for another cohort, an unknown scenario, an exercise recorded twice', () => {
    expect(reasons(passed, 'ada', 'w2')).toBe('the result is for cohort "w1", not "w2"');
    expect(reasons({ ...passed, scenario: '04-signals-and-pid1' })).toBe(
      "no scenario '04-signals-and-pid1'; did you mean '04-signals-and-pid-1'?",
    );
    const rep = grade(makeResult('ada', 'w1', [passed, passed]));
    expect(rep.exercises.map((e) => e.verdict)).toEqual(['confirmed', 'rejected']);
  });

  it('a result file that is not one is refused with the field and the fix', () => {
    expect(parseResult('{').problems[0]).toMatch(/^not JSON/);
    expect(parseResult('{"format":"x"}').problems).toEqual([
      'format: expected "pidlab-result", got "x" (is this a PID 1 Lab result file?)',
    ]);
    const text = JSON.stringify({ ...makeResult('ada', 'w1', [passed]), learnr: 'x' });
    expect(parseResult(text).problems).toEqual([
      "learnr: unknown field 'learnr'; did you mean 'learner'?",
    ]);
    const bad = JSON.stringify(
      makeResult('ada', 'w1', [
        { ...passed, actions: [{ t: -1, kind: 'key', data: 'x' }] } as never,
      ]),
    );
    expect(parseResult(bad).problems).toEqual([
      `exercises[0].actions[0].kind: unknown action kind "key"; did you mean 'keys'?`,
    ]);
  });
});

describe('replay matches the page, however its clock slices time', () => {
  it('keystrokes one at a time between 25 ms clock ticks replay to the same checks', () => {
    const l = lesson('03-zombies');
    const ex = l.scenario.exercises!.find((e) => e.id === 'no-zombies')!;
    const a = new Attempt(l, ex, '', 'ada');
    const k = a.machine.kernel;
    const tick = (ms: number): void => {
      for (let i = 0; i < ms / 25; i++) k.runUntil(k.now + 25_000 + (i % 3) * 1000);
    };
    a.machine.kernel.resizeTty(a.machine.tty, 120, 40);
    tick(500);
    for (const ch of 'docker run -d --init --name app node:20 node /app/index.js\r') {
      a.machine.type(ch);
      tick(50);
    }
    tick(3000);
    const early = a.check();
    tick(9000);
    const late = a.check();
    expect(early.goals.map((g) => g.pass)).toEqual([true, true, false]); // running for about 3.5 s
    expect(late.pass).toBe(true);
    const rep = grade(makeResult('ada', '', [a.record()]));
    expect(rep.exercises[0]).toMatchObject({ verdict: 'confirmed', earned: 'passed' });
  });
});

describe('resuming a saved attempt (a page reload)', () => {
  it('replays the recorded inputs into a new attempt, which records them again', () => {
    const a = attempt('04-signals-and-pid-1', 'fast-stop', [
      'docker run -d --name quick node:20 node /app/app-nohandler.js',
    ]);
    a.check();
    a.nextHelp();
    const saved = a.record();
    const l = lesson('04-signals-and-pid-1');
    const b = new Attempt(
      l,
      l.scenario.exercises!.find((e) => e.id === 'fast-stop')!,
      'w1',
      'ada',
    );
    expect(b.resume(saved)).toBeUndefined();
    expect(b.record()).toEqual(saved);
    expect(b.machine.kernel.now).toBe(saved.actions.at(-1)!.t);
    // ...and goes on from there: the result still grades.
    type(b, [
      'docker rm -f quick',
      'docker run -d --init --name quick node:20 node /app/app-nohandler.js',
      'docker stop quick',
    ]);
    b.check();
    expect(grade(makeResult('ada', 'w1', [b.record()])).exercises[0]).toMatchObject({
      verdict: 'confirmed',
      earned: 'passed',
    });
    const other = new Attempt(
      l,
      l.scenario.exercises!.find((e) => e.id === 'fast-stop')!,
      'w1',
      'bob',
    );
    expect(other.resume(saved)).toBe('the saved attempt is for another learner');
  });
});

describe('variants', () => {
  const l = lesson('03-zombies');
  const ex = l.scenario.exercises!.find((e) => e.id === 'who-leaks')!;

  it('each learner gets their own instance, the same one every time', () => {
    const names = ['ada', 'grace', 'linus', 'ken', 'dennis', 'barbara', 'margaret', 'radia'];
    const drawn = names.map((n) => drawValues(ex, seedFor('w1', n, l.scenario.id, ex.id)).leaky);
    expect(new Set(drawn)).toEqual(new Set(['a', 'b']));
    expect(names.map((n) => drawValues(ex, seedFor('w1', n, l.scenario.id, ex.id)).leaky)).toEqual(
      drawn,
    );
  });

  it('the value is substituted into the files, so only that service leaks', () => {
    for (const leaky of ['a', 'b']) {
      let seed = 0;
      while (drawValues(ex, seed).leaky !== leaky) seed++;
      const inst = instantiate(l, ex, seed);
      expect(inst.loaded.files[`/app/svc-${leaky}.js`]!.content).toContain("spawn('/app/child.sh'");
      expect(inst.loaded.files[`/app/svc-${leaky === 'a' ? 'b' : 'a'}.js`]!.content).toContain(
        "spawn('/bin/sleep'",
      );
    }
  });

  it('a number drawn for a goal is substituted as a number', () => {
    const g = lesson('04-signals-and-pid-1');
    const gp = g.scenario.exercises!.find((e) => e.id === 'grace-period')!;
    const inst = instantiate(g, gp, 7);
    const grace = Number(inst.values.grace);
    expect(inst.exercise.goals[1]!.args).toEqual({
      container: 'slow',
      seconds: grace,
      after: grace,
    });
    expect(inst.exercise.solution[1]).toBe(`docker stop -t ${grace} slow`);
  });

  it('the validator reports unknown variables and non-numeric choices for a number', () => {
    const text = readFileSync(new URL('04-signals-and-pid-1/scenario.json', SCENARIOS), 'utf8')
      .replace('"docker stop -t {{grace}} slow"', '"docker stop -t {{grase}} slow"')
      .replace('"choices": ["2", "3", "4", "5", "6"]', '"choices": ["2", "3", "four"]');
    const v = validateScenarioText(text, {
      folder: '04-signals-and-pid-1',
      read: (p) => readFileSync(new URL(`04-signals-and-pid-1/${p}`, SCENARIOS), 'utf8'),
    });
    const problems = v.problems.map(formatProblem);
    expect(problems).toContain(
      "04-signals-and-pid-1/scenario.json: exercises[1].solution[1]: unknown variable '{{grase}}'; did you mean 'grace'?",
    );
    expect(problems).toContain(
      "04-signals-and-pid-1/scenario.json: exercises[1].variables.grace.choices: 'four' is not a number, but {{grace}} is used as goals[1].args.seconds",
    );
  });
});

describe('tracks', () => {
  const read = (n: string) => readFileSync(new URL(`tracks/${n}.json`, SCENARIOS), 'utf8');

  it('the onboarding, workshop and talk tracks validate against the scenarios', () => {
    for (const n of ['onboarding', 'workshop', 'talk'])
      expect(parseTrack(read(n), `${n}.json`, lessons).problems).toEqual([]);
    const t = parseTrack(read('onboarding'), 'onboarding.json', lessons).track!;
    expect(t.kind === 'onboarding' && t.exercises.length).toBeGreaterThanOrEqual(10);
    const w = parseTrack(read('workshop'), 'workshop.json', lessons).track!;
    expect(w.kind === 'workshop' && w.lessons).toEqual(lessons.map((x) => x.scenario.id));
  });

  it('a wrong reference is reported with did-you-mean', () => {
    const bad = read('onboarding')
      .replace('"who-leaks"', '"who-leak"')
      .replace('"passMark": 12', '"passMark": 99');
    expect(parseTrack(bad, 'onboarding.json', lessons).problems).toEqual([
      "onboarding.json: exercises[2].exercise: 'who-leak' is not an exercise of 03-zombies; did you mean 'who-leaks'?",
      'onboarding.json: passMark: expected an integer from 1 to the number of exercises (16)',
    ]);
    const talk = read('talk').replace('"they-pile-up"', '"they-pileup"');
    expect(parseTrack(talk, 'talk.json', lessons).problems[0]).toBe(
      "talk.json: demos[0].steps[1]: 'they-pileup' is not a step of 03-zombies; did you mean 'they-pile-up'?",
    );
  });
});

describe('pidlab grade (the command)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidlab-grade-'));
  const a = attempt(
    '08-docker-run-init',
    'exit-code',
    ["docker run --init --name seven debian:12 sh -c 'exit 7'"],
    'ada',
  );
  a.check();
  const b = attempt(
    '08-docker-run-init',
    'exit-code',
    ["docker run --name seven debian:12 sh -c 'exit 6'"],
    'bob',
  );
  b.check();
  const honest = join(dir, 'ada.json');
  writeFileSync(honest, JSON.stringify(makeResult('ada', 'w1', [a.record()])));
  const forged = join(dir, 'bob.json');
  const bobRec = b.record();
  writeFileSync(
    forged,
    JSON.stringify(
      makeResult('bob', 'w1', [
        { ...bobRec, claimed: 'passed', checks: bobRec.checks.map((c) => ({ ...c, pass: true })) },
      ]),
    ),
  );
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"format":"pidlab-result","version":2}');
  const run = (...args: string[]) => {
    let out = '';
    let err = '';
    const code = gradeCommand(args, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  };

  it('confirms an honest result and exits 0', () => {
    const r = run(honest, '--cohort', 'w1');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^RESULT\s+LEARNER\s+EXERCISE\s+TIME\s+CHECKS\s+CLAIMED\s+REPLAY\s+VERDICT\s+HELP$/m,
    );
    expect(r.out).toMatch(
      /^ada\.json\s+ada\s+08-docker-run-init\/exit-code\s+0:0\d\s+1\s+passed\s+passed\s+CONFIRMED\s+none$/m,
    );
    expect(r.out).toContain('1 result file(s), 1 exercise(s): 1 confirmed, 0 rejected');
  });

  it('grades a list with a summary table and a track, exits 1 when any is rejected', () => {
    const r = run(honest, forged, broken, '--track', 'onboarding');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^bob\.json\s+bob\s+08-docker-run-init\/exit-code\s+0:0\d\s+1\s+passed\s+failed\s+REJECTED/m,
    );
    expect(r.out).toMatch(/^broken\.json\s+-\s+-\s+-\s+-\s+-\s+-\s+unreadable/m);
    expect(r.out).toContain('broken.json: version: this grader reads version 1, the file is 2');
    expect(r.out).toContain('claims a pass, but no check in the replay meets every goal');
    expect(r.out).toContain(
      '3 result file(s), 2 exercise(s): 1 confirmed, 1 rejected, 1 file(s) unreadable',
    );
    expect(r.out).toMatch(/^Track onboarding \(16 exercises, pass mark 12\):$/m);
    expect(r.out).toMatch(/^ada\s+1\/16\s+15\s+not yet$/m);
    expect(r.out).toMatch(/^bob\s+0\/16\s+15\s+REJECTED RESULT$/m);
  });

  it('--json prints the reports; usage errors exit 2', () => {
    const r = run(honest, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)[0].report.exercises[0].verdict).toBe('confirmed');
    expect(run().code).toBe(2);
    expect(run('--track', 'nope', honest).code).toBe(2);
    expect(run('--frob').code).toBe(2);
  });
});
