/**
 * Container init processes: tini (also as docker-init), dumb-init, catatonit, the Kubernetes
 * pause container, supervisord and a minimal systemd, as program models for the kernel model.
 */
import type { Program } from '../../kernel-sim/index.ts';
import { catatonit } from './catatonit.ts';
import { dumbInit } from './dumb-init.ts';
import { pause } from './pause.ts';
import { supervisord } from './supervisord.ts';
import { SYSTEMD_PATH, SYSTEMD_SHUTDOWN_PATH, systemd, systemdShutdown } from './systemd.ts';
import { tini } from './tini.ts';

export { catatonit, dumbInit, pause, supervisord, systemd, systemdShutdown, tini };
export { parseServiceUnit } from './systemd.ts';
export { INIT_FILES } from './files.ts';
export { readSupervisorConfig } from './supervisord.ts';

export const INIT_PROGRAMS: Program[] = [
  tini,
  dumbInit,
  catatonit,
  pause,
  supervisord,
  systemd,
  systemdShutdown,
] as unknown as Program[];

export const INIT_BINARIES: Record<string, string> = {
  '/usr/bin/tini': 'tini',
  '/sbin/tini': 'tini',
  '/sbin/docker-init': 'tini',
  '/usr/bin/dumb-init': 'dumb-init',
  '/usr/bin/catatonit': 'catatonit',
  '/pause': 'pause',
  '/usr/bin/supervisord': 'supervisord',
  [SYSTEMD_PATH]: 'systemd',
  '/usr/lib/systemd/systemd': 'systemd',
  [SYSTEMD_SHUTDOWN_PATH]: 'systemd-shutdown',
  '/usr/lib/systemd/systemd-shutdown': 'systemd-shutdown',
};
