/**
 * Reading a list of inputs one after the other, as cat, grep, head, tail and wc do: "-" is
 * standard input (read until EOF; a blocking read resumes here), anything else is opened and
 * read to its end. The handler keeps its accumulators in the program's plain-data state.
 */
import { isErrno } from '../kernel-sim/index.ts';
import type { Errno, ProgramContext, WakeEvent } from '../kernel-sim/index.ts';
import { err, errText, isBlocked } from './util.ts';

export interface InputState {
  inputs: string[];
  index: number;
  /** Descriptor of the input being read (0 for "-"), -1 before it is opened. */
  fd: number;
  done: boolean;
}

export interface InputHandler<S extends InputState> {
  /** Data from the current input; return false to stop reading everything (head is done). */
  data(ctx: ProgramContext<S>, name: string, text: string): boolean;
  /** The current input ended. */
  end?(ctx: ProgramContext<S>, name: string): void;
  /** The input could not be opened (`open`) or read (`read`). */
  error(ctx: ProgramContext<S>, name: string, e: Errno, when: 'open' | 'read'): void;
  /** Everything was read: print totals and exit. */
  finish(ctx: ProgramContext<S>): void;
}

/**
 * The error and finish handlers head and tail share (coreutils wording): a file that cannot be
 * opened or read is reported and makes the exit status 1; at the end, exit with that status.
 */
export function reportAndExit<S extends InputState & { status: number }>(
  tool: string,
): Pick<InputHandler<S>, 'error' | 'finish'> {
  return {
    error(ctx, name, e, when) {
      const what =
        when === 'open' ? `cannot open '${name}' for reading` : `error reading '${name}'`;
      err(ctx, `${tool}: ${what}: ${errText(e)}\n`);
      ctx.state.status = 1;
    },
    finish(ctx) {
      ctx.exit(ctx.state.status);
    },
  };
}

export function initInputs(names: readonly string[]): InputState {
  return { inputs: names.length ? [...names] : ['-'], index: 0, fd: -1, done: false };
}

function next<S extends InputState>(
  ctx: ProgramContext<S>,
  h: InputHandler<S>,
  name: string,
): void {
  const s = ctx.state;
  if (s.fd > 2) ctx.close(s.fd);
  s.fd = -1;
  s.index++;
  h.end?.(ctx, name);
}

function deliver<S extends InputState>(
  ctx: ProgramContext<S>,
  h: InputHandler<S>,
  r: string | Errno,
): boolean {
  const s = ctx.state;
  const name = s.inputs[s.index]!;
  if (r === 'EOF') {
    next(ctx, h, name);
    return true;
  }
  if (isErrno(r)) {
    h.error(ctx, name, r, 'read');
    next(ctx, h, name);
    return true;
  }
  if (!h.data(ctx, name, r)) {
    s.done = true;
    h.finish(ctx);
    return false;
  }
  return true;
}

/** Reads until something blocks or everything is read (then calls finish). */
export function pump<S extends InputState>(ctx: ProgramContext<S>, h: InputHandler<S>): void {
  const s = ctx.state;
  while (!s.done && s.index < s.inputs.length) {
    const name = s.inputs[s.index]!;
    if (s.fd < 0) {
      if (name === '-') s.fd = 0;
      else {
        const fd = ctx.open(name, 'r');
        if (isErrno(fd)) {
          h.error(ctx, name, fd, 'open');
          s.index++;
          continue;
        }
        s.fd = fd;
      }
    }
    const r = ctx.read(s.fd);
    if (isBlocked(r)) return;
    if (!deliver(ctx, h, r)) return;
  }
  if (!s.done) {
    s.done = true;
    h.finish(ctx);
  }
}

/** The resume hook: a blocked read finished. */
export function resumeInputs<S extends InputState>(
  ctx: ProgramContext<S>,
  h: InputHandler<S>,
  wake: WakeEvent,
): void {
  if (wake.call !== 'read' || ctx.state.done) return;
  const r = wake.result === 'EINTR' ? undefined : wake.result;
  if (r !== undefined && !deliver(ctx, h, r)) return;
  pump(ctx, h);
}
