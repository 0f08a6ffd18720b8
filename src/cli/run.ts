/**
 * `pidlab run --script FILE` (or `-` for standard input): types each line at a root prompt of a
 * simulated host and prints the terminal transcript; `--json` prints the transcript, the trace
 * (each event with its explanation and rule) and the final process table instead.
 */
import { readFileSync } from 'node:fs';
import { RULES, explainEvent } from '../kernel-sim/index.ts';
import { createLabMachine } from '../lab/world.ts';
import { runScript } from '../lab/script.ts';
import type { CliIo } from './main.ts';

export const RUN_USAGE = `Usage: pidlab run --script FILE [--json] [--hostname NAME] [--limit SECONDS]

Types each line of FILE (or standard input with '-') at the root prompt of a simulated host,
letting virtual time pass while commands block, and prints the terminal transcript.
A line '^C', '^Z', '^\\' or '^D' presses that key while the foreground command runs.

Options:
  --script FILE     the script ('-' for standard input)
  --json            print {transcript, endTime, finished, trace, processes} as JSON
  --hostname NAME   the host's name (default: host)
  --limit SECONDS   how long to wait for the prompt after each line (default 3600)
  -h, --help        show this help
`;

export function runCommand(args: readonly string[], io: CliIo, readStdin: () => string): number {
  let script: string | undefined;
  let json = false;
  let hostname = 'host';
  let limit = 3600;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string | undefined => args[++i];
    if (a === '-h' || a === '--help') {
      io.out(RUN_USAGE);
      return 0;
    } else if (a === '--json') json = true;
    else if (a === '--script' || a === '-s') {
      const v = value();
      if (v === undefined) return usageError(io, "option '--script' needs a file name");
      script = v;
    } else if (a === '--hostname') {
      const v = value();
      if (v === undefined || !/^[a-zA-Z0-9.-]{1,63}$/.test(v))
        return usageError(io, 'invalid --hostname');
      hostname = v;
    } else if (a === '--limit') {
      const v = Number(value());
      if (!Number.isFinite(v) || v <= 0)
        return usageError(io, "option '--limit' needs a positive number of seconds");
      limit = v;
    } else return usageError(io, `unknown option '${a}'`);
  }
  if (script === undefined) return usageError(io, 'missing --script FILE');
  let text: string;
  try {
    text = script === '-' ? readStdin() : readFileSync(script, 'utf8');
  } catch (e) {
    io.err(
      `pidlab run: cannot read '${script}': ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`,
    );
    return 1;
  }
  const machine = createLabMachine({ hostname });
  const result = runScript(machine, text, { promptLimit: limit * 1_000_000 });
  if (!json) {
    io.out(result.transcript + '\n');
    return result.finished ? 0 : 1;
  }
  const k = machine.kernel;
  const out = {
    transcript: result.transcript,
    endTime: result.endTime,
    finished: result.finished,
    trace: result.trace.map((e) => {
      const x = explainEvent(e);
      return { ...e, summary: x.summary, why: RULES[e.rule].text, source: RULES[e.rule].source };
    }),
    processes: k.view().list(),
  };
  io.out(
    JSON.stringify(
      out,
      (_k, v: unknown) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v),
      2,
    ) + '\n',
  );
  return result.finished ? 0 : 1;
}

function usageError(io: CliIo, message: string): number {
  io.err(`pidlab run: ${message}\nTry 'pidlab run --help'.\n`);
  return 2;
}
