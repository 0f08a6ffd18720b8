/**
 * The container runtimes installed in the lab world: the inits, the language runtimes and apps,
 * the Docker engine and the Kubernetes node. Kept apart from the shells and tools so the page
 * can load this code after its first paint (see `app/state/pageWorld.ts`); the lab world
 * (`world.ts`) is the same either way.
 */
import { INIT_BINARIES, INIT_FILES, INIT_PROGRAMS } from '../runtimes/init/index.ts';
import { APP_BINARIES, APP_FILES, APP_PROGRAMS } from '../runtimes/apps/index.ts';
import { DOCKER_BINARIES, DOCKER_FILES, DOCKER_PROGRAMS } from '../runtimes/docker/index.ts';
import {
  KUBERNETES_BINARIES,
  KUBERNETES_FILES,
  KUBERNETES_PROGRAMS,
} from '../runtimes/kubernetes/index.ts';
import type { KernelOptions, Program } from '../kernel-sim/index.ts';

/** In registration order: a later program of the same name replaces an earlier one. */
export const RUNTIME_PROGRAMS: readonly Program<never>[] = [
  ...INIT_PROGRAMS,
  ...APP_PROGRAMS,
  ...DOCKER_PROGRAMS,
  ...KUBERNETES_PROGRAMS,
] as unknown as readonly Program<never>[];

export const RUNTIME_BINARIES: Readonly<Record<string, string>> = {
  ...APP_BINARIES,
  ...DOCKER_BINARIES,
  ...KUBERNETES_BINARIES,
  ...INIT_BINARIES,
};

export const RUNTIME_FILES: NonNullable<KernelOptions['files']> = {
  ...APP_FILES,
  ...INIT_FILES,
  ...DOCKER_FILES,
  ...KUBERNETES_FILES,
};
