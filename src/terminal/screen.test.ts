import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Screen } from './screen.ts';

describe('Screen', () => {
  it('renders text, newlines and backspace-erase as a terminal shows them', () => {
    const s = new Screen();
    s.write('root@host:~# lsx\b \b -l\nfile\n');
    expect(s.text()).toBe('root@host:~# ls -l\nfile\n');
  });

  it('applies cursor moves and erase-line the line editor emits', () => {
    const s = new Screen();
    s.write('$ echo hello');
    s.write('\x1b[5D\x1b[K');
    s.write('world');
    expect(s.text()).toBe('$ echo world');
  });

  it('clears on ESC[H ESC[2J and keeps an incomplete escape for the next write', () => {
    const s = new Screen();
    s.write('old\n\x1b[H\x1b[2J\x1b');
    s.write('[3Jnew');
    expect(s.text()).toBe('new');
  });

  it('never throws on arbitrary output', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' })), (chunks) => {
        const s = new Screen();
        for (const c of chunks) s.write(c);
        expect(typeof s.text()).toBe('string');
      }),
    );
  });
});
