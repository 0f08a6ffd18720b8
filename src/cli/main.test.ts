import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const version = (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string })
  .version;

function pidlab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return pidlabWithInput(undefined, ...args);
}

function pidlabWithInput(
  input: string | undefined,
  ...args: string[]
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/pidlab.mjs', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    ...(input === undefined ? {} : { input }),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pidlab CLI', () => {
  it.each(['--help', '-h'])('%s prints usage and exits 0', (flag) => {
    const r = pidlab(flag);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('pidlab - PID 1 Lab');
    expect(r.stdout).toContain('Usage: pidlab');
    for (const cmd of ['run', 'shell', 'grade', 'validate']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${cmd} `, 'm'));
    }
    expect(r.stdout).not.toContain('Not available yet');
    expect(r.stderr).toBe('');
  });

  it.each(['--version', '-V'])('%s prints the package version', (flag) => {
    const r = pidlab(flag);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`pidlab ${version}\n`);
  });

  it('rejects an unknown option with exit code 2', () => {
    const r = pidlab('--foo');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("pidlab: unknown option '--foo'\nTry 'pidlab --help'.\n");
  });

  it('prints usage to stderr and exits 2 without arguments', () => {
    const r = pidlab();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage: pidlab');
  });

  it('grade without a result file prints its usage and exits 2', () => {
    const r = pidlab('grade');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('pidlab grade: name at least one result file');
  });

  it('rejects an unknown command', () => {
    const r = pidlab('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("pidlab: unknown command 'frobnicate'");
  });

  it('run --script - types the lines at a root prompt and prints what a Debian host shows', () => {
    const script = [
      "unshare --pid --fork --mount-proc sh -c 'sleep 100 & sleep 200 & sleep 0.2; ps -o pid,ppid,stat,comm'",
      'sleep 100',
      '^C',
      'echo $?',
    ].join('\n');
    const r = pidlabWithInput(script, 'run', '--script', '-');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      [
        '    PID    PPID STAT COMMAND',
        '      1       0 S+   sh',
        '      2       1 S+   sleep',
        '      3       1 S+   sleep',
        '      5       1 R+   ps',
        'root@host:~# sleep 100',
        '^C',
        'root@host:~# echo $?',
        '130',
        'root@host:~#',
      ].join('\n'),
    );
    expect(r.stdout.startsWith('root@host:~# unshare --pid')).toBe(true);
  });

  it('run --json gives the transcript, the explained trace and the process table', () => {
    const r = pidlabWithInput('sleep 1 &\nkill -9 1\n', 'run', '--script', '-', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      transcript: string;
      trace: { type: string; rule: string; summary: string; why: string; source: string }[];
      processes: { pid: number; comm: string }[];
    };
    expect(out.transcript).toContain('kill -9 1');
    const dropped = out.trace.find((e) => e.type === 'signal' && e.rule === 'sig/global-init');
    expect(dropped?.summary).toMatch(/SIGKILL from PID \d+ \(bash\) to PID 1 \(init\) was dropped/);
    expect(dropped?.source).toContain('kernel/signal.c');
    expect(out.processes.map((p) => p.comm)).toContain('bash');
  });

  it('run reports a missing script clearly', () => {
    const r = pidlab('run', '--script', '/nonexistent/script.sh');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("pidlab run: cannot read '/nonexistent/script.sh': ENOENT");
    const u = pidlab('run');
    expect(u.status).toBe(2);
    expect(u.stderr).toContain('missing --script FILE');
  });

  it('shell runs the lab shell on standard input and leaves on exit', () => {
    const r = pidlabWithInput('echo hi from pidlab shell\nexit\n', 'shell');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('root@host:~# ');
    expect(r.stdout).toContain('hi from pidlab shell');
    expect(r.stdout).toContain('logout');
  });
});
