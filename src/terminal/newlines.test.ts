import { expect, it } from 'vitest';
import { toTerminalNewlines } from './newlines.ts';

it('turns bare and CRLF newlines into CRLF', () => {
  expect(toTerminalNewlines('a\nb\r\nc')).toBe('a\r\nb\r\nc');
});
