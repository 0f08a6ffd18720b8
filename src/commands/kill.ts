/**
 * procps-ng 4.0.2 /bin/kill: `kill [-SIG | -s SIG | -n NUM] PID...`, -l [SIG], -L. The first
 * argument that reads as -SIGNAL anywhere on the line is the signal (skill_sig_option); a
 * negative PID must come after "--", except that getopt hands a single digit to the special
 * case (kill -9 -1 works; kill -9 -42 signals -4, as the real tool does).
 */
import { SIGTERM } from '../kernel-sim/index.ts';
import type { Program } from '../kernel-sim/index.ts';
import { err, errText, out } from './util.ts';

/** procps's sigtable, in number order (one name per number). */
const NAMES = [
  '',
  'HUP',
  'INT',
  'QUIT',
  'ILL',
  'TRAP',
  'ABRT',
  'BUS',
  'FPE',
  'KILL',
  'USR1',
  'SEGV',
  'USR2',
  'PIPE',
  'ALRM',
  'TERM',
  'STKFLT',
  'CHLD',
  'CONT',
  'STOP',
  'TSTP',
  'TTIN',
  'TTOU',
  'URG',
  'XCPU',
  'XFSZ',
  'VTALRM',
  'PROF',
  'WINCH',
  'POLL',
  'PWR',
  'SYS',
];
const ALIASES: Record<string, number> = { IOT: 6, CLD: 17, IO: 29 };
const RTMIN = 34;
const RTMAX = 64;

/** signal_name_to_number(): a number (any non-negative int), a name with or without SIG, RTMIN+n. */
export function signalNumber(text: string): number {
  if (/^\d/.test(text)) return /^\d+$/.test(text) ? Number(text) : -1;
  let name = text.toUpperCase();
  if (name.startsWith('SIG')) name = name.slice(3);
  const i = NAMES.indexOf(name);
  if (i > 0) return i;
  if (name in ALIASES) return ALIASES[name]!;
  const rt = /^RTM(IN|AX)(?:([+-])(\d+))?$/.exec(name);
  if (!rt) return -1;
  if (rt[1] === 'IN' && rt[2] === '-') return -1;
  if (rt[1] === 'AX' && rt[2] === '+') return -1;
  const n = Number(rt[3] ?? 0);
  if (n > RTMAX - RTMIN) return -1;
  return rt[1] === 'IN' ? RTMIN + n : RTMAX - n;
}

export function signalNameOf(sig: number): string {
  if (sig >= 1 && sig < NAMES.length) return NAMES[sig]!;
  if (sig === 0) return '0';
  if (sig === RTMIN) return 'RTMIN';
  if (sig > RTMIN && sig <= RTMAX) return `RTMIN+${sig - RTMIN}`;
  return '-';
}

/** kill -l: the names, wrapped as unix_print_signals() does. */
export function signalList(): string {
  let text = '';
  let pos = 0;
  for (let i = 1; i < NAMES.length; i++) {
    if (i > 1) {
      if (pos > 73) {
        text += '\n';
        pos = 0;
      } else {
        text += ' ';
        pos++;
      }
    }
    text += NAMES[i];
    pos += NAMES[i]!.length;
  }
  return `${text}\n`;
}

/** kill -L: "%2d %s" padded to 11 columns, 7 per line. */
export function signalTable(): string {
  let text = '';
  for (let i = 1; i < NAMES.length; i++) {
    const cell = `${String(i).padStart(2)} ${NAMES[i]}`;
    text += i % 7 ? cell.padEnd(11) : `${cell}\n`;
  }
  if ((NAMES.length - 1) % 7) text += '\n';
  return text;
}

export const KILL_USAGE = `
Usage:
 kill [options] <pid> [...]

Options:
 <pid> [...]            send signal to every <pid> listed
 -<signal>, -s, --signal <signal>
                        specify the <signal> to be sent
 -q, --queue <value>    integer value to be sent with the signal
 -l, --list=[<signal>]  list all signal names, or convert one to a name
 -L, --table            list all signal names in a nice table

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see kill(1).
`;

/** strtosig(): a number becomes its name, a name its number. */
function convert(s: string): string | undefined {
  if (/^\d/.test(s)) {
    if (!/^\d+$/.test(s)) return undefined;
    const name = signalNameOf(Number(s));
    return name === '-' ? undefined : name;
  }
  const n = signalNumber(s);
  return n >= 0 ? String(n) : undefined;
}

export const kill: Program<null> = {
  name: 'kill',
  start(ctx) {
    const args = ctx.argv.slice(1);
    const usage = (): void => {
      err(ctx, KILL_USAGE);
      ctx.exit(1);
    };
    if (args.length === 0) return usage();
    let sig = -1;
    const sigAt = args.findIndex((a) => a.startsWith('-') && signalNumber(a.slice(1)) >= 0);
    if (sigAt >= 0) {
      sig = signalNumber(args[sigAt]!.slice(1));
      args.splice(sigAt, 1);
    }
    if (sig < 0) sig = SIGTERM;
    const pids: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--') {
        pids.push(...args.slice(i + 1));
        break;
      }
      if (!a.startsWith('-') || a === '-') {
        pids.push(a);
        continue;
      }
      if (a === '-l' || a.startsWith('--list') || a.startsWith('-l')) {
        const arg = a.startsWith('--list=')
          ? a.slice(7)
          : a.startsWith('-l') && a.length > 2
            ? a.slice(2)
            : args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')
              ? args[i + 1]
              : undefined;
        if (arg === undefined) out(ctx, signalList());
        else {
          const c = convert(arg);
          if (c === undefined) err(ctx, `kill: unknown signal name ${arg}\n`);
          else out(ctx, `${c}\n`);
        }
        ctx.exit(0);
        return;
      }
      if (a === '-L' || a === '--table') {
        out(ctx, signalTable());
        ctx.exit(0);
        return;
      }
      if (a === '-s' || a === '--signal' || a === '-n') {
        const v = args[++i];
        if (v === undefined) {
          err(ctx, `kill: option requires an argument -- '${a === '--signal' ? 's' : a[1]}'\n`);
          return usage();
        }
        sig = signalNumber(v);
        continue;
      }
      if (a.startsWith('--signal=')) {
        sig = signalNumber(a.slice(9));
        continue;
      }
      if (a === '-h' || a === '--help') {
        out(ctx, KILL_USAGE);
        ctx.exit(0);
        return;
      }
      if (a === '-V' || a === '--version') {
        out(ctx, 'kill from procps-ng 4.0.2\n');
        ctx.exit(0);
        return;
      }
      const c = a[1]!;
      if (/\d/.test(c)) {
        // getopt's '?' for a digit: procps signals -DIGIT and stops there.
        const r = ctx.kill(-Number(c), sig);
        ctx.exit(r === 0 ? 0 : 1);
        return;
      }
      err(ctx, `kill: invalid argument ${c}\n`);
      return usage();
    }
    if (pids.length === 0) return usage();
    let status = 0;
    for (const p of pids) {
      if (!/^[+-]?\d+$/.test(p)) {
        err(ctx, `kill: failed to parse argument: '${p}'\n`);
        ctx.exit(1);
        return;
      }
      const r = sig < 0 ? 'EINVAL' : ctx.kill(Number(p), sig);
      if (r !== 0) {
        err(ctx, `kill: (${Number(p)}): ${errText(r)}\n`);
        status = 1;
      }
    }
    ctx.exit(status);
  },
};
