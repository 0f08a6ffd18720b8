/**
 * A small headless line editor (a tiny subset of GNU readline).
 *
 * It consumes the raw data a terminal emulator such as xterm.js emits for
 * key presses and pastes, and produces an ordered list of events: bytes to
 * echo back to the terminal, completed lines, interrupts (Ctrl-C) and
 * clear-screen requests (Ctrl-L). It has no DOM and no I/O, and it never
 * throws: unknown control characters and escape sequences are ignored.
 *
 * Known limitation: every code point counts as one terminal column and
 * editing does not follow a line that wraps past the terminal width.
 */

export type EditorEvent =
  | { readonly kind: 'echo'; readonly data: string }
  | { readonly kind: 'line'; readonly line: string }
  | { readonly kind: 'interrupt' }
  | { readonly kind: 'clearScreen' };

export interface LineEditorOptions {
  /** How many history entries to keep (oldest are dropped first). */
  readonly historyLimit?: number;
}

const ESC = '\x1b';

type Key =
  | 'left'
  | 'right'
  | 'up'
  | 'down'
  | 'home'
  | 'end'
  | 'delete'
  | 'wordLeft'
  | 'wordRight'
  | 'ignore';

/** Final byte of a CSI sequence (ESC [ ... final) or SS3 sequence (ESC O final). */
function keyForSequence(params: string, final: string): Key {
  switch (final) {
    case 'A':
      return 'up';
    case 'B':
      return 'down';
    case 'C':
      return params.endsWith(';5') || params.endsWith(';3') ? 'wordRight' : 'right';
    case 'D':
      return params.endsWith(';5') || params.endsWith(';3') ? 'wordLeft' : 'left';
    case 'H':
      return 'home';
    case 'F':
      return 'end';
    case '~':
      switch (params) {
        case '1':
        case '7':
          return 'home';
        case '4':
        case '8':
          return 'end';
        case '3':
          return 'delete';
        default:
          return 'ignore';
      }
    default:
      return 'ignore';
  }
}

function isPrintable(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  // C0 controls, DEL and C1 controls are not printable.
  return cp >= 0x20 && cp !== 0x7f && !(cp >= 0x80 && cp < 0xa0);
}

function left(n: number): string {
  return n > 0 ? `${ESC}[${n}D` : '';
}

function right(n: number): string {
  return n > 0 ? `${ESC}[${n}C` : '';
}

export class LineEditor {
  /** The line being edited, one entry per code point. */
  private chars: string[] = [];
  private cursor = 0;
  private readonly history: string[] = [];
  /** Index into history while browsing with Up/Down; history.length = the draft. */
  private historyIndex = 0;
  private draft: string[] = [];
  /** An escape sequence that was cut off at the end of the previous chunk. */
  private pending = '';
  /** The previous chunk ended with CR, so a leading LF belongs to it (CRLF). */
  private lastWasCR = false;
  private readonly historyLimit: number;

  constructor(options: LineEditorOptions = {}) {
    this.historyLimit = Math.max(0, options.historyLimit ?? 500);
  }

  /** The text currently being edited. */
  get line(): string {
    return this.chars.join('');
  }

  /** Cursor position in code points from the start of the line. */
  get cursorPosition(): number {
    return this.cursor;
  }

  /** Submitted lines, oldest first. */
  get historyEntries(): readonly string[] {
    return this.history;
  }

  /** Echo that redraws the current line after the prompt (used after Ctrl-L). */
  redraw(): string {
    return this.line + left(this.chars.length - this.cursor);
  }

  /** Feed raw terminal input; returns the resulting events in order. */
  feed(data: string): EditorEvent[] {
    const events: EditorEvent[] = [];
    let echo = '';
    const flushEcho = (): void => {
      if (echo !== '') {
        events.push({ kind: 'echo', data: echo });
        echo = '';
      }
    };

    const input = Array.from(this.pending + data);
    this.pending = '';
    let i = 0;
    while (i < input.length) {
      const ch = input[i] ?? '';
      const wasCR = this.lastWasCR;
      this.lastWasCR = false;

      if (ch === ESC) {
        const parsed = this.parseEscape(input, i);
        if (parsed === 'incomplete') {
          this.pending = input.slice(i).join('');
          break;
        }
        echo += this.applyKey(parsed.key);
        i = parsed.next;
        continue;
      }

      i += 1;
      switch (ch) {
        case '\r':
        case '\n': {
          if (ch === '\n' && wasCR) break; // CRLF counts as one Enter.
          this.lastWasCR = ch === '\r';
          echo += right(this.chars.length - this.cursor);
          flushEcho();
          events.push({ kind: 'line', line: this.submit() });
          break;
        }
        case '\x7f':
        case '\b':
          echo += this.backspace();
          break;
        case '\x03': {
          echo += right(this.chars.length - this.cursor) + '^C';
          flushEcho();
          this.resetLine();
          events.push({ kind: 'interrupt' });
          break;
        }
        case '\x0c': {
          flushEcho();
          events.push({ kind: 'clearScreen' });
          break;
        }
        case '\x01':
          echo += this.applyKey('home');
          break;
        case '\x05':
          echo += this.applyKey('end');
          break;
        case '\x02':
          echo += this.applyKey('left');
          break;
        case '\x06':
          echo += this.applyKey('right');
          break;
        case '\x10':
          echo += this.applyKey('up');
          break;
        case '\x0e':
          echo += this.applyKey('down');
          break;
        case '\x04':
          echo += this.applyKey('delete');
          break;
        case '\x15':
          echo += this.killToStart();
          break;
        case '\x0b':
          echo += this.killToEnd();
          break;
        default:
          if (isPrintable(ch)) echo += this.insert(ch);
        // Any other control character is ignored, like an unbound readline key.
      }
    }
    flushEcho();
    return events;
  }

  /**
   * Parse an escape sequence starting at input[start] (which is ESC).
   * A C0 control inside a sequence aborts it and is then processed normally,
   * so an Enter is never swallowed by a broken sequence.
   */
  private parseEscape(input: string[], start: number): { key: Key; next: number } | 'incomplete' {
    const second = input[start + 1];
    if (second === undefined) return 'incomplete';
    if (second === '[' || second === 'O') {
      let j = start + 2;
      let params = '';
      while (j < input.length) {
        const c = input[j] ?? '';
        const cp = c.codePointAt(0) ?? 0;
        if (cp >= 0x30 && cp <= 0x3f && second === '[') {
          params += c;
          j += 1;
        } else if (cp >= 0x20 && cp <= 0x2f && second === '[') {
          j += 1; // intermediate byte
        } else if (cp >= 0x40 && cp <= 0x7e) {
          return { key: keyForSequence(params, c), next: j + 1 };
        } else {
          return { key: 'ignore', next: j }; // aborted; reprocess this char
        }
      }
      return 'incomplete';
    }
    if (second === 'b') return { key: 'wordLeft', next: start + 2 }; // Alt-B
    if (second === 'f') return { key: 'wordRight', next: start + 2 }; // Alt-F
    if (isPrintable(second)) return { key: 'ignore', next: start + 2 }; // other Alt-key
    return { key: 'ignore', next: start + 1 }; // lone ESC before a control char
  }

  private applyKey(key: Key): string {
    switch (key) {
      case 'left':
        if (this.cursor === 0) return '';
        this.cursor -= 1;
        return left(1);
      case 'right':
        if (this.cursor >= this.chars.length) return '';
        this.cursor += 1;
        return right(1);
      case 'home': {
        const n = this.cursor;
        this.cursor = 0;
        return left(n);
      }
      case 'end': {
        const n = this.chars.length - this.cursor;
        this.cursor = this.chars.length;
        return right(n);
      }
      case 'wordLeft': {
        let c = this.cursor;
        while (c > 0 && this.chars[c - 1] === ' ') c -= 1;
        while (c > 0 && this.chars[c - 1] !== ' ') c -= 1;
        const n = this.cursor - c;
        this.cursor = c;
        return left(n);
      }
      case 'wordRight': {
        let c = this.cursor;
        while (c < this.chars.length && this.chars[c] === ' ') c += 1;
        while (c < this.chars.length && this.chars[c] !== ' ') c += 1;
        const n = c - this.cursor;
        this.cursor = c;
        return right(n);
      }
      case 'delete': {
        if (this.cursor >= this.chars.length) return '';
        this.chars.splice(this.cursor, 1);
        const rest = this.chars.slice(this.cursor).join('');
        return rest + ' ' + left(rest.length + 1);
      }
      case 'up':
        return this.browseHistory(-1);
      case 'down':
        return this.browseHistory(1);
      case 'ignore':
        return '';
    }
  }

  private insert(ch: string): string {
    this.chars.splice(this.cursor, 0, ch);
    this.cursor += 1;
    const rest = this.chars.slice(this.cursor);
    return ch + rest.join('') + left(rest.length);
  }

  private backspace(): string {
    if (this.cursor === 0) return '';
    this.cursor -= 1;
    this.chars.splice(this.cursor, 1);
    const rest = this.chars.slice(this.cursor);
    return '\b' + rest.join('') + ' ' + left(rest.length + 1);
  }

  private killToStart(): string {
    if (this.cursor === 0) return '';
    const n = this.cursor;
    this.chars.splice(0, n);
    this.cursor = 0;
    return left(n) + this.chars.join('') + `${ESC}[K` + left(this.chars.length);
  }

  private killToEnd(): string {
    if (this.cursor >= this.chars.length) return '';
    this.chars.splice(this.cursor);
    return `${ESC}[K`;
  }

  /** Replace the whole line with `next`, leaving the cursor at its end. */
  private replaceLine(next: string[]): string {
    const out = left(this.cursor) + next.join('') + `${ESC}[K`;
    this.chars = [...next];
    this.cursor = next.length;
    return out;
  }

  private browseHistory(direction: -1 | 1): string {
    const target = this.historyIndex + direction;
    if (target < 0 || target > this.history.length) return '';
    if (this.historyIndex === this.history.length) this.draft = [...this.chars];
    this.historyIndex = target;
    const entry =
      target === this.history.length ? this.draft : Array.from(this.history[target] ?? '');
    return this.replaceLine(entry);
  }

  private submit(): string {
    const line = this.chars.join('');
    if (line.trim() !== '' && this.history[this.history.length - 1] !== line) {
      this.history.push(line);
      while (this.history.length > this.historyLimit) this.history.shift();
    }
    this.resetLine();
    return line;
  }

  private resetLine(): void {
    this.chars = [];
    this.cursor = 0;
    this.draft = [];
    this.historyIndex = this.history.length;
  }
}
