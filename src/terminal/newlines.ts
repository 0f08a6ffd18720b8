/**
 * The kernel model's terminals emit bare "\n" (no ONLCR in the model); xterm.js needs "\r\n" to
 * return to column 0.
 */
export function toTerminalNewlines(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
