import { describe, expect, it } from 'vitest';
import { Kernel, isErrno } from '../kernel-sim/index.ts';
import type { Program, ProgramContext } from '../kernel-sim/index.ts';
import { COMMAND_BINARIES, COMMAND_PROGRAMS } from './index.ts';

/**
 * A stand-in for `sh -c 'cmd1 & cmd2 & cmd3; cmd4'` (the real shell lives in src/shell/):
 * starts each step in order; `&` steps run in the background, the others are waited for.
 */
interface Step {
  argv: string[];
  bg?: boolean;
}
interface ScriptState {
  steps?: Step[];
  at?: number;
  exec?: string[];
}
function runSteps(ctx: ProgramContext<ScriptState>): void {
  const s = ctx.state;
  while ((s.at ?? 0) < (s.steps ?? []).length) {
    const step = s.steps![s.at!]!;
    s.at = s.at! + 1;
    const pid = ctx.fork({ program: 'script', state: { exec: step.argv } });
    if (isErrno(pid)) throw new Error(pid);
    if (!step.bg) {
      const r = ctx.wait(pid, 0);
      if (!isErrno(r) && 'blocked' in r) return;
    }
  }
  ctx.exit(0);
}
const script: Program<ScriptState> = {
  name: 'script',
  start(ctx) {
    if (ctx.state?.exec) {
      const argv = ctx.state.exec;
      const path = ctx.which(argv[0]!);
      if (isErrno(path) || ctx.exec(path, argv) !== 0) ctx.exit(127);
      return;
    }
    const steps: Step[] = JSON.parse(ctx.env.SCRIPT ?? '[]') as Step[];
    ctx.state = { steps, at: 0 };
    runSteps(ctx);
  },
  resume(ctx) {
    runSteps(ctx);
  },
};

function machine(): { k: Kernel; tty: number; screen: () => string } {
  const k = Kernel.create({
    programs: [...COMMAND_PROGRAMS, script as unknown as Program<never>],
    binaries: { ...COMMAND_BINARIES, '/bin/sh': 'script', '/usr/bin/sh': 'script' },
    files: { '/etc/motd': 'one\ntwo\nthree\n' },
  });
  const tty = k.createTty();
  let text = '';
  k.onTtyOutput((t, s) => {
    if (t === tty) text += s;
  });
  return { k, tty, screen: () => text };
}

function run(
  argv: string[],
  opts: { env?: Record<string, string>; advance?: number } = {},
): { out: string; k: Kernel; status: () => number | undefined } {
  const m = machine();
  const path = argv[0]!.startsWith('/') ? argv[0]! : `/usr/bin/${argv[0]!}`;
  m.k.login(m.tty, path, argv, opts.env);
  m.k.advance(opts.advance ?? 1_000_000);
  return { out: m.screen(), k: m.k, status: () => undefined };
}

describe('ps on the machine', () => {
  it('the acceptance example: unshare --pid --fork --mount-proc sh -c ...; ps -o pid,ppid,stat,comm', () => {
    const steps: Step[] = [
      { argv: ['sleep', '100'], bg: true },
      { argv: ['sleep', '200'], bg: true },
      { argv: ['sleep', '0.2'] },
      { argv: ['ps', '-o', 'pid,ppid,stat,comm'] },
    ];
    const r = run(['unshare', '--pid', '--fork', '--mount-proc', 'sh', '-c', 'script'], {
      env: { SCRIPT: JSON.stringify(steps) },
    });
    expect(r.out).toBe(
      [
        '    PID    PPID STAT COMMAND',
        '      1       0 S+   sh',
        '      2       1 S+   sleep',
        '      3       1 S+   sleep',
        '      5       1 R+   ps',
        '',
      ].join('\n'),
    );
  });

  it('ps -ef on the host', () => {
    const r = run(['ps', '-ef']);
    expect(r.out).toBe(
      [
        'UID          PID    PPID  C STIME TTY          TIME CMD',
        'root           1       0  0 08:00 ?        00:00:00 /sbin/init',
        'root           2       1  0 08:00 pts/0    00:00:00 ps -ef',
        '',
      ].join('\n'),
    );
  });

  it('ps aux and ps with no options', () => {
    expect(run(['ps', 'aux']).out).toBe(
      [
        'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND',
        'root           1  0.0  0.0      0     0 ?        Ss   08:00   0:00 /sbin/init',
        'root           2  0.0  0.0      0     0 pts/0    Rs+  08:00   0:00 ps aux',
        '',
      ].join('\n'),
    );
    expect(run(['ps']).out).toBe('    PID TTY          TIME CMD\n      2 pts/0    00:00:00 ps\n');
  });

  it('ps --forest and errors', () => {
    const steps: Step[] = [
      { argv: ['sleep', '100'], bg: true },
      { argv: ['ps', '-e', '--forest', '-o', 'pid,args'] },
    ];
    const r = run(['sh', '-c', 'x'], { env: { SCRIPT: JSON.stringify(steps) } });
    expect(r.out).toBe(
      [
        '    PID COMMAND',
        '      1 /sbin/init',
        '      2  \\_ sh -c x',
        '      3      \\_ sleep 100',
        '      4      \\_ ps -e --forest -o pid,args',
        '',
      ].join('\n'),
    );
    expect(run(['ps', '-Z']).out).toMatch(
      /^error: unsupported SysV option\n\nUsage:\n ps \[options\]/,
    );
    expect(run(['ps', '-o', 'foo']).out).toMatch(
      /^error: unknown user-defined format specifier "foo"/,
    );
  });
});

describe('pstree, kill, unshare, nsenter, setsid, timeout', () => {
  it('pstree merges identical children', () => {
    const steps: Step[] = [
      { argv: ['sleep', '100'], bg: true },
      { argv: ['sleep', '100'], bg: true },
      { argv: ['pstree'] },
      { argv: ['pstree', '-p'] },
    ];
    const r = run(['sh'], { env: { SCRIPT: JSON.stringify(steps) } });
    expect(r.out).toBe(
      [
        'init───sh─┬─pstree',
        '          └─2*[sleep]',
        'init(1)───sh(2)─┬─pstree(6)',
        '                ├─sleep(3)',
        '                └─sleep(4)',
        '',
      ].join('\n'),
    );
  });

  it('kill: errors, -l, -L', () => {
    expect(run(['kill', '42']).out).toBe('kill: (42): No such process\n');
    expect(run(['kill', '-l']).out).toBe(
      'HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT\nCHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH POLL PWR SYS\n',
    );
    expect(run(['kill', '-l', '9']).out).toBe('KILL\n');
    expect(run(['kill', '-L']).out.split('\n')[0]).toBe(
      ' 1 HUP      2 INT      3 QUIT     4 ILL      5 TRAP     6 ABRT     7 BUS',
    );
  });

  it('kill -TERM a background sleep', () => {
    const steps: Step[] = [
      { argv: ['sleep', '100'], bg: true },
      { argv: ['kill', '-9', '3'] },
      { argv: ['ps', '-o', 'pid,stat,args'] },
    ];
    const r = run(['sh'], { env: { SCRIPT: JSON.stringify(steps) } });
    expect(r.out).toContain('      3 Z+   [sleep] <defunct>');
  });

  it('unshare without --fork: the program is not in the new namespace', () => {
    const r = run(['unshare', '--pid', 'ps', '-e', '-o', 'pid,comm']);
    expect(r.out).toBe('    PID COMMAND\n      1 init\n      2 ps\n');
  });

  it('unshare: unknown program and option', () => {
    expect(run(['unshare', '--pid', '--fork', 'nope']).out).toBe(
      'unshare: failed to execute nope: No such file or directory\n',
    );
    expect(run(['unshare', '--bogus']).out).toBe(
      "unshare: unrecognized option '--bogus'\nTry 'unshare --help' for more information.\n",
    );
  });

  it('unshare --fork: a SIGKILLed child gives the 2.38.1 message', () => {
    const steps: Step[] = [{ argv: ['kill', '-9', '1'] }];
    // PID 1 of the new namespace kills itself? It cannot (init is protected); kill from outside.
    const m = machine();
    m.k.login(m.tty, '/usr/bin/unshare', ['unshare', '-pf', '--mount-proc', 'sleep', '100'], {
      SCRIPT: JSON.stringify(steps),
    });
    m.k.advance(1000);
    const hostView = m.k.view();
    const sleeper = hostView.list().find((e) => e.comm === 'sleep')!;
    m.k.sys(m.k.hostInit).kill(sleeper.pid, 9);
    m.k.advance(1000);
    expect(m.screen()).toBe('unshare: sigprocmask unblock failed: Invalid argument\n');
  });

  it('nsenter runs a program inside the namespace of a target', () => {
    const m = machine();
    m.k.login(m.tty, '/usr/bin/unshare', ['unshare', '-pf', '--mount-proc', 'sleep', '100']);
    m.k.advance(1000);
    const sleeper = m.k
      .view()
      .list()
      .find((e) => e.comm === 'sleep')!;
    const tty2 = m.k.createTty();
    let text = '';
    m.k.onTtyOutput((t, s) => {
      if (t === tty2) text += s;
    });
    m.k.login(tty2, '/usr/bin/nsenter', [
      'nsenter',
      '-t',
      String(sleeper.pid),
      '-p',
      '-m',
      'ps',
      '-e',
      '-o',
      'pid,ppid,comm',
    ]);
    m.k.advance(1000);
    expect(text).toBe('    PID    PPID COMMAND\n      1       0 sleep\n      2       0 ps\n');
  });

  it('timeout: 124 on expiry, the status otherwise', () => {
    const steps: Step[] = [
      { argv: ['timeout', '0.5', 'sleep', '10'] },
      { argv: ['ps', '-e', '-o', 'pid,stat,comm'] },
    ];
    const r = run(['sh'], { env: { SCRIPT: JSON.stringify(steps) }, advance: 2_000_000 });
    expect(r.out).toBe(
      '    PID STAT COMMAND\n      1 Ss   init\n      2 Ss+  sh\n      5 R+   ps\n',
    );
  });

  it('setsid runs the program in a new session', () => {
    const steps: Step[] = [
      { argv: ['setsid', 'sleep', '100'], bg: true },
      { argv: ['sleep', '0.1'] },
      { argv: ['ps', '-e', '-o', 'pid,ppid,pgid,sid,tty,comm'] },
    ];
    const r = run(['sh'], { env: { SCRIPT: JSON.stringify(steps) } });
    expect(r.out).toContain('      3       2       3       3 ?        sleep');
  });
});

describe('text tools', () => {
  it('cat, head, tail, wc, grep on a file', () => {
    expect(run(['cat', '/etc/motd']).out).toBe('one\ntwo\nthree\n');
    expect(run(['cat', '/nope']).out).toBe('cat: /nope: No such file or directory\n');
    expect(run(['head', '-n', '2', '/etc/motd']).out).toBe('one\ntwo\n');
    expect(run(['tail', '-1', '/etc/motd']).out).toBe('three\n');
    expect(run(['wc', '/etc/motd']).out).toBe(' 3  3 14 /etc/motd\n');
    expect(run(['wc', '-l', '/etc/motd']).out).toBe('3 /etc/motd\n');
    expect(run(['grep', '-n', 't', '/etc/motd']).out).toBe('2:two\n3:three\n');
    expect(run(['grep', '-c', 'x', '/etc/motd']).out).toBe('0\n');
  });

  it('cat /proc/self/status and echo', () => {
    expect(run(['cat', '/proc/self/status']).out).toMatch(/^Name:\tcat\n/);
    expect(run(['echo', '-e', 'a\\tb']).out).toBe('a\tb\n');
    expect(run(['echo', '-n', 'x']).out).toBe('x');
  });
});
