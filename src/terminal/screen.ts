/**
 * A headless screen: applies terminal output (text, CR, LF, backspace and the few CSI
 * sequences the lab's programs emit) to a grid of lines, so a transcript shows what a person
 * would see on the terminal — not the raw bytes. Used by `pidlab run` and by tests.
 * Handles: printable text (overwrites at the cursor), \r, \n (as CR+LF: the tty's ONLCR),
 * \b, \t (to the next multiple of 8), CSI n C/D (cursor right/left), CSI K (erase to end of
 * line), CSI H with CSI 2J (clear screen), CSI 3J (clear scrollback). Others are ignored.
 */
// After ESC: "[" params final (a CSI sequence).
const CSI_TAIL = /^\[([0-9;?]*)([A-Za-z@])/;

export class Screen {
  private lines: string[] = [''];
  private row = 0;
  private col = 0;
  private pending = '';

  write(data: string): void {
    const text = this.pending + data;
    this.pending = '';
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '\x1b') {
        const m = CSI_TAIL.exec(text.slice(i + 1));
        if (!m) {
          if (i + 8 > text.length) this.pending = text.slice(i); // an incomplete sequence
          break;
        }
        this.csi(m[1] ?? '', m[2] ?? '');
        i += m[0].length;
        continue;
      }
      if (ch === '\r') this.col = 0;
      else if (ch === '\n') {
        this.row++;
        this.col = 0;
        while (this.lines.length <= this.row) this.lines.push('');
      } else if (ch === '\b') this.col = Math.max(0, this.col - 1);
      else if (ch === '\t') this.put(' '.repeat(8 - (this.col % 8)));
      else if (ch >= ' ' || ch > '\x7f') this.put(ch);
    }
  }

  private put(s: string): void {
    const line = this.lines[this.row]!.padEnd(this.col, ' ');
    this.lines[this.row] = line.slice(0, this.col) + s + line.slice(this.col + s.length);
    this.col += s.length;
  }

  private csi(params: string, final: string): void {
    const n = Math.max(1, Number(params.split(';')[0]) || 1);
    switch (final) {
      case 'C':
        this.col += n;
        break;
      case 'D':
        this.col = Math.max(0, this.col - n);
        break;
      case 'K':
        this.lines[this.row] = this.lines[this.row]!.slice(0, this.col);
        break;
      case 'H':
        this.row = 0;
        this.col = 0;
        break;
      case 'J':
        if (params === '2' || params === '3') {
          this.lines = [''];
          this.row = 0;
          this.col = 0;
        }
        break;
      default:
        break;
    }
  }

  /** The screen as text: lines without trailing blanks, ending with the cursor's line. */
  text(): string {
    return this.lines.map((l) => l.trimEnd()).join('\n');
  }
}
