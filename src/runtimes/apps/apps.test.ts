import { describe, expect, it } from 'vitest';
import { createLabMachine } from '../../lab/world.ts';
import { runScript } from '../../lab/script.ts';
import { APP_BINARIES, APP_FILES, APP_PROGRAMS } from './index.ts';

function run(script: string): string {
  const m = createLabMachine({
    programs: APP_PROGRAMS as never,
    binaries: APP_BINARIES,
    files: APP_FILES,
  });
  return runScript(m, script).transcript;
}

const NS = 'unshare --pid --fork --mount-proc';

describe('node', () => {
  it('without a handler, as PID 1: SIGTERM dropped twice, SigCgt loses TERM, SIGKILL kills', () => {
    const t = run(`${NS} node /app/app-nohandler.js &
sleep 1
grep SigCgt /proc/$(($! + 1))/status
kill -TERM $(($! + 1))
sleep 1
grep SigCgt /proc/$(($! + 1))/status
kill -TERM $(($! + 1))
sleep 1
ps -o pid,stat,args -p $(($! + 1))
kill -KILL $(($! + 1))
wait $!; echo rc=$?`);
    expect(t).toContain('app-nohandler.js pid=1 started ppid=0');
    expect(t).toContain('SigCgt:\t0000000100004602'.replace('\t', ' '));
    expect(t).toContain('SigCgt: 0000000100000602');
    expect(t).toMatch(/Sl\s+node \/app\/app-nohandler.js/);
    // util-linux 2.38.1 unshare cannot re-raise SIGKILL (as on the reference machine).
    expect(t).toContain('unshare: sigprocmask unblock failed: Invalid argument');
  });

  it('with process.on(SIGTERM) as PID 1: handler logs, exit 0', () => {
    const t = run(`${NS} node /app/app.js &
sleep 1
kill -TERM $(($! + 1))
wait $!; echo rc=$?`);
    expect(t).toContain('app.js pid=1 got SIGTERM, exiting 0');
    expect(t).toContain('rc=0');
  });

  it('has 7 threads: the next process after node (PID 2) gets PID 9', () => {
    // sh forks node (2, threads 3-8), then \`sleep 1\` (9), then ps (10).
    const t = run(`${NS} sh -c 'node /app/app-nohandler.js & sleep 1; ps -e -o pid,args' &
sleep 2`);
    expect(t).toMatch(/\n\s+2 node \/app\/app-nohandler.js/);
    expect(t).toMatch(/\n\s+10 ps -e -o pid,args/);
  });

  it('busy loop as PID 1 is in state R and survives SIGINT/SIGTERM', () => {
    const t = run(`${NS} node /app/busy.js &
sleep 1
kill -INT $(($! + 1))
kill -TERM $(($! + 1))
sleep 1
ps -o stat,args -p $(($! + 1))
kill -KILL $(($! + 1))`);
    expect(t).toMatch(/R\S*\s+node \/app\/busy.js/);
  });

  it('not PID 1 (sh is PID 1): SIGTERM from the host kills node → 143', () => {
    const t = run(`${NS} sh -c 'node /app/app-nohandler.js; echo node-status=$?' &
sleep 1
ps -e -o pid,args
kill -TERM $(($! + 2))
sleep 1
kill -KILL $(($! + 1))`);
    expect(t).toContain('node-status=143');
  });

  it('index.js as PID 1: orphaned sleeps pile up as zombies', () => {
    const t = run(`${NS} node /app/index.js &
sleep 1.5
ps -e -o stat= | grep -c Z
sleep 3
ps -e -o stat= | grep -c Z
sleep 3
ps -e -o stat= | grep -c Z
ps -e -o pid,ppid,stat,args
kill -KILL $(($! + 1))`);
    const counts = [...t.matchAll(/grep -c Z\r?\n(\d+)/g)].map((m) => Number(m[1]));
    expect(counts[0]).toBe(0);
    expect(counts[1]).toBeGreaterThan(0);
    expect(counts[2]).toBeGreaterThan(counts[1] ?? 0);
  });
});

describe('go', () => {
  it('binary without Notify as PID 1: SIGTERM → exit 2', () => {
    const t = run(`${NS} /app/plain/plain &
sleep 1
kill -TERM $(($! + 1))
wait $!; echo rc=$?`);
    expect(t).toContain('go-plain pid=1 ppid=0 started');
    expect(t).toContain('rc=2');
  });

  it('binary without Notify, not PID 1: SIGTERM → 143; SIGUSR1 ignored', () => {
    const t = run(`/app/plain/plain &
sleep 1
kill -USR1 $!
sleep 1
kill -TERM $!
wait $!; echo rc=$?`);
    expect(t).toContain('rc=143');
  });

  it('binary with Notify as PID 1: graceful exit 0', () => {
    const t = run(`${NS} /app/app &
sleep 1
kill -TERM $(($! + 1))
wait $!; echo rc=$?`);
    expect(t).toContain('app: got terminated - graceful exit 0');
    expect(t).toContain('rc=0');
  });

  it('go run as PID 1: app is a child with PID 38; SIGTERM → go exits 2, app SIGKILLed, build dir left', () => {
    const t = run(`cd /app
${NS} go run main.go &
sleep 2
ps -e -o pid,ppid,args --forest
kill -TERM $(($! + 1))
wait $!; echo rc=$?
ls /tmp`);
    // ps runs on the host: host PIDs; the app itself reports its namespace PID.
    expect(t).toContain('app pid=38 ppid=1');
    expect(t).toMatch(/\\_ go run main.go\r?\n.*\\_ \/tmp\/go-build\d+\/b001\/exe\/main/);
    expect(t).toContain('rc=2');
    expect(t).not.toContain('graceful exit');
    expect(t).toMatch(/go-build\d+/);
  });
});

describe('go run signals', () => {
  it('SIGINT to the go command as PID 1 is swallowed (never forwarded)', () => {
    const t = run(`cd /app
${NS} go run main.go &
sleep 2
kill -INT $(($! + 1))
sleep 1
ps -o args= -p $(($! + 1))
kill -TERM $(($! + 1))
wait $!; echo rc=$?`);
    expect(t).toMatch(/\ngo run main.go\r?\n/);
    expect(t).not.toContain('graceful exit');
    expect(t).toContain('rc=2');
  });
});

describe('python', () => {
  it('as PID 1 ignores SIGTERM; SIGINT → traceback + 130', () => {
    const t = run(`${NS} python3 /app/web.py &
sleep 1
kill -TERM $(($! + 1))
sleep 1
ps -o stat,args -p $(($! + 1))
kill -INT $(($! + 1))
wait $!; echo rc=$?`);
    expect(t).toContain('web.py pid=1 serving on :8000');
    expect(t).toMatch(/S\S*\s+python3 \/app\/web.py/);
    expect(t).toContain('KeyboardInterrupt');
    expect(t).toContain('rc=130');
  });
});

describe('python web.py not as PID 1', () => {
  it('SIGTERM has its default action (terminated, 143); SIGINT raises KeyboardInterrupt (130)', () => {
    const t = run(`python3 /app/web.py &
sleep 1
kill -TERM $!
wait $!; echo rc=$?
python3 /app/web.py &
sleep 1
kill -INT $!
wait $!; echo rc=$?`);
    expect(t).toMatch(/web.py pid=\d+ serving on :8000/);
    expect(t).toContain('rc=143');
    // As CPython 3.11.7 prints it on the reference machine (Debian's library path here).
    expect(t).toContain(
      'Traceback (most recent call last):\n' +
        '  File "/app/web.py", line 6, in <module>\n' +
        '    httpd.serve_forever()\n' +
        '  File "/usr/lib/python3.11/socketserver.py", line 233, in serve_forever\n' +
        '    ready = selector.select(poll_interval)\n' +
        '            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n' +
        '  File "/usr/lib/python3.11/selectors.py", line 415, in select\n' +
        '    fd_event_list = self._selector.poll(timeout)\n' +
        '                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n' +
        'KeyboardInterrupt\n',
    );
    expect(t).toContain('rc=130');
  });
});

describe('convert', () => {
  it('cancelled conversions leave their delegates as zombies under PID 1', () => {
    const t = run(`${NS} node /app/convert-server.js &
sleep 9
ps -e -o pid,ppid,stat,args
kill -KILL $(($! + 1))`);
    expect(t).toContain('took too long, cancelling');
    expect(t).toMatch(/convert pid 8 took too long/);
    // host view: node (PID 1 inside) is host PID 4
    expect(t).toMatch(/\n\s+\d+\s+4 Z\s+\[gs\] <defunct>/);
  });
});
