/**
 * The page's lab machines. They are the machines of `src/lab/world.ts` — the same programs,
 * executables and files, so a shared link or a graded result replays identically in `pidlab` —
 * but the container runtimes' code (inits, apps, Docker, Kubernetes: a fifth of the page's
 * JavaScript) arrives in its own chunk after the first paint, which keeps the first load small.
 *
 * Until that chunk has arrived, a runtime program is a stand-in that names the missing code; the
 * store holds input back until `runtimesReady` (see labStore), and nothing else runs a program:
 * the machine boots with the host init and bash, which are in the first chunk.
 */
import type { Program } from '../../src/kernel-sim/index.ts';
import { COMMAND_PROGRAMS } from '../../src/commands/index.ts';
import { SHELL_PROGRAMS } from '../../src/shell/programs.ts';
import { LabMachine } from '../../src/lab/machine.ts';
import type { MachineOptions, MachineSnapshot } from '../../src/lab/machine.ts';
import manifest from './world-manifest.json';

const loaded = new Map<string, Program>();
let ready = false;

/** Resolves when the runtimes' code has arrived; rejects if it cannot be loaded. */
export const runtimesReady: Promise<void> = import('../../src/lab/runtimes.ts').then((m) => {
  // Same order as the world's list: a later program of the same name wins, as in the kernel.
  for (const p of m.RUNTIME_PROGRAMS as unknown as readonly Program[]) loaded.set(p.name, p);
  ready = true;
});

export function runtimesLoaded(): boolean {
  return ready;
}

function code(name: string): Program {
  const p = loaded.get(name);
  if (p === undefined) throw new Error(`PID 1 Lab: the code of '${name}' has not loaded yet`);
  return p;
}

/** Hooks the real program lacks stay missing, so the kernel reports them as it would. */
function stub(name: string): Program {
  return {
    name,
    start: (ctx) => code(name).start(ctx),
    resume: (ctx, wake) => {
      const p = code(name);
      if (!p.resume) throw new Error(`program '${name}' has no resume`);
      p.resume(ctx, wake);
    },
    onSignal: (ctx, info) => {
      const p = code(name);
      if (!p.onSignal) throw new Error(`program '${name}' has no onSignal`);
      p.onSignal(ctx, info);
    },
    onTimer: (ctx, tag, id) => {
      const p = code(name);
      if (!p.onTimer) throw new Error(`program '${name}' has no onTimer`);
      p.onTimer(ctx, tag, id);
    },
  };
}

const PROGRAMS: readonly Program[] = [
  ...(SHELL_PROGRAMS as unknown as readonly Program[]),
  ...(COMMAND_PROGRAMS as unknown as readonly Program[]),
  ...manifest.runtimePrograms.map(stub),
];

function pageOptions(options: MachineOptions): MachineOptions {
  return {
    ...options,
    programs: [...PROGRAMS, ...(options.programs ?? [])],
    binaries: { ...manifest.binaries, ...(options.binaries ?? {}) },
    files: { ...manifest.files, ...(options.files ?? {}) },
  };
}

/** `createLabMachine` of src/lab/world.ts, for the page. */
export function createPageMachine(options: MachineOptions = {}): LabMachine {
  return new LabMachine(pageOptions(options));
}

/** `restoreLabMachine` of src/lab/world.ts, for the page. */
export function restorePageMachine(
  snapshot: MachineSnapshot,
  options: MachineOptions = {},
): LabMachine {
  return LabMachine.restore(snapshot, pageOptions(options));
}
