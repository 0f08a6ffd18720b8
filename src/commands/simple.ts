/**
 * Small commands with no input: hostname, id, whoami, clear, nproc, printenv.
 * The machine is modelled with 2 CPUs (the reference machine had 2) and everyone is root
 * unless the process changed its UID.
 */
import { isErrno } from '../kernel-sim/index.ts';
import type { Program, ProgramContext } from '../kernel-sim/index.ts';
import { err, out, userTable } from './util.ts';

/** The caller's real UID, from /proc/self/status (0 when /proc does not show the caller). */
export function currentUid(ctx: ProgramContext<unknown>): number {
  const st = ctx.fs.readFile('/proc/self/status');
  if (isErrno(st)) return 0;
  const m = /^Uid:\t(\d+)\t(\d+)/m.exec(st);
  return m ? Number(m[2]) : 0;
}

export const hostname: Program<null> = {
  name: 'hostname',
  start(ctx) {
    const text = ctx.fs.readFile('/etc/hostname');
    out(ctx, isErrno(text) ? 'localhost\n' : text.endsWith('\n') ? text : `${text}\n`);
    ctx.exit(0);
  },
};

export const id: Program<null> = {
  name: 'id',
  start(ctx) {
    const uid = currentUid(ctx);
    const users = userTable(ctx);
    const name = (n: number): string => (users.has(n) ? `(${users.get(n) ?? ''})` : '');
    out(ctx, `uid=${uid}${name(uid)} gid=0(root) groups=0(root)\n`);
    ctx.exit(0);
  },
};

export const whoami: Program<null> = {
  name: 'whoami',
  start(ctx) {
    const uid = currentUid(ctx);
    const user = userTable(ctx).get(uid);
    if (user === undefined) {
      err(ctx, `whoami: cannot find name for user ID ${uid}\n`);
      ctx.exit(1);
      return;
    }
    out(ctx, `${user}\n`);
    ctx.exit(0);
  },
};

export const clear: Program<null> = {
  name: 'clear',
  start(ctx) {
    out(ctx, '\x1b[H\x1b[2J\x1b[3J');
    ctx.exit(0);
  },
};

export const nproc: Program<null> = {
  name: 'nproc',
  start(ctx) {
    out(ctx, '2\n');
    ctx.exit(0);
  },
};

export const printenv: Program<null> = {
  name: 'printenv',
  start(ctx) {
    const names = ctx.argv.slice(1);
    if (names.length === 0) {
      out(
        ctx,
        Object.entries(ctx.env)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(''),
      );
      ctx.exit(0);
      return;
    }
    let missing = 0;
    for (const n of names) {
      const v = ctx.env[n];
      if (v === undefined) missing++;
      else out(ctx, `${v}\n`);
    }
    ctx.exit(missing ? 1 : 0);
  },
};
