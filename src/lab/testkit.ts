/**
 * Helpers for transcript tests: type lines at a lab machine's prompt the way `pidlab run` does
 * and read what each command printed. Used by the runtimes' tests; not part of the lab.
 */
import type { LabMachine } from './machine.ts';
import { runScript } from './script.ts';

/**
 * Runs each line at the prompt; returns the transcripts one after another, the virtual time
 * each line took (seconds), and the machine.
 */
export function session(
  m: LabMachine,
  lines: readonly string[],
): { text: string; took: number[]; m: LabMachine } {
  const took: number[] = [];
  let text = '';
  for (const line of lines) {
    const t0 = m.kernel.now;
    text += runScript(m, line).transcript;
    took.push((m.kernel.now - t0) / 1e6);
  }
  return { text, took, m };
}

/** The output printed for command `cmd` in a transcript (its first occurrence; '' if none). */
export function outputOf(text: string, cmd: string): string {
  const i = text.indexOf(`# ${cmd}\n`);
  if (i < 0) return '';
  const rest = text.slice(i + cmd.length + 3);
  const j = rest.indexOf('root@host:');
  return j < 0 ? rest : rest.slice(0, j);
}
