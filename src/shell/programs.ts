/**
 * The shell programs: Debian dash, bash and busybox ash, all on one interpreter. They differ in
 * when a -c string execs its last command instead of forking (semantics.md §11), in their
 * messages, and in when they reap (bash from its SIGCHLD handler, dash/ash only when waiting).
 */
import type { Program } from '../kernel-sim/index.ts';
import type { Flavor } from './state.ts';
import { resumeShell, signalShell, startShell, timerShell } from './interpreter.ts';

function shellProgram(name: string, flavor: Flavor): Program<unknown> {
  return {
    name,
    start: (ctx) => startShell(ctx, flavor),
    resume: (ctx, wake) => resumeShell(ctx, wake),
    onSignal: (ctx, info) => signalShell(ctx, info),
    onTimer: (ctx, tag) => timerShell(ctx, tag),
  };
}

export const dash = shellProgram('dash', 'dash');
export const bash = shellProgram('bash', 'bash');
export const busybox = shellProgram('busybox', 'ash');

export const SHELL_PROGRAMS: readonly Program<never>[] = [
  dash,
  bash,
  busybox,
] as unknown as readonly Program<never>[];

export const SHELL_BINARIES: Readonly<Record<string, string>> = {
  '/bin/sh': 'dash',
  '/usr/bin/sh': 'dash',
  '/bin/dash': 'dash',
  '/usr/bin/dash': 'dash',
  '/bin/bash': 'bash',
  '/usr/bin/bash': 'bash',
  '/bin/busybox': 'busybox',
};
