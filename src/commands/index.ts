/**
 * The command-line tools of the lab as program models: procps-ng (ps, kill), psmisc (pstree),
 * util-linux (unshare, nsenter, setsid, setpriv), coreutils (cat, echo, ls, head, tail, wc, env,
 * printenv, hostname, id, whoami, nproc, timeout), grep, clear. sleep, true and false come
 * with the kernel model (src/kernel-sim/programs/builtin.ts).
 */
import type { Program } from '../kernel-sim/index.ts';
import { cat } from './cat.ts';
import { echo } from './echo.ts';
import { env } from './env.ts';
import { grep } from './grep.ts';
import { head } from './head.ts';
import { kill } from './kill.ts';
import { ls } from './ls.ts';
import { nsenter } from './nsenter.ts';
import { ps } from './ps.ts';
import { pstree } from './pstree.ts';
import { setpriv } from './setpriv.ts';
import { setsid } from './setsid.ts';
import { clear, hostname, id, nproc, printenv, whoami } from './simple.ts';
import { chmod, mkdir, rm, rmdir, touch } from './files.ts';
import { tail } from './tail.ts';
import { timeout } from './timeout.ts';
import { unshare } from './unshare.ts';
import { wc } from './wc.ts';

export const COMMAND_PROGRAMS: Program<never>[] = [
  cat,
  echo,
  env,
  grep,
  head,
  kill,
  ls,
  nsenter,
  ps,
  pstree,
  setsid,
  setpriv,
  clear,
  hostname,
  id,
  nproc,
  printenv,
  whoami,
  tail,
  timeout,
  unshare,
  wc,
  mkdir,
  rm,
  rmdir,
  touch,
  chmod,
] as unknown as Program<never>[];

/** Where each lives, as on Debian 12 (/bin is a symlink to /usr/bin there: both are listed). */
const LOCATIONS: Readonly<Record<string, readonly string[]>> = {
  ps: ['/usr/bin/ps', '/bin/ps'],
  kill: ['/usr/bin/kill', '/bin/kill'],
  pstree: ['/usr/bin/pstree', '/bin/pstree'],
  unshare: ['/usr/bin/unshare', '/bin/unshare'],
  nsenter: ['/usr/bin/nsenter', '/bin/nsenter'],
  setsid: ['/usr/bin/setsid', '/bin/setsid'],
  setpriv: ['/usr/bin/setpriv', '/bin/setpriv'],
  timeout: ['/usr/bin/timeout', '/bin/timeout'],
  cat: ['/usr/bin/cat', '/bin/cat'],
  echo: ['/usr/bin/echo', '/bin/echo'],
  ls: ['/usr/bin/ls', '/bin/ls'],
  grep: ['/usr/bin/grep', '/bin/grep'],
  head: ['/usr/bin/head', '/bin/head'],
  tail: ['/usr/bin/tail', '/bin/tail'],
  wc: ['/usr/bin/wc', '/bin/wc'],
  env: ['/usr/bin/env', '/bin/env'],
  printenv: ['/usr/bin/printenv', '/bin/printenv'],
  hostname: ['/usr/bin/hostname', '/bin/hostname'],
  id: ['/usr/bin/id', '/bin/id'],
  whoami: ['/usr/bin/whoami', '/bin/whoami'],
  clear: ['/usr/bin/clear', '/bin/clear'],
  nproc: ['/usr/bin/nproc', '/bin/nproc'],
  mkdir: ['/usr/bin/mkdir', '/bin/mkdir'],
  rm: ['/usr/bin/rm', '/bin/rm'],
  rmdir: ['/usr/bin/rmdir', '/bin/rmdir'],
  touch: ['/usr/bin/touch', '/bin/touch'],
  chmod: ['/usr/bin/chmod', '/bin/chmod'],
};

export const COMMAND_BINARIES: Record<string, string> = Object.fromEntries(
  Object.entries(LOCATIONS).flatMap(([program, paths]) => paths.map((p) => [p, program])),
);
