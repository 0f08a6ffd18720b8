/**
 * `/usr/local/bin/app [SPEC.json]`: a generic application whose behaviour a lesson or an
 * exercise declares as data (format and example: `spec-app.md` beside this file). Without an
 * argument it reads `/app/app.json`.
 *
 * It behaves as a small C program written to that spec would on Linux:
 * - `signals`: per signal `ignore` (SIG_IGN: survives exec into its children, and a namespace
 *   init then never sees it), `default` (SIG_DFL: as PID 1 of a namespace the kernel drops it),
 *   `exit` (a handler: print, then exit with `code` after `afterMs`) or `handle` (a handler that
 *   prints and carries on). A handler is what makes a signal reach a PID 1 at all.
 * - `children`: fork + execvp of `command` at `atMs`, again every `everyMs` (`count` times);
 *   with `wait: true` the app reaps that child when SIGCHLD comes (waitpid on its PID, as libuv
 *   does), otherwise it never does and the exited child stays a zombie. `reapOrphans: true`
 *   reaps everything with waitpid(-1, WNOHANG), as an init must.
 * - `exit`: the app ends by itself after `afterMs` (a crash, a finished job).
 * - `print`: lines written at start; `{pid}` and `{ppid}` are replaced (`{sig}` in a signal's
 *   print). Output is written at once (unbuffered).
 * An invalid spec is refused before anything runs: one line naming the file, the field, what is
 * wrong and how to fix it, exit status 2.
 */
import { SIGCHLD, SIGKILL, SIGSTOP, WNOHANG, isErrno, sigName } from '../../kernel-sim/index.ts';
import type { Program, ProgramContext, SigInfo } from '../../kernel-sim/index.ts';
import { errnoText, isExecChild, readSource, runExecChild, spawnChild } from './common.ts';
import { parseSignal } from '../../kernel-sim/index.ts';

export const SPEC_APP_DEFAULT = '/app/app.json';

export type SignalAction =
  | { readonly action: 'ignore' }
  | { readonly action: 'default' }
  | {
      readonly action: 'exit';
      readonly code: number;
      readonly afterMs: number;
      readonly print: readonly string[];
    }
  | { readonly action: 'handle'; readonly print: readonly string[] };

export interface ChildSpec {
  readonly command: readonly string[];
  readonly atMs: number;
  readonly everyMs: number | null;
  /** How many times it is started; null: for ever (only with everyMs). */
  readonly count: number | null;
  readonly wait: boolean;
}

export interface AppSpec {
  readonly print: readonly string[];
  /** Signal number (as text) → what the app does with it. */
  readonly signals: Readonly<Record<string, SignalAction>>;
  readonly children: readonly ChildSpec[];
  readonly exit: {
    readonly code: number;
    readonly afterMs: number;
    readonly print: readonly string[];
  } | null;
  readonly reapOrphans: boolean;
}

class SpecError extends Error {}

const TOP_KEYS = ['print', 'signals', 'children', 'exit', 'reapOrphans', 'description'];

function fail(field: string, problem: string, fix: string): never {
  throw new SpecError(`${field}: ${problem} (fix: ${fix})`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(o: Record<string, unknown>, field: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k))
      fail(field === '' ? k : `${field}.${k}`, 'unknown field', `use only ${allowed.join(', ')}`);
}

function lines(v: unknown, field: string): string[] {
  if (v === undefined) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return fail(field, 'must be a string or a list of strings', `e.g. "${field}": ["started"]`);
}

function int(v: unknown, field: string, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    return fail(field, `must be a whole number from ${min} to ${max}`, `e.g. "${field}": ${dflt}`);
  return v;
}

function parseSignalAction(name: string, v: unknown): { sig: number; act: SignalAction } {
  const field = `signals.${name}`;
  const sig = parseSignal(name);
  if (sig === undefined || sig === 0)
    fail(field, 'not a signal name', 'use a name such as "SIGTERM", "SIGINT", "SIGRTMIN+3"');
  if (sig === SIGKILL || sig === SIGSTOP)
    fail(field, `${sigName(sig)} cannot be caught or ignored`, 'remove it: the kernel always acts');
  if (!isObject(v))
    fail(field, 'must be an object', `e.g. "${name}": { "action": "exit", "code": 0 }`);
  const action = v.action;
  switch (action) {
    case 'ignore':
    case 'default':
      checkKeys(v, field, ['action']);
      return { sig, act: { action } };
    case 'exit':
      checkKeys(v, field, ['action', 'code', 'afterMs', 'print']);
      return {
        sig,
        act: {
          action,
          code: int(v.code, `${field}.code`, 0, 255, 0),
          afterMs: int(v.afterMs, `${field}.afterMs`, 0, 86_400_000, 0),
          print: lines(v.print, `${field}.print`),
        },
      };
    case 'handle':
      checkKeys(v, field, ['action', 'print']);
      return { sig, act: { action, print: lines(v.print, `${field}.print`) } };
    default:
      return fail(
        `${field}.action`,
        action === undefined ? 'missing' : `${JSON.stringify(action)} is not an action`,
        'use one of "ignore", "default", "exit", "handle"',
      );
  }
}

function parseChild(v: unknown, i: number): ChildSpec {
  const field = `children[${i}]`;
  if (!isObject(v))
    fail(field, 'must be an object', `e.g. { "command": ["sleep", "3"], "everyMs": 1000 }`);
  checkKeys(v, field, ['command', 'atMs', 'everyMs', 'count', 'wait']);
  const cmd = v.command;
  if (
    !Array.isArray(cmd) ||
    cmd.length === 0 ||
    !cmd.every((x) => typeof x === 'string') ||
    cmd[0] === ''
  )
    fail(
      `${field}.command`,
      'must be a non-empty list of strings',
      'e.g. "command": ["sleep", "3"]',
    );
  const everyMs =
    v.everyMs === undefined ? null : int(v.everyMs, `${field}.everyMs`, 1, 86_400_000, 1000);
  const count =
    v.count === undefined
      ? everyMs === null
        ? 1
        : null
      : int(v.count, `${field}.count`, 1, 100_000, 1);
  if (count !== null && count > 1 && everyMs === null)
    fail(
      `${field}.count`,
      'more than one start needs everyMs',
      'add "everyMs": 1000 (the interval)',
    );
  if (v.wait !== undefined && typeof v.wait !== 'boolean')
    fail(`${field}.wait`, 'must be true or false', '"wait": true reaps it when it exits');
  return {
    command: cmd as string[],
    atMs: int(v.atMs, `${field}.atMs`, 0, 86_400_000, 0),
    everyMs,
    count,
    wait: v.wait === true,
  };
}

/**
 * Validates a spec. Returns the spec, or an error line `FILE: FIELD: PROBLEM (fix: HOW)`.
 * Scenario authors can call this at build time to check their specs.
 */
export function parseAppSpec(text: string, file: string): AppSpec | { readonly error: string } {
  try {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      return fail('(file)', `not valid JSON: ${(e as Error).message}`, 'check commas and quotes');
    }
    if (!isObject(raw)) fail('(file)', 'must be a JSON object', 'start the file with {');
    checkKeys(raw, '', TOP_KEYS);
    if (raw.description !== undefined && typeof raw.description !== 'string')
      fail('description', 'must be a string', 'e.g. "description": "a worker"');
    const signals: Record<string, SignalAction> = {};
    if (raw.signals !== undefined) {
      if (!isObject(raw.signals))
        fail('signals', 'must be an object', 'e.g. "signals": { "SIGTERM": { "action": "exit" } }');
      for (const [name, v] of Object.entries(raw.signals)) {
        const { sig, act } = parseSignalAction(name, v);
        if (signals[String(sig)] !== undefined)
          fail(`signals.${name}`, `${sigName(sig)} is given twice`, 'keep one entry per signal');
        signals[String(sig)] = act;
      }
    }
    let children: ChildSpec[] = [];
    if (raw.children !== undefined) {
      if (!Array.isArray(raw.children))
        fail('children', 'must be a list', 'e.g. "children": [{ "command": ["sleep", "3"] }]');
      children = raw.children.map((c, i) => parseChild(c, i));
    }
    let exit: AppSpec['exit'] = null;
    if (raw.exit !== undefined) {
      if (!isObject(raw.exit))
        fail('exit', 'must be an object', 'e.g. "exit": { "code": 1, "afterMs": 500 }');
      checkKeys(raw.exit, 'exit', ['code', 'afterMs', 'print']);
      exit = {
        code: int(raw.exit.code, 'exit.code', 0, 255, 0),
        afterMs: int(raw.exit.afterMs, 'exit.afterMs', 0, 86_400_000, 0),
        print: lines(raw.exit.print, 'exit.print'),
      };
    }
    if (raw.reapOrphans !== undefined && typeof raw.reapOrphans !== 'boolean')
      fail(
        'reapOrphans',
        'must be true or false',
        '"reapOrphans": true makes it reap like an init',
      );
    const reapOrphans = raw.reapOrphans === true;
    const chld = signals[String(SIGCHLD)];
    if (chld && (reapOrphans || children.some((c) => c.wait)))
      fail(
        'signals.SIGCHLD',
        'cannot be set when the app reaps (wait or reapOrphans need its own SIGCHLD handler)',
        'remove signals.SIGCHLD, or set wait/reapOrphans to false',
      );
    if (chld?.action === 'exit' || chld?.action === 'handle')
      fail(
        'signals.SIGCHLD',
        'only "ignore" or "default"',
        'use "wait": true on a child to reap it',
      );
    return { print: lines(raw.print, 'print'), signals, children, exit, reapOrphans };
  } catch (e) {
    if (e instanceof SpecError) return { error: `${file}: ${e.message}` };
    throw e;
  }
}

interface AppState {
  role: 'spec-app';
  spec: AppSpec;
  /** Times each child entry has been started. */
  started: number[];
  /** PIDs of children with wait: true still to reap. */
  waited: number[];
  exiting: boolean;
}

type Ctx = ProgramContext<AppState>;

function fill(ctx: Ctx, text: string, sig?: number): string {
  return text
    .replace(/\{pid\}/g, String(ctx.getpid()))
    .replace(/\{ppid\}/g, String(ctx.getppid()))
    .replace(/\{sig\}/g, sig === undefined ? '{sig}' : sigName(sig));
}

function say(ctx: Ctx, out: readonly string[], sig?: number): void {
  for (const l of out) ctx.write(1, `${fill(ctx, l, sig)}\n`);
}

function startChild(ctx: Ctx, i: number): void {
  const s = ctx.state;
  const c = s.spec.children[i]!;
  s.started[i] = (s.started[i] ?? 0) + 1;
  const again = c.everyMs !== null && (c.count === null || s.started[i]! < c.count);
  if (again) ctx.setTimer(c.everyMs! * 1000, `child:${i}`);
  const path = ctx.which(c.command[0]!);
  if (isErrno(path)) {
    ctx.write(2, `app: ${c.command[0]!}: ${errnoText(path)}\n`);
    return;
  }
  const pid = spawnChild(ctx, 'spec-app', path, c.command, false);
  if (typeof pid !== 'number') {
    ctx.write(2, `app: fork: ${errnoText(pid)}\n`);
    return;
  }
  if (c.wait) s.waited.push(pid);
}

function reap(ctx: Ctx): void {
  const s = ctx.state;
  if (s.spec.reapOrphans) {
    for (;;) {
      const r = ctx.wait(-1, WNOHANG);
      if (isErrno(r) || 'blocked' in r || r.pid === 0) break;
      s.waited = s.waited.filter((p) => p !== r.pid);
    }
    return;
  }
  for (const pid of [...s.waited]) {
    const r = ctx.wait(pid, WNOHANG);
    if (isErrno(r) || (!('blocked' in r) && r.pid === pid))
      s.waited = s.waited.filter((p) => p !== pid);
  }
}

export const specApp: Program<AppState | null> = {
  name: 'spec-app',
  start(ctx) {
    if (isExecChild(ctx.state)) {
      runExecChild(ctx, ctx.state, 'app');
      return;
    }
    const file = ctx.argv[1] ?? SPEC_APP_DEFAULT;
    if (ctx.argv.length > 2) {
      ctx.write(
        2,
        `app: too many arguments (usage: app [SPEC.json]; default ${SPEC_APP_DEFAULT})\n`,
      );
      ctx.exit(2);
      return;
    }
    const text = readSource(ctx, file);
    if (text === undefined) {
      ctx.write(
        2,
        `app: cannot read ${ctx.fs.resolve(file)}: No such file or directory (fix: write a spec there or pass its path: app SPEC.json)\n`,
      );
      ctx.exit(2);
      return;
    }
    const spec = parseAppSpec(text, ctx.fs.resolve(file));
    if ('error' in spec) {
      ctx.write(2, `app: ${spec.error}\n`);
      ctx.exit(2);
      return;
    }
    const c = ctx as Ctx;
    c.state = {
      role: 'spec-app',
      spec,
      started: spec.children.map(() => 0),
      waited: [],
      exiting: false,
    };
    for (const [sig, act] of Object.entries(spec.signals))
      ctx.sigaction(
        Number(sig),
        act.action === 'ignore' ? 'ignore' : act.action === 'default' ? 'default' : 'handler',
      );
    if (spec.reapOrphans || spec.children.some((ch) => ch.wait)) ctx.sigaction(SIGCHLD, 'handler');
    say(c, spec.print);
    if (spec.exit) {
      if (spec.exit.afterMs === 0) {
        say(c, spec.exit.print);
        ctx.exit(spec.exit.code);
        return;
      }
      ctx.setTimer(spec.exit.afterMs * 1000, 'exit');
    }
    spec.children.forEach((ch, i) => {
      if (ch.atMs === 0) startChild(c, i);
      else ctx.setTimer(ch.atMs * 1000, `child:${i}`);
    });
  },
  onSignal(ctx, info: SigInfo) {
    const s = ctx.state;
    if (!s || s.role !== 'spec-app') return;
    const c = ctx as Ctx;
    if (info.sig === SIGCHLD) {
      reap(c);
      return;
    }
    const act = s.spec.signals[String(info.sig)];
    if (!act || s.exiting) return;
    if (act.action === 'handle') say(c, act.print, info.sig);
    else if (act.action === 'exit') {
      say(c, act.print, info.sig);
      if (act.afterMs === 0) ctx.exit(act.code);
      else {
        s.exiting = true;
        ctx.setTimer(act.afterMs * 1000, `signal-exit:${act.code}`);
      }
    }
  },
  onTimer(ctx, tag) {
    const s = ctx.state;
    if (!s || s.role !== 'spec-app') return;
    const c = ctx as Ctx;
    if (tag === 'exit' && s.spec.exit && !s.exiting) {
      say(c, s.spec.exit.print);
      ctx.exit(s.spec.exit.code);
    } else if (tag.startsWith('signal-exit:')) ctx.exit(Number(tag.slice(12)));
    else if (tag.startsWith('child:') && !s.exiting) startChild(c, Number(tag.slice(6)));
  },
};
