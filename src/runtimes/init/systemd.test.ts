import { describe, expect, it } from 'vitest';
import { outputOf, session } from '../../lab/testkit.ts';
import { createLabMachine } from '../../lab/world.ts';
import { runScript } from '../../lab/script.ts';
import { parseSec, parseServiceUnit } from './systemd.ts';

const NS = 'container=docker unshare --pid --fork --mount-proc';

function run(script: string, files: Record<string, string> = {}): string {
  const m = createLabMachine({ files });
  const r = runScript(m, script);
  expect(r.finished).toBe(true);
  return r.transcript;
}

/** Runs lines on a fresh machine with these extra files. */
const runLines = (lines: readonly string[], files: Record<string, string> = {}) =>
  session(createLabMachine({ files }), lines);

const BANNER =
  'systemd 252.39-1~deb12u2 running in system mode (+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP +GCRYPT -GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT +QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK -XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified)\n' +
  'Detected virtualization docker.\n' +
  'Detected architecture x86-64.\n';

const BOOT =
  BANNER +
  '\nWelcome to Debian GNU/Linux 12 (bookworm)!\n\n' +
  'Queued start job for default target multi-user.target.\n' +
  '[  OK  ] Started app.service - Example app.\n' +
  '[  OK  ] Reached target multi-user.target - Multi-User System.\n' +
  'app pid=2 ppid=1 started\n';

/** A unit file under /etc/systemd/system, enabled for multi-user.target (app.service too). */
function unit(name: string, text: string): Record<string, string> {
  return {
    [`/etc/systemd/system/${name}`]: text,
    [`/etc/systemd/system/multi-user.target.wants/${name}`]: text,
  };
}

describe('systemd 252 as a container PID 1 (docker run pidlab/systemd:12)', () => {
  it('boots, starts app.service as PID 2; docker stop: SIGTERM re-executes systemd, SIGKILL after 10 s, 137', () => {
    const { text, took } = runLines([
      'docker run -d --name sd pidlab/systemd:12',
      'sleep 2',
      'docker exec sd ps -eo pid,ppid,args',
      'docker stop sd',
      "docker inspect -f '{{.State.ExitCode}}' sd",
      'docker logs sd',
    ]);
    expect(outputOf(text, 'docker exec sd ps -eo pid,ppid,args')).toMatch(
      /^ +PID +PPID COMMAND\n +1 +0 \/lib\/systemd\/systemd\n +2 +1 \/usr\/local\/bin\/app \/app\/app.json\n/,
    );
    expect(took[3]).toBeGreaterThanOrEqual(10);
    expect(took[3]).toBeLessThan(10.5);
    expect(outputOf(text, "docker inspect -f '{{.State.ExitCode}}' sd")).toBe('137\n');
    expect(outputOf(text, 'docker logs sd')).toBe(`${BOOT}Reexecuting.\n${BANNER}`);
  });

  it('after SIGTERM it runs as "systemd --system --deserialize N" and the service lives on', () => {
    const { text } = runLines([
      'docker run -d --name sd pidlab/systemd:12',
      'sleep 1',
      'docker kill -s TERM sd',
      'sleep 1',
      'docker exec sd ps -eo pid,args',
    ]);
    expect(outputOf(text, 'docker exec sd ps -eo pid,args')).toMatch(
      /\n +1 \/lib\/systemd\/systemd --system --deserialize \d+\n +2 \/usr\/local\/bin\/app \/app\/app.json\n/,
    );
  });

  it('--stop-signal SIGRTMIN+3 halts: KillSignal to the service, systemd-shutdown, exit 0 at once', () => {
    const { text, took } = runLines([
      'docker run -d --name sd --stop-signal SIGRTMIN+3 pidlab/systemd:12',
      'sleep 1',
      'docker stop sd',
      "docker inspect -f '{{.State.ExitCode}}' sd",
      'docker logs sd',
    ]);
    expect(took[2]).toBeLessThan(1.5);
    expect(outputOf(text, "docker inspect -f '{{.State.ExitCode}}' sd")).toBe('0\n');
    expect(outputOf(text, 'docker logs sd')).toBe(
      `${BOOT}[  OK  ] Stopped target multi-user.target - Multi-User System.\n` +
        '         Stopping app.service - Example app...\n' +
        'app: SIGTERM received, draining\n' +
        'app.service: Deactivated successfully.\n' +
        '[  OK  ] Stopped app.service - Example app.\n' +
        '[  OK  ] Reached target halt.target - System Halt.\n' +
        'Sending SIGTERM to remaining processes...\n' +
        'Sending SIGKILL to remaining processes...\n' +
        'Halting system.\n' +
        'Exiting container.\n',
    );
  });

  it('docker run -it + Ctrl-C: SIGINT (ctrl-alt-del) reboots, which ends the container with 0', () => {
    const m = createLabMachine();
    const r = runScript(m, 'docker run -it --name sd pidlab/systemd:12\n^C\necho rc=$?');
    expect(r.transcript).toContain(
      'app pid=2 ppid=1 started\n^C[  OK  ] Stopped target multi-user.target - Multi-User System.\n',
    );
    expect(r.transcript).toContain(
      '[  OK  ] Reached target reboot.target - System Reboot.\n' +
        'Sending SIGTERM to remaining processes...\n' +
        'Sending SIGKILL to remaining processes...\n' +
        'Rebooting.\n' +
        'Exiting container.\n',
    );
    expect(r.transcript).toContain('rc=0');
  });

  it('blocks its signals and reads them from a signalfd: SigBlk has them, SigCgt only CHLD', () => {
    const { text } = runLines([
      'docker run -d --name sd pidlab/systemd:12',
      'sleep 3',
      'docker exec sd grep -E "SigBlk|SigCgt|SigIgn" /proc/1/status',
    ]);
    const out = outputOf(text, 'docker exec sd grep -E "SigBlk|SigCgt|SigIgn" /proc/1/status');
    // CHLD HUP INT USR1 USR2 TERM WINCH PWR + RTMIN+0..6, 13..16, 20..24, 26..29: the value a
    // real systemd 252 PID 1 shows.
    expect(out).toBe(
      'SigBlk:\t7be3c0fe28014a03\nSigIgn:\t0000000000001000\nSigCgt:\t0000000000010000\n'.replace(
        /\t/g,
        ' ',
      ),
    );
  });
});

describe('systemd services', () => {
  it('Restart=on-failure restarts a failing service until StartLimitBurst; systemd keeps running', () => {
    const t = run(
      `${NS} /lib/systemd/systemd </dev/null &
sleep 5
ps -e -o pid,ppid,args`,
      unit(
        'crash.service',
        '[Unit]\nDescription=Crashing app\n\n[Service]\nExecStart=/usr/local/bin/app /app/crash.json\nRestart=on-failure\nStandardOutput=journal+console\n',
      ),
    );
    expect(t.match(/Started crash.service - Crashing app\./g)).toHaveLength(5);
    expect(t).toContain('crash.service: Main process exited, code=exited, status=1/FAILURE\n');
    expect(t).toContain("crash.service: Failed with result 'exit-code'.\n");
    expect(t).toContain('crash.service: Scheduled restart job, restart counter is at 4.\n');
    expect(t).toContain(
      'crash.service: Scheduled restart job, restart counter is at 5.\n' +
        '[  OK  ] Stopped crash.service - Crashing app.\n' +
        'crash.service: Start request repeated too quickly.\n' +
        "crash.service: Failed with result 'start-limit-hit'.\n" +
        '[FAILED] Failed to start crash.service - Crashing app.\n' +
        "See 'systemctl status crash.service' for details.\n",
    );
    // The init is still up: an orchestrator sees a running container.
    expect(t).toMatch(/\n +4 +3 \/lib\/systemd\/systemd\n/);
  });

  it('TimeoutStopSec: a service that ignores KillSignal is SIGKILLed when the halt times out', () => {
    const t = run(
      `${NS} /lib/systemd/systemd </dev/null &
sleep 1
kill -s RTMIN+3 $(($! + 1))
wait $!; echo rc=$?`,
      {
        ...unit(
          'stubborn.service',
          '[Unit]\nDescription=Stubborn\n[Service]\nExecStart=/usr/local/bin/app /app/stubborn.json\nTimeoutStopSec=3s\n',
        ),
        '/app/stubborn.json': '{"signals": {"SIGTERM": {"action": "ignore"}}}',
      },
    );
    expect(t).toContain('         Stopping stubborn.service - Stubborn...\n');
    expect(t).toContain(
      'stubborn.service: Stopping timed out. Killing.\n' +
        'stubborn.service: Killing process 3 (app) with signal SIGKILL.\n' +
        'stubborn.service: Main process exited, code=killed, status=9/KILL\n' +
        "stubborn.service: Failed with result 'timeout'.\n" +
        '[  OK  ] Stopped stubborn.service - Stubborn.\n',
    );
    expect(t).toContain('rc=0');
  });

  it('SIGINT starts ctrl-alt-del.target: a reboot, which in a container exits 0', () => {
    const t = run(`${NS} /lib/systemd/systemd </dev/null &
sleep 1
kill -INT $(($! + 1))
wait $!; echo rc=$?`);
    expect(t).toContain('[  OK  ] Reached target reboot.target - System Reboot.\n');
    expect(t).toContain('Rebooting.\nExiting container.\n');
    expect(t).toContain('rc=0');
  });

  it('more than 7 SIGINTs within 2 s force a reboot at once', () => {
    // (Sent 0.1 s apart: standard signals sent while one is pending coalesce into one.)
    const t = run(
      `${NS} /lib/systemd/systemd </dev/null &
sleep 1
for i in 1 2 3 4 5 6 7 8; do kill -INT $(($! + 1)); sleep 0.1; done
wait $!; echo rc=$?`,
      {
        ...unit(
          'stubborn.service',
          '[Service]\nExecStart=/usr/local/bin/app /app/stubborn.json\nTimeoutStopSec=30s\n',
        ),
        '/app/stubborn.json': '{"signals": {"SIGTERM": {"action": "ignore"}}}',
      },
    );
    expect(t).toContain('         Stopping stubborn.service...\n');
    expect(t).toContain(
      'Forcibly rebooting: Ctrl-Alt-Del was pressed more than 7 times within 2s\n' +
        '[  !!  ] Forcibly rebooting: Ctrl-Alt-Del was pressed more than 7 times within 2s\n' +
        'Sending SIGTERM to remaining processes...\n',
    );
    expect(t).toContain('Rebooting.\nExiting container.\n');
    expect(t).toContain('rc=0');
  });

  it('reaps orphans adopted by PID 1', () => {
    const t = run(
      `${NS} /lib/systemd/systemd </dev/null &
sleep 3
ps -e -o pid,ppid,stat,args`,
      unit('spawner.service', `[Service]\nExecStart=/bin/sh -c 'sh -c "sleep 1 &"; sleep 1000'\n`),
    );
    expect(t).toContain('[  OK  ] Started spawner.service.\n');
    expect(t).toMatch(/sleep 1000\n/);
    expect(t).not.toContain('defunct');
  });

  it('an ExecStart that cannot be executed: status 203/EXEC', () => {
    const t = run(
      `${NS} /lib/systemd/systemd </dev/null &
sleep 1`,
      unit('missing.service', '[Service]\nExecStart=/usr/bin/nosuch --flag\n'),
    );
    expect(t).toContain(
      'missing.service: Failed to locate executable /usr/bin/nosuch: No such file or directory\n' +
        'missing.service: Failed at step EXEC spawning /usr/bin/nosuch: No such file or directory\n',
    );
    expect(t).toContain(
      'missing.service: Main process exited, code=exited, status=203/EXEC\n' +
        "missing.service: Failed with result 'exit-code'.\n",
    );
  });

  it('SIGHUP reloads the unit files', () => {
    const t = run(`${NS} /lib/systemd/systemd </dev/null &
sleep 1
kill -HUP $(($! + 1))
sleep 1`);
    expect(t).toContain('Reloading.\n');
  });

  it('refuses to run as a system manager when it is not PID 1', () => {
    const t = run('/lib/systemd/systemd; echo rc=$?');
    expect(t).toContain(
      'Trying to run as user instance, but the system has not been booted with systemd.\nrc=1',
    );
  });
});

describe('unit files', () => {
  it('defaults and values', () => {
    const { unit: u, warnings } = parseServiceUnit(
      'a.service',
      '[Unit]\nDescription=A\n[Service]\nExecStart=/bin/a "x y"\nRestart=always\nRestartSec=2\nKillSignal=SIGINT\nTimeoutStopSec=1min 30s\n',
      '/etc/systemd/system/a.service',
    );
    expect(warnings).toEqual([]);
    expect(u).toMatchObject({
      description: 'A',
      execStart: ['/bin/a', 'x y'],
      restart: 'always',
      restartSec: 2e6,
      killSignal: 2,
      timeoutStop: 90e6,
      killMode: 'control-group',
      startLimitBurst: 5,
    });
  });
  it('logs what it ignores and refuses a service without ExecStart', () => {
    const r = parseServiceUnit(
      'b.service',
      '[Service]\nRestart=sometimes\nFoo=1\n',
      '/etc/systemd/system/b.service',
    );
    expect(r.unit).toBeNull();
    expect(r.warnings).toEqual([
      '/etc/systemd/system/b.service:2: Failed to parse service restart specifier, ignoring: sometimes',
      "/etc/systemd/system/b.service:3: Unknown key 'Foo' in section [Service], ignoring.",
      'b.service: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.',
    ]);
  });
  it('parse_sec', () => {
    expect(parseSec('90')).toBe(90e6);
    expect(parseSec('100ms')).toBe(1e5);
    expect(parseSec('5min')).toBe(300e6);
    expect(parseSec('infinity')).toBeNull();
    expect(parseSec('abc')).toBeUndefined();
  });
});
