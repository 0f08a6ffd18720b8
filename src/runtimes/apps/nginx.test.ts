import { describe, expect, it } from 'vitest';
import { outputOf, session } from '../../lab/testkit.ts';
import { createLabMachine } from '../../lab/world.ts';
import { parseNginxConf } from './nginx.ts';

/** Runs lines on a fresh machine with these extra files. */
const run = (lines: readonly string[], files: Record<string, string> = {}) =>
  session(createLabMachine({ files }), lines);

const START =
  '/docker-entrypoint.sh: No files found in /docker-entrypoint.d/, skipping configuration\n' +
  '2024/01/01 08:00:00 [notice] 1#1: using the "epoll" event method\n' +
  '2024/01/01 08:00:00 [notice] 1#1: nginx/1.25.5\n' +
  '2024/01/01 08:00:00 [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14)\n' +
  '2024/01/01 08:00:00 [notice] 1#1: OS: Linux 6.1.0-18-amd64\n' +
  '2024/01/01 08:00:00 [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576\n' +
  '2024/01/01 08:00:00 [notice] 1#1: start worker processes\n' +
  '2024/01/01 08:00:00 [notice] 1#1: start worker process 2\n' +
  '2024/01/01 08:00:00 [notice] 1#1: start worker process 3\n';

describe('nginx 1.25 in its official image', () => {
  it('master is PID 1 with two workers (worker_processes auto on 2 CPUs)', () => {
    const { text } = run([
      'docker run -d --name web nginx:1.25',
      'sleep 1',
      'docker exec web ps -eo pid,ppid,args',
      'docker logs web',
    ]);
    expect(outputOf(text, 'docker exec web ps -eo pid,ppid,args')).toMatch(
      /^ +PID +PPID COMMAND\n +1 +0 nginx: master process nginx -g daemon off;\n +2 +1 nginx: worker process\n +3 +1 nginx: worker process\n/,
    );
    expect(outputOf(text, 'docker logs web')).toBe(START);
  });

  it('the master catches the signals nginx uses and ignores SIGPIPE and SIGSYS (as nginx 1.22 here)', () => {
    const { text } = run([
      'docker run -d --name web nginx:1.25',
      "docker exec web grep -E 'SigBlk|SigIgn|SigCgt' /proc/1/status",
    ]);
    expect(outputOf(text, "docker exec web grep -E 'SigBlk|SigIgn|SigCgt' /proc/1/status")).toBe(
      'SigBlk: 0000000000000000\nSigIgn: 0000000040001000\nSigCgt: 0000000018016a07\n',
    );
  });

  it('docker stop sends the image STOPSIGNAL SIGQUIT: graceful shutdown, exit 0 at once', () => {
    const { text, took } = run([
      'docker run -d --name web nginx:1.25',
      'sleep 1',
      'docker stop web',
      "docker inspect -f '{{.State.ExitCode}}' web",
      'docker logs web',
    ]);
    expect(took[2]).toBeLessThan(1);
    expect(outputOf(text, "docker inspect -f '{{.State.ExitCode}}' web")).toBe('0\n');
    expect(outputOf(text, 'docker logs web')).toBe(
      START +
        '2024/01/01 08:00:01 [notice] 1#1: signal 3 (SIGQUIT) received, shutting down\n' +
        '2024/01/01 08:00:01 [notice] 2#2: gracefully shutting down\n' +
        '2024/01/01 08:00:01 [notice] 2#2: exiting\n' +
        '2024/01/01 08:00:01 [notice] 2#2: exit\n' +
        '2024/01/01 08:00:01 [notice] 3#3: gracefully shutting down\n' +
        '2024/01/01 08:00:01 [notice] 3#3: exiting\n' +
        '2024/01/01 08:00:01 [notice] 3#3: exit\n' +
        '2024/01/01 08:00:01 [notice] 1#1: signal 17 (SIGCHLD) received from 2\n' +
        '2024/01/01 08:00:01 [notice] 1#1: worker process 2 exited with code 0\n' +
        '2024/01/01 08:00:01 [notice] 1#1: worker process 3 exited with code 0\n' +
        '2024/01/01 08:00:01 [notice] 1#1: exit\n',
    );
  });

  it('SIGTERM is a fast shutdown; SIGHUP starts new workers and retires the old ones', () => {
    const { text } = run([
      'docker run -d --name web nginx:1.25',
      'docker kill -s HUP web',
      'sleep 1',
      'docker exec web ps -eo pid,args',
      'docker kill -s TERM web',
      'sleep 1',
      "docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' web",
      'docker logs web',
    ]);
    expect(outputOf(text, 'docker exec web ps -eo pid,args')).toMatch(
      /\n +1 nginx: master process nginx -g daemon off;\n +4 nginx: worker process\n +5 nginx: worker process\n/,
    );
    const logs = outputOf(text, 'docker logs web');
    expect(logs).toContain(
      '[notice] 1#1: signal 1 (SIGHUP) received, reconfiguring\n' +
        '2024/01/01 08:00:00 [notice] 1#1: reconfiguring\n' +
        '2024/01/01 08:00:00 [notice] 1#1: using the "epoll" event method\n' +
        '2024/01/01 08:00:00 [notice] 1#1: start worker processes\n' +
        '2024/01/01 08:00:00 [notice] 1#1: start worker process 4\n' +
        '2024/01/01 08:00:00 [notice] 1#1: start worker process 5\n' +
        '2024/01/01 08:00:00 [notice] 2#2: gracefully shutting down\n',
    );
    expect(logs).toContain(
      '[notice] 1#1: signal 15 (SIGTERM) received, exiting\n' +
        '2024/01/01 08:00:01 [notice] 4#4: exiting\n' +
        '2024/01/01 08:00:01 [notice] 4#4: exit\n',
    );
    expect(outputOf(text, "docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' web")).toBe(
      'exited 0\n',
    );
  });

  it('nginx -s reload (docker exec) signals the master named in the pid file', () => {
    const { text } = run([
      'docker run -d --name web nginx:1.25',
      'docker exec web nginx -s reload',
      'sleep 1',
      'docker logs web',
    ]);
    expect(outputOf(text, 'docker logs web')).toMatch(
      /\[notice\] 1#1: signal 1 \(SIGHUP\) received from \d+, reconfiguring\n/,
    );
  });

  it('a killed worker is replaced; the master reaps it', () => {
    const { text } = run([
      'docker run -d --name web nginx:1.25',
      'docker exec web kill -KILL 2',
      'sleep 1',
      'docker logs web',
      'docker exec web ps -eo pid,stat,args',
    ]);
    expect(outputOf(text, 'docker logs web')).toMatch(
      /\[notice\] 1#1: signal 17 \(SIGCHLD\) received from 2\n.*\[alert\] 1#1: worker process 2 exited on signal 9\n.*\[notice\] 1#1: start worker process \d+\n.*\[notice\] 1#1: signal 29 \(SIGIO\) received\n$/,
    );
    expect(outputOf(text, 'docker exec web ps -eo pid,stat,args')).not.toContain('defunct');
  });

  it('as PID 1 the master reaps orphans too ("unknown process")', () => {
    const { text } = run([
      'docker run -d --name web nginx:1.25',
      "docker exec web sh -c 'sleep 1 &'",
      'sleep 2',
      'docker logs web',
      'docker exec web ps -eo stat,args',
    ]);
    expect(outputOf(text, 'docker logs web')).toMatch(
      /\[notice\] 1#1: signal 17 \(SIGCHLD\) received from (\d+)\n.*\[notice\] 1#1: unknown process \1 exited with code 0\n/,
    );
    expect(outputOf(text, 'docker exec web ps -eo stat,args')).not.toContain('defunct');
  });

  it('without "daemon off;" nginx daemonizes: PID 1 exits 0 and the container is gone', () => {
    const { text } = run([
      'docker run -d --name d nginx:1.25 nginx',
      'sleep 1',
      "docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' d",
    ]);
    expect(outputOf(text, "docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' d")).toBe(
      'exited 0\n',
    );
  });
});

describe('nginx outside a container', () => {
  it('workers have no parent-death signal: after SIGKILL of the master they live on under init', () => {
    const { text } = run([
      'nginx -g "daemon off; error_log /dev/stderr warn;" &',
      'sleep 1',
      'kill -KILL $!',
      'sleep 1',
      'ps -eo pid,ppid,args | grep "nginx: [w]orker"',
    ]);
    expect(outputOf(text, 'ps -eo pid,ppid,args | grep "nginx: [w]orker"')).toMatch(
      /^ +\d+ +1 nginx: worker process\n +\d+ +1 nginx: worker process\n$/,
    );
  });

  it('-t checks the config; errors are [emerg]', () => {
    const { text } = run(
      ['nginx -t; echo rc=$?', 'nginx -c /etc/bad.conf; echo rc=$?', 'nginx -v'],
      { '/etc/bad.conf': 'worker_processes many;\n' },
    );
    expect(outputOf(text, 'nginx -t; echo rc=$?')).toBe(
      'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\nrc=0\n',
    );
    expect(outputOf(text, 'nginx -c /etc/bad.conf; echo rc=$?')).toBe(
      'nginx: [emerg] invalid value "many" in /etc/bad.conf:1\nrc=1\n',
    );
    expect(outputOf(text, 'nginx -v')).toBe('nginx version: nginx/1.25.5\n');
  });

  it('parses the directives of the process model', () => {
    expect(
      parseNginxConf('worker_processes 4;\nevents { worker_connections 1; }\n', 'f', 'daemon off;'),
    ).toEqual({
      workers: 4,
      daemon: false,
      errorLog: '/var/log/nginx/error.log',
      level: 'error',
      pidFile: '/run/nginx.pid',
    });
    expect(parseNginxConf('daemon maybe;', 'f', '')).toBe(
      'invalid value "maybe" in "daemon" directive, it must be "on" or "off" in f:1',
    );
  });
});
