import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Kernel } from '../kernel-sim/index.ts';
import { SHELL_BINARIES, SHELL_PROGRAMS } from './programs.ts';
import { machine, runScript } from './testkit.ts';

describe('robustness', () => {
  it('arbitrary -c strings never break the shell or the kernel', () => {
    const piece = fc.constantFrom(
      'echo a',
      'sleep 1',
      ' ; ',
      ' && ',
      ' || ',
      ' | ',
      ' & ',
      '(',
      ')',
      '{ ',
      ' }',
      'if ',
      ' then ',
      ' fi',
      'while false; do ',
      ' done',
      '$(',
      '"',
      "'",
      '$x',
      '${x:-y}',
      ' >/tmp/o ',
      ' 2>&1 ',
      'trap "echo t" TERM',
      'kill -9 $$',
      'wait',
      'exit 3',
      'cat',
      'exec true',
      'f() { echo f; }; f',
      '\n',
      'jobs',
      'fg',
      'read v',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }),
        fc.constantFrom('sh', 'bash', 'busybox'),
        (parts, sh) => {
          const { run, out } = runScript(
            sh as 'sh' | 'bash' | 'busybox',
            parts.join(''),
            3_000_000,
          );
          expect(run.m.k.checkInvariants()).toEqual([]);
          expect(out).not.toContain('internal error');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('arbitrary keystrokes at the interactive prompt never break the shell', () => {
    const key = fc.constantFrom(
      'e',
      'c',
      'h',
      'o',
      ' ',
      '\r',
      '\t',
      '\x03',
      '\x04',
      '\x1a',
      '\x7f',
      '\x1b[A',
      '\x1b[B',
      '\x1b[D',
      '"',
      '&',
      '|',
      'sleep 1',
      'fg\r',
      'jobs\r',
      'bg\r',
      'exit\r',
    );
    fc.assert(
      fc.property(fc.array(key, { maxLength: 25 }), (keys) => {
        const m = machine();
        m.k.login(m.tty, '/bin/bash', ['-bash']);
        m.k.settle();
        for (const k of keys) {
          m.k.ttyInput(m.tty, k);
          m.k.settle();
          m.k.advance(300_000);
          m.k.settle();
        }
        expect(m.k.checkInvariants()).toEqual([]);
        expect(m.output()).not.toContain('internal error');
      }),
      { numRuns: 100 },
    );
  });

  it('a running interactive shell survives a snapshot and restore', () => {
    const options = { programs: [...SHELL_PROGRAMS], binaries: { ...SHELL_BINARIES } };
    const k = Kernel.create(options);
    const tty = k.createTty();
    k.login(tty, '/bin/bash', ['-bash']);
    k.settle();
    k.ttyInput(tty, 'x=5; sleep 100 &\r');
    k.settle();
    k.ttyInput(tty, 'echo hist');
    k.settle();
    const k2 = Kernel.deserialize(k.serialize(), options);
    let out = '';
    k2.onTtyOutput((_t, text) => (out += text));
    k2.ttyInput(tty, '\r');
    k2.settle();
    k2.ttyInput(tty, 'echo $x; jobs\r');
    k2.settle();
    expect(out).toBe(
      '\nhist\nroot@host:~# echo $x; jobs\n5\n[1]+  Running                 sleep 100 &\nroot@host:~# ',
    );
  });
});
