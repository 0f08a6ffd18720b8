/**
 * `pidlab validate PATH [--run]`: checks scenario folders (a folder with scenario.json, a
 * scenario.json file, or a folder of scenario folders) and prints every problem with its file,
 * field and a fix. With --run it also replays each step in the model and checks its claims and
 * each exercise's reference solution against its goals. Exit 0 when all is well, 1 otherwise.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { loadScenario, SCENARIO_FILE } from '../scenario/load.ts';
import { createScenarioMachine, runLines, runStep } from '../scenario/run.ts';
import { coveringInstances } from '../grading/variants.ts';
import type { LoadedScenario, Problem } from '../scenario/types.ts';
import { formatProblem } from '../scenario/types.ts';
import { describeChecks, fidelityIdsOf, MAX_FILE_BYTES } from '../scenario/validate.ts';
import { scenarioJsonSchemaText } from '../scenario/schema.ts';
import type { CliIo } from './main.ts';

export const VALIDATE_USAGE = `Usage: pidlab validate PATH... [--run] [--quiet]

Checks scenario folders: PATH is a scenario folder (with ${SCENARIO_FILE}), a ${SCENARIO_FILE}
file, or a folder of scenario folders (such as scenarios/). Every problem is printed as
FILE: FIELD: what is wrong and how to fix it. Folders whose name starts with "_" or "." are
skipped when a folder of scenarios is given.

Options:
  --run       also replay every step in the model and check its claims, and every
              exercise's reference solution against its goals
  --show      with --run, print what the terminal shows at each step
  --quiet     print only problems
  --schema    print the JSON Schema of scenario.json (scenarios/schema/v1.json) and exit
  --checks    list the checks a claim or goal may use, with their arguments, and exit
  -h, --help  show this help

Exit status: 0 when every scenario is valid (and, with --run, every claim holds), 1 otherwise,
2 for a usage error.
`;

/** The scenario folders PATH names. */
function foldersOf(path: string): string[] | undefined {
  if (!existsSync(path)) return undefined;
  if (statSync(path).isFile()) return [dirname(resolve(path))];
  if (existsSync(join(path, SCENARIO_FILE))) return [resolve(path)];
  return readdirSync(path, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_') && !d.name.startsWith('.'))
    .map((d) => resolve(path, d.name))
    .filter((d) => existsSync(join(d, SCENARIO_FILE)))
    .sort();
}

/** The fidelity case ids of this checkout (undefined when the cases are not found). */
function fidelityIds(): Set<string> | undefined {
  const dir = new URL('../../fidelity/cases/', import.meta.url);
  try {
    const files: Record<string, string> = {};
    for (const name of readdirSync(dir))
      if (name.endsWith('.sh')) files[name] = readFileSync(new URL(name, dir), 'utf8');
    return fidelityIdsOf(files);
  } catch {
    return undefined;
  }
}

/** Reads a file of a scenario folder (undefined when missing, outside the folder, or huge). */
function reader(folder: string): (path: string) => string | undefined {
  return (path) => {
    const full = resolve(folder, path);
    if (!full.startsWith(folder + '/')) return undefined;
    try {
      const st = statSync(full);
      if (!st.isFile()) return undefined;
      if (st.size > MAX_FILE_BYTES * 2) return 'x'.repeat(MAX_FILE_BYTES + 1);
      return readFileSync(full, 'utf8');
    } catch {
      return undefined;
    }
  };
}

/** Replays a loaded scenario; returns a problem for every claim or goal that does not hold. */
export function replayProblems(
  loaded: LoadedScenario,
  log?: (line: string) => void,
  show = false,
): Problem[] {
  const s = loaded.scenario;
  const file = `${s.id}/${SCENARIO_FILE}`;
  const problems: Problem[] = [];
  const machine = createScenarioMachine(loaded);
  s.steps.forEach((step, i) => {
    const r = runStep(machine, step);
    log?.(`  step ${i + 1} ${step.id}: ${r.seconds.toFixed(2)} s virtual`);
    if (show) log?.(r.output);
    if (!r.finished)
      problems.push({
        file,
        field: `steps[${i}].commands`,
        message: `the prompt did not come back within 120 s; run long commands in the background (-d or &)`,
      });
    r.claims.forEach((c, j) => {
      if (!c.pass)
        problems.push({
          file,
          field: `steps[${i}].claims[${j}]`,
          message: `claim does not hold: "${c.claim.text}"; the model shows: ${c.actual}`,
        });
    });
  });
  (s.exercises ?? []).forEach((ex, i) => {
    // Every variant's values appear in some instance (src/grading/variants.ts).
    for (const inst of coveringInstances(loaded, ex)) {
      const m = createScenarioMachine(inst.loaded);
      const r = runLines(m, inst.exercise.solution, inst.exercise.goals);
      const variant =
        Object.keys(inst.values).length > 0 ? ` (variant ${JSON.stringify(inst.values)})` : '';
      r.claims.forEach((c, j) => {
        if (!c.pass)
          problems.push({
            file,
            field: `exercises[${i}].goals[${j}]`,
            message: `the reference solution does not reach "${c.claim.text}"${variant}; the model shows: ${c.actual}`,
          });
      });
    }
  });
  return problems;
}

export function validateCommand(args: readonly string[], io: CliIo): number {
  let run = false;
  let quiet = false;
  let show = false;
  const paths: string[] = [];
  for (const a of args) {
    if (a === '-h' || a === '--help') {
      io.out(VALIDATE_USAGE);
      return 0;
    } else if (a === '--run') run = true;
    else if (a === '--quiet' || a === '-q') quiet = true;
    else if (a === '--show') show = true;
    else if (a === '--schema') {
      io.out(scenarioJsonSchemaText());
      return 0;
    } else if (a === '--checks') {
      io.out(describeChecks() + '\n');
      return 0;
    } else if (a.startsWith('-')) {
      io.err(`pidlab validate: unknown option '${a}'\nTry 'pidlab validate --help'.\n`);
      return 2;
    } else paths.push(a);
  }
  if (paths.length === 0) {
    io.err(
      `pidlab validate: missing PATH (a scenario folder or scenarios/)\nTry 'pidlab validate --help'.\n`,
    );
    return 2;
  }
  const ids = fidelityIds();
  let bad = 0;
  let count = 0;
  for (const path of paths) {
    const folders = foldersOf(path);
    if (folders === undefined) {
      io.err(`pidlab validate: '${path}': no such file or directory\n`);
      bad++;
      continue;
    }
    if (folders.length === 0) {
      io.err(`pidlab validate: '${path}': no ${SCENARIO_FILE} in it or in its sub-folders\n`);
      bad++;
      continue;
    }
    for (const folder of folders) {
      count++;
      const name = basename(folder);
      const result = loadScenario({
        folder: name,
        read: reader(folder),
        ...(ids ? { fidelityIds: ids } : {}),
      });
      let problems = [...result.problems];
      if (result.loaded && run)
        problems = replayProblems(result.loaded, quiet ? undefined : (l) => io.out(l + '\n'), show);
      for (const p of problems) io.out(formatProblem(p) + '\n');
      if (problems.length > 0) bad++;
      else if (!quiet) io.out(`${name}: ok${run ? ' (replayed, every claim holds)' : ''}\n`);
    }
  }
  if (!quiet) io.out(`${count} scenario${count === 1 ? '' : 's'} checked, ${bad} with problems\n`);
  return bad > 0 ? 1 : 0;
}
