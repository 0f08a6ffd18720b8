/**
 * A simulated Docker engine for the lab: the `docker` CLI (which also plays the daemon's part,
 * keeping all engine state in /var/lib/docker), idle `dockerd`/`containerd` daemons and
 * `containerd-shim-runc-v2`, which runs each container's init in its own PID namespace.
 * Add it to a machine with
 * `createLabMachine({ programs: DOCKER_PROGRAMS, binaries: DOCKER_BINARIES, files: DOCKER_FILES })`.
 */
import type { Program } from '../../kernel-sim/index.ts';
import { docker } from './cli.ts';
import { containerd, containerdShim, dockerd } from './shim.ts';

export { docker, containerd, containerdShim, dockerd };
export { IMAGE_CATALOGUE, parseDockerfile, processArgs } from './images.ts';
export type { ImageConfig } from './images.ts';

export const DOCKER_PROGRAMS: Program[] = [
  docker,
  containerd,
  dockerd,
  containerdShim,
] as unknown as Program[];

export const DOCKER_BINARIES: Record<string, string> = {
  '/usr/bin/docker': 'docker',
  '/usr/bin/dockerd': 'dockerd',
  '/usr/bin/containerd': 'containerd',
  '/usr/bin/containerd-shim-runc-v2': 'containerd-shim-runc-v2',
};

/** The engine's directories and the example Dockerfiles of the lessons. */
export const DOCKER_FILES: Record<string, string> = {
  '/var/lib/docker/.keep': '',
  '/var/lib/docker/containers/.keep': '',
  '/var/lib/docker/images/.keep': '',
  '/run/containerd/.keep': '',
  '/root/demo/shell-form/Dockerfile': 'FROM debian:12\nCMD sleep 1000\n',
  '/root/demo/exec-form/Dockerfile': 'FROM debian:12\nCMD ["sleep", "1000"]\n',
  '/root/demo/alpine-shell-form/Dockerfile': 'FROM alpine:3.19\nCMD sleep 1000\n',
  '/root/demo/entrypoint/Dockerfile': 'FROM debian:12\nENTRYPOINT ["sleep"]\nCMD ["1000"]\n',
  '/root/demo/stopsignal/Dockerfile': 'FROM debian:12\nSTOPSIGNAL SIGKILL\nCMD ["sleep", "1000"]\n',
  '/root/demo/node/Dockerfile':
    'FROM node:20\nWORKDIR /app\nCOPY app.js .\nCMD ["node", "app.js"]\n',
};
