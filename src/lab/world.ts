/**
 * The machine a lesson starts from by default: the kernel model with the shells, the
 * command-line tools, the container inits (tini, dumb-init, catatonit, pause) and the language
 * runtimes (node, go, python3, ImageMagick convert) installed, with the example apps in /app,
 * a Docker engine (the `docker` CLI, dockerd, containerd and its shim) and a single-node
 * Kubernetes cluster (kubectl, the kubelet, a shim per pod sandbox), as on a Debian 12 host.
 */
import { SHELL_BINARIES, SHELL_PROGRAMS } from '../shell/programs.ts';
import { COMMAND_BINARIES, COMMAND_PROGRAMS } from '../commands/index.ts';
import { RUNTIME_BINARIES, RUNTIME_FILES, RUNTIME_PROGRAMS } from './runtimes.ts';
import type { KernelOptions, Program } from '../kernel-sim/index.ts';
import { LabMachine } from './machine.ts';
import type { MachineOptions, MachineSnapshot } from './machine.ts';

export const LAB_PROGRAMS: readonly Program<never>[] = [
  ...SHELL_PROGRAMS,
  ...COMMAND_PROGRAMS,
  ...RUNTIME_PROGRAMS,
] as unknown as readonly Program<never>[];

export const LAB_BINARIES: Readonly<Record<string, string>> = {
  ...RUNTIME_BINARIES,
  ...COMMAND_BINARIES,
  ...SHELL_BINARIES,
};

/** The files every lab machine starts with (example apps, configs, Dockerfiles, manifests). */
export const LAB_FILES: NonNullable<KernelOptions['files']> = RUNTIME_FILES;

/** The program names a lab machine runs that `runtimes.ts` provides (the page loads them later). */
export const RUNTIME_PROGRAM_NAMES: readonly string[] = [
  ...new Set(RUNTIME_PROGRAMS.map((p) => p.name)),
];

function labOptions(options: MachineOptions): MachineOptions {
  return {
    ...options,
    programs: [...LAB_PROGRAMS, ...(options.programs ?? [])],
    binaries: { ...LAB_BINARIES, ...(options.binaries ?? {}) },
    files: { ...LAB_FILES, ...(options.files ?? {}) },
  };
}

/** A Debian-like host with bash on its terminal. */
export function createLabMachine(options: MachineOptions = {}): LabMachine {
  return new LabMachine(labOptions(options));
}

/** Continues a lab machine saved with `LabMachine.snapshot()` (same options as it was created with). */
export function restoreLabMachine(
  snapshot: MachineSnapshot,
  options: MachineOptions = {},
): LabMachine {
  return LabMachine.restore(snapshot, labOptions(options));
}
