/**
 * Validation of a scenario: every problem, with its file, its field and how to fix it — unknown
 * fields (with the closest known name), wrong types, bad versions, unknown checks and their
 * arguments, missing files, oversize input. Nothing in a scenario is ever run as code.
 */
import { parseSignal } from '../kernel-sim/index.ts';
import type { TraceEventType } from '../kernel-sim/index.ts';
import { CHECKS, CHECK_NAMES, checkSpec } from './checks.ts';
import type { ParamSpec } from './checks.ts';
import { SCENARIO_SPEC } from './spec.ts';
import type { Spec } from './spec.ts';
import { closest, hint } from './suggest.ts';
import type { Problem, Scenario } from './types.ts';
import { SCHEMA_VERSION } from './types.ts';
import { VARIABLE_REF, variableProblems } from '../grading/variants.ts';

/** Every trace event type a step's `why` may name. */
export const EVENT_TYPES = [
  'boot',
  'fork',
  'fork-failed',
  'threads',
  'exec',
  'exit',
  'zombie',
  'reap',
  'reparent',
  'kill',
  'signal',
  'deliver',
  'stop',
  'continue',
  'interrupt',
  'sigaction',
  'ns-create',
  'ns-setns',
  'ns-zap',
  'ns-empty',
  'setsid',
  'setpgid',
  'subreaper',
  'pdeathsig',
  'write',
  'panic',
  'syscall-error',
] as const satisfies readonly TraceEventType[];
// Fails to compile when the kernel gains an event type this list lacks.
type MissingEventType = Exclude<TraceEventType, (typeof EVENT_TYPES)[number]>;
const _allEventTypes: MissingEventType extends never ? true : never = true;
void _allEventTypes;

/** A command name as the kernel keeps it (comm, at most 15 characters). */
export const COMM_RE = /^[\w.+-]{1,15}$/;

/** Size limits: a scenario is small data, never a dump. */
export const MAX_SCENARIO_BYTES = 256 * 1024;
export const MAX_FILE_BYTES = 256 * 1024;

const typeName = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'object'
        ? 'an object'
        : `${typeof v} ${JSON.stringify(v)}`;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const join = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;

export function isHttpUrl(s: string): boolean {
  return /^https?:\/\/[^\s/?#]+[^\s]*$/.test(s) && s.length <= 2000;
}

class Checker {
  readonly problems: Problem[] = [];
  constructor(readonly file: string) {}

  add(field: string, message: string): void {
    this.problems.push({ file: this.file, field, message });
  }

  value(v: unknown, spec: Spec, path: string): void {
    switch (spec.kind) {
      case 'string': {
        if (typeof v !== 'string')
          return this.add(path, `expected a string (${spec.doc}), got ${typeName(v)}`);
        if (spec.minLength !== undefined && v.length < spec.minLength)
          return this.add(path, `must not be empty (${spec.doc})`);
        if (v.length > spec.maxLength)
          return this.add(path, `too long: ${v.length} characters, at most ${spec.maxLength}`);
        if (spec.pattern !== undefined && !new RegExp(spec.pattern).test(v))
          return this.add(
            path,
            `'${v}' is not ${spec.patternHelp ?? `of the form ${spec.pattern}`}`,
          );
        return;
      }
      case 'url':
        if (typeof v !== 'string')
          return this.add(path, `expected a string (an http(s) address), got ${typeName(v)}`);
        if (!isHttpUrl(v))
          this.add(
            path,
            `'${v}' is not an http:// or https:// address; only web links are allowed`,
          );
        return;
      case 'integer':
      case 'number':
        if (
          typeof v !== 'number' ||
          !Number.isFinite(v) ||
          (spec.kind === 'integer' && !Number.isInteger(v))
        )
          return this.add(
            path,
            `expected ${spec.kind === 'integer' ? 'an integer' : 'a number'} (${spec.doc}), got ${typeName(v)}`,
          );
        if (v < spec.min || v > spec.max)
          this.add(path, `${v} is out of range: ${spec.min} to ${spec.max}`);
        return;
      case 'boolean':
        if (typeof v !== 'boolean') this.add(path, `expected true or false, got ${typeName(v)}`);
        return;
      case 'const':
        if (v !== spec.value) {
          if (path === 'schemaVersion')
            this.add(
              path,
              `unsupported schema version ${JSON.stringify(v)}; this lab reads version ${SCHEMA_VERSION}: set "schemaVersion": ${SCHEMA_VERSION}`,
            );
          else this.add(path, `must be ${spec.value}`);
        }
        return;
      case 'enum':
        if (typeof v !== 'string' || !spec.values.includes(v))
          this.add(
            path,
            `${typeName(v)} is not one of ${spec.values.map((x) => `'${x}'`).join(', ')}${typeof v === 'string' ? hint(v, spec.values).replace(/; known:.*/, '') : ''}`,
          );
        return;
      case 'eventType': {
        if (typeof v !== 'string')
          return this.add(path, `expected a trace event type, got ${typeName(v)}`);
        const [type = '', comm] = v.split(':', 2);
        if (!(EVENT_TYPES as readonly string[]).includes(type))
          return this.add(path, `unknown trace event type '${type}'${hint(type, EVENT_TYPES)}`);
        if (comm !== undefined && !COMM_RE.test(comm))
          this.add(
            path,
            `'${comm}' is not a command name (1 to 15 letters, digits, '.', '_', '+' or '-'): write "${type}:sleep"`,
          );
        return;
      }
      case 'array':
        if (!Array.isArray(v))
          return this.add(path, `expected a list (${spec.doc}), got ${typeName(v)}`);
        if (spec.minItems !== undefined && v.length < spec.minItems)
          this.add(
            path,
            `needs at least ${spec.minItems} item${spec.minItems === 1 ? '' : 's'} (${spec.doc})`,
          );
        if (v.length > spec.maxItems)
          return this.add(path, `too many items: ${v.length}, at most ${spec.maxItems}`);
        v.forEach((item, i) => this.value(item, spec.of, join(path, i)));
        return;
      case 'map': {
        if (!isRecord(v))
          return this.add(path, `expected an object (${spec.doc}), got ${typeName(v)}`);
        const keys = Object.keys(v);
        if (keys.length > spec.maxEntries)
          return this.add(path, `too many entries: ${keys.length}, at most ${spec.maxEntries}`);
        for (const key of keys) {
          if (!new RegExp(spec.keyPattern).test(key))
            this.add(`${path}["${key}"]`, `'${key}' is not ${spec.keyHelp}`);
          else this.value(v[key], spec.of, `${path}["${key}"]`);
        }
        return;
      }
      case 'object': {
        if (!isRecord(v))
          return this.add(path, `expected an object (${spec.doc}), got ${typeName(v)}`);
        const known = Object.keys(spec.fields);
        for (const key of Object.keys(v))
          if (!known.includes(key))
            this.add(join(path, key), `unknown field '${key}'${hint(key, known)}`);
        for (const [key, field] of Object.entries(spec.fields)) {
          if (v[key] === undefined) {
            if (field.required)
              this.add(join(path, key), `missing required field '${key}' (${field.spec.doc})`);
          } else this.value(v[key], field.spec, join(path, key));
        }
        return;
      }
      case 'claim':
        return this.claim(v, path);
    }
  }

  claim(v: unknown, path: string): void {
    if (!isRecord(v))
      return this.add(
        path,
        `expected a claim {"check": ..., "args": {...}, "text": ...}, got ${typeName(v)}`,
      );
    const known = ['check', 'args', 'not', 'text'];
    for (const key of Object.keys(v))
      if (!known.includes(key))
        this.add(join(path, key), `unknown field '${key}'${hint(key, known)}`);
    if (typeof v.text !== 'string' || v.text === '')
      this.add(join(path, 'text'), `missing the sentence the learner reads, e.g. "PID 1 is tini"`);
    if (v.not !== undefined && typeof v.not !== 'boolean')
      this.add(join(path, 'not'), `expected true or false, got ${typeName(v.not)}`);
    if (typeof v.check !== 'string')
      return this.add(join(path, 'check'), `expected the name of a check${hint('', CHECK_NAMES)}`);
    const spec = checkSpec(v.check);
    if (!spec)
      return this.add(
        join(path, 'check'),
        `unknown check '${v.check}'${hint(v.check, CHECK_NAMES)}`,
      );
    const args = v.args ?? {};
    if (!isRecord(args))
      return this.add(join(path, 'args'), `expected an object of arguments, got ${typeName(args)}`);
    const params = Object.keys(spec.params);
    for (const [key, value] of Object.entries(args)) {
      const p = spec.params[key];
      const at = join(join(path, 'args'), key);
      if (!p) {
        this.add(
          at,
          `check '${spec.name}' has no argument '${key}'${params.length === 0 ? '; it takes none' : hint(key, params)}`,
        );
        continue;
      }
      const problem = paramProblem(value, p);
      if (problem) this.add(at, problem);
    }
    for (const [key, p] of Object.entries(spec.params))
      if (p.required && args[key] === undefined)
        this.add(
          join(path, 'args'),
          `check '${spec.name}' needs argument '${key}' (${p.type}: ${p.doc})`,
        );
    const scopes = ['container', 'namespace', 'pod'].filter((k) => args[k] !== undefined);
    if (scopes.length > 1)
      this.add(
        join(path, 'args'),
        `give one of 'container', 'namespace' or 'pod', not ${scopes.map((k) => `'${k}'`).join(' and ')}`,
      );
    if (args.podContainer !== undefined && args.pod === undefined)
      this.add(join(path, 'args'), `'podContainer' needs 'pod' (the pod it belongs to)`);
  }
}

function paramProblem(v: unknown, p: ParamSpec): string | undefined {
  // An exercise variable ("{{grace}}") may stand for a number: src/grading/variants.ts checks
  // that it is declared, that every choice is a number, and that only exercises use it.
  if (
    (p.type === 'integer' || p.type === 'number') &&
    typeof v === 'string' &&
    VARIABLE_REF.test(v)
  )
    return undefined;
  switch (p.type) {
    case 'string':
      return typeof v === 'string' && v !== ''
        ? undefined
        : `expected a non-empty string (${p.doc}), got ${typeName(v)}`;
    case 'integer':
      return Number.isInteger(v) && (v as number) >= 0
        ? undefined
        : `expected a whole number ≥ 0 (${p.doc}), got ${typeName(v)}`;
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && v >= 0
        ? undefined
        : `expected a number ≥ 0 (${p.doc}), got ${typeName(v)}`;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `expected true or false, got ${typeName(v)}`;
    case 'signal':
      return typeof v === 'string' && parseSignal(v) !== undefined && parseSignal(v) !== 0
        ? undefined
        : `${typeName(v)} is not a signal; write it as "SIGTERM", "TERM" or "15"`;
    case 'procState':
      return v === 'R' || v === 'S' || v === 'T' || v === 'Z'
        ? undefined
        : `${typeName(v)} is not a process state; use "R", "S", "T" or "Z"`;
    case 'namespace':
      return v === 'host' || v === 'newest'
        ? undefined
        : `${typeName(v)} is not a namespace; use "host" or "newest" (or 'container')`;
  }
}

/** What a validation needs from the scenario's folder. */
export interface FolderAccess {
  /** The folder's name ("03-zombies"). */
  readonly folder: string;
  /** A file of the folder by relative path, or undefined when it does not exist. */
  readonly read: (path: string) => string | undefined;
  /** The fidelity case ids that exist, when known (the CLI knows them, a browser does not). */
  readonly fidelityIds?: ReadonlySet<string>;
}

export interface ValidationResult {
  readonly problems: readonly Problem[];
  /** The scenario, when there are no problems. */
  readonly scenario?: Scenario;
}

/** Validates the text of `scenario.json` and the files it names. */
export function validateScenarioText(text: string, access: FolderAccess): ValidationResult {
  const file = `${access.folder}/scenario.json`;
  const c = new Checker(file);
  if (text.length > MAX_SCENARIO_BYTES) {
    c.add(
      '',
      `too large: ${text.length} bytes, at most ${MAX_SCENARIO_BYTES}; move long text into Markdown files`,
    );
    return { problems: c.problems };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    c.add('', `not valid JSON: ${(e as Error).message}`);
    return { problems: c.problems };
  }
  c.value(raw, SCENARIO_SPEC, '');
  fileChecks(raw, c, access);
  if (c.problems.length > 0) return { problems: c.problems };
  const s = raw as Scenario;
  semantic(s, c, access);
  return c.problems.length > 0 ? { problems: c.problems } : { problems: [], scenario: s };
}

/**
 * The files a scenario names: checked even when other fields have problems, so a first run of
 * the validator lists missing files too (every access is guarded: the shape is not known yet).
 */
function fileChecks(raw: unknown, c: Checker, access: FolderAccess): void {
  if (!isRecord(raw)) return;
  if (typeof raw.lesson === 'string') {
    const lesson = access.read(raw.lesson);
    if (lesson === undefined)
      c.add('lesson', `file '${raw.lesson}' does not exist in ${access.folder}/`);
    else if (lesson.length > MAX_FILE_BYTES)
      c.add(
        'lesson',
        `'${raw.lesson}' is too large (${lesson.length} bytes, at most ${MAX_FILE_BYTES})`,
      );
  }
  const world = raw.world;
  const files = isRecord(world) && isRecord(world.files) ? world.files : {};
  for (const [path, f] of Object.entries(files)) {
    if (!isRecord(f)) continue;
    const at = `world.files["${path}"]`;
    if ((f.content === undefined) === (f.from === undefined)) {
      c.add(
        at,
        `give exactly one of 'content' (the text) or 'from' (a file of the scenario folder)`,
      );
      continue;
    }
    if (typeof f.from === 'string') {
      const t = access.read(f.from);
      if (t === undefined)
        c.add(`${at}.from`, `file '${f.from}' does not exist in ${access.folder}/`);
      else if (t.length > MAX_FILE_BYTES)
        c.add(`${at}.from`, `'${f.from}' is too large (${t.length} bytes)`);
    }
  }
}

function semantic(s: Scenario, c: Checker, access: FolderAccess): void {
  if (s.id !== access.folder)
    c.add(
      'id',
      `'${s.id}' differs from the folder name '${access.folder}'; rename one so they match`,
    );
  const seen = new Set<string>();
  s.steps.forEach((step, i) => {
    if (seen.has(step.id))
      c.add(`steps[${i}].id`, `duplicate step id '${step.id}'; each step needs its own`);
    seen.add(step.id);
    if (step.question && step.question.answer >= step.question.choices.length)
      c.add(
        `steps[${i}].question.answer`,
        `${step.question.answer} is not an index of choices (0 to ${step.question.choices.length - 1})`,
      );
  });
  const ex = new Set<string>();
  (s.exercises ?? []).forEach((e, i) => {
    if (ex.has(e.id)) c.add(`exercises[${i}].id`, `duplicate exercise id '${e.id}'`);
    ex.add(e.id);
  });
  // Exercise variants (issue #9): every {{name}} must be a declared variable.
  for (const p of variableProblems(s, '')) c.add(p.field, p.message);
  if (access.fidelityIds)
    (s.fidelity ?? []).forEach((id, i) => {
      if (!access.fidelityIds!.has(id)) {
        const near = closest(id, [...access.fidelityIds!]);
        c.add(
          `fidelity[${i}]`,
          `no fidelity case '${id}' (FILE:N is the Nth case line of fidelity/cases/FILE.sh, comments and blank lines not counted)${near === undefined ? '' : `; did you mean '${near}'?`}`,
        );
      }
    });
}

/**
 * The fidelity case ids of case files, as `fidelity/record.ts` numbers them: the file name
 * without `.sh` and the case line's number among the file's case lines, from 1 (comments and
 * blank lines are not cases): `02-orphans-and-signals:1`.
 */
export function fidelityIdsOf(files: Readonly<Record<string, string>>): Set<string> {
  const out = new Set<string>();
  for (const [name, text] of Object.entries(files)) {
    let n = 0;
    for (const raw of text.split('\n'))
      if (raw.trim() !== '' && !raw.startsWith('#')) out.add(`${name.replace(/\.sh$/, '')}:${++n}`);
  }
  return out;
}

/** The checks, for documentation: name, what it checks, its parameters. */
export function describeChecks(): string {
  return CHECKS.map(
    (c) =>
      `${c.name}: ${c.doc}\n` +
      Object.entries(c.params)
        .map(([k, p]) => `    ${k}${p.required ? '' : '?'} (${p.type}): ${p.doc}`)
        .join('\n'),
  ).join('\n');
}
