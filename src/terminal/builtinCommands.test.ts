import { describe, expect, it } from 'vitest';
import { builtinHandler, HELP_TEXT, splitWords } from './builtinCommands.ts';

describe('builtinHandler', () => {
  it('help lists the commands available now and what comes later', () => {
    const r = builtinHandler('help');
    expect(r.exitCode).toBe(0);
    expect(r.output).toBe(HELP_TEXT);
    for (const word of ['help', 'clear', 'echo', 'shell', 'ps', 'kill', 'docker', 'kernel model']) {
      expect(r.output).toContain(word);
    }
  });

  it('clear asks the session to clear the screen', () => {
    expect(builtinHandler('clear')).toEqual({ output: '', exitCode: 0, clear: true });
  });

  it('echo prints its arguments like bash', () => {
    expect(builtinHandler('echo hello   world').output).toBe('hello world\n');
    expect(builtinHandler('echo').output).toBe('\n');
    expect(builtinHandler('echo -n hi').output).toBe('hi');
    expect(builtinHandler(`echo "a  b" 'c  d' e\\ f`).output).toBe('a  b c  d e f\n');
  });

  it('answers unknown commands exactly like bash', () => {
    expect(builtinHandler('foo')).toEqual({
      output: 'bash: foo: command not found\n',
      exitCode: 127,
    });
    expect(builtinHandler('  nosuchcmd --flag ')).toEqual({
      output: 'bash: nosuchcmd: command not found\n',
      exitCode: 127,
    });
    expect(builtinHandler('./run.sh').output).toBe('bash: ./run.sh: No such file or directory\n');
    expect(builtinHandler('""').output).toBe('bash: : command not found\n');
  });

  it('prints nothing for an empty or blank line', () => {
    expect(builtinHandler('')).toEqual({ output: '', exitCode: 0 });
    expect(builtinHandler('   \t ')).toEqual({ output: '', exitCode: 0 });
  });

  it('reports an unterminated quote like bash', () => {
    expect(builtinHandler('echo "oops')).toEqual({
      output: 'bash: unexpected EOF while looking for matching `"\'\n',
      exitCode: 2,
    });
  });

  it('splitWords handles quotes and escapes', () => {
    expect(splitWords(`a "b \\"c\\"" 'd\\' e`)).toEqual({
      ok: true,
      words: ['a', 'b "c"', 'd\\', 'e'],
    });
  });
});
