import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinHandler } from './builtinCommands.ts';
import { CLEAR_SCREEN, DEFAULT_PROMPT, TerminalSession, toTerminalNewlines } from './session.ts';

const P = DEFAULT_PROMPT;

function session(): TerminalSession {
  return new TerminalSession({ handler: builtinHandler });
}

describe('TerminalSession', () => {
  it('starts with the root prompt', () => {
    expect(session().start()).toBe('root@host:~# ');
  });

  it('runs a command and prints a new prompt', () => {
    const s = session();
    expect(s.input('echo hello\r')).toBe(`echo hello\r\nhello\r\n${P}`);
    expect(s.lastExitCode).toBe(0);
  });

  it('answers unknown commands like bash with exit code 127', () => {
    const s = session();
    expect(s.input('foo\r')).toBe(`foo\r\nbash: foo: command not found\r\n${P}`);
    expect(s.lastExitCode).toBe(127);
  });

  it('prints nothing for an empty line', () => {
    expect(session().input('\r')).toBe(`\r\n${P}`);
    expect(session().input('   \r')).toBe(`   \r\n${P}`);
  });

  it('clears the screen for `clear` and Ctrl-L', () => {
    const s = session();
    expect(s.input('clear\r')).toBe(`clear\r\n${CLEAR_SCREEN}${P}`);
    expect(s.input('ec\x0c')).toBe(`ec${CLEAR_SCREEN}${P}ec`);
  });

  it('Ctrl-C prints ^C and a fresh prompt, and sets $? to 130', () => {
    const s = session();
    expect(s.input('abc\x03')).toBe(`abc^C\r\n${P}`);
    expect(s.lastExitCode).toBe(130);
    expect(s.currentLine).toBe('');
  });

  it('runs each line of a multi-line paste in order', () => {
    const s = session();
    expect(s.input('echo a\necho b\n')).toBe(`echo a\r\na\r\n${P}echo b\r\nb\r\n${P}`);
  });

  it('uses a pluggable handler and converts LF to CRLF', () => {
    const seen: string[] = [];
    const s = new TerminalSession({
      handler: (line) => {
        seen.push(line);
        return { output: 'one\ntwo\n', exitCode: 3 };
      },
      prompt: () => '$ ',
    });
    expect(s.input('x\r')).toBe('x\r\none\r\ntwo\r\n$ ');
    expect(seen).toEqual(['x']);
    expect(s.lastExitCode).toBe(3);
  });

  it('survives a handler that throws', () => {
    const s = new TerminalSession({
      handler: () => {
        throw new Error('boom');
      },
    });
    expect(s.input('x\r')).toBe(`x\r\npidlab: internal error: boom\r\n${P}`);
    expect(s.lastExitCode).toBe(1);
  });

  it('can swap the handler', () => {
    const s = session();
    s.setHandler(() => ({ output: 'swapped\n', exitCode: 0 }));
    expect(s.input('help\r')).toBe(`help\r\nswapped\r\n${P}`);
  });

  it('toTerminalNewlines does not double existing CRLF', () => {
    expect(toTerminalNewlines('a\nb\r\nc')).toBe('a\r\nb\r\nc');
  });
});

// Raw input as xterm.js may deliver it: text, control characters, escape
// sequences (complete, truncated and unknown) and arbitrary Unicode.
const token = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom(
    '\x7f',
    '\b',
    '\x03',
    '\x0c',
    '\x01',
    '\x05',
    '\x15',
    '\x0b',
    '\x04',
    '\t',
    '\x00',
    '\x1b',
    '\x1b[',
    '\x1b[A',
    '\x1b[B',
    '\x1b[C',
    '\x1b[D',
    '\x1b[H',
    '\x1b[F',
    '\x1bOH',
    '\x1b[3~',
    '\x1b[1;5C',
    '\x1b[200~',
    '\x1b[201~',
    '\x1b[99;99;99X',
    '\x1bO',
    '\x1bb',
    '\x9b',
    '\ud800',
    'echo ',
    'help',
    'clear',
    '"',
    "'",
    '\\',
  ),
  fc
    .integer({ min: 0, max: 0x10ffff })
    .map((cp) =>
      cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp),
    ),
);

describe('TerminalSession properties', () => {
  it('never throws on arbitrary input, however it is chunked', () => {
    fc.assert(
      fc.property(fc.array(fc.array(token, { maxLength: 12 }), { maxLength: 12 }), (chunks) => {
        const s = session();
        s.start();
        for (const chunk of chunks) {
          expect(typeof s.input(chunk.join(''))).toBe('string');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('every Enter yields exactly one new prompt', () => {
    // A marker prompt that no echo or command output can contain (control
    // characters are never echoed and never reach a command line).
    const prompt = '\x00PROMPT\x00';
    const noEnterOrRedraw = token.map((t) =>
      Array.from(t)
        .filter((c) => !['\r', '\n', '\x03', '\x0c'].includes(c))
        .join(''),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(noEnterOrRedraw, { maxLength: 10 }), { minLength: 1, maxLength: 10 }),
        fc.constantFrom('\r', '\n', '\r\n'),
        (segments, enter) => {
          const s = new TerminalSession({ handler: builtinHandler, prompt });
          const input = segments.map((seg) => seg.join('')).join(enter) + enter;
          const out = s.input(input);
          expect(out.split(prompt).length - 1).toBe(segments.length);
          expect(out.endsWith(prompt)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
