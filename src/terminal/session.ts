/**
 * A headless terminal session: a line editor, a prompt and a pluggable
 * command handler. The host (the xterm.js pane in app/, or a test) feeds it
 * raw terminal input and writes whatever string it returns to the terminal.
 * It has no DOM and never throws.
 */
import { LineEditor, type LineEditorOptions } from './lineEditor.ts';

/** What a command handler returns for one line of input. */
export interface CommandResult {
  /** Text to print; `\n` is converted to `\r\n` for the terminal. */
  readonly output: string;
  /** The command's exit status (0 = success, like `$?` in bash). */
  readonly exitCode: number;
  /** Clear the screen before printing the output (like `clear`). */
  readonly clear?: boolean;
}

/** Runs one completed input line. Must be synchronous. */
export type CommandHandler = (line: string) => CommandResult;

export interface TerminalSessionOptions {
  readonly handler: CommandHandler;
  /** The prompt, or a function so it can change (e.g. with the cwd). */
  readonly prompt?: string | (() => string);
  readonly editor?: LineEditorOptions;
}

export const DEFAULT_PROMPT = 'root@host:~# ';

/** Erase the screen and scrollback, then home the cursor. */
export const CLEAR_SCREEN = '\x1b[H\x1b[2J\x1b[3J';

/** Convert bare LF to CRLF so xterm.js returns to column 0. */
export function toTerminalNewlines(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    return 'unknown error';
  }
}

export class TerminalSession {
  private readonly editor: LineEditor;
  private handler: CommandHandler;
  private readonly promptOption: string | (() => string);
  private exitCode = 0;

  constructor(options: TerminalSessionOptions) {
    this.handler = options.handler;
    this.promptOption = options.prompt ?? DEFAULT_PROMPT;
    this.editor = new LineEditor(options.editor);
  }

  /** Exit status of the last command that ran (`$?`). */
  get lastExitCode(): number {
    return this.exitCode;
  }

  /** The line currently being edited. */
  get currentLine(): string {
    return this.editor.line;
  }

  /** Swap the command handler (e.g. for the shell running on the kernel model). */
  setHandler(handler: CommandHandler): void {
    this.handler = handler;
  }

  /** The current prompt text. */
  prompt(): string {
    try {
      return typeof this.promptOption === 'function' ? this.promptOption() : this.promptOption;
    } catch {
      return DEFAULT_PROMPT;
    }
  }

  /** What to write when the terminal first opens: the prompt. */
  start(): string {
    return this.prompt();
  }

  /** Feed raw terminal input; returns the text to write back to the terminal. */
  input(data: string): string {
    let out = '';
    for (const event of this.editor.feed(data)) {
      switch (event.kind) {
        case 'echo':
          out += event.data;
          break;
        case 'interrupt':
          this.exitCode = 130;
          out += '\r\n' + this.prompt();
          break;
        case 'clearScreen':
          out += CLEAR_SCREEN + this.prompt() + this.editor.redraw();
          break;
        case 'line':
          out += '\r\n' + this.run(event.line) + this.prompt();
          break;
      }
    }
    return out;
  }

  private run(line: string): string {
    let result: CommandResult;
    try {
      result = this.handler(line);
    } catch (error) {
      result = { output: `pidlab: internal error: ${describeError(error)}\n`, exitCode: 1 };
    }
    this.exitCode = Number.isInteger(result.exitCode) ? result.exitCode : 1;
    let text = toTerminalNewlines(typeof result.output === 'string' ? result.output : '');
    // Like bash, an output without a final newline leaves the prompt on the
    // same line (e.g. `echo -n hi`).
    if (result.clear === true) text = CLEAR_SCREEN + text;
    return text;
  }
}
