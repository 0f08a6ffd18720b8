/**
 * The machine a lesson starts from by default: the kernel model with the shells, the
 * command-line tools, the container inits (tini, dumb-init, catatonit, pause) and the language
 * runtimes (node, go, python3, ImageMagick convert) installed, with the example apps in /app,
 * a Docker engine (the `docker` CLI, dockerd, containerd and its shim) and a single-node
 * Kubernetes cluster (kubectl, the kubelet, a shim per pod sandbox), as on a Debian 12 host.
 */
import { SHELL_BINARIES, SHELL_PROGRAMS } from '../shell/programs.ts';
import { COMMAND_BINARIES, COMMAND_PROGRAMS } from '../commands/index.ts';
import { INIT_BINARIES, INIT_FILES, INIT_PROGRAMS } from '../runtimes/init/index.ts';
import { APP_BINARIES, APP_FILES, APP_PROGRAMS } from '../runtimes/apps/index.ts';
import { DOCKER_BINARIES, DOCKER_FILES, DOCKER_PROGRAMS } from '../runtimes/docker/index.ts';
import {
  KUBERNETES_BINARIES,
  KUBERNETES_FILES,
  KUBERNETES_PROGRAMS,
} from '../runtimes/kubernetes/index.ts';
import type { Program } from '../kernel-sim/index.ts';
import { LabMachine } from './machine.ts';
import type { MachineOptions, MachineSnapshot } from './machine.ts';

export const LAB_PROGRAMS: readonly Program<never>[] = [
  ...SHELL_PROGRAMS,
  ...COMMAND_PROGRAMS,
  ...INIT_PROGRAMS,
  ...APP_PROGRAMS,
  ...DOCKER_PROGRAMS,
  ...KUBERNETES_PROGRAMS,
] as unknown as readonly Program<never>[];

export const LAB_BINARIES: Readonly<Record<string, string>> = {
  ...APP_BINARIES,
  ...DOCKER_BINARIES,
  ...KUBERNETES_BINARIES,
  ...INIT_BINARIES,
  ...COMMAND_BINARIES,
  ...SHELL_BINARIES,
};

function labOptions(options: MachineOptions): MachineOptions {
  return {
    ...options,
    programs: [...LAB_PROGRAMS, ...(options.programs ?? [])],
    binaries: { ...LAB_BINARIES, ...(options.binaries ?? {}) },
    files: {
      ...APP_FILES,
      ...INIT_FILES,
      ...DOCKER_FILES,
      ...KUBERNETES_FILES,
      ...(options.files ?? {}),
    },
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
