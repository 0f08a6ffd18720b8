/**
 * The placeholder command handler used until the shell running on the kernel
 * model arrives: `help`, `clear` and `echo`; everything else is answered the
 * way bash answers an unknown command.
 */
import type { CommandHandler, CommandResult } from './session.ts';

export const BUILTIN_COMMANDS: readonly { name: string; usage: string; summary: string }[] = [
  { name: 'help', usage: 'help', summary: 'show this list' },
  { name: 'clear', usage: 'clear', summary: 'clear the terminal screen' },
  { name: 'echo', usage: 'echo [-n] [ARG]...', summary: 'print the arguments' },
];

export const HELP_TEXT = [
  'PID 1 Lab: commands available right now:',
  '',
  ...BUILTIN_COMMANDS.map((c) => `  ${c.usage.padEnd(20)}${c.summary}`),
  '',
  'This is only the lab terminal so far. The shell, ps, kill, docker and the',
  'other process tools arrive with the kernel model and the terminal work.',
  '',
].join('\n');

export type SplitResult = { ok: true; words: string[] } | { ok: false; error: string };

/**
 * Split a command line into words with a small subset of bash quoting:
 * whitespace separates words, '...' is literal, "..." allows \" \\ \$ \`,
 * and a backslash outside quotes escapes the next character.
 */
export function splitWords(line: string): SplitResult {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  const chars = Array.from(line);
  for (let i = 0; i < chars.length; i += 1) {
    const c = chars[i] ?? '';
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && ['"', '\\', '$', '`'].includes(chars[i + 1] ?? '')) {
        word += chars[i + 1];
        i += 1;
      } else word += c;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      inWord = true;
      if (i + 1 < chars.length) {
        word += chars[i + 1];
        i += 1;
      }
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) {
    return {
      ok: false,
      error: `bash: unexpected EOF while looking for matching \`${quote}'`,
    };
  }
  if (inWord) words.push(word);
  return { ok: true, words };
}

function echo(args: string[]): CommandResult {
  let newline = true;
  let rest = args;
  // bash's echo accepts -n (no trailing newline) and treats -e/-E as options too.
  while (rest.length > 0 && /^-[neE]+$/.test(rest[0] ?? '')) {
    if ((rest[0] ?? '').includes('n')) newline = false;
    rest = rest.slice(1);
  }
  return { output: rest.join(' ') + (newline ? '\n' : ''), exitCode: 0 };
}

export const builtinHandler: CommandHandler = (line) => {
  const split = splitWords(line);
  if (!split.ok) return { output: split.error + '\n', exitCode: 2 };
  const [name, ...args] = split.words;
  if (name === undefined) return { output: '', exitCode: 0 };
  switch (name) {
    case 'help':
      return { output: HELP_TEXT, exitCode: 0 };
    case 'clear':
      return { output: '', exitCode: 0, clear: true };
    case 'echo':
      return echo(args);
    default:
      if (name.includes('/')) {
        return { output: `bash: ${name}: No such file or directory\n`, exitCode: 127 };
      }
      return { output: `bash: ${name}: command not found\n`, exitCode: 127 };
  }
};
