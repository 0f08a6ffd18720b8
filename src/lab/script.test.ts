/**
 * Transcript tests: scripts typed at the lab's root prompt, compared with what a Debian 12 host
 * prints. The expected outputs follow the real-kernel cases in ../shared/reference/real-kernel
 * (case numbers in the test names) and semantics.md.
 */
import { describe, expect, it } from 'vitest';
import { createLabMachine } from './world.ts';
import { runScript } from './script.ts';

const run = (script: string): string => runScript(createLabMachine(), script).transcript;

/** The output that follows the command line `line` in a transcript, up to the next prompt. */
function outputOf(transcript: string, line: string): string {
  const start = transcript.indexOf(`root@host:~# ${line}\n`);
  if (start < 0) throw new Error(`no command line '${line}' in:\n${transcript}`);
  const rest = transcript.slice(start + `root@host:~# ${line}\n`.length);
  const end = rest.indexOf('root@host:~#');
  return end < 0 ? rest : rest.slice(0, end);
}

describe('--help', () => {
  // Each of these says "Try 'X --help' for more information." after a bad option: the hint works.
  it.each(['cat', 'env', 'grep', 'ls', 'tail', 'wc', 'timeout', 'nsenter', 'setsid', 'setpriv'])(
    '%s --help prints its usage and the options the lab models, status 0',
    (cmd) => {
      const line = `${cmd} --help; echo status $?`;
      const out = outputOf(run(line), line);
      expect(out).toMatch(new RegExp(`^\\n?Usage:\\n? ${cmd} `));
      expect(out).toContain(`The lab's ${cmd} understands: `);
      expect(out).toMatch(new RegExp(`For more details see ${cmd}\\(1\\)\\.\\nstatus 0\\n$`));
    },
  );

  it('is the program’s own option after the program to run', () => {
    const line = "setsid -w sh -c 'echo $1' sh --help; timeout 5 sh -c 'echo $1' sh --help";
    expect(outputOf(run(line), line)).toBe('--help\n--help\n');
  });
});

describe('the terminal, checked against the real kernel', () => {
  it('setpriv runs a command as another user: kill by UID 4242 is EPERM (fidelity 10-rules:16-18)', () => {
    const line =
      "unshare --pid --fork --mount-proc sh -c 'sleep 30 & sleep 0.1; setpriv --reuid=4242 --regid=4242 --clear-groups kill $!; echo $?; kill $!; wait $!; echo $?'";
    expect(outputOf(run(line), line)).toBe(
      'kill: (2): Operation not permitted\n1\nTerminated\n143\n',
    );
    const errors = 'setpriv; echo $?; setpriv --reuid=4242 --regid=4242 true; echo $?';
    expect(outputOf(run(errors), errors)).toBe(
      'setpriv: No program specified\n1\n' +
        'setpriv: --[re]gid requires --keep-groups, --clear-groups, --init-groups, or --groups\n1\n',
    );
  });

  it('a foreground pipeline after 12,000 zombie children runs to its end (each is reaped on the way)', () => {
    // Waiting for `ps | wc -l`, the shell reaps the zombies of its background jobs; it used to
    // stop after 10,000 in one step and take the pipeline for done, so the namespace died
    // (its PID 1 exited) before ps printed anything.
    const line =
      "unshare --pid --fork --mount-proc sh -c 'i=0; while [ $i -lt 12000 ]; do sleep 0 & i=$((i+1)); done; echo filled $i; ps | wc -l; echo st $?'";
    expect(outputOf(run(line), line)).toMatch(/^filled 12000\n\d+\nst 0\n$/);
  });

  it('the acceptance case: sh as PID 1 of a new namespace, its sleeps, and ps (issue 4)', () => {
    const line =
      "unshare --pid --fork --mount-proc sh -c 'sleep 100 & sleep 200 & sleep 0.2; ps -o pid,ppid,stat,comm'";
    expect(outputOf(run(line), line)).toBe(
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

  it('case 05: an orphan is adopted by PID 1 of its namespace', () => {
    const line = `unshare --pid --fork --mount-proc sh -c 'sh -c "sleep 3 & exit 0"; sleep 0.5; ps -o pid,ppid,stat,comm'`;
    expect(outputOf(run(line), line)).toBe(
      [
        '    PID    PPID STAT COMMAND',
        '      1       0 S+   sh',
        '      3       1 S+   sleep',
        '      5       1 R+   ps',
        '',
      ].join('\n'),
    );
  });

  it('case 10: kill -9 1 and kill -TERM 1 from PID 1 itself are dropped and return 0', () => {
    const line = `unshare --pid --fork --mount-proc sh -c 'kill -9 1; kill -TERM 1; echo still alive, status $?'`;
    expect(outputOf(run(line), line)).toBe('still alive, status 0\n');
  });

  it('case 15: kill -TERM -1 from inside spares PID 1 and the sender', () => {
    const line = `unshare --pid --fork --mount-proc sh -c 'sleep 10 & sleep 10 & sh -c "kill -TERM -1"; sleep 0.1; ps -o pid,ppid,stat,comm'`;
    expect(outputOf(run(line), line)).toBe(
      [
        '    PID    PPID STAT COMMAND',
        '      1       0 S+   sh',
        '      6       1 R+   ps',
        '',
      ].join('\n'),
    );
  });

  it('case 04/14: a PID 1 that never waits (sleep) leaves the orphan a zombie; nsenter shows PPID 0', () => {
    const t = run(
      [
        `unshare --pid --fork --mount-proc sh -c 'sh -c "sleep 0.1 &"; exec sleep 2' &`,
        'sleep 0.5',
        'nsenter -t $(($! + 1)) -p -m ps -o pid,ppid,stat,comm',
        'wait',
      ].join('\n'),
    );
    expect(outputOf(t, 'nsenter -t $(($! + 1)) -p -m ps -o pid,ppid,stat,comm')).toBe(
      [
        '    PID    PPID STAT COMMAND',
        '      1       0 S+   sleep',
        '      3       1 Z+   sleep',
        '      4       0 R+   ps',
        '',
      ].join('\n'),
    );
  });

  it('a process reading its own /proc/self/status sees itself running (R)', () => {
    const line = 'grep State /proc/self/status';
    expect(outputOf(run(line), line)).toBe('State:  R (running)\n'); // the tab, as a terminal shows it
  });

  it('Ctrl-C reaches the foreground job, not the shell; $? is 130', () => {
    const t = run(['sleep 100', '^C', 'echo $?'].join('\n'));
    expect(t).toContain('root@host:~# sleep 100\n^C\nroot@host:~# echo $?\n130\n');
  });

  // bash jobs.c wait_for(): a foreground job killed by SIGINT in a list or a loop makes the
  // interactive shell act as if it got the SIGINT (ADDINTERRUPT, throw_to_top_level) unless
  // SIGINT is trapped outside a loop. Fidelity cases 11-keys:1-3 and :12.
  it('tty/isig: ^C to a job in a list (;, &&, ||) abandons the rest of the line, $? 130', () => {
    for (const line of ['sleep 100; echo not reached', 'sleep 100 || echo not reached']) {
      const t = run([line, '^C', 'echo $?'].join('\n'));
      expect(t).toContain(`root@host:~# ${line}\n^C\nroot@host:~# echo $?\n130\n`);
    }
  });

  it('tty/isig: ^C to a job in a loop abandons the loop, even with SIGINT trapped', () => {
    const line = "trap 'echo trapped' INT; for i in 1 2; do sleep 100; echo $i; done";
    const t = run([line, '^C', 'echo $?'].join('\n'));
    expect(t).toContain(`root@host:~# ${line}\n^C\nroot@host:~# echo $?\n130\n`);
  });

  it('tty/isig: with SIGINT trapped, ^C to a job in a list only ends that job (no trap runs)', () => {
    const line = "trap 'echo trapped' INT; sleep 100; echo status $?";
    expect(outputOf(run([line, '^C'].join('\n')), line)).toBe('^C\nstatus 130\n');
  });

  // bash's current (+) and previous (-) job, jobs.c set_current_job/reset_current: fidelity
  // cases 11-keys:21-26 (^Z pressed while a line runs).
  it('sig/stop: a stopped job stays current (+) when a job is started in the background', () => {
    const line = 'sleep 5; sleep 7 & sleep 0.1; jobs; kill %1 %2; x=$(sleep 0.1); jobs';
    expect(outputOf(run([line, '^Z'].join('\n')), line)).toBe(
      [
        '^Z',
        '[1]+  Stopped                 sleep 5',
        '[2] 4',
        '[1]+  Stopped                 sleep 5',
        '[2]-  Running                 sleep 7 &',
        // The jobs reported dead are deleted after the list: their marks are those of before.
        '[1]+  Terminated              sleep 5',
        '[2]-  Terminated              sleep 7',
        '',
      ].join('\n'),
    );
  });

  it('sig/cldstop: bash sees a job continue (WCONTINUED) and resets its current job', () => {
    // After `bg %1` the last stopped job (2) is current; the newest running one (3) is previous.
    const line =
      'sleep 5; sleep 6; sleep 8 & sleep 0.1; bg %1; sleep 0.1; jobs; kill %1 %2 %3; x=$(sleep 0.1)';
    expect(outputOf(run([line, '^Z', '^Z'].join('\n')), line)).toBe(
      [
        '^Z',
        '[1]+  Stopped                 sleep 5',
        '^Z',
        '[2]+  Stopped                 sleep 6',
        '[3] 5',
        '[1]- sleep 5 &',
        '[1]   Running                 sleep 5 &',
        '[2]+  Stopped                 sleep 6',
        '[3]-  Running                 sleep 8 &',
        // At the prompt: all three reported, then deleted (notify_and_cleanup).
        '[1]   Terminated              sleep 5',
        '[2]+  Terminated              sleep 6',
        '[3]-  Terminated              sleep 8',
        '',
      ].join('\n'),
    );
  });

  it('is deterministic: the same script gives the same transcript and trace', () => {
    const script = ['sleep 1 &', 'sh -c "sleep 0.2 & exit 3"', 'echo $?', 'jobs', 'wait'].join(
      '\n',
    );
    const a = runScript(createLabMachine(), script);
    const b = runScript(createLabMachine(), script);
    expect(b.transcript).toBe(a.transcript);
    expect(
      JSON.stringify(b.trace, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
    ).toBe(JSON.stringify(a.trace, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    expect(a.transcript).toContain('echo $?\n3\n');
  });
});

describe('several terminals', () => {
  it('a second terminal has its own shell and sees the first one’s processes', () => {
    const m = createLabMachine();
    const second = m.openTerminal();
    expect(second.name).toBe('pts/1');
    m.type('sleep 100 &\r');
    m.runUntilPrompt();
    m.type('ps -e -o pid,tty,stat,comm\r', second.tty);
    m.runUntilPrompt(undefined, second.tty);
    const out = m.output(second.tty);
    expect(out).toMatch(/ +\d+ pts\/0 +S +sleep\n/);
    expect(out).toMatch(/ +\d+ pts\/1 +R\+ +ps\n/);
    expect(m.output()).toContain('[1] ');
  });

  it('after the login shell exits, a new login on the same terminal works', () => {
    const m = createLabMachine();
    m.type('exit\r');
    m.settle();
    expect(m.shellAlive()).toBe(false);
    const again = m.relogin(m.tty);
    m.runUntilPrompt(undefined, again.tty);
    m.type('echo back\r');
    m.runUntilPrompt();
    expect(m.output()).toMatch(/logout\n[\s\S]*root@host:~# echo back\nback\n/);
  });

  it('mkdir, touch, chmod, rm and rmdir work on the file system, with coreutils messages', () => {
    const t = run(
      [
        'mkdir -p /tmp/d/e && touch /tmp/d/e/f && ls /tmp/d/e',
        'mkdir /tmp/d; rmdir /tmp/d; rm /tmp/d',
        "printf '#!/bin/sh\\necho run\\n' > /tmp/s.sh; /tmp/s.sh; chmod +x /tmp/s.sh; /tmp/s.sh",
        'rm -r /tmp/d; ls /tmp/d',
      ].join('\n'),
    );
    expect(t).toContain('ls /tmp/d/e\nf\n');
    expect(t).toContain(
      "mkdir: cannot create directory \u2018/tmp/d\u2019: File exists\nrmdir: failed to remove '/tmp/d': Directory not empty\nrm: cannot remove '/tmp/d': Is a directory\n",
    );
    expect(t).toContain('-bash: /tmp/s.sh: Permission denied\nrun\n');
    expect(t).toContain("ls: cannot access '/tmp/d': No such file or directory\n");
  });
});
