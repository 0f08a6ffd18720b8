/**
 * Container init processes: tini (also as docker-init), dumb-init, catatonit and the
 * Kubernetes pause container, as program models for the kernel model.
 */
import type { Program } from '../../kernel-sim/index.ts';
import { catatonit } from './catatonit.ts';
import { dumbInit } from './dumb-init.ts';
import { pause } from './pause.ts';
import { tini } from './tini.ts';

export { catatonit, dumbInit, pause, tini };

export const INIT_PROGRAMS: Program[] = [tini, dumbInit, catatonit, pause] as unknown as Program[];

export const INIT_BINARIES: Record<string, string> = {
  '/usr/bin/tini': 'tini',
  '/sbin/tini': 'tini',
  '/sbin/docker-init': 'tini',
  '/usr/bin/dumb-init': 'dumb-init',
  '/usr/bin/catatonit': 'catatonit',
  '/pause': 'pause',
};
