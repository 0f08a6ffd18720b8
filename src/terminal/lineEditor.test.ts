import { describe, expect, it } from 'vitest';
import { LineEditor, type EditorEvent } from './lineEditor.ts';

function lines(events: EditorEvent[]): string[] {
  return events.flatMap((e) => (e.kind === 'line' ? [e.line] : []));
}

function echo(events: EditorEvent[]): string {
  return events.map((e) => (e.kind === 'echo' ? e.data : '')).join('');
}

describe('LineEditor', () => {
  it('echoes printable characters and completes a line on Enter', () => {
    const ed = new LineEditor();
    const events = ed.feed('ls -l\r');
    expect(echo(events)).toBe('ls -l');
    expect(lines(events)).toEqual(['ls -l']);
    expect(ed.line).toBe('');
  });

  it('handles Backspace at the end and in the middle of the line', () => {
    const ed = new LineEditor();
    expect(echo(ed.feed('abc\x7f'))).toBe('abc\b \x1b[1D');
    expect(ed.line).toBe('ab');
    ed.feed('\x1b[D'); // cursor between a and b
    expect(echo(ed.feed('\x7f'))).toBe('\bb \x1b[2D');
    expect(ed.line).toBe('b');
    expect(echo(ed.feed('\x7f'))).toBe(''); // at the start: nothing to delete
  });

  it('inserts in the middle of the line after Left', () => {
    const ed = new LineEditor();
    ed.feed('ac\x1b[D');
    expect(echo(ed.feed('b'))).toBe('bc\x1b[1D');
    expect(ed.line).toBe('abc');
    expect(ed.cursorPosition).toBe(2);
  });

  it('moves with Home/End (several encodings) and Ctrl-A/Ctrl-E', () => {
    const ed = new LineEditor();
    ed.feed('hello');
    for (const home of ['\x1b[H', '\x1bOH', '\x1b[1~', '\x01']) {
      ed.feed(home);
      expect(ed.cursorPosition).toBe(0);
      ed.feed('\x1b[F');
      expect(ed.cursorPosition).toBe(5);
    }
    ed.feed('\x01');
    expect(echo(ed.feed('\x05'))).toBe('\x1b[5C');
    expect(echo(ed.feed('\x1b[C'))).toBe(''); // Right at the end does nothing
  });

  it('Enter with the cursor in the middle submits the whole line', () => {
    const ed = new LineEditor();
    const events = ed.feed('echo hi\x1b[D\x1b[D\r');
    expect(lines(events)).toEqual(['echo hi']);
  });

  it('browses history with Up/Down and restores the draft', () => {
    const ed = new LineEditor();
    ed.feed('one\rtwo\r');
    ed.feed('dra');
    ed.feed('\x1b[A');
    expect(ed.line).toBe('two');
    ed.feed('\x1b[A');
    expect(ed.line).toBe('one');
    expect(echo(ed.feed('\x1b[A'))).toBe(''); // top of history
    ed.feed('\x1b[B');
    expect(ed.line).toBe('two');
    ed.feed('\x1b[B');
    expect(ed.line).toBe('dra');
    expect(lines(ed.feed('\r'))).toEqual(['dra']);
    expect(ed.historyEntries).toEqual(['one', 'two', 'dra']);
  });

  it('does not store empty lines or immediate duplicates in history', () => {
    const ed = new LineEditor();
    ed.feed('a\r\r   \ra\rb\r');
    expect(ed.historyEntries).toEqual(['a', 'b']);
  });

  it('Ctrl-C abandons the line and reports an interrupt', () => {
    const ed = new LineEditor();
    const events = ed.feed('sleep 10\x03');
    expect(events.map((e) => e.kind)).toEqual(['echo', 'interrupt']);
    expect(echo(events)).toBe('sleep 10^C');
    expect(ed.line).toBe('');
  });

  it('Ctrl-L asks for a clear screen and keeps the line', () => {
    const ed = new LineEditor();
    const events = ed.feed('ab\x0c');
    expect(events.map((e) => e.kind)).toEqual(['echo', 'clearScreen']);
    expect(ed.line).toBe('ab');
    expect(ed.redraw()).toBe('ab');
  });

  it('splits pasted multi-line text into lines (CR, LF and CRLF)', () => {
    const ed = new LineEditor();
    const events = ed.feed('echo 1\necho 2\r\necho 3\rpartial');
    expect(lines(events)).toEqual(['echo 1', 'echo 2', 'echo 3']);
    expect(ed.line).toBe('partial');
  });

  it('treats CRLF split across two chunks as one Enter', () => {
    const ed = new LineEditor();
    expect(lines(ed.feed('a\r'))).toEqual(['a']);
    expect(lines(ed.feed('\nb\n'))).toEqual(['b']);
  });

  it('reassembles an escape sequence split across chunks', () => {
    const ed = new LineEditor();
    ed.feed('ab\x1b');
    ed.feed('[');
    ed.feed('D');
    expect(ed.cursorPosition).toBe(1);
  });

  it('ignores unknown escape sequences, bracketed paste markers and control characters', () => {
    const ed = new LineEditor();
    ed.feed('\x1b[200~x\x1b[201~\x1b[15~\x1bx\x07\t\x00y\x9b');
    expect(ed.line).toBe('xy');
  });

  it('an Enter inside a broken escape sequence still submits the line', () => {
    const ed = new LineEditor();
    expect(lines(ed.feed('cmd\x1b[1\r'))).toEqual(['cmd']);
    expect(lines(ed.feed('x\x1b\r'))).toEqual(['x']);
  });

  it('handles Delete, Ctrl-U and Ctrl-K', () => {
    const ed = new LineEditor();
    ed.feed('abcd\x01\x1b[3~');
    expect(ed.line).toBe('bcd');
    ed.feed('\x1b[C\x0b');
    expect(ed.line).toBe('b');
    ed.feed('\x05xyz\x1b[D\x15');
    expect(ed.line).toBe('z');
  });

  it('counts non-BMP characters as one position', () => {
    const ed = new LineEditor();
    ed.feed('a😀b\x1b[D\x1b[D\x7f');
    expect(ed.line).toBe('😀b');
  });
});
