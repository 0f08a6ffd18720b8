import { describe, expect, it } from 'vitest';
import { outputOf, session } from '../../lab/testkit.ts';
import { createLabMachine } from '../../lab/world.ts';
import { runScript } from '../../lab/script.ts';
import type { LabMachine } from '../../lab/machine.ts';
import { DOCKER_BINARIES, DOCKER_FILES, DOCKER_PROGRAMS } from './index.ts';
import { processArgs, parseDockerfile } from './images.ts';
import { psCommand, humanDuration } from './format.ts';

const machine = (): LabMachine =>
  createLabMachine({
    programs: DOCKER_PROGRAMS as never,
    binaries: DOCKER_BINARIES,
    files: DOCKER_FILES,
  });

describe('docker run -d / ps / top / stop', () => {
  it('sleep as PID 1 ignores SIGTERM: docker stop waits 10 s and the exit code is 137', () => {
    const m = machine();
    const { text, took } = session(m, [
      'docker run -d --name s debian:12 sleep 1000',
      'docker ps',
      'docker top s',
      'ps -ef --forest',
      'docker exec s ps -eo pid,ppid,comm',
      'docker stop s',
      "docker inspect -f '{{.State.ExitCode}}' s",
      "docker inspect -f '{{.State.Running}} {{.State.Pid}}' s",
      'docker ps -a',
    ]);
    expect(outputOf(text, 'docker run -d --name s debian:12 sleep 1000')).toMatch(
      /^[0-9a-f]{64}\n$/,
    );
    const ps = outputOf(text, 'docker ps');
    expect(ps).toMatch(/^CONTAINER ID {3}IMAGE {7}COMMAND {8}CREATED/);
    expect(ps).toContain('debian:12   "sleep 1000"');
    expect(ps).toMatch(/Up Less than a second +s\n/);
    const top = outputOf(text, 'docker top s');
    expect(top).toMatch(/^UID +PID +PPID +C +STIME +TTY +TIME +CMD\n/);
    expect(top).toMatch(/root +\d+ +\d+ +0 +08:00 +\? +00:00:00 +sleep 1000\n$/);
    const forest = outputOf(text, 'ps -ef --forest');
    expect(forest).toMatch(
      /\\_ \/usr\/bin\/containerd-shim-runc-v2 -namespace.*\n.* {6}\\_ sleep 1000\n/,
    );
    const exec = outputOf(text, 'docker exec s ps -eo pid,ppid,comm');
    expect(exec).toMatch(/^ +PID +PPID COMMAND\n +1 +0 sleep\n +\d+ +0 ps\n$/);
    expect(took[5]).toBeGreaterThanOrEqual(10);
    expect(took[5]).toBeLessThan(10.5);
    expect(outputOf(text, 'docker stop s')).toBe('s\n');
    expect(outputOf(text, "docker inspect -f '{{.State.ExitCode}}' s")).toBe('137\n');
    expect(outputOf(text, "docker inspect -f '{{.State.Running}} {{.State.Pid}}' s")).toBe(
      'false 0\n',
    );
    expect(outputOf(text, 'docker ps -a')).toMatch(/Exited \(137\) Less than a second ago +s\n/);
  });

  it('docker stop -t 2 kills after 2 s; --stop-timeout sets the default', () => {
    const m = machine();
    const { text, took } = session(m, [
      'docker run -d --name a debian:12 sleep 1000',
      'docker stop -t 2 a',
      'docker run -d --stop-timeout 3 --name b debian:12 sleep 1000',
      'docker stop b',
      'docker wait a b',
    ]);
    expect(took[1]).toBeGreaterThanOrEqual(2);
    expect(took[1]).toBeLessThan(2.5);
    expect(took[3]).toBeGreaterThanOrEqual(3);
    expect(took[3]).toBeLessThan(3.5);
    expect(outputOf(text, 'docker wait a b')).toBe('137\n137\n');
  });

  it('docker kill -s TERM does nothing to sleep as PID 1; docker kill kills it', () => {
    const m = machine();
    const { text } = session(m, [
      'docker run -d --name s debian:12 sleep 1000',
      'docker kill -s TERM s',
      'sleep 2',
      "docker inspect -f '{{.State.Status}}' s",
      'docker kill s',
      'sleep 1',
      "docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' s",
      'docker rm s',
      'docker ps -a',
    ]);
    expect(outputOf(text, 'docker kill -s TERM s')).toBe('s\n');
    expect(outputOf(text, "docker inspect -f '{{.State.Status}}' s")).toBe('running\n');
    expect(outputOf(text, "docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' s")).toBe(
      'exited 137\n',
    );
    expect(outputOf(text, 'docker ps -a')).not.toContain(' s\n');
  });

  it('docker rm refuses a running container, rm -f kills it', () => {
    const m = machine();
    const { text } = session(m, [
      'docker run -d --name s debian:12 sleep 1000',
      'docker rm s; echo $?',
      'docker rm -f s',
      'ps -e | grep -c sleep',
    ]);
    expect(outputOf(text, 'docker rm s; echo $?')).toContain('container is running');
    expect(outputOf(text, 'docker rm s; echo $?')).toContain('\n1\n');
    expect(outputOf(text, 'docker rm -f s')).toBe('s\n');
    expect(outputOf(text, 'ps -e | grep -c sleep')).toBe('0\n');
  });
});

// docker 24's CLI: cli/command/container/list.go checks the template against an empty
// ContainerContext before listing (errors: "failed to parse template: ..." / "failed to
// execute template: ...", status 1); formatter.go strips "table", turns the two characters \t
// into a tab and writes the header (the same template over the header names) and the rows
// through Go's tabwriter; without "table" the rows are printed as they are.
describe('docker ps --format', () => {
  const lines = [
    'docker run -d --name web debian:12 sleep 1000',
    "docker ps --format '{{.ID}} {{.Names}} {{.Image}} {{.Command}} {{.Status}}'",
    "docker ps --format 'table {{.ID}}\\t{{.Names}}\\t{{.Status}}'",
    "docker ps --format 'table {{.Names}} {{.State}}'",
    "docker ps --format '{{.Names}}: {{.CreatedAt}} ({{.RunningFor}}) {{.Size}} {{.Networks}}'",
    "docker ps --format '{{.Foo}}'; echo $?",
    "docker ps -a --format 'table {{.ID}}\\t{{.Nope}}'; echo $?",
    "docker ps --format '{{nosuch .ID}}'; echo $?",
    "docker ps -q --format '{{.Names}}'",
  ];
  it('prints the documented fields, with or without a table, and says which field is unknown', () => {
    const { text } = session(machine(), lines);
    const id = outputOf(text, lines[0]!).slice(0, 12);
    expect(outputOf(text, lines[1]!)).toBe(
      `${id} web debian:12 "sleep 1000" Up Less than a second\n`,
    );
    expect(outputOf(text, lines[2]!)).toBe(
      `CONTAINER ID   NAMES     STATUS\n${id}   web       Up Less than a second\n`,
    );
    expect(outputOf(text, lines[3]!)).toBe('NAMES STATE\nweb running\n');
    expect(outputOf(text, lines[4]!)).toBe(
      'web: 2024-01-01 08:00:00 +0000 UTC (Less than a second ago) 0B (virtual 117MB) bridge\n',
    );
    expect(outputOf(text, lines[5]!)).toBe(
      'failed to execute template: template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.ContainerContext\n1\n',
    );
    expect(outputOf(text, lines[6]!)).toBe(
      'failed to execute template: template: :1:17: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.ContainerContext\n1\n',
    );
    expect(outputOf(text, lines[7]!)).toBe(
      'failed to parse template: template: :1: function "nosuch" not defined\n1\n',
    );
    expect(outputOf(text, lines[8]!)).toBe(
      `WARNING: Ignoring custom format, because both --format and --quiet are set.\n${id}\n`,
    );
  });
});

describe('docker build: shell form vs exec form', () => {
  it('shell-form CMD on Debian: sh -c stays PID 1 and ignores SIGTERM (137 after 10 s)', () => {
    const m = machine();
    const { text, took } = session(m, [
      'docker build -t shellform /root/demo/shell-form',
      'docker run -d --name s shellform',
      'docker top s',
      'docker exec s ps -ef',
      'docker stop s',
      "docker inspect -f '{{.State.ExitCode}}' s",
    ]);
    expect(outputOf(text, 'docker build -t shellform /root/demo/shell-form')).toMatch(
      /^Sending build context to Docker daemon {2}2\.048kB\nStep 1\/2 : FROM debian:12\n ---> [0-9a-f]{12}\nStep 2\/2 : CMD sleep 1000\n ---> Running in [0-9a-f]{12}\nRemoving intermediate container [0-9a-f]{12}\n ---> [0-9a-f]{12}\nSuccessfully built [0-9a-f]{12}\nSuccessfully tagged shellform:latest\n$/,
    );
    expect(outputOf(text, 'docker top s')).toMatch(/\/bin\/sh -c sleep 1000\n.*sleep 1000\n$/);
    const ps = outputOf(text, 'docker exec s ps -ef');
    expect(ps).toMatch(/root +1 +0 .*\/bin\/sh -c sleep 1000\n/);
    expect(ps).toMatch(/root +\d+ +1 .*sleep 1000\n/);
    expect(took[4]).toBeGreaterThanOrEqual(10);
    expect(outputOf(text, "docker inspect -f '{{.State.ExitCode}}' s")).toBe('137\n');
  });

  it('exec-form CMD: sleep is PID 1', () => {
    const m = machine();
    const { text } = session(m, [
      'docker build -t execform /root/demo/exec-form',
      'docker run -d --name s execform',
      'docker exec s ps -eo pid,ppid,args',
      "docker inspect -f '{{.Config.Cmd}} {{.Path}} {{.Args}}' s",
    ]);
    expect(outputOf(text, 'docker exec s ps -eo pid,ppid,args')).toMatch(
      /^ +PID +PPID COMMAND\n +1 +0 sleep 1000\n +\d+ +0 ps -eo pid,ppid,args\n$/,
    );
    expect(outputOf(text, "docker inspect -f '{{.Config.Cmd}} {{.Path}} {{.Args}}' s")).toBe(
      '[sleep 1000] sleep [1000]\n',
    );
  });

  it('alpine shell form: busybox sh execs the command, so sleep is PID 1', () => {
    const m = machine();
    const { text } = session(m, [
      'docker build -t alp /root/demo/alpine-shell-form',
      'docker run -d --name s alp',
      'docker exec s ps -eo pid,ppid,args',
    ]);
    expect(outputOf(text, 'docker exec s ps -eo pid,ppid,args')).toMatch(
      /^ +PID +PPID COMMAND\n +1 +0 sleep 1000\n/,
    );
  });

  it('ENTRYPOINT + CMD, run arguments replace CMD, --entrypoint clears it', () => {
    const m = machine();
    const { text } = session(m, [
      'docker build -t ep /root/demo/entrypoint',
      'docker run -d --name a ep',
      'docker run -d --name b ep 500',
      'docker run -d --name c --entrypoint sleep ep 7',
      "docker inspect -f '{{.Path}} {{.Args}}' a b c",
    ]);
    expect(outputOf(text, "docker inspect -f '{{.Path}} {{.Args}}' a b c")).toBe(
      'sleep [1000]\nsleep [500]\nsleep [7]\n',
    );
  });

  it('STOPSIGNAL of the image is used by docker stop', () => {
    const m = machine();
    const { text, took } = session(m, [
      'docker build -t sk /root/demo/stopsignal',
      'docker run -d --name s sk',
      'docker stop s',
      "docker inspect -f '{{.State.ExitCode}}' s",
    ]);
    expect(took[2]).toBeLessThan(1);
    expect(outputOf(text, "docker inspect -f '{{.State.ExitCode}}' s")).toBe('137\n');
  });
});

describe('docker run in the foreground', () => {
  it('exits with the container exit code; --rm removes it', () => {
    const m = machine();
    const { text } = session(m, [
      "docker run --rm debian:12 sh -c 'exit 3'; echo $?",
      'docker run --name e debian:12 echo hello',
      'docker ps -a',
    ]);
    expect(outputOf(text, "docker run --rm debian:12 sh -c 'exit 3'; echo $?")).toBe('3\n');
    expect(outputOf(text, 'docker run --name e debian:12 echo hello')).toBe('hello\n');
    const ps = outputOf(text, 'docker ps -a');
    expect(ps).toMatch(/"echo hello" .*Exited \(0\)/);
    expect(ps.split('\n').length).toBe(3);
  });

  it('unknown image: 125; unknown command: 127', () => {
    const m = machine();
    const { text } = session(m, [
      'docker run nosuch; echo $?',
      'docker run debian:12 foo; echo $?',
    ]);
    expect(outputOf(text, 'docker run nosuch; echo $?')).toBe(
      "Unable to find image 'nosuch:latest' locally\ndocker: Error response from daemon: pull access denied for nosuch, repository does not exist or may require 'docker login': denied: requested access to the resource is denied.\nSee 'docker run --help'.\n125\n",
    );
    expect(outputOf(text, 'docker run debian:12 foo; echo $?')).toBe(
      'docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "foo": executable file not found in $PATH: unknown.\n127\n',
    );
  });

  it('Ctrl-C is forwarded to PID 1: sleep without a handler ignores it', () => {
    const m = machine();
    const r = runScript(m, 'docker run -it --name s debian:12 sleep 5\n^C\necho done $?', {});
    expect(r.transcript).toMatch(/done 0\n/);
    expect(r.endTime).toBeGreaterThanOrEqual(5e6);
  });

  it('Ctrl-C reaches a shell-form PID 1 with a trap', () => {
    const m = machine();
    const r = runScript(
      m,
      'docker run -it debian:12 sh -c \'trap "exit 42" INT; sleep 5 & wait\'\n^C\necho rc=$?',
    );
    expect(r.transcript).toMatch(/rc=42\n/);
  });

  it('-d --rm: the shim removes the container when it ends; exec of a missing command', () => {
    const m = machine();
    const { text } = session(m, [
      "docker run -d --rm --name r debian:12 sh -c 'sleep 1'",
      'docker exec r nosuch; echo $?',
      'sleep 2',
      'docker ps -a -q | wc -l',
    ]);
    expect(outputOf(text, 'docker exec r nosuch; echo $?')).toBe(
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown\n127\n',
    );
    expect(outputOf(text, 'docker ps -a -q | wc -l')).toBe('0\n');
  });

  it('docker logs shows what a detached container printed', () => {
    const m = machine();
    const { text } = session(m, [
      "docker run -d --name l debian:12 sh -c 'echo one; echo two >&2'",
      'sleep 1',
      'docker logs l',
      'docker wait l',
    ]);
    expect(outputOf(text, 'docker logs l')).toBe('one\ntwo\n');
    expect(outputOf(text, 'docker wait l')).toBe('0\n');
  });
});

describe('PID modes', () => {
  it('--pid host: the container sees host PIDs, --init is not applied', () => {
    const m = machine();
    const { text } = session(m, [
      'docker run -d --pid host --init --name h debian:12 sleep 1000',
      "docker inspect -f '{{.State.Pid}} {{.HostConfig.Init}}' h",
      'docker exec h ps -eo pid,args',
    ]);
    const pid = outputOf(text, "docker inspect -f '{{.State.Pid}} {{.HostConfig.Init}}' h").split(
      ' ',
    )[0];
    expect(outputOf(text, 'docker exec h ps -eo pid,args')).toMatch(
      new RegExp(`\\n +${pid} sleep 1000\\n`),
    );
    expect(outputOf(text, 'docker exec h ps -eo pid,args')).toContain('/sbin/init');
  });

  it('--pid container:NAME joins the namespace of another container', () => {
    const m = machine();
    const { text } = session(m, [
      'docker run -d --name a debian:12 sleep 1000',
      'docker run -d --name b --pid container:a debian:12 sleep 2000',
      'docker exec b ps -eo pid,ppid,args',
    ]);
    expect(outputOf(text, 'docker exec b ps -eo pid,ppid,args')).toMatch(
      / +1 +0 sleep 1000\n +2 +0 sleep 2000\n/,
    );
  });
});

describe('--init (docker-init = tini)', () => {
  it('tini forwards SIGTERM: docker stop is fast and the code is 143', () => {
    const m = machine();
    const { text, took } = session(m, [
      'docker run -d --init --name t debian:12 sleep 1000',
      'docker top t',
      'docker stop t',
      "docker inspect -f '{{.State.ExitCode}}' t",
    ]);
    expect(outputOf(text, 'docker top t')).toMatch(
      /\/sbin\/docker-init -- sleep 1000\n.*sleep 1000\n$/,
    );
    expect(took[2]).toBeLessThan(1);
    expect(outputOf(text, "docker inspect -f '{{.State.ExitCode}}' t")).toBe('143\n');
  });
});

describe('language runtimes as PID 1 (the outcome matrix of §10)', () => {
  it('node without handler 137, node with handler 0, go run 2', () => {
    const m = machine();
    const { text, took } = session(m, [
      'docker run -d --name n node:20 node /app/app-nohandler.js',
      'docker run -d --name h node:20 node /app/app.js',
      'docker run -d --name g -w /app golang:1.19 go run .',
      'sleep 2',
      'docker stop h',
      'docker stop g',
      'docker stop n',
      "docker inspect -f '{{.Name}} {{.State.ExitCode}}' n h g",
      'docker logs h',
    ]);
    expect(took[4]).toBeLessThan(1);
    expect(took[5]).toBeLessThan(1);
    expect(took[6]).toBeGreaterThanOrEqual(10);
    expect(outputOf(text, "docker inspect -f '{{.Name}} {{.State.ExitCode}}' n h g")).toBe(
      '/n 137\n/h 0\n/g 2\n',
    );
    expect(outputOf(text, 'docker logs h')).toContain('pid=1');
  });
});

describe('pure helpers', () => {
  it('ENTRYPOINT/CMD table', () => {
    const sh = ['/bin/sh', '-c'];
    expect(processArgs({ entrypoint: null, cmd: ['a', 'b'] }, [], undefined)).toEqual(['a', 'b']);
    expect(processArgs({ entrypoint: [...sh, 'e'], cmd: ['c'] }, [], undefined)).toEqual([
      ...sh,
      'e',
      'c',
    ]);
    expect(processArgs({ entrypoint: ['e'], cmd: [...sh, 'c'] }, [], undefined)).toEqual([
      'e',
      ...sh,
      'c',
    ]);
    expect(processArgs({ entrypoint: ['e'], cmd: ['c'] }, ['x'], undefined)).toEqual(['e', 'x']);
    expect(processArgs({ entrypoint: ['e'], cmd: ['c'] }, [], 'z')).toEqual(['z']);
  });
  it('Dockerfile continuations and comments', () => {
    expect(parseDockerfile('# c\nFROM a\nRUN x \\\n  y\n\nCMD ["b"]\n').map((i) => i.text)).toEqual(
      ['FROM a', 'RUN x y', 'CMD ["b"]'],
    );
  });
  it('formats', () => {
    expect(psCommand(['/bin/sh', '-c', 'sleep 1000'])).toBe('"/bin/sh -c \'sleep 1…"');
    expect(humanDuration(75e6)).toBe('About a minute');
  });
});
