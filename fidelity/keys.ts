/**
 * Keys typed while a case line runs: the `#@keys` directive of a fidelity case line, and the
 * model's side of the keystroke driver (the real side is fidelity/keys_pty.py).
 *
 * A case line may end with one directive, after whitespace:
 *
 *     sleep 5; echo $?   #@keys 0.3 ^C
 *     cat                #@keys 0.2 "hello\r" 0.1 ^D
 *     bash -c 'trap "echo winch" WINCH; sleep 1'   #@keys 0.3 size=100x40
 *
 * Its items, separated by spaces, are done in order, each at its time after Enter was pressed:
 *
 * - `0.3` — a wait: let that many seconds pass (more than 0, at most three decimals);
 * - `^C` `^Z` `^\` `^D` — press that control key (SIGINT, SIGTSTP, SIGQUIT, end of file);
 * - `"text"` — type that text: printable ASCII, with the escapes `\r` (Enter), `\n`, `\t`,
 *   `\\` and `\"`;
 * - `size=COLSxROWS` — resize the terminal (TIOCSWINSZ), as a terminal window being resized does.
 *
 * The first item is a wait (the line needs time to start), waits and actions alternate or
 * actions follow each other at once (`^Z "x"`), there is no wait at the end (the runner waits
 * for the line to end anyway), and everything is done within 30 seconds. Every key must arrive
 * while the line still runs: a line that ended earlier is reported, never compared.
 * It is data: nothing in it is evaluated. Anything else is an error saying where and why.
 * The text before the directive is the command line both sides run; a command line cannot
 * itself contain whitespace followed by `#@`.
 */
import type { LabMachine } from '../src/lab/machine.ts';
import { Screen } from '../src/terminal/screen.ts';
import type { TraceEvent } from '../src/kernel-sim/index.ts';

/** One thing done to the terminal, `at` microseconds after the line was entered. */
export type KeyAction =
  | {
      readonly at: number;
      readonly kind: 'type';
      /** The bytes a terminal emulator sends ("\x03" for ^C). */
      readonly data: string;
      /** The item as written in the directive (`^C`, `"fg\r"`), for messages. */
      readonly item: string;
    }
  | {
      readonly at: number;
      readonly kind: 'resize';
      readonly cols: number;
      readonly rows: number;
      readonly item: string;
    };

export interface KeyedLine {
  /** The command line without the directive (what is typed at the prompt). */
  readonly command: string;
  /** In order; empty when the line has no directive. */
  readonly actions: readonly KeyAction[];
}

/** A malformed directive: the message names the column (1-based) and what is wrong. */
export class KeysSyntaxError extends Error {
  override readonly name = 'KeysSyntaxError';
}

const CONTROL: Readonly<Record<string, string>> = {
  '^C': '\x03',
  '^Z': '\x1a',
  '^\\': '\x1c',
  '^D': '\x04',
};

const ESCAPES: Readonly<Record<string, string>> = {
  r: '\r',
  n: '\n',
  t: '\t',
  '\\': '\\',
  '"': '"',
};

/** The longest time a directive may span, in microseconds. */
export const KEYS_MAX_MICROS = 30_000_000;
const MAX_COLS = 500;
const MAX_ROWS = 200;

/** Splits a case line into its command and the actions of its `#@keys` directive. */
export function parseKeyedLine(line: string): KeyedLine {
  const m = /\s#@/.exec(line);
  if (m === null) {
    if (line.startsWith('#@'))
      throw new KeysSyntaxError('column 1: a directive needs a command line before it');
    return { command: line, actions: [] };
  }
  const command = line.slice(0, m.index).trimEnd();
  if (command.trim() === '')
    throw new KeysSyntaxError('column 1: a directive needs a command line before it');
  const start = m.index + 1; // the '#'
  const fail = (col: number, why: string): never => {
    throw new KeysSyntaxError(`column ${col + 1}: ${why}`);
  };
  const name = /^#@(\S*)/.exec(line.slice(start))?.[1] ?? '';
  if (name !== 'keys')
    fail(start, `unknown directive '#@${name}' (the only one is '#@keys', see fidelity/keys.ts)`);
  let i = start + '#@keys'.length;
  if (i < line.length && !/\s/.test(line[i] ?? '')) fail(i, "'#@keys' is followed by a space");
  const actions: KeyAction[] = [];
  let at = 0;
  let lastWasWait = false;
  let sawAny = false;
  for (;;) {
    while (i < line.length && /\s/.test(line[i] ?? '')) i++;
    if (i >= line.length) break;
    const col = i;
    if (line[i] === '"') {
      let data = '';
      i++;
      for (;;) {
        const ch = line[i];
        if (ch === undefined) fail(col, "a text item has no closing '\"'");
        if (ch === '"') break;
        if (ch === '\\') {
          const e = line[i + 1] ?? '';
          const to = ESCAPES[e];
          if (to === undefined) fail(i, `unknown escape '\\${e}' (use \\r, \\n, \\t, \\\\ or \\")`);
          data += to;
          i += 2;
          continue;
        }
        const code = ch?.charCodeAt(0) ?? 0;
        if (code < 0x20 || code > 0x7e)
          fail(i, `only printable ASCII in a text item (use an escape or a ^ key)`);
        data += ch;
        i++;
      }
      i++; // the closing quote
      if (i < line.length && !/\s/.test(line[i] ?? '')) fail(i, 'a space after a text item');
      if (data === '') fail(col, 'an empty text item types nothing');
      if (!sawAny) fail(col, 'start with a wait (e.g. 0.3): the line needs time to start');
      actions.push({ at, kind: 'type', data, item: line.slice(col, i) });
      lastWasWait = false;
      continue;
    }
    let end = i;
    while (end < line.length && !/\s/.test(line[end] ?? '')) end++;
    const word = line.slice(i, end);
    i = end;
    const key = CONTROL[word];
    const wait = /^(\d+)(?:\.(\d{1,3}))?$/.exec(word);
    const size = /^size=(\d+)x(\d+)$/.exec(word);
    if (wait) {
      const micros = Number(wait[1]) * 1_000_000 + Number((wait[2] ?? '').padEnd(3, '0')) * 1000;
      if (micros === 0) fail(col, 'a wait of 0 seconds: leave it out');
      if (lastWasWait) fail(col, 'two waits in a row: add them up');
      at += micros;
      if (at > KEYS_MAX_MICROS)
        fail(col, `the directive spans more than ${KEYS_MAX_MICROS / 1_000_000} seconds`);
      lastWasWait = true;
      sawAny = true;
      continue;
    }
    if (!sawAny && (key !== undefined || size))
      fail(col, 'start with a wait (e.g. 0.3): the line needs time to start');
    if (key !== undefined) {
      actions.push({ at, kind: 'type', data: key, item: word });
    } else if (size) {
      const cols = Number(size[1]);
      const rows = Number(size[2]);
      if (cols < 1 || cols > MAX_COLS || rows < 1 || rows > MAX_ROWS)
        fail(col, `a size is 1x1 to ${MAX_COLS}x${MAX_ROWS}`);
      actions.push({ at, kind: 'resize', cols, rows, item: word });
    } else if (/^\d*\.\d*$|^\d+$/.test(word) || /^\d+\.\d{4,}$/.test(word)) {
      fail(col, `'${word}' is not a wait: seconds with at most three decimals, e.g. 0.25`);
    } else if (word.startsWith('^')) {
      fail(col, `unknown key '${word}' (^C, ^Z, ^\\ or ^D; other text goes in quotes)`);
    } else if (word.startsWith('size')) {
      fail(col, `'${word}' is not a size: size=COLSxROWS, e.g. size=100x40`);
    } else {
      fail(
        col,
        `'${word}' is not an item: a wait (0.3), a key (^C ^Z ^\\ ^D), "text" or size=COLSxROWS`,
      );
    }
    lastWasWait = false;
  }
  if (!sawAny) fail(i, "'#@keys' needs items, e.g. '#@keys 0.3 ^C'");
  if (lastWasWait)
    fail(line.length - 1, 'a wait at the end does nothing: the line is waited for anyway');
  return { command, actions };
}

export interface KeyedModelRun {
  /** The terminal as a person would see it at the end (prompts, echoed input, output). */
  readonly transcript: string;
  readonly trace: readonly TraceEvent[];
  /** Set when the line ended before an action was due: the case can then not be compared. */
  readonly late?: string;
}

/** "0.3 s" */
export const seconds = (micros: number): string => `${micros / 1_000_000} s`;

/**
 * The model's side: the command typed at the lab's prompt (as `runScript` types a line), then
 * each action at its virtual time after Enter — keys through the terminal's input
 * (`LabMachine.type`, n_tty), a resize through `Kernel.resizeTty` (TIOCSWINSZ) — then virtual
 * time runs until the prompt is back (at most `limit`).
 */
export function runKeyedLine(machine: LabMachine, line: KeyedLine, limit: number): KeyedModelRun {
  const screen = new Screen();
  screen.write(machine.output());
  let since = '';
  const off = machine.onOutput((text) => {
    screen.write(text);
    since += text;
  });
  let late: string | undefined;
  // Back at the prompt: the shell reads the terminal in the foreground (as the `read` builtin
  // also does) and has printed its prompt since the line was entered.
  const ended = (): boolean => machine.atPrompt() && /(?:^|\n)root@host:[^\n]*# $/.test(since);
  try {
    machine.runUntilPrompt(limit);
    since = '';
    machine.type(`${line.command}\r`);
    const entered = machine.kernel.now;
    for (const a of line.actions) {
      machine.kernel.runUntil(entered + a.at);
      machine.settle();
      if (ended()) {
        late = `the line ended before ${a.item} at ${seconds(a.at)}`;
        break;
      }
      if (a.kind === 'type') machine.type(a.data);
      else {
        machine.kernel.resizeTty(machine.tty, a.cols, a.rows);
        machine.settle();
      }
    }
    machine.runUntilPrompt(limit);
    const run = { transcript: screen.text(), trace: machine.kernel.trace };
    return late === undefined ? run : { ...run, late };
  } finally {
    off();
  }
}
