import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from './main.ts';

const path = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url));

async function pidlab(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('pidlab validate', () => {
  it('accepts every lesson in scenarios/ (exit 0), skipping _ and . folders', async () => {
    const r = await pidlab('validate', path('scenarios'));
    expect(r.err).toBe('');
    expect(r.out).toContain('03-zombies: ok\n');
    expect(r.out).toMatch(/^15 scenarios checked, 0 with problems\n/m);
    expect(r.code).toBe(0);
  });

  it('replays a lesson with --run', async () => {
    const r = await pidlab('validate', '--run', path('scenarios/12-when-pid-1-dies'));
    expect(r.out).toContain('12-when-pid-1-dies: ok (replayed, every claim holds)');
    expect(r.code).toBe(0);
  });

  it('reports a broken scenario with file, field and fix (exit 1)', async () => {
    const r = await pidlab(
      'validate',
      '--quiet',
      path('src/scenario/fixtures/unknown-check/scenario.json'),
    );
    expect(r.out).toBe(
      "unknown-check/scenario.json: steps[2].claims[0].check: unknown check 'noZombie'; did you mean 'noZombies'?\n",
    );
    expect(r.code).toBe(1);
  });

  it('a folder of broken scenarios: every one is reported', async () => {
    const r = await pidlab('validate', path('src/scenario/fixtures'));
    expect(r.out).toMatch(/^8 scenarios checked, 8 with problems\n/m);
    expect(r.code).toBe(1);
  });

  it('usage errors exit 2; a missing path exits 1', async () => {
    expect((await pidlab('validate')).code).toBe(2);
    expect((await pidlab('validate', '--frob', 'x')).err).toContain("unknown option '--frob'");
    const r = await pidlab('validate', '/nonexistent/scenarios');
    expect(r.err).toBe("pidlab validate: '/nonexistent/scenarios': no such file or directory\n");
    expect(r.code).toBe(1);
  });

  it('--schema prints the published schema; --checks lists the checks', async () => {
    const s = await pidlab('validate', '--schema');
    expect(JSON.parse(s.out)).toHaveProperty('$defs.claim.oneOf');
    const c = await pidlab('validate', '--checks');
    expect(c.out).toMatch(/^noZombies: /m);
    expect(c.out).toContain('    signal (signal): SIGTERM, TERM or 15');
  });
});
