/**
 * nginx 1.25 master and workers (src/os/unix/ngx_process_cycle.c, ngx_process.c), as
 * `nginx -g 'daemon off;'` runs in the official image (PID 1 = the master).
 *
 * - Config /etc/nginx/nginx.conf (or -c): `worker_processes N|auto;` (auto: the lab's 2 CPUs),
 *   `daemon on|off;`, `error_log FILE LEVEL;`, `pid FILE;`; -g adds directives. With daemon on
 *   (the default) nginx forks, the parent exits and the master lives on in a new session — as
 *   PID 1 of a container that ends the container at once.
 * - The master logs its start notices, forks the workers ("start worker process N"; a worker
 *   titles itself "nginx: worker process", the master "nginx: master process ARGS"), writes
 *   the pid file and sleeps in sigsuspend with handlers for TERM, INT, QUIT, HUP, USR1, USR2,
 *   WINCH, CHLD, ALRM (SIGPIPE ignored). Its handler logs "signal N (SIGxxx) received[ from
 *   PID], ACTION"; SIGCHLD is answered by waitpid(-1, WNOHANG) in a loop ("worker process N
 *   exited with code C" / "... on signal S"; other PIDs are "unknown process"), so as PID 1 it
 *   reaps orphans.
 * - TERM/INT: fast shutdown — TERM to the workers, again every 50·2^n ms, SIGKILL once that
 *   delay passes 1000 ms; QUIT: graceful — the workers finish their requests (none in the lab)
 *   and exit; HUP: re-read the config, start new workers, QUIT to the old ones; USR1: reopen
 *   logs. A worker that dies while nginx is not shutting down is replaced ("respawn").
 *   The master exits 0 ("exit") when its last worker is gone.
 * - Workers set no parent-death signal: a SIGKILLed master leaves them running outside a
 *   container; inside one, PID 1's death takes the whole namespace with it (the kernel).
 * - The master tells its workers through a socketpair (ngx_channel); the model sends the same
 *   signal with kill(), and a worker treats a signal from its parent as such a command (no
 *   "signal received" line, as on a real channel message).
 * Checked against Debian's nginx 1.22.1 run as PID 1 of a PID namespace on the reference machine
 * (same process model as 1.25): SigIgn/SigCgt, the HUP/QUIT/TERM/respawn/"unknown process"/SIGIO
 * log lines and their order. The official image's build also logs "built by gcc ...".
 * Left out: serving HTTP, the binary upgrade (USR2/WINCH), cache manager processes.
 */
import {
  SIGALRM,
  SIGCHLD,
  SIGHUP,
  SIGINT,
  SIGKILL,
  SIGPIPE,
  SIGQUIT,
  SIGTERM,
  SIGUSR1,
  SIGUSR2,
  SIGWINCH,
  WNOHANG,
  isErrno,
  signalName,
  wexitstatus,
  wifexited,
  wtermsig,
} from '../../kernel-sim/index.ts';
import type { Program, ProgramContext, SigInfo } from '../../kernel-sim/index.ts';

export const NGINX_VERSION = '1.25.5';
const CPUS = 2;
const CONF = '/etc/nginx/nginx.conf';
/** The official image links these to the container's stdout/stderr. */
const STDERR_LOGS = ['/dev/stderr', '/var/log/nginx/error.log', '/proc/self/fd/2'];

const LEVELS = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'] as const;
type Level = (typeof LEVELS)[number];

interface NginxConf {
  workers: number;
  daemon: boolean;
  errorLog: string;
  level: Level;
  pidFile: string;
}

interface MasterState {
  role: 'master';
  argv: string[];
  conf: NginxConf;
  confFile: string;
  workers: number[];
  /** Workers told to quit (old generation after a reload, or all on shutdown). */
  exiting: number[];
  terminate: boolean;
  quit: boolean;
  delay: number;
}

interface WorkerState {
  role: 'worker';
  conf: NginxConf;
}

type State =
  | MasterState
  | WorkerState
  | { role: 'daemon'; argv: string[]; conf: NginxConf; confFile: string }
  | null;

function nginxTime(micros: number): string {
  // The lab's clock: boot at 2024-01-01 08:00:00 (as src/runtimes/docker/format.ts).
  const total = 8 * 3600 + Math.floor(micros / 1e6);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `2024/01/${two(1 + Math.floor(total / 86400))} ${two(Math.floor((total % 86400) / 3600))}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
}

function log(ctx: ProgramContext<unknown>, conf: NginxConf, level: Level, msg: string): void {
  if (LEVELS.indexOf(level) < LEVELS.indexOf(conf.level)) return;
  const pid = ctx.getpid();
  const line = `${nginxTime(ctx.now)} [${level}] ${pid}#${pid}: ${msg}\n`;
  if (STDERR_LOGS.includes(conf.errorLog)) {
    ctx.write(2, line);
    return;
  }
  const fd = ctx.open(conf.errorLog, 'a');
  if (typeof fd === 'number') {
    ctx.write(fd, line);
    ctx.close(fd);
  }
}

/** Reads the directives nginx's process model depends on. Errors are nginx's [emerg] texts. */
export function parseNginxConf(text: string, file: string, extra: string): NginxConf | string {
  const conf: NginxConf = {
    workers: 1,
    daemon: true,
    errorLog: '/var/log/nginx/error.log',
    level: 'error',
    pidFile: '/run/nginx.pid',
  };
  const directives: [string, string[], string][] = [];
  const collect = (src: string, where: string): string | undefined => {
    const body = src.replace(/#.*$/gm, '');
    let depth = 0;
    let cur = '';
    let line = 1;
    for (const ch of body) {
      if (ch === '\n') line++;
      if (ch === '{') {
        depth++;
        cur = '';
        continue;
      }
      if (ch === '}') {
        depth--;
        cur = '';
        continue;
      }
      if (ch === ';') {
        const words = cur.trim().split(/\s+/);
        if (depth === 0 && words[0])
          directives.push([words[0], words.slice(1), `${where}:${line}`]);
        cur = '';
        continue;
      }
      cur += ch;
    }
    if (cur.trim() !== '' && depth === 0)
      return `unexpected end of file, expecting ";" or "}" in ${where}:${line}`;
    return undefined;
  };
  const e1 = collect(text, file);
  if (e1) return e1;
  const e2 = collect(extra, 'command line');
  if (e2) return e2;
  for (const [name, args, where] of directives) {
    switch (name) {
      case 'worker_processes': {
        const v = args[0] ?? '';
        if (v === 'auto') conf.workers = CPUS;
        else if (/^\d+$/.test(v)) conf.workers = Number(v);
        else return `invalid value "${v}" in ${where}`;
        break;
      }
      case 'daemon':
        if (args[0] === 'on' || args[0] === 'off') conf.daemon = args[0] === 'on';
        else
          return `invalid value "${args[0] ?? ''}" in "daemon" directive, it must be "on" or "off" in ${where}`;
        break;
      case 'error_log':
        conf.errorLog = args[0] ?? conf.errorLog;
        if (args[1] !== undefined) {
          if (!(LEVELS as readonly string[]).includes(args[1]))
            return `invalid log level "${args[1]}" in ${where}`;
          conf.level = args[1] as Level;
        }
        break;
      case 'pid':
        conf.pidFile = args[0] ?? conf.pidFile;
        break;
      default:
        break;
    }
  }
  return conf;
}

function readConf(
  ctx: ProgramContext<unknown>,
  file: string,
  extra: string,
): NginxConf | undefined {
  const text = ctx.fs.readFile(file);
  if (isErrno(text)) {
    ctx.write(2, `nginx: [emerg] open() "${file}" failed (2: No such file or directory)\n`);
    return undefined;
  }
  const conf = parseNginxConf(text, file, extra);
  if (typeof conf === 'string') {
    ctx.write(2, `nginx: [emerg] ${conf}\n`);
    return undefined;
  }
  return conf;
}

// ------------------------------------------------------------------ master

type MCtx = ProgramContext<MasterState>;

function startWorkers(ctx: MCtx): void {
  const s = ctx.state;
  log(ctx, s.conf, 'notice', 'start worker processes');
  for (let i = 0; i < s.conf.workers; i++) {
    const pid = ctx.fork({ program: 'nginx', state: { role: 'worker', conf: s.conf } });
    if (isErrno(pid)) {
      log(
        ctx,
        s.conf,
        'alert',
        `fork() failed while spawning "worker process" (11: Resource temporarily unavailable)`,
      );
      continue;
    }
    log(ctx, s.conf, 'notice', `start worker process ${pid}`);
    s.workers.push(pid);
  }
}

function startNotices(ctx: ProgramContext<unknown>, conf: NginxConf): void {
  log(ctx, conf, 'notice', 'using the "epoll" event method');
  log(ctx, conf, 'notice', `nginx/${NGINX_VERSION}`);
  // NGX_COMPILER ends with a space in the official build ("... (Debian 12.2.0-14) ").
  log(ctx, conf, 'notice', 'built by gcc 12.2.0 (Debian 12.2.0-14) ');
  log(ctx, conf, 'notice', 'OS: Linux 6.1.0-18-amd64');
  log(ctx, conf, 'notice', 'getrlimit(RLIMIT_NOFILE): 1048576:1048576');
}

function installHandlers(ctx: ProgramContext<unknown>): void {
  // ngx_init_signals(): one handler for every signal nginx uses; SIGPIPE (and SIGSYS) ignored.
  for (const sig of [
    SIGHUP,
    SIGUSR1,
    SIGWINCH,
    SIGTERM,
    SIGQUIT,
    SIGUSR2,
    SIGALRM,
    SIGINT,
    29,
    SIGCHLD,
  ])
    ctx.sigaction(sig, 'handler');
  ctx.sigaction(31, 'ignore');
  ctx.sigaction(SIGPIPE, 'ignore');
}

function signalWorkers(ctx: MCtx, sig: number, which: readonly number[]): void {
  for (const pid of which) {
    if (!ctx.state.exiting.includes(pid)) ctx.state.exiting.push(pid);
    ctx.kill(pid, sig);
  }
}

function masterExit(ctx: MCtx): void {
  const s = ctx.state;
  ctx.unlink(s.conf.pidFile);
  log(ctx, s.conf, 'notice', 'exit');
  ctx.exit(0);
}

/** ngx_process_get_status() + ngx_reap_children(). */
function reapWorkers(ctx: MCtx): void {
  const s = ctx.state;
  let workerGone = false;
  for (;;) {
    const r = ctx.wait(-1, WNOHANG);
    if (isErrno(r) || 'blocked' in r || r.pid === 0) break;
    const known = s.workers.includes(r.pid);
    const name = known ? 'worker process' : 'unknown process';
    if (wifexited(r.status))
      log(ctx, s.conf, 'notice', `${name} ${r.pid} exited with code ${wexitstatus(r.status)}`);
    else log(ctx, s.conf, 'alert', `${name} ${r.pid} exited on signal ${wtermsig(r.status)}`);
    if (!known) continue;
    workerGone = true;
    s.workers = s.workers.filter((p) => p !== r.pid);
    const wasExiting = s.exiting.includes(r.pid);
    s.exiting = s.exiting.filter((p) => p !== r.pid);
    const fatal = wifexited(r.status) && wexitstatus(r.status) === 2;
    if (fatal)
      log(
        ctx,
        s.conf,
        'alert',
        `${name} ${r.pid} exited with fatal code 2 and cannot be respawned`,
      );
    if (!fatal && !wasExiting && !s.terminate && !s.quit) {
      const pid = ctx.fork({ program: 'nginx', state: { role: 'worker', conf: s.conf } });
      if (!isErrno(pid)) {
        log(ctx, s.conf, 'notice', `start worker process ${pid}`);
        s.workers.push(pid);
      }
    }
  }
  if (s.workers.length === 0 && (s.terminate || s.quit)) {
    masterExit(ctx);
    return;
  }
  // The master's end of a dead worker's channel socketpair is O_ASYNC and owned by the master
  // (ngx_spawn_process: FIOASYNC, F_SETOWN): its EOF raises SIGIO, handled after SIGCHLD.
  // Observed with nginx 1.22 as PID 1 of a namespace on the reference machine.
  if (workerGone) log(ctx, s.conf, 'notice', 'signal 29 (SIGIO) received');
}

function masterSignal(ctx: MCtx, info: SigInfo): void {
  const s = ctx.state;
  const from = info.pid !== 0 ? ` from ${info.pid}` : '';
  const action =
    info.sig === SIGQUIT
      ? ', shutting down'
      : info.sig === SIGTERM || info.sig === SIGINT
        ? ', exiting'
        : info.sig === SIGHUP
          ? ', reconfiguring'
          : info.sig === SIGUSR1
            ? ', reopening logs'
            : info.sig === SIGWINCH
              ? ', stop accepting connections'
              : info.sig === SIGUSR2
                ? ', changing binary'
                : '';
  if (info.sig !== SIGALRM)
    log(
      ctx,
      s.conf,
      'notice',
      `signal ${info.sig} (SIG${signalName(info.sig)}) received${from}${action}`,
    );
  switch (info.sig) {
    case SIGCHLD:
      reapWorkers(ctx);
      return;
    case SIGTERM:
    case SIGINT:
      if (!s.terminate) {
        s.terminate = true;
        s.delay = 50;
        ctx.setTimer(s.delay * 1000, 'terminate');
      }
      signalWorkers(ctx, SIGTERM, s.workers);
      return;
    case SIGQUIT:
      s.quit = true;
      signalWorkers(ctx, SIGQUIT, s.workers);
      return;
    case SIGHUP: {
      if (s.terminate || s.quit) return;
      log(ctx, s.conf, 'notice', 'reconfiguring');
      const conf = parseNginxConf(
        (() => {
          const t = ctx.fs.readFile(s.confFile);
          return isErrno(t) ? '' : t;
        })(),
        s.confFile,
        extraDirectives(s.argv),
      );
      if (typeof conf === 'string') {
        log(ctx, s.conf, 'emerg', conf);
        return;
      }
      const old = [...s.workers];
      s.conf = conf;
      log(ctx, s.conf, 'notice', 'using the "epoll" event method');
      startWorkers(ctx);
      signalWorkers(ctx, SIGQUIT, old);
      return;
    }
    default:
      return;
  }
}

function extraDirectives(argv: readonly string[]): string {
  const i = argv.indexOf('-g');
  return i >= 0 ? (argv[i + 1] ?? '') : '';
}

function runMaster(
  ctx: ProgramContext<unknown>,
  argv: string[],
  conf: NginxConf,
  confFile: string,
): void {
  const c = ctx as MCtx;
  c.state = {
    role: 'master',
    argv,
    conf,
    confFile,
    workers: [],
    exiting: [],
    terminate: false,
    quit: false,
    delay: 0,
  };
  const fd = ctx.open(conf.pidFile, 'w');
  if (typeof fd === 'number') {
    ctx.write(fd, `${ctx.getpid()}\n`);
    ctx.close(fd);
  }
  ctx.setProcTitle([`nginx: master process ${argv.join(' ')}`]);
  startWorkers(c);
}

// ------------------------------------------------------------------ worker

function workerSignal(ctx: ProgramContext<WorkerState>, info: SigInfo): void {
  const conf = ctx.state.conf;
  // A signal from the master stands for its channel command; others are logged as received.
  const fromMaster = info.pid !== 0 && info.pid === ctx.getppid();
  const fast = info.sig === SIGTERM || info.sig === SIGINT;
  if (!fromMaster) {
    const from = info.pid !== 0 ? ` from ${info.pid}` : '';
    const action = info.sig === SIGQUIT ? ', shutting down' : fast ? ', exiting' : ', ignoring';
    log(
      ctx,
      conf,
      'notice',
      `signal ${info.sig} (SIG${signalName(info.sig)}) received${from}${action}`,
    );
  }
  if (info.sig === SIGQUIT) log(ctx, conf, 'notice', 'gracefully shutting down');
  if (fast || info.sig === SIGQUIT) {
    log(ctx, conf, 'notice', 'exiting');
    log(ctx, conf, 'notice', 'exit');
    ctx.exit(0);
  }
}

// ------------------------------------------------------------------ the program

export const nginx: Program<State> = {
  name: 'nginx',
  start(ctx) {
    const st = ctx.state;
    if (st?.role === 'worker') {
      // ngx_worker_process_init(): the signal mask is emptied; the handlers are inherited.
      ctx.sigprocmask('setmask', 0n);
      ctx.setProcTitle(['nginx: worker process']);
      return;
    }
    if (st?.role === 'daemon') {
      // ngx_daemon(): the child carries on in a new session.
      ctx.setsid();
      runMaster(ctx as ProgramContext<unknown>, st.argv, st.conf, st.confFile);
      return;
    }
    const argv = [...ctx.argv];
    let confFile = CONF;
    let test = false;
    let sig: string | undefined;
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '-v' || a === '-V') {
        ctx.write(2, `nginx version: nginx/${NGINX_VERSION}\n`);
        if (a === '-V') ctx.write(2, 'built by gcc 12.2.0 (Debian 12.2.0-14) \n');
        ctx.exit(0);
        return;
      }
      if (a === '-t' || a === '-T') test = true;
      else if (a === '-c') confFile = argv[++i] ?? '';
      else if (a === '-g') i++;
      else if (a === '-s') sig = argv[++i];
      else if (a === '-q' || a === '-e' || a === '-p') {
        if (a !== '-q') i++;
      } else {
        ctx.write(2, `nginx: invalid option: "${a.replace(/^-/, '')}"\n`);
        ctx.exit(1);
        return;
      }
    }
    const conf = readConf(ctx as ProgramContext<unknown>, confFile, extraDirectives(argv));
    if (!conf) {
      if (test) ctx.write(2, `nginx: configuration file ${confFile} test failed\n`);
      ctx.exit(1);
      return;
    }
    if (test) {
      ctx.write(
        2,
        `nginx: the configuration file ${confFile} syntax is ok\nnginx: configuration file ${confFile} test is successful\n`,
      );
      ctx.exit(0);
      return;
    }
    if (sig !== undefined) {
      // ngx_signal_process(): read the pid file, kill(pid, signal).
      const map: Record<string, number> = {
        stop: SIGTERM,
        quit: SIGQUIT,
        reopen: SIGUSR1,
        reload: SIGHUP,
      };
      const n = map[sig];
      if (n === undefined) {
        ctx.write(2, `nginx: invalid option: "-s ${sig}"\n`);
        ctx.exit(1);
        return;
      }
      const text = ctx.fs.readFile(conf.pidFile);
      const pid = isErrno(text) ? NaN : Number(text.trim());
      if (!Number.isInteger(pid) || pid <= 0) {
        ctx.write(
          2,
          `nginx: [error] open() "${conf.pidFile}" failed (2: No such file or directory)\n`,
        );
        ctx.exit(1);
        return;
      }
      const r = ctx.kill(pid, n);
      if (r !== 0) {
        ctx.write(2, `nginx: [alert] kill(${pid}, ${n}) failed (3: No such process)\n`);
        ctx.exit(1);
        return;
      }
      ctx.exit(0);
      return;
    }
    installHandlers(ctx as ProgramContext<unknown>);
    startNotices(ctx as ProgramContext<unknown>, conf);
    if (conf.daemon) {
      const pid = ctx.fork({ program: 'nginx', state: { role: 'daemon', argv, conf, confFile } });
      if (!isErrno(pid)) {
        ctx.exit(0);
        return;
      }
    }
    runMaster(ctx as ProgramContext<unknown>, argv, conf, confFile);
  },
  onSignal(ctx, info) {
    const s = ctx.state;
    if (s?.role === 'master') masterSignal(ctx as MCtx, info);
    else if (s?.role === 'worker') workerSignal(ctx as ProgramContext<WorkerState>, info);
  },
  onTimer(ctx, tag) {
    const s = ctx.state;
    if (s?.role !== 'master' || tag !== 'terminate') return;
    const c = ctx as MCtx;
    if (s.workers.length === 0) return;
    // The SIGALRM of ngx_master_process_cycle: TERM again, SIGKILL once delay > 1000 ms.
    s.delay *= 2;
    signalWorkers(c, s.delay > 1000 ? SIGKILL : SIGTERM, s.workers);
    c.setTimer(s.delay * 1000, 'terminate');
  },
};

/** The official image's /etc/nginx/nginx.conf (nginx:1.25, Debian). */
export const NGINX_CONF = `
user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /var/run/nginx.pid;


events {
    worker_connections  1024;
}


http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}
`;

/**
 * The official image's entrypoint, reduced to what it does with an empty
 * /docker-entrypoint.d/ (the real one also runs the scripts found there).
 */
export const NGINX_ENTRYPOINT = `#!/bin/sh
# vim:sw=4:ts=4:et

set -e

if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
    echo "$0: No files found in /docker-entrypoint.d/, skipping configuration"
fi

exec "$@"
`;
