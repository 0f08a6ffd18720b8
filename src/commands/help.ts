/**
 * `--help` for the command models that print "Try 'X --help' for more information.": the real
 * tool's own opening lines (its synopsis and what it does, as coreutils 9.1, grep 3.8 and
 * util-linux 2.38.1 print them), then the options the lab's model of it understands, so that a
 * learner who follows the hint gets an answer instead of "unrecognized option '--help'".
 */
import type { ProgramContext } from '../kernel-sim/index.ts';

interface Help {
  readonly header: string;
  readonly options: string;
  /** util-linux tools take -h too; GNU tools only --help. */
  readonly shortH?: boolean;
  /** Options end at the first operand (the rest is the program's command line). */
  readonly stopsAtOperand?: boolean;
}

const HELP: Readonly<Record<string, Help>> = {
  cat: {
    header:
      'Usage: cat [OPTION]... [FILE]...\nConcatenate FILE(s) to standard output.\n\nWith no FILE, or when FILE is -, read standard input.\n',
    options: '-n/--number, -E/--show-ends, -u',
  },
  env: {
    header:
      'Usage: env [OPTION]... [-] [NAME=VALUE]... [COMMAND [ARG]...]\nSet each NAME to VALUE in the environment and run COMMAND.\n',
    options: '-i/--ignore-environment, -u/--unset NAME, --default-signal, NAME=VALUE',
    stopsAtOperand: true,
  },
  grep: {
    header:
      "Usage: grep [OPTION]... PATTERNS [FILE]...\nSearch for PATTERNS in each FILE.\nExample: grep -i 'hello world' menu.h main.c\nPATTERNS can contain multiple patterns separated by newlines.\n",
    options:
      '-E -F -G, -e/--regexp, -i -y, -v, -w, -x, -c, -n, -q/--quiet/--silent, -s, -l, -L, -o, -H, -h, --color',
  },
  ls: {
    header:
      'Usage: ls [OPTION]... [FILE]...\nList information about the FILEs (the current directory by default).\nSort entries alphabetically if none of -cftuvSUX nor --sort is specified.\n',
    options: '-a/--all, -A/--almost-all, -1, -l, -d/--directory, -C, --color',
  },
  tail: {
    header:
      'Usage: tail [OPTION]... [FILE]...\nPrint the last 10 lines of each FILE to standard output.\nWith more than one FILE, precede each with a header giving the file name.\n',
    options: '-n/--lines NUM, -NUM',
  },
  wc: {
    header:
      'Usage: wc [OPTION]... [FILE]...\n  or:  wc [OPTION]... --files0-from=F\nPrint newline, word, and byte counts for each FILE, and a total line if\nmore than one FILE is specified.\n',
    options: '-l/--lines, -w/--words, -c/--bytes, -m/--chars',
  },
  timeout: {
    header:
      'Usage: timeout [OPTION] DURATION COMMAND [ARG]...\n  or:  timeout [OPTION]\nStart COMMAND, and kill it if still running after DURATION.\n',
    options:
      '-s/--signal SIG, -k/--kill-after DURATION, --foreground, --preserve-status, -v/--verbose',
    stopsAtOperand: true,
  },
  nsenter: {
    header:
      '\nUsage:\n nsenter [options] [<program> [<argument>...]]\n\nRun a program with namespaces of other processes.\n',
    options:
      '-t/--target PID, -a/--all, -p/--pid, -m/--mount (and -u -i -n -U -C -T, accepted), -F/--no-fork, --preserve-credentials, -r/--root, -w/--wd, -V/--version',
    shortH: true,
    stopsAtOperand: true,
  },
  setsid: {
    header:
      '\nUsage:\n setsid [options] <program> [arguments ...]\n\nRun a program in a new session.\n',
    options: '-c/--ctty, -f/--fork, -w/--wait, -V/--version',
    shortH: true,
    stopsAtOperand: true,
  },
  setpriv: {
    header:
      '\nUsage:\n setpriv [options] <program> [<argument>...]\n\nRun a program with different privilege settings.\n',
    options:
      '--reuid <uid|user>, --regid <gid|group>, --clear-groups, --keep-groups, --init-groups, --groups <group,...>, -V/--version',
    shortH: true,
    stopsAtOperand: true,
  },
};

/**
 * Whether the command line asks for help: `--help` (or `-h` for util-linux tools) among the
 * options, that is before `--` and, for tools whose options end at the program to run, before
 * the first operand.
 */
function asksForHelp(name: string, argv: readonly string[]): boolean {
  const h = HELP[name];
  if (!h) return false;
  for (const a of argv.slice(1)) {
    if (a === '--') return false;
    if (a === '--help' || (h.shortH === true && a === '-h')) return true;
    if (h.stopsAtOperand === true && !a.startsWith('-')) return false;
  }
  return false;
}

/** Prints the help and exits 0 when asked for; returns whether it did. */
export function helpRequested(ctx: ProgramContext<unknown>, name: string): boolean {
  if (!asksForHelp(name, ctx.argv)) return false;
  const h = HELP[name]!;
  ctx.write(
    1,
    `${h.header}\nThe lab's ${name} understands: ${h.options}.\n\nFor more details see ${name}(1).\n`,
  );
  ctx.exit(0);
  return true;
}
