/**
 * End-to-end `docker run` / `docker stop` transcripts for the seed cases of the lab that
 * docker.test.ts does not cover: the rest of the docker-stop outcome matrix (semantics.md §10),
 * zombies under a node PID 1, ImageMagick's orphaned delegates, python's web.py, and the inits
 * as PID 1 (dumb-init, catatonit, supervisord hiding a crashing app, nginx).
 */
import { describe, expect, it } from 'vitest';
import { outputOf, session } from '../../lab/testkit.ts';
import { createLabMachine } from '../../lab/world.ts';
import { runScript } from '../../lab/script.ts';

/** Runs lines on a fresh machine. */
const run = (lines: readonly string[]) => session(createLabMachine(), lines);

const CODES = "docker inspect -f '{{.Name}} {{.State.ExitCode}}'";

describe('the docker stop outcome matrix, rest of it', () => {
  it('dumb-init and catatonit forward SIGTERM (143); Go without Notify exits 2, with Notify 0; python without a handler 137', () => {
    const { text, took } = run([
      'docker run -d --name di debian:12 dumb-init sleep 1000',
      'docker run -d --name ca debian:12 catatonit -- sleep 1000',
      'docker run -d --name gp golang:1.19 /app/plain/plain',
      'docker run -d --name gn golang:1.19 /app/app',
      'docker run -d --name py python:3.11 python3 /app/web.py',
      'sleep 1',
      'docker stop di',
      'docker stop ca',
      'docker stop gp',
      'docker stop gn',
      'docker stop py',
      `${CODES} di ca gp gn py`,
      'docker logs gn',
    ]);
    for (const i of [6, 7, 8, 9]) expect(took[i]).toBeLessThan(1);
    expect(took[10]).toBeGreaterThanOrEqual(10);
    expect(outputOf(text, `${CODES} di ca gp gn py`)).toBe(
      '/di 143\n/ca 143\n/gp 2\n/gn 0\n/py 137\n',
    );
    expect(outputOf(text, 'docker logs gn')).toBe(
      'app pid=1 ppid=0\napp: got terminated - graceful exit 0\n',
    );
  });
});

describe('python web.py (http.server)', () => {
  it('as PID 1: SIGTERM dropped (docker stop: 137); Ctrl-C: KeyboardInterrupt traceback, exit 130', () => {
    const { text } = run([
      'docker run -d --name py python:3.11 python3 /app/web.py',
      'sleep 1',
      'docker kill -s TERM py',
      'sleep 1',
      "docker inspect -f '{{.State.Status}}' py",
      'docker logs py',
    ]);
    expect(outputOf(text, "docker inspect -f '{{.State.Status}}' py")).toBe('running\n');
    expect(outputOf(text, 'docker logs py')).toBe('web.py pid=1 serving on :8000\n');
    const m = createLabMachine();
    const r = runScript(
      m,
      'docker run -it --name w python:3.11 python3 /app/web.py\n^C\necho rc=$?',
    );
    expect(r.transcript).toContain(
      'web.py pid=1 serving on :8000\n^CTraceback (most recent call last):\n' +
        '  File "/app/web.py", line 6, in <module>\n' +
        '    httpd.serve_forever()\n' +
        '  File "/usr/local/lib/python3.11/socketserver.py", line 233, in serve_forever\n' +
        '    ready = selector.select(poll_interval)\n' +
        '            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n' +
        '  File "/usr/local/lib/python3.11/selectors.py", line 415, in select\n' +
        '    fd_event_list = self._selector.poll(timeout)\n' +
        '                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n' +
        'KeyboardInterrupt\n',
    );
    expect(r.transcript).toContain('rc=130');
  });

  it('not PID 1 (under tini): SIGTERM kills it, 143', () => {
    const { text, took } = run([
      'docker run -d --init --name py python:3.11 python3 /app/web.py',
      'sleep 1',
      'docker stop py',
      `${CODES} py`,
    ]);
    expect(took[2]).toBeLessThan(1);
    expect(outputOf(text, `${CODES} py`)).toBe('/py 143\n');
  });
});

describe('zombies and orphans inside a container', () => {
  it('node index.js as PID 1 never reaps the orphaned sleeps: zombies pile up; --init reaps them', () => {
    const { text } = run([
      'docker run -d --name z node:20 node /app/index.js',
      'docker run -d --init --name t node:20 node /app/index.js',
      'sleep 10',
      'docker exec z sh -c "ps -e -o stat,comm | grep -c Z"',
      'docker exec t sh -c "ps -e -o stat,comm | grep -c Z"',
      'docker top z',
    ]);
    const zombies = Number(outputOf(text, 'docker exec z sh -c "ps -e -o stat,comm | grep -c Z"'));
    expect(zombies).toBeGreaterThanOrEqual(5);
    expect(outputOf(text, 'docker exec t sh -c "ps -e -o stat,comm | grep -c Z"')).toBe('0\n');
    expect(outputOf(text, 'docker top z')).toContain('[sleep] <defunct>');
  });

  it("ImageMagick's delegates orphaned by the SIGKILL of convert stay zombies under node; under tini they are reaped", () => {
    const { text } = run([
      'docker run -d --name up node:20 node /app/convert-server.js',
      'docker run -d --init --name upi node:20 node /app/convert-server.js',
      'sleep 9',
      'docker exec up ps -e -o pid,ppid,stat,args',
      'docker exec upi ps -e -o pid,ppid,stat,args',
      'docker logs up',
    ]);
    const plain = outputOf(text, 'docker exec up ps -e -o pid,ppid,stat,args');
    expect(plain).toMatch(/\n +\d+ +1 Z +\[gs\] <defunct>\n/);
    expect(outputOf(text, 'docker exec upi ps -e -o pid,ppid,stat,args')).not.toContain('defunct');
    expect(outputOf(text, 'docker logs up')).toContain('took too long, cancelling');
  });
});

describe('supervisord as PID 1 hides a crashing app from docker', () => {
  it('the app fails every 3 s and is restarted; the container stays Up with RestartCount 0; docker stop is clean', () => {
    const { text, took } = run([
      'docker run -d --name sv pidlab/supervisord:4.2',
      'sleep 11',
      'docker ps',
      "docker inspect -f '{{.State.Status}} {{.RestartCount}}' sv",
      'docker top sv',
      'docker stop sv',
      `${CODES} sv`,
      'docker logs sv',
    ]);
    expect(outputOf(text, 'docker ps')).toMatch(
      /pidlab\/supervisord:4\.2 +".*" +.* Up 11 seconds +sv\n/,
    );
    expect(outputOf(text, "docker inspect -f '{{.State.Status}} {{.RestartCount}}' sv")).toBe(
      'running 0\n',
    );
    expect(outputOf(text, 'docker top sv')).toMatch(
      /supervisord -n -c \/etc\/supervisor\/supervisord.conf\n.*\/usr\/local\/bin\/app \/app\/flaky.json\n$/,
    );
    expect(took[5]).toBeLessThanOrEqual(1);
    expect(outputOf(text, `${CODES} sv`)).toBe('/sv 0\n');
    const logs = outputOf(text, 'docker logs sv');
    expect(
      logs.match(/WARN exited: app \(exit status 1; not expected\)/g)?.length,
    ).toBeGreaterThanOrEqual(3);
    expect(logs).not.toContain('FATAL');
    expect(logs).toContain('WARN received SIGTERM indicating exit request\n');
    expect(logs).toMatch(/INFO stopped: app \(exit status 0\)\n$/);
  });
});
