/**
 * `pidlab grade RESULT...`: replays each learner's recorded inputs in the deterministic model
 * and confirms or rejects each claimed grade (src/grading/grader.ts), then prints a table, the
 * reasons for every rejection, and — with a track — who reaches its pass mark. Exit status 0
 * when every claim is confirmed, 1 when any is rejected or a file cannot be read, 2 for usage.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, SCENARIO_FILE } from '../scenario/load.ts';
import type { LoadedScenario } from '../scenario/types.ts';
import { formatProblem } from '../scenario/types.ts';
import { gradeResult } from '../grading/grader.ts';
import type { GradeReport } from '../grading/grader.ts';
import { MAX_RESULT_BYTES, parseResult } from '../grading/result.ts';
import { parseTrack } from '../grading/tracks.ts';
import type { Track } from '../grading/tracks.ts';

type Onboarding = Extract<Track, { kind: 'onboarding' }>;
import type { CliIo } from './main.ts';

export const GRADE_USAGE = `Usage: pidlab grade RESULT... [--cohort CODE] [--track FILE] [--scenarios DIR] [--json]

Replays every exercise of each result file (exported from the page) in the deterministic model
and confirms or rejects each claimed grade. A claim is rejected when the recorded inputs do not
earn it, when the seed is not the learner's, when the scenario version differs, or when the
inputs were edited after the run. There are no accounts or signatures: trust comes from replay.

Options:
  --cohort CODE    the cohort code you gave out; results made with another are rejected
  --track FILE     a track file (scenarios/tracks/onboarding.json) or a track id: report who
                   reaches its pass mark, and which of its exercises each result lacks
  --scenarios DIR  grade against these scenario folders (default: this checkout's scenarios/)
  --json           print the reports as JSON instead of a table
  -h, --help       show this help

Exit status: 0 when every claim is confirmed, 1 when any is rejected or a file cannot be read,
2 for a usage error.
`;

const DEFAULT_SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));

function loadScenarios(dir: string): { scenarios: LoadedScenario[]; problems: string[] } {
  const scenarios: LoadedScenario[] = [];
  const problems: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (!d.isDirectory() || d.name.startsWith('_') || d.name.startsWith('.')) continue;
    const folder = join(dir, d.name);
    if (!existsSync(join(folder, SCENARIO_FILE))) continue;
    const r = loadScenario({
      folder: d.name,
      read: (p) =>
        existsSync(join(folder, p)) ? readFileSync(join(folder, p), 'utf8') : undefined,
    });
    if (r.loaded) scenarios.push(r.loaded);
    else problems.push(...r.problems.map(formatProblem));
  }
  return { scenarios: scenarios.sort((a, b) => a.scenario.order - b.scenario.order), problems };
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

function helpText(h: { hints: number; reactingHint: number | null; solution: boolean }): string {
  const parts: string[] = [];
  if (h.hints > 0) parts.push(`${h.hints} hint${h.hints === 1 ? '' : 's'}`);
  if (h.reactingHint !== null) parts.push('reacting hint');
  if (h.solution) parts.push('SOLUTION SEEN');
  return parts.length ? parts.join(', ') : 'none';
}

/** Virtual time as m:ss. */
const minutes = (s: number): string =>
  `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => pad(c, widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export function gradeCommand(argv: readonly string[], io: CliIo): number {
  const files: string[] = [];
  let cohort: string | undefined;
  let trackArg: string | undefined;
  let scenariosDir = DEFAULT_SCENARIOS;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string | undefined => {
      const v = argv[++i];
      if (v === undefined) io.err(`pidlab grade: ${a} needs a value\n`);
      return v;
    };
    if (a === '-h' || a === '--help') {
      io.out(GRADE_USAGE);
      return 0;
    } else if (a === '--cohort') {
      cohort = value();
      if (cohort === undefined) return 2;
    } else if (a === '--track') {
      trackArg = value();
      if (trackArg === undefined) return 2;
    } else if (a === '--scenarios') {
      const v = value();
      if (v === undefined) return 2;
      scenariosDir = resolve(v);
    } else if (a === '--json') json = true;
    else if (a.startsWith('-')) {
      io.err(`pidlab grade: unknown option '${a}'\n${GRADE_USAGE}`);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0) {
    io.err(`pidlab grade: name at least one result file\n${GRADE_USAGE}`);
    return 2;
  }
  if (!existsSync(scenariosDir) || !statSync(scenariosDir).isDirectory()) {
    io.err(`pidlab grade: ${scenariosDir} is not a folder of scenarios\n`);
    return 2;
  }
  const { scenarios, problems } = loadScenarios(scenariosDir);
  for (const p of problems) io.err(`pidlab grade: scenario not loaded: ${p}\n`);

  let track: Onboarding | undefined;
  if (trackArg !== undefined) {
    const path = existsSync(trackArg) ? trackArg : join(scenariosDir, 'tracks', `${trackArg}.json`);
    if (!existsSync(path)) {
      io.err(`pidlab grade: no track file '${trackArg}' (nor ${path})\n`);
      return 2;
    }
    const t = parseTrack(readFileSync(path, 'utf8'), basename(path), scenarios);
    if (!t.track) {
      for (const p of t.problems) io.err(`pidlab grade: ${p}\n`);
      return 2;
    }
    if (t.track.kind !== 'onboarding') {
      io.err(
        `pidlab grade: track '${t.track.id}' is a ${t.track.kind} track; grading needs an onboarding track\n`,
      );
      return 2;
    }
    track = t.track;
  }

  let failed = false;
  const reports: { file: string; report?: GradeReport; problems?: readonly string[] }[] = [];
  for (const file of files) {
    if (!existsSync(file) || !statSync(file).isFile()) {
      reports.push({ file, problems: ['no such file'] });
      failed = true;
      continue;
    }
    if (statSync(file).size > MAX_RESULT_BYTES) {
      reports.push({ file, problems: [`larger than ${MAX_RESULT_BYTES} bytes`] });
      failed = true;
      continue;
    }
    const parsed = parseResult(readFileSync(file, 'utf8'));
    if (!parsed.result) {
      reports.push({ file, problems: parsed.problems });
      failed = true;
      continue;
    }
    const report = gradeResult(parsed.result, {
      scenarios,
      ...(cohort !== undefined ? { cohort } : {}),
    });
    if (report.rejected > 0) failed = true;
    reports.push({ file, report });
  }

  if (json) {
    io.out(`${JSON.stringify(reports, null, 2)}\n`);
    return failed ? 1 : 0;
  }

  const rows: string[][] = [
    ['RESULT', 'LEARNER', 'EXERCISE', 'TIME', 'CHECKS', 'CLAIMED', 'REPLAY', 'VERDICT', 'HELP'],
  ];
  const reasons: string[] = [];
  for (const r of reports) {
    if (!r.report) {
      rows.push([basename(r.file), '-', '-', '-', '-', '-', '-', 'unreadable', '-']);
      for (const p of r.problems ?? []) reasons.push(`${r.file}: ${p}`);
      continue;
    }
    for (const e of r.report.exercises) {
      rows.push([
        basename(r.file),
        r.report.learner,
        `${e.scenario}/${e.exercise}`,
        minutes(e.seconds),
        String(e.checks),
        e.claimed,
        e.earned ?? '-',
        e.verdict.toUpperCase(),
        helpText(e.help),
      ]);
      for (const why of e.reasons) reasons.push(`${r.file}: ${e.scenario}/${e.exercise}: ${why}`);
    }
    if (r.report.exercises.length === 0)
      rows.push([
        basename(r.file),
        r.report.learner,
        '(no exercises)',
        '-',
        '-',
        '-',
        '-',
        '-',
        '-',
      ]);
  }
  io.out(table(rows));
  if (reasons.length > 0) io.out(`\nRejected:\n${reasons.map((x) => `  ${x}`).join('\n')}\n`);

  const graded = reports.flatMap((r) => (r.report ? [r.report] : []));
  const total = graded.reduce((n, r) => n + r.exercises.length, 0);
  const rejected = graded.reduce((n, r) => n + r.rejected, 0);
  io.out(
    `\n${reports.length} result file(s), ${total} exercise(s): ${total - rejected} confirmed, ${rejected} rejected` +
      `${reports.length - graded.length > 0 ? `, ${reports.length - graded.length} file(s) unreadable` : ''}\n`,
  );
  if (track) {
    const t = track;
    io.out(`\nTrack ${t.id} (${t.exercises.length} exercises, pass mark ${t.passMark}):\n`);
    const trackRows: string[][] = [['LEARNER', 'PASSED', 'MISSING', 'TRACK']];
    for (const r of graded) {
      const ok = t.exercises.filter((x) =>
        r.exercises.some(
          (e) =>
            e.scenario === x.scenario &&
            e.exercise === x.exercise &&
            e.verdict === 'confirmed' &&
            e.claimed === 'passed',
        ),
      ).length;
      const missing = t.exercises.filter(
        (x) => !r.exercises.some((e) => e.scenario === x.scenario && e.exercise === x.exercise),
      ).length;
      trackRows.push([
        r.learner,
        `${ok}/${t.exercises.length}`,
        String(missing),
        r.rejected > 0 ? 'REJECTED RESULT' : ok >= t.passMark ? 'pass' : 'not yet',
      ]);
    }
    io.out(table(trackRows));
  }
  return failed ? 1 : 0;
}
