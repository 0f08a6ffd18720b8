/**
 * procps-ng 4.0.2 ps output: the format specifiers (header, width, alignment, value), the
 * STAT letters, the --forest prefixes and the column layout. Pure functions over ProcEntry
 * rows, so they are tested on synthetic rows.
 *
 * What the model does not have is shown as zeros: CPU time (TIME 00:00:00, C 0, %CPU 0.0),
 * memory (%MEM 0.0, VSZ 0, RSS 0). Wall-clock times count from a fixed boot time, BOOT_CLOCK.
 */
import type { ProcEntry } from '../kernel-sim/index.ts';

/** Wall-clock time of day when the simulated machine booted (seconds after midnight). */
export const BOOT_CLOCK = 8 * 3600;

/** What ps knows besides the rows: who it is, its terminal, the user names, the time. */
export interface PsEnv {
  readonly now: number;
  /** ps's own session (as its /proc shows it) and the name of its terminal, if it has one. */
  readonly sid: number;
  readonly tty: string | undefined;
  /** The foreground process group of ps's terminal (0 when unknown or not visible). */
  readonly tpgid: number;
  readonly users: ReadonlyMap<number, string>;
}

export interface Field {
  readonly header: string;
  readonly width: number;
  readonly right: boolean;
  /** A command column: takes the --forest prefix. */
  readonly command?: boolean;
  value(e: ProcEntry, env: PsEnv): string;
}

/**
 * The controlling terminal of a process, as the kernel reports it; for rows without one (older
 * views), ps's own terminal for members of its session and "?" otherwise.
 */
export function ttyOf(e: ProcEntry, env: PsEnv): string {
  const known = (e as { readonly tty?: string }).tty;
  if (known !== undefined) return known;
  return env.tty !== undefined && e.sid === env.sid ? env.tty : '?';
}

/** The TPGID of a row: as the kernel reports it, or, for rows without it, ps's own terminal's. */
function tpgidOf(e: ProcEntry, env: PsEnv): number {
  const known = (e as { readonly tpgid?: number }).tpgid;
  if (known !== undefined) return known;
  return ttyOf(e, env) === '?' ? -1 : env.tpgid;
}

/** BSD STAT: state, then s (session leader), l (threads), + (foreground group of its tty). */
export function statOf(e: ProcEntry, env: PsEnv): string {
  let s: string = e.state;
  if (e.sessionLeader && e.pid === e.sid) s += 's';
  if (e.threads > 1) s += 'l';
  // procps (pr_stat): "+" when PGID == TPGID. Inside a PID namespace both read 0 when the
  // terminal's foreground group lives outside it, so its processes show "+" too (as on Linux).
  if (e.pgid === tpgidOf(e, env)) s += '+';
  return s;
}

export function argsOf(e: ProcEntry): string {
  if (e.state === 'Z') return `[${e.comm}] <defunct>`;
  return e.argv.length ? e.argv.join(' ') : `[${e.comm}]`;
}

/** comm/ucmd: the bare name, for zombies too (procps 4.0.2; only args/cmd add "<defunct>"). */
export function commOf(e: ProcEntry): string {
  return e.comm;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** etime: [[dd-]hh:]mm:ss. */
export function formatElapsed(micros: number): string {
  let t = Math.max(0, Math.floor(micros / 1e6));
  const ss = t % 60;
  t = Math.floor(t / 60);
  const mm = t % 60;
  t = Math.floor(t / 60);
  const hh = t % 24;
  const dd = Math.floor(t / 24);
  return `${dd ? `${dd}-` : ''}${dd || hh ? `${two(hh)}:` : ''}${two(mm)}:${two(ss)}`;
}

/** STIME / START: the time of day the process started, HH:MM. */
export function formatStart(startMicros: number): string {
  const secs = (BOOT_CLOCK + Math.floor(startMicros / 1e6)) % 86400;
  return `${two(Math.floor(secs / 3600))}:${two(Math.floor(secs / 60) % 60)}`;
}

const userOf = (e: ProcEntry, env: PsEnv): string => {
  const name = env.users.get(e.uid);
  return name !== undefined && name.length <= 8 ? name : String(e.uid);
};

const num = (header: string, width: number, v: (e: ProcEntry) => number | string): Field => ({
  header,
  width,
  right: true,
  value: (e) => String(v(e)),
});

const PID = 7;

export const FIELDS: Readonly<Record<string, Field>> = {
  pid: num('PID', PID, (e) => e.pid),
  tgid: num('TGID', PID, (e) => e.pid),
  ppid: num('PPID', PID, (e) => e.ppid),
  pgid: num('PGID', PID, (e) => e.pgid),
  pgrp: num('PGRP', PID, (e) => e.pgid),
  sid: num('SID', PID, (e) => e.sid),
  sess: num('SESS', PID, (e) => e.sid),
  session: num('SESS', PID, (e) => e.sid),
  tpgid: {
    header: 'TPGID',
    width: PID,
    right: true,
    value: (e, env) => String(tpgidOf(e, env)),
  },
  stat: { header: 'STAT', width: 4, right: false, value: statOf },
  s: { header: 'S', width: 1, right: false, value: (e) => e.state },
  state: { header: 'S', width: 1, right: false, value: (e) => e.state },
  comm: { header: 'COMMAND', width: 15, right: false, command: true, value: commOf },
  ucomm: { header: 'COMMAND', width: 15, right: false, command: true, value: commOf },
  ucmd: { header: 'CMD', width: 15, right: false, command: true, value: commOf },
  args: { header: 'COMMAND', width: 27, right: false, command: true, value: argsOf },
  command: { header: 'COMMAND', width: 27, right: false, command: true, value: argsOf },
  cmd: { header: 'CMD', width: 27, right: false, command: true, value: argsOf },
  user: { header: 'USER', width: 8, right: false, value: userOf },
  uname: { header: 'USER', width: 8, right: false, value: userOf },
  euser: { header: 'EUSER', width: 8, right: false, value: userOf },
  ruser: { header: 'RUSER', width: 8, right: false, value: userOf },
  uid_hack: { header: 'UID', width: 8, right: false, value: userOf },
  uid: num('UID', 5, (e) => e.uid),
  euid: num('EUID', 5, (e) => e.uid),
  etime: {
    header: 'ELAPSED',
    width: 11,
    right: true,
    value: (e, env) => formatElapsed(env.now - e.startTime),
  },
  etimes: {
    header: 'ELAPSED',
    width: 7,
    right: true,
    value: (e, env) => String(Math.floor((env.now - e.startTime) / 1e6)),
  },
  tty: { header: 'TT', width: 8, right: false, value: ttyOf },
  tt: { header: 'TT', width: 8, right: false, value: ttyOf },
  tname: { header: 'TTY', width: 8, right: false, value: ttyOf },
  time: num('TIME', 8, () => '00:00:00'),
  cputime: num('TIME', 8, () => '00:00:00'),
  bsdtime: num('TIME', 6, () => '0:00'),
  nlwp: num('NLWP', 4, (e) => e.threads),
  thcount: num('THCNT', 5, (e) => e.threads),
  c: num('C', 2, () => 0),
  pcpu: num('%CPU', 4, () => '0.0'),
  '%cpu': num('%CPU', 4, () => '0.0'),
  pmem: num('%MEM', 4, () => '0.0'),
  '%mem': num('%MEM', 4, () => '0.0'),
  vsz: num('VSZ', 6, () => 0),
  rss: num('RSS', 5, () => 0),
  ni: num('NI', 3, () => 0),
  nice: num('NI', 3, () => 0),
  stime: { header: 'STIME', width: 5, right: true, value: (e) => formatStart(e.startTime) },
  start_time: { header: 'START', width: 5, right: true, value: (e) => formatStart(e.startTime) },
  start: {
    header: 'STARTED',
    width: 8,
    right: true,
    value: (e) => `${formatStart(e.startTime)}:00`,
  },
};

/** A column of the output: a field, perhaps with a header the user chose (`pid=NUMBER`). */
export interface Column {
  readonly field: Field;
  readonly header: string;
}

/**
 * Parses -o lists: "pid,ppid,comm", "pid ppid", "pid=PROCESS" (the header runs to the end of
 * the argument). Returns the columns or the name of the unknown specifier.
 */
export function parseFormat(spec: string): Column[] | { unknown: string } {
  const cols: Column[] = [];
  let rest = spec.trim();
  while (rest !== '') {
    const m = /^([^,\s=]+)(=?)/.exec(rest);
    if (!m) {
      rest = rest.slice(1);
      continue;
    }
    const name = m[1]!;
    const field = FIELDS[name.toLowerCase()];
    if (!field) return { unknown: name };
    if (m[2] === '=') {
      const header = rest.slice(m[0].length);
      // An empty header ends at the comma ("stat=,comm=" is two headerless columns, checked
      // with procps-ng 4.0.2); a non-empty one runs to the end of the argument.
      if (header.startsWith(',')) {
        cols.push({ field, header: '' });
        rest = header.slice(1);
        continue;
      }
      cols.push({ field, header });
      break;
    }
    cols.push({ field, header: field.header });
    rest = rest.slice(m[0].length).replace(/^[,\s]+/, '');
  }
  return cols;
}

/** --forest: " \_ " under a parent, " |  " / "    " for each ancestor level. */
export interface ForestRow {
  readonly entry: ProcEntry;
  readonly prefix: string;
}

export function forestOrder(entries: readonly ProcEntry[]): ForestRow[] {
  const pids = new Set(entries.map((e) => e.pid));
  const children = new Map<number, ProcEntry[]>();
  const roots: ProcEntry[] = [];
  for (const e of entries) {
    if (e.ppid !== 0 && e.ppid !== e.pid && pids.has(e.ppid)) {
      const list = children.get(e.ppid) ?? [];
      list.push(e);
      children.set(e.ppid, list);
    } else roots.push(e);
  }
  const rows: ForestRow[] = [];
  const walk = (e: ProcEntry, marks: string, last: boolean, level: number): void => {
    const prefix = level === 0 ? '' : marks + (last ? ' \\_ ' : ' \\_ ');
    rows.push({ entry: e, prefix });
    const kids = children.get(e.pid) ?? [];
    const nextMarks = level === 0 ? '' : marks + (last ? '    ' : ' |  ');
    kids.forEach((k, i) => walk(k, nextMarks, i === kids.length - 1, level + 1));
  };
  for (const r of roots) walk(r, '', true, 0);
  return rows;
}

/** Lays out the table: one space between columns, the last column unpadded. */
export function formatTable(
  columns: readonly Column[],
  rows: readonly ForestRow[],
  env: PsEnv,
  headers = true,
): string {
  const cell = (c: Column, text: string, last: boolean): string =>
    c.field.right ? text.padStart(c.field.width) : last ? text : text.padEnd(c.field.width);
  const lines: string[] = [];
  const n = columns.length;
  if (headers && columns.some((c) => c.header !== ''))
    lines.push(columns.map((c, i) => cell(c, c.header, i === n - 1)).join(' '));
  for (const r of rows)
    lines.push(
      columns
        .map((c, i) => {
          const v = c.field.value(r.entry, env);
          return cell(c, c.field.command ? r.prefix + v : v, i === n - 1);
        })
        .join(' '),
    );
  return lines.map((l) => `${l.replace(/\s+$/, (m) => (m.length ? '' : m))}\n`).join('');
}
