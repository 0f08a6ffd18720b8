/**
 * supervisord 4.2.5 (Supervisor/supervisor: supervisor/supervisord.py, process.py, options.py),
 * `supervisord [-n] [-c FILE]`, as a container's PID 1.
 *
 * Config: an INI file (`-c`, else the first of /etc/supervisord.conf, /etc/supervisor/
 * supervisord.conf), `[include] files = /etc/supervisor/conf.d/*.conf`, `[supervisord]`
 * (nodaemon, user) and `[program:NAME]` sections: command (required), autostart (true),
 * autorestart (unexpected | true | false), startsecs (1), startretries (3), exitcodes (0),
 * stopsignal (TERM), stopwaitsecs (10), priority (999), stdout_logfile / stderr_logfile
 * (/dev/stdout, /dev/stderr: the container's output; AUTO, NONE or a path), redirect_stderr.
 * Errors: "Error: ..." + "For help, use ... -h" on stderr, exit 2 (ServerOptions.usage).
 *
 * Main loop (Supervisor.runforever): [if shutting down: stop the last group, report "waiting
 * for X to die" every 3 s, exit when all are stopped] → poll(1 s) → every process's
 * transition() → reap() → handle_signal() (one queued signal). Python's signal handlers only
 * queue the signal and PEP 475 retries the poll, so a signal is acted on at the next 1 s poll
 * timeout; a child's exit closes its output pipes, which ends the poll at once.
 *
 * Process states (process.py): STOPPED → spawn → STARTING; up for more than startsecs →
 * RUNNING ("success: ..."); an exit sooner → BACKOFF (backoff += 1, retry after `backoff` s);
 * more than startretries backoffs → FATAL ("gave up: ..."). An exit from RUNNING → EXITED,
 * restarted at once by autorestart=true, or when unexpected (not in exitcodes) by
 * autorestart=unexpected. Stopping: stopsignal → STOPPING, SIGKILL when stopwaitsecs passed.
 * Each exit is logged at INFO when its status is in exitcodes, else at WARN. reap() is
 * waitpid(-1, WNOHANG) until nothing is left, so supervisord reaps orphans too ("reaped unknown
 * pid N (exit status 0)").
 * Signals: TERM/INT/QUIT → shut down (stop every program, exit 0); HUP → stop everything and
 * start again from the re-read config; USR2 → reopen logs; CHLD → nothing but the wake-up.
 * Handlers are installed, so as PID 1 all of these reach it.
 *
 * Checked against Debian's supervisor 4.2.5 run as PID 1 of a PID namespace on the reference
 * machine: SigIgn/SigCgt, the start lines ("Set uid to user 0 succeeded" with user=root, the
 * CRIT line without), BACKOFF timing, INFO/WARN levels, "waiting for a, b to die", "killing
 * 'x' (N) with SIGKILL", "stopped: ...", "reaped unknown pid N (exit status 0)".
 *
 * Left out: supervisorctl and the XML-RPC server, event listeners, process groups of
 * numprocs > 1, the output pipes (children write straight to the target of stdout_logfile) and
 * the start-up jitter of a real interpreter. Logging follows make_logger(): every line to the
 * logfile ([supervisord] logfile, default $CWD/supervisord.log), and to stdout in the foreground;
 * daemonize (nodaemon=false without -n) is modelled: "daemonizing the supervisord process", the
 * PID 1 forks and exits.
 */
import {
  SIGCHLD,
  SIGHUP,
  SIGINT,
  SIGKILL,
  SIGPIPE,
  SIGQUIT,
  SIGTERM,
  SIGUSR2,
  SIGXFSZ,
  WNOHANG,
  isErrno,
  parseSignal,
  signalName,
  wexitstatus,
  wifexited,
  wtermsig,
} from '../../kernel-sim/index.ts';
import type { Program, ProgramContext, SigInfo } from '../../kernel-sim/index.ts';
import { pythonAsctime } from './clock.ts';

export const SUPERVISORD_VERSION = '4.2.5';
const DEFAULT_CONFIGS = ['/etc/supervisord.conf', '/etc/supervisor/supervisord.conf'];
const SEC = 1_000_000;

type ProcState = 'STOPPED' | 'STARTING' | 'RUNNING' | 'BACKOFF' | 'STOPPING' | 'EXITED' | 'FATAL';

export interface ProgramConfig {
  name: string;
  command: string;
  autostart: boolean;
  autorestart: 'unexpected' | 'true' | 'false';
  startsecs: number;
  startretries: number;
  exitcodes: number[];
  stopsignal: number;
  stopwaitsecs: number;
  priority: number;
  stdout: string;
  stderr: string;
  redirectStderr: boolean;
}

export interface SupervisorConfig {
  nodaemon: boolean;
  /** null: NONE (or /dev/null, /dev/stdout: nothing more than stdout). */
  logfile: string | null;
  user: string | null;
  rpc: boolean;
  httpServer: boolean;
  included: string[];
  programs: ProgramConfig[];
}

interface Proc {
  config: ProgramConfig;
  state: ProcState;
  pid: number;
  /** µs; 0 = never started. */
  laststart: number;
  delay: number;
  backoff: number;
  killing: boolean;
  /** exit status of the last exit (-1 for a signal), null when none. */
  exitstatus: number | null;
}

interface SupState {
  role: 'supervisord';
  configFile: string;
  /** -n was given. */
  nodaemonFlag: boolean;
  out: LogOut;
  procs: Proc[];
  /** 'running' | 'shutdown' | 'restarting' (SupervisorStates). */
  mood: 'running' | 'shutdown' | 'restarting';
  stopping: boolean;
  /** Names of the groups still to stop, lowest priority first (stop pops from the end). */
  stopGroups: string[];
  lastShutdownReport: number;
  signals: number[];
  pollTimer: number;
}

interface ChildState {
  role: 'child';
  name: string;
  path: string;
  argv: string[];
  stdout: string;
  stderr: string;
  redirectStderr: boolean;
}

type Ctx = ProgramContext<SupState>;

class ConfigError extends Error {}

// ------------------------------------------------------------------ config (options.py)

function parseIni(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let cur: Map<string, string> | null = null;
  let lastKey: string | null = null;
  for (const raw of text.split('\n')) {
    if (/^\s*[;#]/.test(raw) || raw.trim() === '') continue;
    const sec = /^\[([^\]]+)\]\s*$/.exec(raw.trim());
    if (sec) {
      cur = new Map();
      out.set(sec[1]!.trim(), cur);
      lastKey = null;
      continue;
    }
    if (/^\s/.test(raw) && cur && lastKey) {
      cur.set(lastKey, `${cur.get(lastKey) ?? ''}\n${raw.trim()}`);
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw.trim());
    if (!kv) throw new ConfigError(`File contains parsing errors: line ${JSON.stringify(raw)}`);
    if (!cur) throw new ConfigError('File contains no section headers.');
    // supervisor's UnhosedConfigParser strips inline " ;" comments.
    const v = kv[2]!.replace(/\s+;.*$/, '').trim();
    cur.set(kv[1]!.toLowerCase(), v);
    lastKey = kv[1]!.toLowerCase();
  }
  return out;
}

/** datatypes.boolean */
function boolean(v: string): boolean {
  const l = v.toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(l)) return true;
  if (['false', 'no', 'off', '0'].includes(l)) return false;
  throw new ConfigError(`not a valid boolean value: '${v}'`);
}

function integer(v: string): number {
  if (!/^\s*[+-]?\d+\s*$/.test(v))
    throw new ConfigError(`invalid literal for int() with base 10: '${v}'`);
  return Number.parseInt(v, 10);
}

function globToRegExp(glob: string): RegExp {
  const esc = glob
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '.');
  return new RegExp(`^${esc}$`);
}

function expandGlob(ctx: ProgramContext<unknown>, pattern: string, base: string): string[] {
  const abs = pattern.startsWith('/') ? pattern : `${base}/${pattern}`;
  const dir = abs.slice(0, abs.lastIndexOf('/')) || '/';
  const name = abs.slice(abs.lastIndexOf('/') + 1);
  const entries = ctx.fs.readdir(dir);
  if (isErrno(entries)) return [];
  const re = globToRegExp(name);
  return entries.filter((e) => re.test(e)).map((e) => `${dir === '/' ? '' : dir}/${e}`);
}

function programConfig(name: string, sec: Map<string, string>, file: string): ProgramConfig {
  const where = `in section 'program:${name}' (file: '${file}')`;
  const get = (k: string, d: string): string => sec.get(k) ?? d;
  try {
    const command = sec.get('command');
    if (command === undefined || command === '')
      throw new ConfigError(`program section program:${name} does not specify a command`);
    const ar = get('autorestart', 'unexpected').toLowerCase();
    let autorestart: ProgramConfig['autorestart'];
    if (ar === 'unexpected') autorestart = 'unexpected';
    else {
      try {
        autorestart = boolean(ar) ? 'true' : 'false';
      } catch {
        throw new ConfigError(`invalid 'autorestart' value '${ar}'`);
      }
    }
    const exitcodes = get('exitcodes', '0')
      .split(',')
      .map((x) => {
        const n = Number(x.trim());
        if (!/^\d+$/.test(x.trim()) || n > 255)
          throw new ConfigError(`not a valid list of exit codes: '${get('exitcodes', '0')}'`);
        return n;
      });
    const sigText = get('stopsignal', 'TERM');
    const stopsignal = parseSignal(sigText);
    if (stopsignal === undefined || stopsignal === 0 || stopsignal > 31)
      throw new ConfigError(`value '${sigText}' is not a valid signal name`);
    return {
      name,
      command,
      autostart: boolean(get('autostart', 'true')),
      autorestart,
      startsecs: integer(get('startsecs', '1')),
      startretries: integer(get('startretries', '3')),
      exitcodes,
      stopsignal,
      stopwaitsecs: integer(get('stopwaitsecs', '10')),
      priority: integer(get('priority', '999')),
      stdout: get('stdout_logfile', 'AUTO'),
      stderr: get('stderr_logfile', 'AUTO'),
      redirectStderr: boolean(get('redirect_stderr', 'false')),
    };
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${e.message} ${where}`);
    throw e;
  }
}

/** ServerOptions.read_config: the main file, then every [include] match, in order. */
export function readSupervisorConfig(
  ctx: ProgramContext<unknown>,
  file: string,
): SupervisorConfig | { error: string } {
  const text = ctx.fs.readFile(file);
  if (isErrno(text)) return { error: `could not find config file ${file}` };
  try {
    const main = parseIni(text);
    const sup = main.get('supervisord');
    if (!sup) return { error: `.ini file does not include supervisord section` };
    const cfg: SupervisorConfig = {
      nodaemon: boolean(sup.get('nodaemon') ?? 'false'),
      logfile: ((): string | null => {
        const l = sup.get('logfile') ?? ctx.fs.resolve('supervisord.log');
        return ['NONE', '/dev/null', '/dev/stdout', '/dev/fd/1'].includes(l) ? null : l;
      })(),
      user: sup.get('user') ?? null,
      rpc: main.has('rpcinterface:supervisor'),
      httpServer: main.has('unix_http_server') || main.has('inet_http_server'),
      included: [],
      programs: [],
    };
    const sections: [Map<string, Map<string, string>>, string][] = [[main, file]];
    const inc = main.get('include')?.get('files');
    if (inc !== undefined) {
      const base = file.slice(0, file.lastIndexOf('/')) || '/';
      for (const pattern of inc.split(/\s+/).filter(Boolean))
        for (const f of expandGlob(ctx, pattern, base)) {
          const t = ctx.fs.readFile(f);
          if (isErrno(t)) continue;
          cfg.included.push(f);
          sections.push([parseIni(t), f]);
        }
    }
    for (const [secs, f] of sections)
      for (const [name, sec] of secs)
        if (name.startsWith('program:')) {
          const pname = name.slice(8);
          if (cfg.programs.some((p) => p.name === pname))
            return {
              error: `Duplicate name 'program:${pname}' in section '${name}' (file: '${f}')`,
            };
          cfg.programs.push(programConfig(pname, sec, f));
        }
    return cfg;
  } catch (e) {
    if (e instanceof ConfigError) return { error: e.message };
    throw e;
  }
}

// ------------------------------------------------------------------ logging

type Level = 'CRIT' | 'WARN' | 'INFO';

/** Where the log goes: the logfile, and stdout too in the foreground (make_logger). */
interface LogOut {
  stdout: boolean;
  file: string | null;
}

function emit(ctx: ProgramContext<unknown>, out: LogOut, level: Level, msg: string): void {
  const line = `${pythonAsctime(ctx.now)} ${level} ${msg}\n`;
  if (out.stdout) ctx.write(1, line);
  if (out.file === null) return;
  const fd = ctx.open(out.file, 'a');
  if (typeof fd === 'number') {
    ctx.write(fd, line);
    ctx.close(fd);
  }
}

function log(ctx: Ctx, level: Level, msg: string): void {
  emit(ctx as ProgramContext<unknown>, ctx.state.out, level, msg);
}

/** supervisor.states.decode_wait_status: (es, msg). */
function decodeWaitStatus(status: number): [number, string] {
  if (wifexited(status)) return [wexitstatus(status), `exit status ${wexitstatus(status)}`];
  return [-1, `terminated by SIG${signalName(wtermsig(status))}`];
}

/** shlex.split, enough for command lines: quotes and backslashes. */
export function shlexSplit(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let q: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === q) q = null;
      else if (c === '\\' && q === '"' && i + 1 < line.length) cur += line[++i]!;
      else cur += c;
    } else if (c === '"' || c === "'") {
      q = c;
      has = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i]!;
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

// ------------------------------------------------------------------ process.py

function changeState(ctx: Ctx, p: Proc, state: ProcState): void {
  p.state = state;
  if (state === 'BACKOFF') {
    p.backoff += 1;
    p.delay = ctx.now + p.backoff * SEC;
  }
}

function spawn(ctx: Ctx, p: Proc): void {
  p.laststart = ctx.now;
  changeState(ctx, p, 'STARTING');
  const argv = shlexSplit(p.config.command);
  // get_execv_args + check_execv_args: a name without '/' is searched in PATH; what is not
  // there, a directory or not executable is a spawn error (STARTING -> BACKOFF).
  const program = argv[0] ?? '';
  const spawnerr = (msg: string): void => {
    log(ctx, 'INFO', `spawnerr: ${msg}`);
    changeState(ctx, p, 'BACKOFF');
  };
  let found: string;
  if (program.includes('/')) {
    found = ctx.fs.resolve(program);
    const st = ctx.fs.stat(found);
    if (isErrno(st)) return spawnerr(`can't find command '${program}'`);
    if (st.type === 'dir') return spawnerr(`command at '${program}' is a directory`);
    if (st.type !== 'exec' && !st.mode.includes('x'))
      return spawnerr(`command at '${program}' is not executable`);
  } else {
    const w = ctx.which(program);
    if (isErrno(w)) return spawnerr(`can't find command '${program}'`);
    found = w;
  }
  const child: ChildState = {
    role: 'child',
    name: p.config.name,
    path: found,
    argv,
    stdout: p.config.stdout,
    stderr: p.config.stderr,
    redirectStderr: p.config.redirectStderr,
  };
  const pid = ctx.fork({ program: 'supervisord', state: child });
  if (isErrno(pid)) {
    log(ctx, 'INFO', `spawnerr: Too many processes in process table to spawn '${p.config.name}'`);
    changeState(ctx, p, 'BACKOFF');
    return;
  }
  p.pid = pid;
  log(ctx, 'INFO', `spawned: '${p.config.name}' with pid ${pid}`);
  p.delay = ctx.now + p.config.startsecs * SEC;
}

/**
 * Where a child's stream goes: supervisord's own stdout/stderr (the container's output) for
 * /dev/stdout, /dev/fd/1, /dev/stderr, /dev/fd/2; /dev/null for NONE; a file in childlogdir for
 * AUTO (mkstemp's random suffix left out); else the named file.
 */
function streamTarget(name: string, which: 'stdout' | 'stderr', value: string): 1 | 2 | string {
  if (value === '/dev/stdout' || value === '/dev/fd/1') return 1;
  if (value === '/dev/stderr' || value === '/dev/fd/2') return 2;
  if (value.toUpperCase() === 'NONE') return '/dev/null';
  if (value.toUpperCase() === 'AUTO')
    return `/var/log/supervisor/${name}-${which}---supervisor.log`;
  return value;
}

function childStart(ctx: ProgramContext<ChildState>): void {
  const s = ctx.state;
  // _spawn_as_child: setpgrp(), stdio to the log targets, execve.
  ctx.setpgid(0, 0);
  // supervisord's own stdout and stderr, kept aside while 1 and 2 are rearranged.
  ctx.dup2(1, 10);
  ctx.dup2(2, 11);
  const place = (fd: 1 | 2, target: 1 | 2 | string): void => {
    if (typeof target === 'number') {
      ctx.dup2(target === 1 ? 10 : 11, fd);
      return;
    }
    const f = ctx.open(target, 'a');
    if (typeof f === 'number') {
      ctx.dup2(f, fd);
      ctx.close(f);
    }
  };
  place(1, streamTarget(s.name, 'stdout', s.stdout));
  if (s.redirectStderr) ctx.dup2(1, 2);
  else place(2, streamTarget(s.name, 'stderr', s.stderr));
  ctx.close(10);
  ctx.close(11);
  const r = ctx.exec(s.path, s.argv);
  if (r === 0) return;
  ctx.write(2, `supervisor: couldn't exec ${s.argv[0] ?? ''}: ${r}\n`);
  ctx.write(2, 'supervisor: child process was not spawned\n');
  ctx.exit(127);
}

function giveUp(ctx: Ctx, p: Proc): void {
  p.delay = 0;
  p.backoff = 0;
  changeState(ctx, p, 'FATAL');
}

function kill(ctx: Ctx, p: Proc, sig: number): void {
  if (p.pid === 0) return;
  if (sig === SIGKILL) log(ctx, 'WARN', `killing '${p.config.name}' (${p.pid}) with SIGKILL`);
  p.killing = true;
  p.delay = ctx.now + p.config.stopwaitsecs * SEC;
  changeState(ctx, p, 'STOPPING');
  ctx.kill(p.pid, sig);
}

/** Subprocess.transition(). Virtual time has no jitter: "now > delay" is taken as reached. */
function transition(ctx: Ctx, p: Proc): void {
  const now = ctx.now;
  const s = ctx.state;
  const state = p.state;
  if (s.mood === 'running') {
    if (state === 'EXITED') {
      if (p.config.autorestart === 'true') spawn(ctx, p);
      else if (
        p.config.autorestart === 'unexpected' &&
        !p.config.exitcodes.includes(p.exitstatus ?? 0)
      )
        spawn(ctx, p);
    } else if (state === 'STOPPED' && p.laststart === 0) {
      if (p.config.autostart) spawn(ctx, p);
    } else if (state === 'BACKOFF') {
      if (p.backoff <= p.config.startretries && now >= p.delay) spawn(ctx, p);
    }
  }
  if (state === 'STARTING' && now - p.laststart >= p.config.startsecs * SEC) {
    p.delay = 0;
    p.backoff = 0;
    changeState(ctx, p, 'RUNNING');
    log(
      ctx,
      'INFO',
      `success: ${p.config.name} entered RUNNING state, process has stayed up for > than ${p.config.startsecs} seconds (startsecs)`,
    );
  }
  if (state === 'BACKOFF' && p.backoff > p.config.startretries) {
    giveUp(ctx, p);
    log(
      ctx,
      'INFO',
      `gave up: ${p.config.name} entered FATAL state, too many start retries too quickly`,
    );
  } else if (state === 'STOPPING' && p.delay - now <= 0) kill(ctx, p, SIGKILL);
}

/** Subprocess.finish(). */
function finish(ctx: Ctx, p: Proc, status: number): void {
  const [es, msg] = decodeWaitStatus(status);
  const now = ctx.now;
  const name = p.config.name;
  const tooQuickly = now - p.laststart < p.config.startsecs * SEC;
  const expected = p.config.exitcodes.includes(es);
  // 4.2.5 logs the outcome at INFO when the exit status is in exitcodes, else at WARN.
  const level: Level = expected ? 'INFO' : 'WARN';
  if (p.killing) {
    p.killing = false;
    p.delay = 0;
    p.exitstatus = es;
    changeState(ctx, p, 'STOPPED');
    log(ctx, level, `stopped: ${name} (${msg})`);
  } else if (tooQuickly) {
    p.exitstatus = null;
    log(ctx, level, `exited: ${name} (${msg}; not expected)`);
    changeState(ctx, p, 'BACKOFF');
  } else {
    p.delay = 0;
    p.backoff = 0;
    p.exitstatus = es;
    if (p.state === 'STARTING') changeState(ctx, p, 'RUNNING');
    log(ctx, level, `exited: ${name} (${msg}; ${expected ? 'expected' : 'not expected'})`);
    changeState(ctx, p, 'EXITED');
  }
  p.pid = 0;
}

function reap(ctx: Ctx): void {
  for (let guard = 0; guard < 100; guard++) {
    const r = ctx.wait(-1, WNOHANG);
    if (isErrno(r) || 'blocked' in r || r.pid === 0) return;
    const p = ctx.state.procs.find((x) => x.pid === r.pid);
    if (p) finish(ctx, p, r.status);
    else log(ctx, 'INFO', `reaped unknown pid ${r.pid} (${decodeWaitStatus(r.status)[1]})`);
  }
}

function handleSignal(ctx: Ctx): void {
  const s = ctx.state;
  const sig = s.signals.shift();
  if (sig === undefined) return;
  const name = `SIG${signalName(sig)}`;
  if (sig === SIGTERM || sig === SIGINT || sig === SIGQUIT) {
    log(ctx, 'WARN', `received ${name} indicating exit request`);
    s.mood = 'shutdown';
  } else if (sig === SIGHUP) {
    if (s.mood === 'shutdown')
      log(ctx, 'WARN', `ignored ${name} indicating restart request (shutdown in progress)`);
    else {
      log(ctx, 'WARN', `received ${name} indicating restart request`);
      s.mood = 'restarting';
    }
  } else if (sig === SIGUSR2) log(ctx, 'INFO', `received ${name} indicating log reopen request`);
}

const unstopped = (s: SupState): Proc[] =>
  s.procs.filter((p) => p.state === 'STARTING' || p.state === 'RUNNING' || p.state === 'STOPPING');

function groupUnstopped(s: SupState, name: string): boolean {
  return s.procs.some(
    (p) =>
      p.config.name === name &&
      (p.state === 'STARTING' || p.state === 'RUNNING' || p.state === 'STOPPING'),
  );
}

/** ProcessGroup.stop_all for the group named `name`. */
function stopAll(ctx: Ctx, name: string): void {
  for (const p of ctx.state.procs) {
    if (p.config.name !== name) continue;
    if (p.state === 'RUNNING' || p.state === 'STARTING') kill(ctx, p, p.config.stopsignal);
    else if (p.state === 'BACKOFF') giveUp(ctx, p);
  }
}

/** The top of runforever()'s loop. Returns true when supervisord has finished. */
function loopTop(ctx: Ctx): boolean {
  const s = ctx.state;
  if (s.mood === 'running') return false;
  if (!s.stopping) {
    s.stopping = true;
    s.stopGroups = [...s.procs]
      .sort(
        (a, b) => a.config.priority - b.config.priority || (a.config.name < b.config.name ? -1 : 1),
      )
      .map((p) => p.config.name);
  }
  const last = s.stopGroups[s.stopGroups.length - 1];
  if (last !== undefined) stopAll(ctx, last);
  const left = unstopped(s);
  if (left.length > 0 && ctx.now > s.lastShutdownReport + 3 * SEC) {
    log(ctx, 'INFO', `waiting for ${left.map((p) => p.config.name).join(', ')} to die`);
    s.lastShutdownReport = ctx.now;
  }
  if (left.length === 0 && s.stopGroups.length === 0) {
    if (s.mood === 'restarting') {
      // main(): the options are re-read and a fresh Supervisor runs.
      return !boot(ctx, s.configFile, 'restart', s.nodaemonFlag);
    }
    ctx.exit(0);
    return true;
  }
  return false;
}

function poll(ctx: Ctx): void {
  const s = ctx.state;
  if (s.pollTimer !== 0) ctx.clearTimer(s.pollTimer);
  s.pollTimer = ctx.setTimer(SEC, 'poll');
}

/** What follows poll() in one iteration, then the next iteration's top and its poll. */
function afterPoll(ctx: Ctx): void {
  const s = ctx.state;
  s.pollTimer = 0;
  for (const p of s.procs) transition(ctx, p);
  reap(ctx);
  handleSignal(ctx);
  if (s.mood !== 'running') {
    // ordered_stop_groups_phase_2
    const g = s.stopGroups.pop();
    if (g !== undefined && groupUnstopped(s, g)) s.stopGroups.push(g);
  }
  if (loopTop(ctx)) return;
  poll(ctx);
}

/**
 * Reads the config and starts supervising (Supervisor.main/run); false when supervisord exited
 * instead. `mode`: the first start, a restart after SIGHUP, or the daemon after daemonize().
 */
function boot(
  ctx: Ctx | ProgramContext<unknown>,
  file: string,
  mode: 'first' | 'restart' | 'daemon',
  nodaemonFlag: boolean,
): boolean {
  const c = ctx as ProgramContext<unknown>;
  const cfg = readSupervisorConfig(c, file);
  if ('error' in cfg) {
    usage(c, cfg.error);
    return false;
  }
  const nodaemon = nodaemonFlag || cfg.nodaemon;
  const out: LogOut = { stdout: nodaemon, file: cfg.logfile };
  if (mode !== 'daemon') {
    // set_uid_or_exit(): user= names a user to switch to (its uid from /etc/passwd).
    let uid: number | null = null;
    if (cfg.user !== null) {
      const passwd = c.fs.readFile('/etc/passwd');
      const line = (isErrno(passwd) ? '' : passwd)
        .split('\n')
        .find((l) => l.split(':')[0] === cfg.user || l.split(':')[2] === cfg.user);
      if (line === undefined) {
        usage(c, `Invalid user name ${cfg.user} in section 'supervisord' (file: '${file}')`);
        return false;
      }
      uid = Number(line.split(':')[2]);
      if (uid !== 0) c.setuid(uid);
    }
    // make_logger(): the messages gathered while parsing, criticals first.
    if (cfg.user === null)
      emit(
        c,
        out,
        'CRIT',
        'Supervisor is running as root.  Privileges were not dropped because no user is specified in the config file.  If you intend to run as root, you can set user=root in the config file to avoid this message.',
      );
    for (const f of cfg.included) emit(c, out, 'INFO', `Included extra file "${f}" during parsing`);
    if (uid !== null) emit(c, out, 'INFO', `Set uid to user ${uid} succeeded`);
    if (cfg.rpc) emit(c, out, 'INFO', "RPC interface 'supervisor' initialized");
    if (cfg.httpServer)
      emit(
        c,
        out,
        'CRIT',
        "Server 'unix_http_server' running without any HTTP authentication checking",
      );
    if (!nodaemon && mode === 'first') {
      // daemonize(): the parent exits at once; the daemon goes on in a new session. As a
      // container's PID 1 that exit ends the container and kills the daemon with it.
      emit(c, out, 'INFO', 'daemonizing the supervisord process');
      const pid = c.fork({ program: 'supervisord', state: { role: 'daemon', file, nodaemonFlag } });
      if (!isErrno(pid)) {
        c.exit(0);
        return false;
      }
    }
  }
  // write_pidfile()
  emit(c, out, 'INFO', `supervisord started with pid ${c.getpid()}`);
  const state: SupState = {
    role: 'supervisord',
    configFile: file,
    nodaemonFlag,
    out,
    procs: [...cfg.programs]
      .sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : 1))
      .map((config) => ({
        config,
        state: 'STOPPED',
        pid: 0,
        laststart: 0,
        delay: 0,
        backoff: 0,
        killing: false,
        exitstatus: null,
      })),
    mood: 'running',
    stopping: false,
    stopGroups: [],
    lastShutdownReport: Number.MIN_SAFE_INTEGER,
    signals: [],
    pollTimer: 0,
  };
  (ctx as Ctx).state = state;
  poll(ctx as Ctx);
  return true;
}

function usage(ctx: ProgramContext<unknown>, msg: string): void {
  ctx.write(2, `Error: ${msg}\nFor help, use ${ctx.argv[0] ?? 'supervisord'} -h\n`);
  ctx.exit(2);
}

export const supervisord: Program<
  SupState | ChildState | { role: 'daemon'; file: string; nodaemonFlag: boolean } | null
> = {
  name: 'supervisord',
  start(ctx) {
    const st = ctx.state;
    if (st?.role === 'child') {
      childStart(ctx as ProgramContext<ChildState>);
      return;
    }
    if (st?.role === 'daemon') {
      ctx.setsid();
      boot(ctx as ProgramContext<unknown>, st.file, 'daemon', st.nodaemonFlag);
      return;
    }
    // CPython at start: SIGPIPE and SIGXFSZ ignored (children inherit that through exec).
    ctx.sigaction(SIGPIPE, 'ignore');
    ctx.sigaction(SIGXFSZ, 'ignore');
    // ServerOptions: handlers for TERM, INT, QUIT, HUP, CHLD, USR2 (SignalReceiver).
    for (const sig of [SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGCHLD, SIGUSR2])
      ctx.sigaction(sig, 'handler');
    let file: string | undefined;
    let nodaemonFlag = false;
    const args = ctx.argv.slice(1);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-n' || a === '--nodaemon') nodaemonFlag = true;
      else if (a === '-c' || a === '--configuration') {
        file = args[++i];
        if (file === undefined) {
          usage(ctx as ProgramContext<unknown>, 'option -c requires argument');
          return;
        }
      } else if (a.startsWith('--configuration=')) file = a.slice(16);
      else if (a === '-v' || a === '--version') {
        ctx.write(1, `${SUPERVISORD_VERSION}\n`);
        ctx.exit(0);
        return;
      } else {
        usage(ctx as ProgramContext<unknown>, `option ${a} not recognized`);
        return;
      }
    }
    if (file === undefined) file = DEFAULT_CONFIGS.find((f) => !isErrno(ctx.fs.stat(f)));
    if (file === undefined) {
      usage(
        ctx as ProgramContext<unknown>,
        `No config file found at default paths (${DEFAULT_CONFIGS.join(', ')}); use the -c option to specify a config file at a different path`,
      );
      return;
    }
    if (isErrno(ctx.fs.stat(ctx.fs.resolve(file)))) {
      usage(ctx as ProgramContext<unknown>, `could not find config file ${file}`);
      return;
    }
    boot(ctx as ProgramContext<unknown>, ctx.fs.resolve(file), 'first', nodaemonFlag);
  },
  onSignal(ctx, info: SigInfo) {
    const s = ctx.state;
    if (s?.role !== 'supervisord') return;
    const c = ctx as Ctx;
    // The Python handler only queues the signal (SignalReceiver.receive).
    if (!s.signals.includes(info.sig)) s.signals.push(info.sig);
    // A child's exit closes its stdout/stderr pipes: the poll returns at once (PEP 475
    // retries the poll after any other signal, which then waits for the 1 s timeout).
    if (info.sig === SIGCHLD) {
      if (s.pollTimer !== 0) c.clearTimer(s.pollTimer);
      s.pollTimer = c.setTimer(0, 'poll');
    }
  },
  onTimer(ctx, tag) {
    const s = ctx.state;
    if (s?.role !== 'supervisord' || tag !== 'poll') return;
    afterPoll(ctx as Ctx);
  },
};
