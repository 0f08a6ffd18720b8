import { describe, expect, it } from 'vitest';
import type { ProcEntry, TaskId } from '../kernel-sim/index.ts';
import { forestOrder, formatElapsed, formatTable, parseFormat } from './ps-format.ts';
import type { PsEnv } from './ps-format.ts';
import { parsePsArgs, psSelect } from './ps.ts';
import type { PsOptions } from './ps.ts';
import { renderTree } from './pstree.ts';
import { countText, formatCounts, numberWidth } from './wc.ts';
import { signalNumber } from './kill.ts';
import { getopt } from './getopt.ts';
import { columns } from './ls.ts';
import { posixToJs } from './grep.ts';

function row(pid: number, ppid: number, argv: string[], extra: Partial<ProcEntry> = {}): ProcEntry {
  return {
    pid,
    ppid,
    pgid: 1,
    sid: 1,
    state: 'S',
    comm: (argv[0] ?? '').split('/').pop()!,
    argv,
    uid: 0,
    threads: 1,
    startTime: 0,
    nspid: [pid],
    sessionLeader: false,
    tty: '?',
    tpgid: -1,
    task: pid as TaskId,
    sigPending: 0n,
    sigBlocked: 0n,
    sigIgnored: 0n,
    sigCaught: 0n,
    ...extra,
  };
}

const env: PsEnv = {
  now: 65_000_000,
  sid: 1,
  tty: 'pts/0',
  tpgid: 0,
  users: new Map([[0, 'root']]),
};

function table(spec: string, rows: ProcEntry[], forest = false): string {
  const cols = parseFormat(spec);
  if (!Array.isArray(cols)) throw new Error(cols.unknown);
  return formatTable(
    cols,
    forest ? forestOrder(rows) : rows.map((entry) => ({ entry, prefix: '' })),
    env,
  );
}

describe('ps columns', () => {
  const rows = [
    row(1, 0, ['sh', '-c', 'x'], { sessionLeader: true }),
    row(2, 1, ['sleep', '100']),
    row(3, 1, [], { comm: 'sleep', state: 'Z' }),
    row(4, 2, ['node', 'app.js'], { threads: 7 }),
  ];
  it('PID columns are 7 wide, STAT 4, the last column unpadded', () => {
    expect(table('pid,ppid,stat,comm', rows)).toBe(
      [
        '    PID    PPID STAT COMMAND',
        '      1       0 Ss   sh',
        '      2       1 S    sleep',
        '      3       1 Z    sleep', // comm stays bare for a zombie (procps 4.0.2)
        '      4       2 Sl   node',
        '',
      ].join('\n'),
    );
  });
  it('args shows [comm] <defunct> for zombies; custom headers; etime', () => {
    // The header after "=" runs to the end of the argument, as in procps.
    expect(table('pid=ID,args', rows.slice(2, 3))).toBe('ID,args\n      3\n');
    expect(table('pid,args', rows.slice(2, 3))).toBe(
      '    PID COMMAND\n      3 [sleep] <defunct>\n',
    );
    expect(table('etime,nlwp,tty', [{ ...rows[3]!, tty: 'pts/0' }])).toBe(
      '    ELAPSED NLWP TT\n      01:05    7 pts/0\n',
    );
    expect(formatElapsed(90061e6)).toBe('1-01:01:01');
  });
  it('--forest prefixes', () => {
    expect(table('pid,args', rows, true)).toBe(
      [
        '    PID COMMAND',
        '      1 sh -c x',
        '      2  \\_ sleep 100',
        '      4  |   \\_ node app.js',
        '      3  \\_ [sleep] <defunct>',
        '',
      ].join('\n'),
    );
  });
  it('option errors', () => {
    expect(parsePsArgs(['-Q'])).toMatch(/^error: unsupported SysV option/);
    expect(parsePsArgs(['Q'])).toMatch(/^error: unsupported option \(BSD syntax\)/);
    expect(parsePsArgs(['--nope'])).toMatch(/^error: unknown gnu long option/);
    expect(parseFormat('pid,bogus')).toEqual({ unknown: 'bogus' });
  });
});

// procps-ng 4.0.2 on Debian 12: `ps -C sleep,bash` selects by comm, names split at single commas
// or spaces; `ps -C` / `ps -C ''` say "list of command names must follow -C", `ps -C 'a,'` or
// `ps -C 'a  b'` say "improper list" (both followed by the usage, status 1); a name longer than
// 15 characters matches on its first 15 (strncmp against the 15-character comm).
describe('ps -C (select by command name)', () => {
  const rows = [
    row(1, 0, ['sh', '-c', 'x'], { sessionLeader: true, tty: 'pts/0' }),
    row(2, 1, ['sleep', '100']),
    row(3, 1, [], { comm: 'sleep', state: 'Z' }),
    row(4, 1, ['bash']),
    row(5, 1, ['/tmp/averyverylongname123'], { comm: 'averyverylongna' }),
    row(6, 1, ['ps'], { tty: 'pts/0' }),
  ];
  const pick = (args: string[]): number[] => {
    const o = parsePsArgs(args);
    if (typeof o === 'string') throw new Error(o);
    return psSelect(o, rows, env, 0).map((e) => e.pid);
  };
  it('selects by comm, zombies included, whatever their terminal', () => {
    expect(pick(['-C', 'sleep'])).toEqual([2, 3]);
    expect(pick(['-Csleep,bash'])).toEqual([2, 3, 4]);
    expect(pick(['-C', 'bash sleep'])).toEqual([2, 3, 4]);
    expect(pick(['-C', 'sleep', '-C', 'bash'])).toEqual([2, 3, 4]);
    expect(pick(['-eC', 'nosuch'])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(pick(['-C', 'nosuch'])).toEqual([]);
    expect(pick(['-C', 'sleep', '-p', '1'])).toEqual([1, 2, 3]);
  });
  it('a long name matches on its first 15 characters', () => {
    expect(pick(['-C', 'averyverylongname123'])).toEqual([5]);
    expect(pick(['-C', 'averyverylongna'])).toEqual([5]);
    expect(pick(['-C', 'averyverylongn'])).toEqual([]);
  });
  it('errors as procps words them', () => {
    const must = 'error: list of command names must follow -C\n\nUsage:';
    expect(parsePsArgs(['-C'])).toMatch(new RegExp(`^${must}`));
    expect(parsePsArgs(['-C', ''])).toMatch(new RegExp(`^${must}`));
    for (const bad of ['sleep,', ',', ' ', 'sleep  bash', ' sleep', 'a,,b'])
      expect(parsePsArgs(['-C', bad])).toMatch(/^error: improper list\n\nUsage:/);
    expect((parsePsArgs(['-C', 'a,b']) as PsOptions).cmds).toEqual(['a', 'b']);
  });
});

describe('pstree drawing', () => {
  const rows = [
    row(1, 0, ['/sbin/init'], { comm: 'init' }),
    row(2, 1, ['sh']),
    row(3, 2, ['sleep', '1']),
    row(4, 2, ['sleep', '1']),
    row(5, 1, ['node', 'a.js'], { threads: 3 }),
  ];
  const o = { pids: false, pgids: false, args: false, numeric: false, compact: true, ascii: false };
  it('merges identical children and threads', () => {
    expect(renderTree(rows, o)).toBe('init─┬─node───2*[{node}]\n     └─sh───2*[sleep]\n');
  });
  it('-p and ASCII', () => {
    expect(renderTree(rows, { ...o, pids: true, compact: false, ascii: true })).toBe(
      ['init(1)-+-node(5)', '        `-sh(2)-+-sleep(3)', '                `-sleep(4)', ''].join(
        '\n',
      ),
    );
  });
  it('-a: one process per line', () => {
    expect(renderTree(rows, { ...o, args: true, compact: false }, 2)).toBe(
      ['sh', '  ├─sleep 1', '  └─sleep 1', ''].join('\n'),
    );
  });
});

describe('wc, kill, getopt, ls, grep helpers', () => {
  it('wc counts and widths', () => {
    const c = countText('hello world\nbye\n');
    expect(c).toEqual({ lines: 2, words: 3, chars: 16, bytes: 16 });
    expect(
      formatCounts(c, ['lines', 'words', 'bytes'], numberWidth([{ regular: false, size: 0 }], 3)),
    ).toBe('      2       3      16\n');
    expect(formatCounts(c, ['lines'], numberWidth([{ regular: false, size: 0 }], 1))).toBe('2\n');
  });
  it('signal names', () => {
    expect(signalNumber('SIGTERM')).toBe(15);
    expect(signalNumber('kill')).toBe(9);
    expect(signalNumber('RTMIN+2')).toBe(36);
    expect(signalNumber('FOO')).toBe(-1);
  });
  it('getopt', () => {
    expect(
      getopt(
        ['-ab', '--lo=1', 'x'],
        [
          { key: 'a', short: 'a' },
          { key: 'b', short: 'b' },
          { key: 'l', long: 'long', arg: 'required' },
        ],
      ),
    ).toEqual({
      ok: true,
      opts: [{ key: 'a' }, { key: 'b' }, { key: 'l', value: '1' }],
      operands: ['x'],
    });
    expect(getopt(['-z'], [])).toEqual({ ok: false, error: "invalid option -- 'z'" });
  });
  it('ls columns and BRE translation', () => {
    expect(columns(['a', 'bb', 'ccc', 'd'], 80)).toBe('a  bb  ccc  d\n');
    expect(columns(['aaaa', 'bbbb', 'cccc'], 10)).toBe('aaaa  cccc\nbbbb\n');
    expect(posixToJs('a\\(b\\)+', false)).toBe('a(b)\\+');
    expect(posixToJs('[[:digit:]]+', true)).toBe('[0-9]+');
  });
});
