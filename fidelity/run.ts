/**
 * `npm run fidelity`: the real kernel as judge. Every line of every case in fidelity/cases/ is
 * run twice — on this machine's Linux kernel, inside a pseudo-terminal (util-linux `script`) with
 * bash as the shell, and in the model, typed at the lab's root prompt — and what the terminal
 * shows is compared exactly (both rendered the same way: tabs to spaces, CR LF to LF).
 * Each line must be self-contained. A line may end with a `#@keys` directive (keys.ts): keys and
 * resizes done at given times while it runs, on a pty of its own on the real side (keys_pty.py)
 * and at the same virtual times in the model. Where the real side cannot run (not Linux, not
 * root, no unshare/script/python3), it says so in one line and checks nothing (exit 0); it never
 * reports a pass it did not check.
 *
 * Options: `--only TEXT` runs the cases whose id or line contains TEXT; `--record` (a full run
 * only) writes fidelity/checked.json, the record the page's "checked against Linux" badge reads
 * (record.ts): per case its line and result, and once the kernel, tool versions and date. A plain
 * run writes nothing.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLabMachine } from '../src/lab/world.ts';
import { runScript } from '../src/lab/script.ts';
import { Screen } from '../src/terminal/screen.ts';
import { RULES } from '../src/kernel-sim/rules.ts';
import type { RuleId } from '../src/kernel-sim/rules.ts';
import { coverageSummary, parseCases, ruleCoverage, serializeRecord } from './record.ts';
import { KeysSyntaxError, parseKeyedLine, runKeyedLine } from './keys.ts';
import type { KeyedLine } from './keys.ts';
import type { CaseResult, FidelityRecord } from './record.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const CASES = join(HERE, 'cases');
const RECORD = join(HERE, 'checked.json');
const NEEDED = [
  'unshare',
  'script',
  'flock',
  'tini',
  'dumb-init',
  'catatonit',
  'ps',
  'timeout',
  'python3',
];
/** The real side of the keystroke driver (`#@keys`, keys.ts). */
const KEYS_PTY = join(HERE, 'keys_pty.py');
/**
 * Held (flock) while a line runs on the real side: the lines use fixed names (the pidlab-fid
 * cgroup, /tmp/pidlab-* files), so two runs on one machine (two checkouts, CI) take turns per
 * line instead of colliding ("mkdir: cannot create directory 'pidlab-fid': File exists").
 */
const LOCK = '/tmp/pidlab-fidelity.lock';

/**
 * Real-side lines run at niceness 0 even when the runner itself is niced (`nice npm test` on a
 * shared machine): procps prints an N in STAT for a niced process, and the model, which has no
 * nice, never does. Lowering the niceness needs root, which the real side has.
 */
const UNNICE: readonly string[] = (() => {
  const n = getPriority();
  return n > 0 && process.getuid?.() === 0 ? ['nice', '-n', String(-n)] : [];
})();

function unavailable(): string | undefined {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return 'not root (unshare --pid needs CAP_SYS_ADMIN)';
  for (const tool of NEEDED) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `no '${tool}' (apt-get install util-linux procps tini dumb-init catatonit)`;
  }
  const probe = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], {
    timeout: 10_000,
  });
  if (probe.status !== 0)
    return `unshare --pid --fork --mount-proc is not permitted here (${probe.stderr?.toString().trim()})`;
  return undefined;
}

/**
 * What the terminal shows, as the lab's screen renders it, with what legitimately differs
 * normalised: the host PID in a background job's "[1] 12345" line, and the number of the pty
 * (`pts/2`: this machine has other terminals open; the lab's is pts/0), its column kept as wide.
 */
function render(text: string): string {
  const s = new Screen();
  s.write(text.replace(/\r\n/g, '\n'));
  return s
    .text()
    .trimEnd()
    .replace(/^\[(\d+)\] \d+$/gm, '[$1] <host pid>')
    .replace(/\bpts\/\d+ */g, (m) => `pts/#`.padEnd(m.length));
}

/** Width of the terminals on both sides (util-linux script's pty is 80 columns here). */
const COLS = 80;

/**
 * The line typed into an interactive bash (job control on, as at the lab's prompt) on a pty of
 * COLS columns, named "-bash" as the lab's login shell is (so its messages read alike). The line
 * travels in the environment so that no quoting can change it.
 */
function onLinux(line: string): string {
  const r = spawnSync(
    'flock',
    [
      // -o: the line's processes do not inherit the lock (a straggler never holds it).
      '-o',
      '-w',
      '120',
      LOCK,
      ...UNNICE,
      'script',
      '-qec',
      'stty cols 80 rows 30; exec -a -bash bash --norc --noprofile -ic "$FIDELITY_LINE"',
      '/dev/null',
    ],
    {
      encoding: 'utf8',
      timeout: 150_000,
      // A second command (":") keeps bash -c from exec'ing a lone command in place: the line
      // then runs as a job with default signals, exactly as when typed at the lab's prompt.
      env: {
        ...process.env,
        SHELL: '/bin/bash',
        TERM: 'xterm-256color',
        FIDELITY_LINE: `${line}\n:`,
      },
    },
  );
  return render(r.stdout ?? '');
}

/**
 * A line with a `#@keys` directive (keys.ts): the same interactive bash, on a pty of its own
 * (python3's pty module, fidelity/keys_pty.py), with the directive's keys written to the pty at
 * their times and its resizes made with TIOCSWINSZ; the output is rendered as `onLinux` renders
 * script's. A line that ended before an action was due says so, and never matches the model.
 */
function onLinuxKeyed(line: KeyedLine): string {
  const r = spawnSync('flock', ['-o', '-w', '120', LOCK, ...UNNICE, 'python3', KEYS_PTY], {
    encoding: 'utf8',
    timeout: 150_000,
    env: {
      ...process.env,
      SHELL: '/bin/bash',
      TERM: 'xterm-256color',
      FIDELITY_LINE: `${line.command}\n:`,
      FIDELITY_ACTIONS: JSON.stringify(
        line.actions.map((a) =>
          a.kind === 'type'
            ? { at: a.at, kind: a.kind, data: a.data, item: a.item }
            : { at: a.at, kind: a.kind, cols: a.cols, rows: a.rows, item: a.item },
        ),
      ),
    },
  });
  if (r.status !== 0)
    return `(Linux: ${r.stderr?.trim() || `keys_pty.py exited with ${String(r.status ?? r.signal)}`})\n${render(r.stdout ?? '')}`;
  return render(r.stdout ?? '');
}

/**
 * The model's rules that no case can exercise on this machine, and why. The rule-coverage report
 * lists them apart from the rules no case exercises yet (which want a case).
 */
const NOT_CHECKABLE: Partial<Record<RuleId, string>> = {
  'exit/global-init':
    "the host init's exit panics the kernel: the real side's host init is this machine's own",
  'sig/global-init':
    "SIGKILL/SIGSTOP to the machine's own PID 1 is not sent on a shared machine (the kernel drops it, but a mistake stops the machine)",
  'alloc_pid/ns-dead':
    'ENOMEM needs a fork into the namespace between its init dying and the namespace emptying: a race the shell cannot win reliably',
  'threads/pid-space':
    "threads need a multithreaded program on both sides; the model's are the app models (node, go), which this machine does not run",
  'setsid/eperm':
    'setsid() by a group leader: util-linux setsid forks first to avoid exactly that, and no other tool on both sides calls it as a leader',
  'sig/resethand':
    "SA_RESETHAND is used only by the model's node app (its SignalExit handler); this machine runs no such app as a case",
  'sig/unkillable-at-delivery':
    'needs a signal queued to a namespace init while it has a handler or blocks it, and its handler removed before delivery: no shell or init on both sides does that',
};

interface ModelRun {
  readonly screen: string;
  /** The rules in the trace of the model's run. */
  readonly rules: ReadonlySet<string>;
}

function inModel(line: string): ModelRun {
  const run = runScript(createLabMachine({ cols: COLS, rows: 30 }), line);
  const rules = new Set<string>(run.trace.map((e) => e.rule));
  return { screen: modelScreen(line, run.transcript), rules };
}

/** The model's side of a `#@keys` line: the same keys at the same virtual times (keys.ts). */
function inModelKeyed(line: KeyedLine): ModelRun {
  const run = runKeyedLine(createLabMachine({ cols: COLS, rows: 30 }), line, 120_000_000);
  const rules = new Set<string>(run.trace.map((e) => e.rule));
  const screen = modelScreen(line.command, run.transcript);
  return { screen: run.late === undefined ? screen : `(model: ${run.late})\n${screen}`, rules };
}

function modelScreen(line: string, t: string): string {
  const head = `root@host:~# ${line}\n`;
  const start = t.indexOf(head);
  if (start < 0) return `(the model's transcript has no line '${line}')\n${t}`;
  const rest = t.slice(start + head.length);
  // Up to the prompt that follows the line (its directory may have changed: `cd`).
  const next = /(?:^|\n)root@host:[^\n]*$/.exec(rest);
  return render(next ? rest.slice(0, next.index) : rest);
}

function sideBySide(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  const w = Math.max(20, ...la.map((l) => l.length));
  const rows = [`  ${'Linux'.padEnd(w)} | model`];
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    const x = la[i] ?? '';
    const y = lb[i] ?? '';
    rows.push(`${x === y ? ' ' : '!'} ${x.padEnd(w)} | ${y}`);
  }
  return rows.join('\n');
}

/** Upstream version of a Debian package on this machine ("2:4.0.2-3" → "4.0.2"), if installed. */
function debianVersion(pkg: string): string | undefined {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout) return undefined;
  return r.stdout.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
}

/** The versions of what the real side ran, for the record. */
function toolVersions(): Record<string, string> {
  const tools: Record<string, string> = {};
  const pkgs: [string, string][] = [
    ['bash', 'bash'],
    ['dash', 'dash'],
    ['tini', 'tini'],
    ['dumb-init', 'dumb-init'],
    ['catatonit', 'catatonit'],
    ['util-linux', 'util-linux'],
    ['procps', 'procps'],
    ['coreutils', 'coreutils'],
    ['psmisc', 'psmisc'],
  ];
  for (const [name, pkg] of pkgs) {
    const v = debianVersion(pkg);
    if (v !== undefined) tools[name] = v;
  }
  const py = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  const m = /Python (\S+)/.exec(`${py.stdout ?? ''}${py.stderr ?? ''}`);
  if (m?.[1]) tools.python3 = m[1];
  return tools;
}

/**
 * What a case file needs beyond the tools every case needs (a `# requires: WHAT` line): a
 * writable pids cgroup, v1 (/sys/fs/cgroup/pids, as on this machine) or v2 with pids enabled for
 * the children of /sys/fs/cgroup. undefined when available, else why not.
 */
function missing(requirement: string): string | undefined {
  if (requirement !== 'pids-cgroup') return `unknown requirement '${requirement}'`;
  const v1 = '/sys/fs/cgroup/pids';
  let dir = v1;
  if (!existsSync(v1)) {
    dir = '/sys/fs/cgroup';
    let control: string;
    try {
      control = readFileSync(`${dir}/cgroup.subtree_control`, 'utf8');
    } catch {
      return 'no pids cgroup controller (neither /sys/fs/cgroup/pids nor cgroup v2)';
    }
    if (!/\bpids\b/.test(control)) return 'cgroup v2 without pids in cgroup.subtree_control';
  }
  const probe = `${dir}/pidlab-fidelity-probe`;
  try {
    mkdirSync(probe);
    rmdirSync(probe);
  } catch (e) {
    return `cannot make a cgroup in ${dir} (${(e as Error).message})`;
  }
  return undefined;
}

function parseArgs(argv: readonly string[]): { only?: string; record: boolean } | string {
  let only: string | undefined;
  let record = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--record') record = true;
    else if (a === '--only') {
      only = argv[++i];
      if (only === undefined || only === '') return '--only needs a text to look for';
    } else return `unknown option '${a}' (use --only TEXT, --record)`;
  }
  if (record && only !== undefined) return '--record needs the full run: drop --only';
  return only === undefined ? { record } : { only, record };
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`fidelity: ${args}\n`);
    return 2;
  }
  const why = unavailable();
  if (why !== undefined) {
    process.stdout.write(`fidelity: not run: ${why}\n`);
    // A record can only say what was checked: without a real side there is nothing to write.
    return args.record ? 1 : 0;
  }
  let passed = 0;
  let failed = 0;
  let known = 0;
  let racy = 0;
  let skipped = 0;
  const failures: string[] = [];
  const seen = new Set<string>();
  const results: Record<string, { line: string; result: CaseResult; retried?: boolean }> = {};
  for (const file of readdirSync(CASES)
    .filter((f) => f.endsWith('.sh'))
    .sort()) {
    // A comment "# known difference: WHY" marks the next line as a difference the model still
    // has: it is shown as KNOWN (never counted as a pass), and as FIXED (a failure, so the
    // marker is removed) once Linux and the model agree.
    const text = readFileSync(join(CASES, file), 'utf8');
    const cases = parseCases(file, text).filter(
      (c) => args.only === undefined || c.id.includes(args.only) || c.line.includes(args.only),
    );
    const requires = /^#\s*requires:\s*(\S+)/m.exec(text)?.[1];
    const lacking = cases.length === 0 || requires === undefined ? undefined : missing(requires);
    if (lacking !== undefined) {
      // Said once, checked nothing, recorded nothing: the badge reports these as not checked.
      skipped += cases.length;
      process.stdout.write(`SKIP  ${file}: ${lacking}\n`);
      continue;
    }
    for (const c of cases) {
      const { id, line } = c;
      const reason = c.known;
      let keyed: KeyedLine;
      try {
        keyed = parseKeyedLine(line);
      } catch (e) {
        if (!(e instanceof KeysSyntaxError)) throw e;
        results[id] = { line, result: 'fail' };
        failed++;
        failures.push(`${id} ${line}\nmalformed #@keys directive: ${e.message}`);
        process.stdout.write(`${'FAIL'.padEnd(5)} ${id.padEnd(24)} ${line}\n`);
        continue;
      }
      const linux = (): string =>
        keyed.actions.length === 0 ? onLinux(line) : onLinuxKeyed(keyed);
      let real = linux();
      const modelRun = keyed.actions.length === 0 ? inModel(line) : inModelKeyed(keyed);
      for (const r of modelRun.rules) seen.add(r);
      const model = modelRun.screen;
      // An empty Linux side means the command did not run there: never a pass.
      let same = real !== '' && real === model;
      // The model is deterministic; Linux under load may not be (a child that has not exec'd
      // yet). One more Linux run decides, and a pass that needed it is marked PASS* and counted,
      // so a racy case stays visible and gets a settle sleep.
      let retried = false;
      if (!same && reason === undefined) {
        const again = linux();
        if (again !== real && again !== '' && again === model) {
          real = again;
          same = true;
          retried = true;
          racy++;
        }
      }
      const where = id.padEnd(24);
      let verdict: string;
      if (reason !== undefined) {
        verdict = same ? 'FIXED' : 'KNOWN';
        results[id] = { line, result: same ? 'fail' : 'known' };
        if (same) {
          failed++;
          failures.push(`${id} now matches Linux: remove its "known difference" marker`);
        } else known++;
      } else if (same) {
        verdict = retried ? 'PASS*' : 'PASS';
        results[id] = retried ? { line, result: 'pass', retried } : { line, result: 'pass' };
        passed++;
      } else {
        verdict = 'FAIL';
        results[id] = { line, result: 'fail' };
        failed++;
        failures.push(`${id} ${line}\n${sideBySide(real, model)}`);
      }
      process.stdout.write(
        `${verdict.padEnd(5)} ${where} ${line}${reason ? `   (${reason})` : ''}\n`,
      );
    }
  }
  for (const f of failures) process.stdout.write(`\n${f}\n`);
  const kernel = spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim();
  process.stdout.write(
    `\nchecked against Linux ${kernel}; ${known} known difference(s); ${racy} pass(es) marked PASS* needed a second Linux run\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} not run (see SKIP)` : ''}\n`,
  );
  const coverage = ruleCoverage(Object.keys(RULES), seen, NOT_CHECKABLE as Record<string, string>);
  process.stdout.write(
    `${args.only === undefined ? '' : '(--only) '}${coverageSummary(coverage)}\n` +
      coverage.uncovered.map((r) => `  not exercised: ${r}\n`).join('') +
      Object.entries(coverage.notCheckable)
        .map(([r, why]) => `  not checkable here: ${r}: ${why}\n`)
        .join(''),
  );
  if (args.record) {
    const record: FidelityRecord = {
      rules: coverage,
      checkedAt: new Date().toISOString().slice(0, 10),
      kernel,
      tools: toolVersions(),
      cases: results,
    };
    writeFileSync(RECORD, serializeRecord(record));
    process.stdout.write(
      `recorded ${Object.keys(results).length} case(s) in fidelity/checked.json\n`,
    );
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
