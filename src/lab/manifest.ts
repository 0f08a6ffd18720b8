/**
 * What the lab world installs, as plain data: `app/state/world-manifest.json`, which the page
 * boots from (see app/state/pageWorld.ts), is this, written by `npm run gen:world`.
 */
import type { KernelOptions } from '../kernel-sim/index.ts';
import { LAB_BINARIES, LAB_FILES, RUNTIME_PROGRAM_NAMES } from './world.ts';

export interface WorldManifest {
  /** Executable path → program name, for every program of the world. */
  readonly binaries: Readonly<Record<string, string>>;
  /** The files every lab machine starts with. */
  readonly files: NonNullable<KernelOptions['files']>;
  /** Programs whose code is in `src/lab/runtimes.ts` (loaded after the first paint). */
  readonly runtimePrograms: readonly string[];
}

export function worldManifest(): WorldManifest {
  return { binaries: LAB_BINARIES, files: LAB_FILES, runtimePrograms: RUNTIME_PROGRAM_NAMES };
}

export function worldManifestText(): string {
  return `${JSON.stringify(worldManifest(), null, 1)}\n`;
}
