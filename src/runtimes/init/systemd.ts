/**
 * A minimal systemd 252 (Debian 12) as a container's PID 1 — the "system container" model where
 * the app is a service below the init (lesson 14) — from systemd(1) "SIGNALS", src/core/main.c
 * (invoke_main_loop, do_reexecute), src/core/manager.c (manager_dispatch_signal_fd),
 * src/core/service.c and src/shutdown/shutdown.c.
 *
 * Boot: the version banner, "Detected virtualization docker." (env container=...), the Welcome
 * line from /etc/os-release, then every service listed in
 * /etc/systemd/system/multi-user.target.wants/ is loaded from /etc/systemd/system/NAME and
 * started: "[  OK  ] Started NAME - Description.", then "Reached target multi-user.target".
 * Status lines go to stdout (coloured on a terminal), log lines to stderr (log target console,
 * as in a container without journald).
 *
 * Units ([Unit] Description, StartLimitBurst (5), StartLimitIntervalSec (10s); [Service] Type=
 * simple|exec, ExecStart, Restart=no|always|on-success|on-failure|on-abnormal|on-abort,
 * RestartSec (100ms), KillSignal (SIGTERM), KillMode (control-group), SendSIGKILL (yes),
 * TimeoutStopSec (90s), StandardOutput=journal|console|journal+console|inherit|null). Unknown
 * keys and bad values are logged and ignored as systemd does; a service without ExecStart is
 * refused.
 * A service runs in its own session (setsid), with every signal reset. Its exit is logged
 * ("Main process exited, code=exited, status=1/FAILURE", "Failed with result 'exit-code'." or
 * "Deactivated successfully."), Restart= decides a restart after RestartSec, and more than
 * StartLimitBurst starts within StartLimitIntervalSec fail the unit ("Start request repeated too
 * quickly.") — systemd itself keeps running, so the container stays up.
 *
 * PID 1 reaps every child, adopted orphans too. It blocks the signals it handles and reads them
 * synchronously (signalfd in systemd; sigtimedwait here), so /proc/1/status shows them in
 * SigBlk. As PID 1 of the system manager:
 * - SIGTERM: serialise the state, re-execute itself (`--deserialize FD`, a pipe here), carry on.
 *   `docker stop` therefore does nothing and ends with SIGKILL: 137.
 * - SIGINT: start ctrl-alt-del.target (= reboot.target); more than 7 within 2 s reboot at once.
 * - SIGRTMIN+3 / +4 / +5: halt / poweroff / reboot: stop the services (KillSignal to the
 *   service's process group, SIGCONT, SIGKILL after TimeoutStopSec), then exec
 *   systemd-shutdown. SIGRTMIN+13 / +14 / +15: the same at once, without stopping units.
 * - SIGHUP: daemon-reload (re-read the unit files of the loaded units).
 * systemd-shutdown sends SIGTERM then SIGKILL to what is left and, in a container without
 * CAP_SYS_BOOT, reboot(2) fails with EPERM: "Exiting container.", exit 0.
 *
 * Left out: D-Bus and systemctl, journald (StandardOutput=journal output is kept in
 * /var/log/journal/NAME.log), other unit types and dependencies (only the wants of
 * multi-user.target), cgroups (KillMode=control-group is modelled by the service's process
 * group, which a process escapes with setpgid/setsid), the crash handler, and the checks real
 * systemd makes of the container (cgroup mounts, /run tmpfs).
 */
import {
  SIGCHLD,
  SIGCONT,
  SIGHUP,
  SIGINT,
  SIGKILL,
  SIGPIPE,
  SIGPWR,
  SIGRTMIN,
  SIGTERM,
  SIGUSR1,
  SIGUSR2,
  SIGWINCH,
  WNOHANG,
  isErrno,
  parseSignal,
  sigSetOf,
  signalName,
  wexitstatus,
  wifexited,
  wtermsig,
} from '../../kernel-sim/index.ts';
import type { Errno, Program, ProgramContext, WakeEvent } from '../../kernel-sim/index.ts';
import { errText, isBlocked, waitableSet } from './common.ts';

/** Debian 12's systemd as on the reference machine (`systemd --version`, same feature list). */
export const SYSTEMD_VERSION = '252.39-1~deb12u2';
export const SYSTEMD_PATH = '/lib/systemd/systemd';
export const SYSTEMD_SHUTDOWN_PATH = '/lib/systemd/systemd-shutdown';
const UNIT_DIR = '/etc/systemd/system';
const WANTS_DIR = `${UNIT_DIR}/multi-user.target.wants`;
const FEATURES =
  '+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP +GCRYPT -GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT +QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK -XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified';
const SEC = 1_000_000;
const RT = (n: number): number => SIGRTMIN + n;

/** manager_setup_signals(): the signals PID 1 blocks and reads from its signalfd. */
export const SYSTEMD_SIGNALS = sigSetOf(
  SIGCHLD,
  SIGTERM,
  SIGHUP,
  SIGUSR1,
  SIGUSR2,
  SIGINT,
  SIGWINCH,
  SIGPWR,
  ...[0, 1, 2, 3, 4, 5, 6, 13, 14, 15, 16, 20, 21, 22, 23, 24, 26, 27, 28, 29].map(RT),
);

type Restart = 'no' | 'always' | 'on-success' | 'on-failure' | 'on-abnormal' | 'on-abort';
type Output = 'journal' | 'console' | 'null';

export interface ServiceUnit {
  name: string;
  description: string;
  execStart: string[];
  restart: Restart;
  restartSec: number;
  killSignal: number;
  killMode: 'control-group' | 'process' | 'mixed' | 'none';
  sendSigkill: boolean;
  /** µs; null = infinity. */
  timeoutStop: number | null;
  output: Output;
  startLimitBurst: number;
  startLimitInterval: number;
}

interface Service {
  unit: ServiceUnit;
  state: 'inactive' | 'active' | 'deactivating' | 'failed' | 'auto-restart';
  pid: number;
  starts: number[];
  restarts: number;
  /** The stop was asked for (halt): no restart, "Stopped" when it ends. */
  stopping: boolean;
  timedOut: boolean;
}

interface Timer {
  at: number;
  kind: 'restart' | 'stop-timeout';
  unit: string;
}

interface ManagerState {
  role: 'manager';
  services: Service[];
  timers: Timer[];
  objective: 'running' | 'halt' | 'poweroff' | 'reboot';
  ctrlAltDel: number[];
}

interface ExecChild {
  role: 'exec';
  unit: string;
  argv: string[];
  output: Output;
}

type State = ManagerState | ExecChild | null;
type Ctx = ProgramContext<ManagerState>;

// ------------------------------------------------------------------ unit files

/** parse_sec(): "90", "90s", "1min 30s", "100ms", "infinity". null for infinity. */
export function parseSec(text: string): number | null | undefined {
  const t = text.trim();
  if (t === 'infinity') return null;
  const units: Record<string, number> = {
    us: 1,
    usec: 1,
    ms: 1000,
    msec: 1000,
    '': SEC,
    s: SEC,
    sec: SEC,
    second: SEC,
    seconds: SEC,
    m: 60 * SEC,
    min: 60 * SEC,
    minute: 60 * SEC,
    minutes: 60 * SEC,
    h: 3600 * SEC,
    hr: 3600 * SEC,
    hour: 3600 * SEC,
    hours: 3600 * SEC,
  };
  let total = 0;
  const re = /\s*(\d+(?:\.\d+)?)\s*([a-z]*)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(t)) !== null && m[0] !== '') {
    const f = units[m[2]!];
    if (f === undefined) return undefined;
    total += Number(m[1]) * f;
    consumed = re.lastIndex;
  }
  if (consumed !== t.length || t === '') return undefined;
  return Math.round(total);
}

/** extract_first_word() with systemd's quoting, enough for ExecStart lines. */
function splitCommand(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"((?:\\.|[^"])*)"|'([^']*)'|(\S+)/g))
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3] ?? ''));
  return out;
}

/**
 * Loads a service unit. Problems are returned as systemd logs them (file:line: ..., ignoring);
 * `unit` is null when the unit is refused.
 */
export function parseServiceUnit(
  name: string,
  text: string,
  file: string,
): { unit: ServiceUnit | null; warnings: string[] } {
  const warnings: string[] = [];
  const unit: ServiceUnit = {
    name,
    description: name,
    execStart: [],
    restart: 'no',
    restartSec: 100_000,
    killSignal: SIGTERM,
    killMode: 'control-group',
    sendSigkill: true,
    timeoutStop: 90 * SEC,
    output: 'journal',
    startLimitBurst: 5,
    startLimitInterval: 10 * SEC,
  };
  let section = '';
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const at = `${file}:${i + 1}`;
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!;
      return;
    }
    const kv = /^([A-Za-z0-9]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) {
      warnings.push(`${at}: Missing '=', ignoring line.`);
      return;
    }
    const [, key, value] = kv as unknown as [string, string, string];
    const bad = (what: string): void => {
      warnings.push(`${at}: ${what}, ignoring: ${value}`);
    };
    const k = `${section}.${key}`;
    switch (k) {
      case 'Unit.Description':
        unit.description = value;
        return;
      case 'Unit.StartLimitBurst': {
        if (/^\d+$/.test(value)) unit.startLimitBurst = Number(value);
        else bad('Failed to parse unsigned value');
        return;
      }
      case 'Unit.StartLimitIntervalSec': {
        const v = parseSec(value);
        if (v === undefined) bad('Failed to parse sec value');
        else unit.startLimitInterval = v ?? 0;
        return;
      }
      case 'Service.Type':
        if (value !== 'simple' && value !== 'exec')
          warnings.push(`${at}: Type=${value} is not modelled by the lab, treated as simple.`);
        return;
      case 'Service.ExecStart': {
        const argv = splitCommand(value);
        if (argv.length === 0) unit.execStart = [];
        else if (!argv[0]!.startsWith('/') && argv[0]!.includes('/'))
          bad('Neither a valid executable name nor an absolute path');
        else unit.execStart = argv;
        return;
      }
      case 'Service.Restart':
        if (['no', 'always', 'on-success', 'on-failure', 'on-abnormal', 'on-abort'].includes(value))
          unit.restart = value as Restart;
        else bad('Failed to parse service restart specifier');
        return;
      case 'Service.RestartSec':
      case 'Service.TimeoutStopSec': {
        const v = parseSec(value);
        if (v === undefined)
          bad(
            key === 'RestartSec'
              ? 'Failed to parse sec value'
              : `Failed to parse ${key}= parameter`,
          );
        else if (key === 'RestartSec') unit.restartSec = v ?? 0;
        else unit.timeoutStop = v === 0 ? null : v;
        return;
      }
      case 'Service.KillSignal': {
        const s = parseSignal(value);
        if (s === undefined || s === 0) bad('Failed to parse signal name');
        else unit.killSignal = s;
        return;
      }
      case 'Service.KillMode':
        if (['control-group', 'process', 'mixed', 'none'].includes(value))
          unit.killMode = value as ServiceUnit['killMode'];
        else bad('Failed to parse kill mode specification');
        return;
      case 'Service.SendSIGKILL':
        if (/^(yes|true|on|1)$/.test(value)) unit.sendSigkill = true;
        else if (/^(no|false|off|0)$/.test(value)) unit.sendSigkill = false;
        else bad('Failed to parse boolean value');
        return;
      case 'Service.StandardOutput':
        if (['journal', 'kmsg', 'syslog'].includes(value)) unit.output = 'journal';
        else if (['console', 'journal+console', 'kmsg+console', 'inherit', 'tty'].includes(value))
          unit.output = 'console';
        else if (value === 'null') unit.output = 'null';
        else bad('Failed to parse output specifier');
        return;
      case 'Install.WantedBy':
      case 'Install.Alias':
      case 'Service.WorkingDirectory':
      case 'Service.Environment':
      case 'Service.User':
      case 'Unit.After':
      case 'Unit.Wants':
      case 'Unit.Documentation':
        return;
      default:
        warnings.push(`${at}: Unknown key '${key}' in section [${section}], ignoring.`);
    }
  });
  if (unit.execStart.length === 0) {
    warnings.push(`${name}: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.`);
    return { unit: null, warnings };
  }
  return { unit, warnings };
}

// ------------------------------------------------------------------ output

function colour(ctx: ProgramContext<unknown>): boolean {
  return ctx.isatty(1);
}

/** A status line on the console: "[  OK  ] ...", "[FAILED] ...", or indented. */
function status(ctx: ProgramContext<unknown>, kind: 'OK' | 'FAILED' | '', text: string): void {
  const c = colour(ctx);
  const mark =
    kind === 'OK'
      ? c
        ? '[\x1b[0;32m  OK  \x1b[0m] '
        : '[  OK  ] '
      : kind === 'FAILED'
        ? c
          ? '[\x1b[0;1;31mFAILED\x1b[0m] '
          : '[FAILED] '
        : '         ';
  ctx.write(1, `${mark}${text}\n`);
}

function unitText(
  ctx: ProgramContext<unknown>,
  u: ServiceUnit | { name: string; description: string },
): string {
  const name = colour(ctx) ? `\x1b[0;1;39m${u.name}\x1b[0m` : u.name;
  return u.description === u.name ? name : `${name} - ${u.description}`;
}

function logLine(ctx: ProgramContext<unknown>, text: string): void {
  ctx.write(2, `${text}\n`);
}

const EXIT_NAMES: Record<number, string> = {
  0: 'SUCCESS',
  1: 'FAILURE',
  2: 'INVALIDARGUMENT',
  3: 'NOTIMPLEMENTED',
  4: 'NOPERMISSION',
  5: 'NOTINSTALLED',
  6: 'NOTCONFIGURED',
  7: 'NOTRUNNING',
  200: 'CHDIR',
  203: 'EXEC',
};

function banner(ctx: ProgramContext<unknown>): void {
  logLine(ctx, `systemd ${SYSTEMD_VERSION} running in system mode (${FEATURES})`);
  const virt = ctx.env.container;
  if (virt !== undefined && virt !== '') logLine(ctx, `Detected virtualization ${virt}.`);
  logLine(ctx, 'Detected architecture x86-64.');
}

// ------------------------------------------------------------------ the manager

function loadUnits(ctx: ProgramContext<unknown>): ServiceUnit[] {
  const names = ctx.fs.readdir(WANTS_DIR);
  if (isErrno(names)) return [];
  const out: ServiceUnit[] = [];
  for (const name of names.filter((n) => n.endsWith('.service'))) {
    const file = `${UNIT_DIR}/${name}`;
    const text = ctx.fs.readFile(file);
    if (isErrno(text)) {
      logLine(ctx, `Failed to load unit ${name}: ${errText(text)}`);
      continue;
    }
    const { unit, warnings } = parseServiceUnit(name, text, file);
    for (const w of warnings) logLine(ctx, w);
    if (unit) out.push(unit);
  }
  return out;
}

function startService(ctx: Ctx, svc: Service): void {
  const u = svc.unit;
  // unit_test_start_limit(): at most StartLimitBurst starts per StartLimitIntervalSec.
  svc.starts = svc.starts.filter((t) => ctx.now - t < u.startLimitInterval);
  if (svc.starts.length >= u.startLimitBurst) {
    logLine(ctx, `${u.name}: Start request repeated too quickly.`);
    logLine(ctx, `${u.name}: Failed with result 'start-limit-hit'.`);
    svc.state = 'failed';
    status(ctx, 'FAILED', `Failed to start ${unitText(ctx, u)}.`);
    ctx.write(1, `See 'systemctl status ${u.name}' for details.\n`);
    return;
  }
  svc.starts.push(ctx.now);
  const child: ExecChild = { role: 'exec', unit: u.name, argv: u.execStart, output: u.output };
  const pid = ctx.fork({ program: 'systemd', state: child });
  if (isErrno(pid)) {
    logLine(ctx, `${u.name}: Failed to fork: ${errText(pid)}`);
    svc.state = 'failed';
    return;
  }
  svc.pid = pid;
  svc.state = 'active';
  svc.timedOut = false;
  status(ctx, 'OK', `Started ${unitText(ctx, u)}.`);
}

/** exec_child(): own session, signals reset, stdio, execve. Exit 203/EXEC when that fails. */
function execChild(ctx: ProgramContext<ExecChild>): void {
  const s = ctx.state;
  ctx.setsid();
  for (let sig = 1; sig <= 64; sig++)
    if (sig !== SIGKILL && sig !== 19 && sig !== 32 && sig !== 33) ctx.sigaction(sig, 'default');
  ctx.sigprocmask('setmask', 0n);
  const name = s.argv[0] ?? '';
  // The child logs through the manager's log target (the console), not the service's stdio.
  const fail = (e: Errno, what: string): void => {
    logLine(ctx, `${s.unit}: ${what} ${name}: ${errText(e)}`);
    logLine(ctx, `${s.unit}: Failed at step EXEC spawning ${name}: ${errText(e)}`);
    ctx.exit(203);
  };
  const path = name.startsWith('/') ? name : ctx.which(name);
  if (isErrno(path)) {
    fail(path, 'Failed to locate executable');
    return;
  }
  const st = ctx.fs.stat(path);
  if (isErrno(st)) {
    fail(st, 'Failed to locate executable');
    return;
  }
  if (s.output !== 'console') {
    const target = s.output === 'null' ? '/dev/null' : `/var/log/journal/${s.unit}.log`;
    const fd = ctx.open(target, 'a');
    if (typeof fd === 'number') {
      ctx.dup2(fd, 1);
      ctx.dup2(fd, 2);
      ctx.close(fd);
    }
  }
  const r = ctx.exec(path, s.argv);
  if (r !== 0) fail(r, 'Failed to execute');
}

function addTimer(ctx: Ctx, kind: Timer['kind'], unit: string, after: number): void {
  ctx.state.timers.push({ at: ctx.now + after, kind, unit });
}

function dropTimers(ctx: Ctx, unit: string): void {
  ctx.state.timers = ctx.state.timers.filter((t) => t.unit !== unit);
}

/** The whole unit gets `sig`: its process group (control-group) or the main process. */
function killUnit(ctx: Ctx, svc: Service, sig: number): void {
  if (svc.pid === 0) return;
  const target = svc.unit.killMode === 'control-group' ? -svc.pid : svc.pid;
  if (svc.unit.killMode === 'none') return;
  ctx.kill(target, sig);
  // SendSIGHUP=no; after the kill signal systemd sends SIGCONT so stopped processes can die.
  if (sig !== SIGKILL) ctx.kill(target, SIGCONT);
}

/** service_sigchld_event() + service_enter_dead(): the main process has exited. */
function mainExited(ctx: Ctx, svc: Service, wstatus: number): void {
  const u = svc.unit;
  const leader = svc.pid;
  svc.pid = 0;
  dropTimers(ctx, u.name);
  let result: 'success' | 'exit-code' | 'signal' | 'timeout';
  if (wifexited(wstatus)) {
    const code = wexitstatus(wstatus);
    result = code === 0 ? 'success' : 'exit-code';
    if (code !== 0)
      logLine(
        ctx,
        `${u.name}: Main process exited, code=exited, status=${code}/${EXIT_NAMES[code] ?? 'n/a'}`,
      );
  } else {
    const sig = wtermsig(wstatus);
    // is_clean_exit(): SIGHUP, SIGINT, SIGTERM and SIGPIPE count as a clean end of a daemon.
    const clean = sig === SIGHUP || sig === SIGINT || sig === SIGTERM || sig === SIGPIPE;
    result = clean ? 'success' : 'signal';
    if (!clean || svc.timedOut)
      logLine(ctx, `${u.name}: Main process exited, code=killed, status=${sig}/${signalName(sig)}`);
  }
  if (svc.timedOut) result = 'timeout';
  // What is left of the unit goes too (KillMode=control-group: the rest of its group here).
  if (u.killMode === 'control-group' && ctx.kill(-leader, u.killSignal) === 0)
    ctx.kill(-leader, SIGCONT);
  if (result === 'success') logLine(ctx, `${u.name}: Deactivated successfully.`);
  else logLine(ctx, `${u.name}: Failed with result '${result}'.`);
  if (svc.stopping) {
    svc.stopping = false;
    svc.state = result === 'success' ? 'inactive' : 'failed';
    status(ctx, 'OK', `Stopped ${unitText(ctx, u)}.`);
    return;
  }
  svc.state = result === 'success' ? 'inactive' : 'failed';
  // service_shall_restart()
  const restart =
    u.restart === 'always' ||
    (u.restart === 'on-success' && result === 'success') ||
    (u.restart === 'on-failure' && result !== 'success') ||
    (u.restart === 'on-abnormal' && (result === 'signal' || result === 'timeout')) ||
    (u.restart === 'on-abort' && result === 'signal');
  if (restart && ctx.state.objective === 'running') {
    svc.state = 'auto-restart';
    addTimer(ctx, 'restart', u.name, u.restartSec);
  }
}

function restartService(ctx: Ctx, svc: Service): void {
  svc.restarts++;
  logLine(ctx, `${svc.unit.name}: Scheduled restart job, restart counter is at ${svc.restarts}.`);
  status(ctx, 'OK', `Stopped ${unitText(ctx, svc.unit)}.`);
  startService(ctx, svc);
}

function reap(ctx: Ctx): void {
  for (;;) {
    const r = ctx.wait(-1, WNOHANG);
    if (isErrno(r) || isBlocked(r) || r.pid === 0) return;
    const svc = ctx.state.services.find((x) => x.pid === r.pid);
    if (svc) mainExited(ctx, svc, r.status);
  }
}

const TARGETS = {
  halt: ['halt.target', 'System Halt', 'halt'],
  poweroff: ['poweroff.target', 'System Power Off', 'poweroff'],
  reboot: ['reboot.target', 'System Reboot', 'reboot'],
} as const;

/** Begins the stop of every unit for a shutdown objective (the jobs of halt.target etc.). */
function startShutdown(ctx: Ctx, objective: 'halt' | 'poweroff' | 'reboot'): void {
  const s = ctx.state;
  if (s.objective !== 'running') return;
  s.objective = objective;
  status(
    ctx,
    'OK',
    `Stopped target ${unitText(ctx, { name: 'multi-user.target', description: 'Multi-User System' })}.`,
  );
  for (const svc of s.services) {
    dropTimers(ctx, svc.unit.name);
    if (svc.state === 'auto-restart') svc.state = 'inactive';
    if (svc.pid === 0) continue;
    svc.stopping = true;
    svc.state = 'deactivating';
    status(ctx, '', `Stopping ${unitText(ctx, svc.unit)}...`);
    killUnit(ctx, svc, svc.unit.killSignal);
    if (svc.unit.timeoutStop !== null)
      addTimer(ctx, 'stop-timeout', svc.unit.name, svc.unit.timeoutStop);
  }
}

/** All units are down: exec systemd-shutdown (still PID 1). Returns true when it exec'd. */
function maybeFinishShutdown(ctx: Ctx): boolean {
  const s = ctx.state;
  if (s.objective === 'running' || s.services.some((x) => x.pid !== 0)) return false;
  const [target, desc, verb] = TARGETS[s.objective];
  status(ctx, 'OK', `Reached target ${unitText(ctx, { name: target, description: desc })}.`);
  return execShutdown(ctx, verb);
}

function execShutdown(ctx: ProgramContext<unknown>, verb: string): boolean {
  const r = ctx.exec(SYSTEMD_SHUTDOWN_PATH, [
    SYSTEMD_SHUTDOWN_PATH,
    verb,
    '--timeout',
    '90000000us',
    '--log-level',
    '6',
    '--log-target',
    'console',
  ]);
  if (r === 0) return true;
  logLine(ctx, `Failed to execute shutdown binary: ${errText(r)}`);
  return false;
}

function reexecute(ctx: Ctx): boolean {
  logLine(ctx, 'Reexecuting.');
  // do_reexecute(): the state goes through a file descriptor that survives execve.
  const p = ctx.pipe();
  if (isErrno(p)) return false;
  ctx.write(p[1], JSON.stringify(ctx.state));
  ctx.close(p[1]);
  const r = ctx.exec(SYSTEMD_PATH, [SYSTEMD_PATH, '--system', '--deserialize', String(p[0])]);
  if (r === 0) return true;
  ctx.close(p[0]);
  logLine(ctx, `Failed to reexecute: ${errText(r)}`);
  return false;
}

function reload(ctx: Ctx): void {
  logLine(ctx, 'Reloading.');
  for (const svc of ctx.state.services) {
    const file = `${UNIT_DIR}/${svc.unit.name}`;
    const text = ctx.fs.readFile(file);
    if (isErrno(text)) continue;
    const { unit, warnings } = parseServiceUnit(svc.unit.name, text, file);
    for (const w of warnings) logLine(ctx, w);
    if (unit) svc.unit = unit;
  }
}

/** manager_dispatch_signal_fd(). Returns true when the program was replaced (exec). */
function onSig(ctx: Ctx, sig: number): boolean {
  const s = ctx.state;
  switch (sig) {
    case SIGCHLD:
      reap(ctx);
      return maybeFinishShutdown(ctx);
    case SIGTERM:
      // As the system manager: serialise and re-execute (systemd(1): "mostly equivalent to
      // systemctl daemon-reexec").
      return reexecute(ctx);
    case SIGINT: {
      s.ctrlAltDel = [...s.ctrlAltDel.filter((t) => ctx.now - t < 2 * SEC), ctx.now];
      if (s.ctrlAltDel.length > 7) {
        // manager_handle_ctrl_alt_del(): CtrlAltDelBurstAction=reboot-force (emergency_action).
        const why = 'Forcibly rebooting: Ctrl-Alt-Del was pressed more than 7 times within 2s';
        logLine(ctx, why);
        ctx.write(1, `[${colour(ctx) ? '\x1b[0;1;31m  !!  \x1b[0m' : '  !!  '}] ${why}\n`);
        return execShutdown(ctx, 'reboot');
      }
      startShutdown(ctx, 'reboot');
      return maybeFinishShutdown(ctx);
    }
    case SIGHUP:
      reload(ctx);
      return false;
    default:
      break;
  }
  if (sig === RT(3) || sig === RT(4) || sig === RT(5)) {
    startShutdown(ctx, sig === RT(3) ? 'halt' : sig === RT(4) ? 'poweroff' : 'reboot');
    return maybeFinishShutdown(ctx);
  }
  if (sig === RT(13) || sig === RT(14) || sig === RT(15))
    return execShutdown(ctx, sig === RT(13) ? 'halt' : sig === RT(14) ? 'poweroff' : 'reboot');
  return false;
}

function runDueTimers(ctx: Ctx): boolean {
  const s = ctx.state;
  for (;;) {
    const due = s.timers.filter((t) => t.at <= ctx.now).sort((a, b) => a.at - b.at)[0];
    if (!due) return false;
    s.timers.splice(s.timers.indexOf(due), 1);
    const svc = s.services.find((x) => x.unit.name === due.unit);
    if (!svc) continue;
    if (due.kind === 'restart' && svc.state === 'auto-restart') restartService(ctx, svc);
    else if (due.kind === 'stop-timeout' && svc.pid !== 0) {
      logLine(ctx, `${svc.unit.name}: Stopping timed out. Killing.`);
      if (svc.unit.sendSigkill) {
        const comm = ctx.proc.status(svc.pid)?.match(/^Name:\s*(.*)$/m)?.[1] ?? '';
        logLine(ctx, `${svc.unit.name}: Killing process ${svc.pid} (${comm}) with signal SIGKILL.`);
        svc.timedOut = true;
        killUnit(ctx, svc, SIGKILL);
      }
    }
  }
}

/**
 * sd-event's loop: signals come from a signalfd (the mask stays: SigBlk shows them); while a
 * unit timer is pending the wait is bounded by it (sigtimedwait here, which, as in Linux,
 * unblocks the waited set for that time).
 */
function loop(ctx: Ctx): void {
  const set = waitableSet(SYSTEMD_SIGNALS);
  for (;;) {
    if (runDueTimers(ctx)) return;
    const next = ctx.state.timers.reduce<number | null>(
      (m, t) => (m === null || t.at < m ? t.at : m),
      null,
    );
    const r =
      next === null ? ctx.signalfdRead(set) : ctx.sigtimedwait(set, Math.max(0, next - ctx.now));
    if (isBlocked(r)) return;
    if (typeof r !== 'string' && onSig(ctx, r.sig)) return;
  }
}

function setupSignals(ctx: ProgramContext<unknown>): void {
  // A no-op SIGCHLD handler (SA_NOCLDSTOP|SA_RESTART), SIGPIPE ignored, the rest blocked.
  ctx.sigaction(SIGCHLD, 'handler');
  ctx.sigaction(SIGPIPE, 'ignore');
  ctx.sigprocmask('setmask', SYSTEMD_SIGNALS);
}

function managerStart(ctx: ProgramContext<unknown>): void {
  const argv = ctx.argv;
  if (argv.includes('--version')) {
    ctx.write(1, `systemd 252 (${SYSTEMD_VERSION})\n${FEATURES}\n`);
    ctx.exit(0);
    return;
  }
  if (ctx.getpid() !== 1) {
    logLine(
      ctx,
      'Trying to run as user instance, but the system has not been booted with systemd.',
    );
    ctx.exit(1);
    return;
  }
  setupSignals(ctx);
  const di = argv.indexOf('--deserialize');
  if (di >= 0) {
    // After a re-exec: read the state back and carry on (no Welcome, no new start jobs).
    const fd = Number(argv[di + 1]);
    const text = ctx.read(fd);
    ctx.close(fd);
    banner(ctx);
    const c = ctx as Ctx;
    if (typeof text === 'string') {
      try {
        c.state = JSON.parse(text) as ManagerState;
      } catch {
        c.state = {
          role: 'manager',
          services: [],
          timers: [],
          objective: 'running',
          ctrlAltDel: [],
        };
      }
    }
    reap(c);
    loop(c);
    return;
  }
  banner(ctx);
  const os = ctx.fs.readFile('/etc/os-release');
  const pretty = isErrno(os) ? 'Linux' : (/^PRETTY_NAME="?([^"\n]*)"?$/m.exec(os)?.[1] ?? 'Linux');
  ctx.write(1, `\nWelcome to ${colour(ctx) ? `\x1b[1m${pretty}\x1b[0m` : pretty}!\n\n`);
  logLine(ctx, 'Queued start job for default target multi-user.target.');
  const c = ctx as Ctx;
  c.state = {
    role: 'manager',
    services: loadUnits(ctx).map((unit) => ({
      unit,
      state: 'inactive',
      pid: 0,
      starts: [],
      restarts: 0,
      stopping: false,
      timedOut: false,
    })),
    timers: [],
    objective: 'running',
    ctrlAltDel: [],
  };
  for (const svc of c.state.services) startService(c, svc);
  status(
    ctx,
    'OK',
    `Reached target ${unitText(ctx, { name: 'multi-user.target', description: 'Multi-User System' })}.`,
  );
  loop(c);
}

export const systemd: Program<State> = {
  name: 'systemd',
  start(ctx) {
    const s = ctx.state;
    if (s?.role === 'exec') execChild(ctx as ProgramContext<ExecChild>);
    else managerStart(ctx as ProgramContext<unknown>);
  },
  resume(ctx, wake: WakeEvent) {
    const s = ctx.state;
    if (s?.role !== 'manager' || wake.call !== 'sigwait') return;
    const c = ctx as Ctx;
    const r = wake.result;
    if (typeof r !== 'string' && onSig(c, r.sig)) return;
    loop(c);
  },
};

// ------------------------------------------------------------------ systemd-shutdown

interface ShutdownState {
  verb: string;
  phase: 'term' | 'done';
  deadline: number;
}

function shutdownFinish(ctx: ProgramContext<ShutdownState>): void {
  const s = ctx.state;
  s.phase = 'done';
  logLine(ctx, 'Sending SIGKILL to remaining processes...');
  ctx.kill(-1, SIGKILL);
  for (;;) {
    const r = ctx.wait(-1, WNOHANG);
    if (isErrno(r) || isBlocked(r) || r.pid === 0) break;
  }
  logLine(
    ctx,
    s.verb === 'reboot'
      ? 'Rebooting.'
      : s.verb === 'poweroff'
        ? 'Powering off.'
        : 'Halting system.',
  );
  // reboot(2) needs CAP_SYS_BOOT, which a container does not have: EPERM.
  logLine(ctx, 'Exiting container.');
  ctx.exit(0);
}

/** Waits for the children after SIGTERM (wait_for_children), up to the timeout. */
function shutdownWait(ctx: ProgramContext<ShutdownState>): void {
  for (;;) {
    const left = ctx.state.deadline - ctx.now;
    if (left <= 0) {
      shutdownFinish(ctx);
      return;
    }
    const r = ctx.sigtimedwait(sigSetOf(SIGCHLD), left);
    if (isBlocked(r)) return;
    if (!shutdownReap(ctx)) return;
  }
}

/** Reaps; false when everything is gone (and the shutdown went on). */
function shutdownReap(ctx: ProgramContext<ShutdownState>): boolean {
  for (;;) {
    const r = ctx.wait(-1, WNOHANG);
    if (isErrno(r)) {
      shutdownFinish(ctx);
      return false;
    }
    if (isBlocked(r) || r.pid === 0) return true;
  }
}

export const systemdShutdown: Program<ShutdownState | null> = {
  name: 'systemd-shutdown',
  start(ctx) {
    const verb = ctx.argv[1] ?? 'halt';
    ctx.sigprocmask('setmask', sigSetOf(SIGCHLD));
    ctx.state = { verb, phase: 'term', deadline: ctx.now + 90 * SEC };
    logLine(ctx, 'Sending SIGTERM to remaining processes...');
    ctx.kill(-1, SIGTERM);
    ctx.kill(-1, SIGCONT);
    const c = ctx as ProgramContext<ShutdownState>;
    if (!shutdownReap(c)) return;
    shutdownWait(c);
  },
  resume(ctx, wake) {
    if (wake.call !== 'sigwait' || ctx.state?.phase !== 'term') return;
    const c = ctx as ProgramContext<ShutdownState>;
    if (!shutdownReap(c)) return;
    shutdownWait(c);
  },
};
