import { describe, expect, it } from 'vitest';
import { createLabMachine } from '../../lab/world.ts';
import { runScript } from '../../lab/script.ts';
import { readFileSync } from 'node:fs';
import { parseAppSpec } from './spec-app.ts';
import { APP_FILES } from './files.ts';

const NS = 'unshare --pid --fork --mount-proc';

function run(script: string, files: Record<string, string> = {}): string {
  const m = createLabMachine({ files });
  const r = runScript(m, script);
  expect(r.finished).toBe(true);
  return r.transcript;
}

function err(spec: unknown): string {
  const r = parseAppSpec(typeof spec === 'string' ? spec : JSON.stringify(spec), '/app/x.json');
  return 'error' in r ? r.error : 'valid';
}

describe('spec validation', () => {
  it('names the file, the field, the problem and the fix', () => {
    expect(err('{"print": ["a"],}')).toMatch(
      /^\/app\/x.json: \(file\): not valid JSON: .* \(fix: check commas and quotes\)$/,
    );
    expect(err([])).toBe('/app/x.json: (file): must be a JSON object (fix: start the file with {)');
    expect(err({ signal: {} })).toBe(
      '/app/x.json: signal: unknown field (fix: use only print, signals, children, exit, reapOrphans, description)',
    );
    expect(err({ signals: { SIGFOO: { action: 'ignore' } } })).toBe(
      '/app/x.json: signals.SIGFOO: not a signal name (fix: use a name such as "SIGTERM", "SIGINT", "SIGRTMIN+3")',
    );
    expect(err({ signals: { SIGKILL: { action: 'ignore' } } })).toBe(
      '/app/x.json: signals.SIGKILL: SIGKILL cannot be caught or ignored (fix: remove it: the kernel always acts)',
    );
    expect(err({ signals: { SIGTERM: { action: 'quit' } } })).toBe(
      '/app/x.json: signals.SIGTERM.action: "quit" is not an action (fix: use one of "ignore", "default", "exit", "handle")',
    );
    expect(err({ signals: { SIGTERM: { action: 'exit', code: 300 } } })).toBe(
      '/app/x.json: signals.SIGTERM.code: must be a whole number from 0 to 255 (fix: e.g. "signals.SIGTERM.code": 0)',
    );
    expect(err({ signals: { TERM: { action: 'ignore' }, SIGTERM: { action: 'default' } } })).toBe(
      '/app/x.json: signals.SIGTERM: SIGTERM is given twice (fix: keep one entry per signal)',
    );
    expect(err({ children: [{ command: [] }] })).toBe(
      '/app/x.json: children[0].command: must be a non-empty list of strings (fix: e.g. "command": ["sleep", "3"])',
    );
    expect(err({ children: [{ command: ['sleep', '1'], count: 3 }] })).toBe(
      '/app/x.json: children[0].count: more than one start needs everyMs (fix: add "everyMs": 1000 (the interval))',
    );
    expect(
      err({
        signals: { SIGCHLD: { action: 'ignore' } },
        children: [{ command: ['x'], wait: true }],
      }),
    ).toBe(
      '/app/x.json: signals.SIGCHLD: cannot be set when the app reaps (wait or reapOrphans need its own SIGCHLD handler) (fix: remove signals.SIGCHLD, or set wait/reapOrphans to false)',
    );
    expect(err({ exit: { code: 1, after: 5 } })).toBe(
      '/app/x.json: exit.after: unknown field (fix: use only code, afterMs, print)',
    );
  });

  it('accepts the example in spec-app.md and the installed specs', () => {
    const md = readFileSync(new URL('./spec-app.md', import.meta.url), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(md)?.[1] ?? '';
    expect(parseAppSpec(example, 'spec-app.md')).not.toHaveProperty('error');
    for (const f of ['/app/app.json', '/app/crash.json', '/app/flaky.json'])
      expect(parseAppSpec(APP_FILES[f] as string, f)).not.toHaveProperty('error');
  });

  it('fills the defaults', () => {
    const r = parseAppSpec(
      JSON.stringify({
        signals: { SIGTERM: { action: 'exit' }, 'SIGRTMIN+3': { action: 'handle', print: 'x' } },
        children: [{ command: ['sleep', '1'], everyMs: 500 }],
      }),
      'f',
    );
    expect(r).toEqual({
      print: [],
      signals: {
        '15': { action: 'exit', code: 0, afterMs: 0, print: [] },
        '37': { action: 'handle', print: ['x'] },
      },
      children: [{ command: ['sleep', '1'], atMs: 0, everyMs: 500, count: null, wait: false }],
      exit: null,
      reapOrphans: false,
    });
  });
});

describe('/usr/local/bin/app', () => {
  it('refuses a bad spec before running (exit 2) and says where a missing spec was looked for', () => {
    const t = run('app /tmp/bad.json; echo rc=$?\napp /tmp/none.json; echo rc=$?', {
      '/tmp/bad.json': '{"signals": {"SIGTERM": {}}}',
    });
    expect(t).toContain(
      'app: /tmp/bad.json: signals.SIGTERM.action: missing (fix: use one of "ignore", "default", "exit", "handle")\nrc=2',
    );
    expect(t).toContain(
      'app: cannot read /tmp/none.json: No such file or directory (fix: write a spec there or pass its path: app SPEC.json)\nrc=2',
    );
  });

  it('as PID 1: a handled SIGTERM exits after afterMs; an ignored SIGHUP shows in SigIgn', () => {
    const t = run(`${NS} app </dev/null &
sleep 0.5
grep -E 'SigIgn|SigCgt' /proc/$(($! + 1))/status
kill -HUP $(($! + 1))
kill -TERM $(($! + 1))
wait $!; echo rc=$?`);
    expect(t).toContain('app pid=1 ppid=0 started');
    expect(t).toContain('SigIgn: 0000000000000001');
    // INT TERM CHLD (it reaps its helper)
    expect(t).toContain('SigCgt: 0000000000014002');
    expect(t).toContain('app: SIGTERM received, draining');
    expect(t).toContain('rc=0');
  });

  it('a signal with action default is dropped by the kernel when the app is PID 1', () => {
    const t = run(
      `${NS} app /tmp/d.json </dev/null &
sleep 0.5
kill -USR1 $(($! + 1))
sleep 0.5
ps -o stat,args -p $(($! + 1))
kill -KILL $(($! + 1))`,
      { '/tmp/d.json': '{"signals": {"SIGUSR1": {"action": "default"}}}' },
    );
    expect(t).toMatch(/\nS\S* +app \/tmp\/d.json\n/);
  });

  it('children with wait:false stay zombies under it; with wait:true they are reaped', () => {
    const files = {
      '/tmp/nowait.json': '{"children": [{"command": ["true"], "everyMs": 100, "count": 3}]}',
      '/tmp/wait.json':
        '{"children": [{"command": ["true"], "everyMs": 100, "count": 3, "wait": true}]}',
    };
    const t = run(
      `app /tmp/nowait.json &
sleep 1
ps -o stat,args --ppid $! | grep -c defunct
kill $!
app /tmp/wait.json &
sleep 1
ps -o stat,args --ppid $! | grep -c defunct
kill $!`,
      files,
    );
    const counts = [...t.matchAll(/grep -c defunct\n(\d+)\n/g)].map((m) => m[1]);
    expect(counts).toEqual(['3', '0']);
  });

  it('reapOrphans: orphans re-parented to it are reaped, as an init must', () => {
    const files = {
      '/tmp/init.json':
        '{"reapOrphans": true, "children": [{"command": ["sh", "-c", "sleep 0.2 & exit 0"]}]}',
      '/tmp/noinit.json': '{"children": [{"command": ["sh", "-c", "sleep 0.2 & exit 0"]}]}',
    };
    const t = run(
      `${NS} app /tmp/init.json </dev/null &
sleep 1
ps -e -o stat,args | grep -c "[d]efunct"
${NS} app /tmp/noinit.json </dev/null &
sleep 1
ps -e -o stat,args | grep -c "[d]efunct"`,
      files,
    );
    const counts = [...t.matchAll(/grep -c "\[d\]efunct"\n(\d+)\n/g)].map((m) => m[1]);
    // Without reaping: its own exited sh and the orphaned sleep.
    expect(counts).toEqual(['0', '2']);
  });

  it('exit: ends by itself with the code after afterMs', () => {
    const t = run('app /app/crash.json; echo rc=$?');
    expect(t).toContain('crash: cannot connect to db:5432, exiting 1\nrc=1');
  });
});
