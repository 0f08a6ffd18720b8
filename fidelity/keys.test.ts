/**
 * The `#@keys` directive of fidelity case lines (keys.ts): what it parses to, the errors for
 * malformed ones, that every case file's directives parse, and the model's side of the driver.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KeysSyntaxError, parseKeyedLine, runKeyedLine } from './keys.ts';
import { parseCases } from './record.ts';
import { createLabMachine } from '../src/lab/world.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));

describe('the #@keys directive', () => {
  it('leaves a line without a directive alone', () => {
    expect(parseKeyedLine("sh -c 'echo # not a directive'")).toEqual({
      command: "sh -c 'echo # not a directive'",
      actions: [],
    });
    expect(parseKeyedLine('echo a#@b').actions).toEqual([]); // no whitespace before #@
  });

  it('parses waits, control keys, text and resizes, each at its time after Enter', () => {
    expect(parseKeyedLine('sleep 5; echo $?   #@keys 0.3 ^C')).toEqual({
      command: 'sleep 5; echo $?',
      actions: [{ at: 300_000, kind: 'type', data: '\x03', item: '^C' }],
    });
    const { command, actions } = parseKeyedLine(
      'cat #@keys 0.2 ^Z 1.25 "fg\\r" ^\\ 2 size=100x40  0.001 "a \\"b\\" \\\\ \\n\\t" ^D',
    );
    expect(command).toBe('cat');
    expect(actions).toEqual([
      { at: 200_000, kind: 'type', data: '\x1a', item: '^Z' },
      { at: 1_450_000, kind: 'type', data: 'fg\r', item: '"fg\\r"' },
      { at: 1_450_000, kind: 'type', data: '\x1c', item: '^\\' },
      { at: 3_450_000, kind: 'resize', cols: 100, rows: 40, item: 'size=100x40' },
      { at: 3_451_000, kind: 'type', data: 'a "b" \\ \n\t', item: '"a \\"b\\" \\\\ \\n\\t"' },
      { at: 3_451_000, kind: 'type', data: '\x04', item: '^D' },
    ]);
  });

  it('refuses a malformed directive, saying where and why', () => {
    const cases: [string, string][] = [
      ['#@keys 0.3 ^C', 'column 1: a directive needs a command line before it'],
      ['   #@keys 0.3 ^C', 'column 1: a directive needs a command line before it'],
      ['sleep 1 #@key 0.3 ^C', "column 9: unknown directive '#@key'"],
      ['sleep 1 #@winch 0.3 100x40', "unknown directive '#@winch'"],
      ['sleep 1 #@keys0.3 ^C', "unknown directive '#@keys0.3'"],
      ['sleep 1 #@keys', "'#@keys' needs items"],
      ['sleep 1 #@keys   ', "'#@keys' needs items"],
      ['sleep 1 #@keys ^C', 'column 16: start with a wait'],
      ['sleep 1 #@keys "x"', 'start with a wait'],
      ['sleep 1 #@keys size=80x24', 'start with a wait'],
      ['sleep 1 #@keys 0.3', 'a wait at the end does nothing'],
      ['sleep 1 #@keys 0.3 ^C 0.2', 'a wait at the end does nothing'],
      ['sleep 1 #@keys 0.3 0.2 ^C', 'column 20: two waits in a row'],
      ['sleep 1 #@keys 0 ^C', 'a wait of 0 seconds'],
      ['sleep 1 #@keys 0.000 ^C', 'a wait of 0 seconds'],
      ['sleep 1 #@keys .5 ^C', "'.5' is not a wait"],
      ['sleep 1 #@keys 0.2500 ^C', "'0.2500' is not a wait"],
      ['sleep 1 #@keys -1 ^C', "'-1' is not an item"],
      ['sleep 1 #@keys 31 ^C', 'more than 30 seconds'],
      ['sleep 1 #@keys 20 ^Z 11 ^C', 'more than 30 seconds'],
      ['sleep 1 #@keys 0.3 ^Y', "column 20: unknown key '^Y'"],
      ['sleep 1 #@keys 0.3 ^c', "unknown key '^c'"],
      ['sleep 1 #@keys 0.3 C', "'C' is not an item"],
      ['sleep 1 #@keys 0.3 fg', "'fg' is not an item"],
      ['sleep 1 #@keys 0.3 "fg', "a text item has no closing '\"'"],
      ['sleep 1 #@keys 0.3 ""', 'an empty text item types nothing'],
      ['sleep 1 #@keys 0.3 "a"^C', 'a space after a text item'],
      ['sleep 1 #@keys 0.3 "\\x03"', "unknown escape '\\x'"],
      ['sleep 1 #@keys 0.3 "é"', 'only printable ASCII'],
      ['sleep 1 #@keys 0.3 "a\tb"', 'only printable ASCII'],
      ['sleep 1 #@keys 0.3 size=100', "'size=100' is not a size"],
      ['sleep 1 #@keys 0.3 size=100x0', 'a size is 1x1 to 500x200'],
      ['sleep 1 #@keys 0.3 size=501x30', 'a size is 1x1 to 500x200'],
      ['sleep 1 #@keys 0.3 ^C #@keys 0.1 ^C', "'#@keys' is not an item"],
    ];
    for (const [line, message] of cases) {
      let thrown: unknown;
      try {
        parseKeyedLine(line);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, line).toBeInstanceOf(KeysSyntaxError);
      expect((thrown as Error).message, line).toContain(message);
    }
  });

  it('every directive in fidelity/cases parses', () => {
    for (const file of readdirSync(join(HERE, 'cases')).filter((f) => f.endsWith('.sh')))
      for (const c of parseCases(file, readFileSync(join(HERE, 'cases', file), 'utf8')))
        expect(() => parseKeyedLine(c.line), c.id).not.toThrow();
  });
});

describe("the driver's model side", () => {
  const run = (line: string) =>
    runKeyedLine(createLabMachine({ cols: 80, rows: 30 }), parseKeyedLine(line), 120_000_000);

  it('presses the keys at their virtual times, through the terminal', () => {
    const r = run('sleep 5; echo not reached   #@keys 0.3 ^C');
    expect(r.late).toBeUndefined();
    expect(r.transcript).toContain('root@host:~# sleep 5; echo not reached\n^C\nroot@host:~#');
    // The line is entered and sleep forked at one virtual time (no time passes while it settles).
    const exec = r.trace.find((e) => e.type === 'exec' && e.argv[0] === 'sleep');
    const sigint = r.trace.find((e) => e.rule === 'tty/isig');
    expect(exec && sigint && sigint.t - exec.t).toBe(300_000);
  });

  it('resizes the terminal: SIGWINCH to the foreground group', () => {
    const r = run(`sh -c 'trap "echo winch" WINCH; sleep 1; echo done'   #@keys 0.3 size=100x40`);
    expect(r.transcript).toContain('winch\ndone\n');
    expect(r.trace.some((e) => e.rule === 'tty/winch')).toBe(true);
  });

  it('says so when the line ended before a key was due (never compared)', () => {
    expect(run('true   #@keys 0.3 ^C').late).toBe('the line ended before ^C at 0.3 s');
    // A program reading the terminal is not the prompt.
    expect(run('read x; echo "got $x"   #@keys 0.3 "hi\\r"').transcript).toContain('got hi\n');
  });
});
