/**
 * procps-ng 4.0.2 ps, reading the /proc the process sees (ctx.proc): UNIX options (-e -A -f -j
 * -o -p -C -a -d), BSD options (a u x f o p h w), GNU long options (--forest --ppid --pid
 * --format --no-headers). See ps-format.ts for the columns.
 */
import { isErrno } from '../kernel-sim/index.ts';
import type { ProcEntry, Program, ProgramContext } from '../kernel-sim/index.ts';
import { FIELDS, forestOrder, formatTable, parseFormat, ttyOf } from './ps-format.ts';
import type { Column, PsEnv } from './ps-format.ts';
import { err, out, userTable } from './util.ts';
import { currentUid } from './simple.ts';

export const PS_USAGE = `
Usage:
 ps [options]

 Try 'ps --help <simple|list|output|threads|misc|all>'
  or 'ps --help <s|l|o|t|m|a>'
 for additional help text.

For more details see ps(1).
`;

const FORMATS = {
  sysv: 'pid,tname,time,ucmd',
  full: 'uid_hack,pid,ppid,c,stime,tname,time,cmd',
  jobs: 'pid,pgid,sid,tname,time,ucmd',
  bsd: 'pid,tname,stat,bsdtime,args',
  user: 'user,pid,pcpu,pmem,vsz,rss,tname,stat,start_time,bsdtime,args',
  bsdjobs: 'ppid,pid,pgid,sid,tname,tpgid,stat,uid,bsdtime,args',
};

export interface PsOptions {
  all: boolean;
  bsdA: boolean;
  bsdX: boolean;
  sysvA: boolean;
  sysvD: boolean;
  pids: number[];
  ppids: number[];
  /** -C: command names, matched against comm as procps does (the first 15 characters). */
  cmds: string[];
  format: string[];
  full: boolean;
  jobs: boolean;
  bsdUser: boolean;
  bsdJobs: boolean;
  bsd: boolean;
  forest: boolean;
  headers: boolean;
}

/** Parses ps arguments; an error message (already in procps's words) on failure. */
export function parsePsArgs(args: readonly string[]): PsOptions | string {
  const o: PsOptions = {
    all: false,
    bsdA: false,
    bsdX: false,
    sysvA: false,
    sysvD: false,
    pids: [],
    ppids: [],
    cmds: [],
    format: [],
    full: false,
    jobs: false,
    bsdUser: false,
    bsdJobs: false,
    bsd: false,
    forest: false,
    headers: true,
  };
  const list = (v: string | undefined, into: number[]): boolean => {
    const parts = (v ?? '').split(/[,\s]+/).filter(Boolean);
    if (!parts.length || parts.some((p) => !/^\d+$/.test(p))) return false;
    into.push(...parts.map(Number));
    return true;
  };
  const listError = 'error: process ID list syntax error\n';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const val = (): string | undefined => (eq >= 0 ? a.slice(eq + 1) : args[++i]);
      if (name === 'forest') o.forest = true;
      else if (name === 'no-headers' || name === 'no-heading') o.headers = false;
      else if (name === 'ppid') {
        if (!list(val(), o.ppids)) return listError;
      } else if (name === 'pid') {
        if (!list(val(), o.pids)) return listError;
      } else if (name === 'format') o.format.push(val() ?? '');
      else if (name === 'cols' || name === 'columns' || name === 'width') val();
      else return `error: unknown gnu long option\n${PS_USAGE}`;
      continue;
    }
    if (a.startsWith('-')) {
      const flags = a.slice(1);
      if (flags === '') return `error: unsupported SysV option\n${PS_USAGE}`;
      for (let j = 0; j < flags.length; j++) {
        const c = flags[j]!;
        if (c === 'e' || c === 'A') o.all = true;
        else if (c === 'f') o.full = true;
        else if (c === 'j') o.jobs = true;
        else if (c === 'a') o.sysvA = true;
        else if (c === 'd') o.sysvD = true;
        else if (c === 'H') o.forest = true;
        else if (c === 'w') continue;
        else if (c === 'C') {
          // procps parse_list: the names are separated by single commas or spaces; an empty
          // argument is a missing one, an empty name makes the list improper.
          const v = flags.slice(j + 1) || args[++i];
          if (v === undefined || v === '')
            return `error: list of command names must follow -C\n${PS_USAGE}`;
          const names = v.split(/[, ]/);
          if (names.some((n) => n === '')) return `error: improper list\n${PS_USAGE}`;
          o.cmds.push(...names);
          break;
        } else if (c === 'o' || c === 'p') {
          const v = flags.slice(j + 1) || args[++i];
          if (v === undefined)
            return `error: ${c === 'o' ? 'format specification must follow -o' : 'list of process IDs must follow -p'}\n${PS_USAGE}`;
          if (c === 'o') o.format.push(v);
          else if (!list(v, o.pids)) return listError;
          break;
        } else return `error: unsupported SysV option\n${PS_USAGE}`;
      }
      continue;
    }
    if (/^\d+(,\d+)*$/.test(a)) {
      list(a, o.pids);
      continue;
    }
    o.bsd = true;
    for (let j = 0; j < a.length; j++) {
      const c = a[j]!;
      if (c === 'a') o.bsdA = true;
      else if (c === 'x') o.bsdX = true;
      else if (c === 'u') o.bsdUser = true;
      else if (c === 'j') o.bsdJobs = true;
      else if (c === 'f') o.forest = true;
      else if (c === 'h') o.headers = false;
      else if (c === 'w' || c === 'e') continue;
      else if (c === 'o' || c === 'O' || c === 'p') {
        const v = a.slice(j + 1) || args[++i];
        if (v === undefined)
          return `error: ${c === 'p' ? 'list of process IDs must follow p' : 'format specification must follow o'}\n${PS_USAGE}`;
        if (c === 'p') {
          if (!list(v, o.pids)) return listError;
        } else o.format.push(v);
        break;
      } else return `error: unsupported option (BSD syntax)\n${PS_USAGE}`;
    }
  }
  return o;
}

/** The columns the options ask for, or the unknown -o specifier. */
export function psColumns(o: PsOptions): Column[] | { unknown: string } {
  if (o.format.length) {
    const cols: Column[] = [];
    for (const f of o.format) {
      const c = parseFormat(f);
      if (!Array.isArray(c)) return c;
      cols.push(...c);
    }
    return cols;
  }
  const spec = o.bsdUser
    ? FORMATS.user
    : o.bsdJobs
      ? FORMATS.bsdjobs
      : o.full
        ? FORMATS.full
        : o.jobs
          ? FORMATS.jobs
          : o.bsd
            ? FORMATS.bsd
            : FORMATS.sysv;
  return spec.split(',').map((n) => ({ field: FIELDS[n]!, header: FIELDS[n]!.header }));
}

/** Which processes ps shows. */
export function psSelect(
  o: PsOptions,
  entries: readonly ProcEntry[],
  env: PsEnv,
  uid: number,
): ProcEntry[] {
  const hasTty = (e: ProcEntry): boolean => ttyOf(e, env) !== '?';
  const leader = (e: ProcEntry): boolean => e.sessionLeader && e.pid === e.sid;
  return entries.filter((e) => {
    if (o.all || (o.bsdA && o.bsdX)) return true;
    if (o.pids.includes(e.pid) || o.ppids.includes(e.ppid)) return true;
    // procps select.c SEL_COMM: strncmp(comm, name, 15), comm being at most 15 characters.
    if (o.cmds.some((n) => e.comm.slice(0, 15) === n.slice(0, 15))) return true;
    if (o.sysvA && hasTty(e) && !leader(e)) return true;
    if (o.sysvD && !leader(e)) return true;
    if (o.bsdA && hasTty(e)) return true;
    if (o.bsdX && e.uid === uid) return true;
    if (o.pids.length || o.ppids.length || o.cmds.length || o.sysvA || o.sysvD || o.bsdA || o.bsdX)
      return false;
    return e.uid === uid && ttyOf(e, env) === (env.tty ?? '?');
  });
}

export function psEnv(ctx: ProgramContext<unknown>, self?: ProcEntry): PsEnv {
  const fd = [0, 1, 2].find((f) => ctx.isatty(f));
  const tp = fd === undefined ? 0 : ctx.tcgetpgrp(fd);
  const own = (self as { readonly tty?: string } | undefined)?.tty;
  return {
    now: ctx.now,
    sid: ctx.getsid(),
    tty:
      own !== undefined ? (own === '?' ? undefined : own) : fd === undefined ? undefined : 'pts/0',
    tpgid: isErrno(tp) ? 0 : tp,
    users: userTable(ctx),
  };
}

export const ps: Program<null> = {
  name: 'ps',
  start(ctx) {
    const o = parsePsArgs(ctx.argv.slice(1));
    if (typeof o === 'string') {
      err(ctx, o);
      ctx.exit(1);
      return;
    }
    const cols = psColumns(o);
    if (!Array.isArray(cols)) {
      err(ctx, `error: unknown user-defined format specifier "${cols.unknown}"\n${PS_USAGE}`);
      ctx.exit(1);
      return;
    }
    const self = ctx.getpid();
    const all = ctx.proc.list();
    const env = psEnv(
      ctx,
      all.find((e) => e.pid === self),
    );
    // ps is running while it reads /proc: its own row is always R.
    const entries = all.map((e) =>
      e.pid === self && self !== 0 ? { ...e, state: 'R' as const } : e,
    );
    const chosen = psSelect(o, entries, env, currentUid(ctx));
    const rows = o.forest ? forestOrder(chosen) : chosen.map((entry) => ({ entry, prefix: '' }));
    // procps cuts every line at the terminal's width when writing to a terminal (not to a pipe).
    const size = ctx.ttySize(1);
    const table = formatTable(cols, rows, env, o.headers);
    out(
      ctx,
      typeof size === 'string'
        ? table
        : table
            .split('\n')
            .map((l) => l.slice(0, size.cols))
            .join('\n'),
    );
    ctx.exit(rows.length ? 0 : 1);
  },
};
