import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const version = (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string })
  .version;

function pidlab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/pidlab.mjs', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pidlab CLI', () => {
  it.each(['--help', '-h'])('%s prints usage and exits 0', (flag) => {
    const r = pidlab(flag);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('pidlab - PID 1 Lab');
    expect(r.stdout).toContain('Usage: pidlab');
    for (const cmd of ['run', 'grade', 'validate', 'shell']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${cmd} `, 'm'));
    }
    expect(r.stdout).toContain('not available yet');
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

  it.each(['run', 'grade', 'validate', 'shell'])('%s says it is not available yet', (cmd) => {
    const r = pidlab(cmd, 'x');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`pidlab: '${cmd}' is not available yet`);
  });

  it('rejects an unknown command', () => {
    const r = pidlab('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("pidlab: unknown command 'frobnicate'");
  });
});
