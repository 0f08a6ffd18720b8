/**
 * The `pidlab` command-line entry point (Node only). Run it through
 * bin/pidlab.mjs: `npx pidlab --help`.
 */
import { readFileSync } from 'node:fs';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Commands available now. */
const COMMANDS: readonly { name: string; summary: string }[] = [
  { name: 'run', summary: 'type a script at a simulated root prompt; print the transcript' },
  { name: 'shell', summary: 'open the lab shell on a simulated host in this terminal' },
  {
    name: 'validate',
    summary: 'check scenario folders (lessons and exercises); --run replays them',
  },
  { name: 'grade', summary: "replay learners' exported results and confirm or reject each grade" },
];

/** Commands that are planned but not implemented yet. */
const PLANNED_COMMANDS: readonly { name: string; summary: string }[] = [];

export function readVersion(): string {
  const pkg: unknown = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  );
  if (typeof pkg === 'object' && pkg !== null && 'version' in pkg) {
    return String(pkg.version);
  }
  return '0.0.0';
}

export function usage(): string {
  const list = (cs: typeof COMMANDS): string =>
    cs.map((c) => `  ${c.name.padEnd(10)}${c.summary}`).join('\n');
  return `pidlab - PID 1 Lab: see what really happens to processes inside a container,
on a deterministic model of the Linux kernel.

Usage: pidlab [--help | --version]
       pidlab <command> [args...]

Options:
  -h, --help     show this help and exit
  -V, --version  print the version and exit

Commands:
${list(COMMANDS)}

${PLANNED_COMMANDS.length > 0 ? `Not available yet (they arrive with later issues):\n${list(PLANNED_COMMANDS)}\n\n` : ''}'pidlab <command> --help' shows a command's options.

The lab itself runs in the browser: npm start
`;
}

export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const [first] = argv;
  if (first === undefined) {
    io.err(usage());
    return 2;
  }
  if (first === '-h' || first === '--help') {
    io.out(usage());
    return 0;
  }
  if (first === '-V' || first === '--version') {
    io.out(`pidlab ${readVersion()}\n`);
    return 0;
  }
  if (first.startsWith('-')) {
    io.err(`pidlab: unknown option '${first}'\nTry 'pidlab --help'.\n`);
    return 2;
  }
  if (first === 'run') {
    const { runCommand } = await import('./run.ts');
    return runCommand(argv.slice(1), io, () => readFileSync(0, 'utf8'));
  }
  if (first === 'shell') {
    const { shellCommand } = await import('./shell.ts');
    return await shellCommand(argv.slice(1), io);
  }
  if (first === 'validate') {
    const { validateCommand } = await import('./validate.ts');
    return validateCommand(argv.slice(1), io);
  }
  if (first === 'grade') {
    const { gradeCommand } = await import('./grade.ts');
    return gradeCommand(argv.slice(1), io);
  }
  if (PLANNED_COMMANDS.some((c) => c.name === first)) {
    io.err(
      `pidlab: '${first}' is not available yet: it arrives with a later issue.\n` +
        `Try 'pidlab --help'.\n`,
    );
    return 2;
  }
  io.err(`pidlab: unknown command '${first}'\nTry 'pidlab --help'.\n`);
  return 2;
}
