/**
 * The fidelity record: what `npm run fidelity -- --record` last checked on a real kernel
 * (fidelity/checked.json), and what the page's "checked against Linux" badge says about a
 * lesson's cases. Pure functions over plain data: used by the runner (Node), by the page
 * (app/components/FidelityBadge.tsx) and by record.test.ts.
 *
 * A case's id is its file name without `.sh` and its number among the case lines of that file,
 * counted from 1: `01-pid-namespaces:3`. New cases are appended to a file (or go in a new file)
 * so that the ids lessons cite stay put; a recorded line that no longer matches the case file is
 * stale, and record.test.ts fails until the record is made again.
 */

export type CaseResult = 'pass' | 'fail' | 'known';

export interface RecordedCase {
  /** The shell line as it was checked. */
  readonly line: string;
  /** pass: Linux and the model showed the same; known: a marked known difference; fail. */
  readonly result: CaseResult;
  /** The pass needed a second Linux run (a racy line: give it a settle sleep). */
  readonly retried?: boolean;
}

export interface FidelityRecord {
  /** UTC date of the run, YYYY-MM-DD. */
  readonly checkedAt: string;
  /** `uname -r` of the machine. */
  readonly kernel: string;
  /** Upstream versions of the tools on the real side, by name (bash, dash, tini, ...). */
  readonly tools: Readonly<Record<string, string>>;
  readonly cases: Readonly<Record<string, RecordedCase>>;
  /** Which of the model's kernel rules the cases exercised (written by a full run). */
  readonly rules?: RuleCoverage;
}

/**
 * The model's kernel rules (src/kernel-sim/rules.ts) against the cases: `covered` appeared in
 * the trace of some case's model run, `uncovered` in none; `notCheckable` are those no case can
 * exercise on the machine that runs the suite, with the reason (they are not in `uncovered`).
 */
export interface RuleCoverage {
  readonly covered: readonly string[];
  readonly uncovered: readonly string[];
  readonly notCheckable: Readonly<Record<string, string>>;
}

/** Splits the rule ids into covered / uncovered / not checkable, each sorted. */
export function ruleCoverage(
  all: readonly string[],
  seen: ReadonlySet<string>,
  notCheckable: Readonly<Record<string, string>>,
): RuleCoverage {
  const unknown = Object.keys(notCheckable).filter((r) => !all.includes(r));
  if (unknown.length > 0) throw new Error(`not a rule of the model: ${unknown.join(', ')}`);
  const sorted = (xs: string[]): string[] => xs.sort((a, b) => a.localeCompare(b));
  return {
    covered: sorted(all.filter((r) => seen.has(r))),
    uncovered: sorted(all.filter((r) => !seen.has(r) && notCheckable[r] === undefined)),
    notCheckable: Object.fromEntries(
      sorted(all.filter((r) => !seen.has(r) && notCheckable[r] !== undefined)).map((r) => [
        r,
        notCheckable[r] ?? '',
      ]),
    ),
  };
}

/** "45 of 63 rules exercised, 6 not checkable here, 12 not exercised by any case". */
export function coverageSummary(c: RuleCoverage): string {
  const total = c.covered.length + c.uncovered.length + Object.keys(c.notCheckable).length;
  return `${c.covered.length} of ${total} model rules exercised by the cases, ${Object.keys(c.notCheckable).length} not checkable here, ${c.uncovered.length} not exercised by any case`;
}

export interface CaseLine {
  readonly id: string;
  readonly line: string;
  /** The reason given by a `# known difference:` marker right above it. */
  readonly known?: string;
}

export const caseId = (file: string, n: number): string => `${file.replace(/\.sh$/, '')}:${n}`;

/** The case lines of one case file, with their ids (comments and blank lines are not cases). */
export function parseCases(file: string, text: string): CaseLine[] {
  const out: CaseLine[] = [];
  let known: string | undefined;
  for (const raw of text.split('\n')) {
    const mark = /^#\s*known difference:\s*(.*)$/.exec(raw);
    if (mark) {
      known = mark[1] ?? '';
      continue;
    }
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const id = caseId(file, out.length + 1);
    out.push(known === undefined ? { id, line: raw } : { id, line: raw, known });
    known = undefined;
  }
  return out;
}

/** A record as JSON text: stable key order, two-space indent, a final newline. */
export function serializeRecord(r: FidelityRecord): string {
  const tools = Object.fromEntries(Object.entries(r.tools).sort(([a], [b]) => a.localeCompare(b)));
  const out = { checkedAt: r.checkedAt, kernel: r.kernel, tools, cases: r.cases };
  return `${JSON.stringify(r.rules === undefined ? out : { ...out, rules: r.rules }, null, 2)}\n`;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the shape of a record read from JSON; throws an Error saying what is wrong. */
export function parseRecord(json: unknown): FidelityRecord {
  if (!isObj(json)) throw new Error('fidelity record: not an object');
  const { checkedAt, kernel, tools, cases, rules } = json;
  if (typeof checkedAt !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(checkedAt))
    throw new Error('fidelity record: checkedAt must be a YYYY-MM-DD date');
  if (typeof kernel !== 'string' || kernel === '')
    throw new Error('fidelity record: kernel must be the `uname -r` text');
  if (!isObj(tools) || Object.values(tools).some((v) => typeof v !== 'string'))
    throw new Error('fidelity record: tools must map names to version strings');
  if (!isObj(cases)) throw new Error('fidelity record: cases must be an object');
  for (const [id, c] of Object.entries(cases)) {
    if (!/^[\w.-]+:\d+$/.test(id)) throw new Error(`fidelity record: bad case id '${id}'`);
    if (
      !isObj(c) ||
      typeof c.line !== 'string' ||
      !['pass', 'fail', 'known'].includes(String(c.result))
    )
      throw new Error(`fidelity record: case '${id}' needs a line and a result pass|fail|known`);
  }
  if (rules !== undefined) {
    const strings = (v: unknown): boolean =>
      Array.isArray(v) && v.every((x) => typeof x === 'string');
    if (
      !isObj(rules) ||
      !strings(rules.covered) ||
      !strings(rules.uncovered) ||
      !isObj(rules.notCheckable) ||
      Object.values(rules.notCheckable).some((v) => typeof v !== 'string')
    )
      throw new Error(
        'fidelity record: rules needs covered and uncovered (rule ids) and notCheckable (rule id to reason)',
      );
  }
  return json as unknown as FidelityRecord;
}

/** "6.18.44-fc-v669" → "6.18". */
export function kernelSeries(release: string): string {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? `${m[1]}.${m[2]}` : release;
}

/** "5.2.15" → "5.2" (the series a person recognises); a two-part version stays. */
export function toolSeries(version: string): string {
  const m = /^(\d+)\.(\d+)/.exec(version);
  return m ? `${m[1]}.${m[2]}` : version;
}

/** The tools named in the badge, in this order, when the record has them. */
export const BADGE_TOOLS = ['bash', 'dash', 'tini', 'dumb-init', 'catatonit'] as const;

export interface BadgeVerdict {
  /**
   * checked: every case was recorded as passing; failing: some recorded case failed or is a
   * known difference; unchecked: some case is not in the record (and none failed); none: no
   * cases were given.
   */
  readonly status: 'checked' | 'failing' | 'unchecked' | 'none';
  /** The one line the badge shows (empty for 'none'). */
  readonly label: string;
  /** Per case: its id, line (when recorded) and result or 'not checked'. */
  readonly cases: readonly { id: string; line?: string; result: CaseResult | 'not checked' }[];
  /** "Linux 6.18.44-fc-v669, bash 5.2.15, ..." and the date, for the details. */
  readonly versions: string;
}

/**
 * What the badge says for a lesson's cases. It claims "checked" only when every one of them is
 * in the record and passed there; otherwise it says what is missing or failing, never more.
 */
export function badgeVerdict(record: FidelityRecord, caseIds: readonly string[]): BadgeVerdict {
  const cases = caseIds.map((id) => {
    const c = record.cases[id];
    return c ? { id, line: c.line, result: c.result } : { id, result: 'not checked' as const };
  });
  const tools = BADGE_TOOLS.filter((t) => record.tools[t] !== undefined).map(
    (t) => `${t} ${toolSeries(record.tools[t] ?? '')}`,
  );
  const versions = `Linux ${record.kernel}, ${Object.entries(record.tools)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([t, v]) => `${t} ${v}`)
    .join(', ')}; checked ${record.checkedAt}`;
  const linux = `Linux ${kernelSeries(record.kernel)}`;
  if (cases.length === 0) return { status: 'none', label: '', cases, versions };
  const failing = cases.filter((c) => c.result === 'fail' || c.result === 'known').length;
  const missing = cases.filter((c) => c.result === 'not checked').length;
  if (failing > 0)
    return {
      status: 'failing',
      label: `${failing} of ${cases.length} case${cases.length === 1 ? '' : 's'} differ from ${linux}`,
      cases,
      versions,
    };
  if (missing > 0)
    return {
      status: 'unchecked',
      label: `${missing} of ${cases.length} case${cases.length === 1 ? '' : 's'} not yet checked against Linux`,
      cases,
      versions,
    };
  return {
    status: 'checked',
    label: `Checked against ${linux} (${tools.join(', ')})`,
    cases,
    versions,
  };
}
