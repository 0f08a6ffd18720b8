/**
 * GNU coreutils file commands on the simulated file system: mkdir (-p), rm (-r, -f), rmdir,
 * touch and chmod (octal modes), with coreutils' messages and exit statuses.
 */
import { isErrno } from '../kernel-sim/index.ts';
import type { Errno, Program, ProgramContext } from '../kernel-sim/index.ts';
import { err, errText } from './util.ts';

type Ctx = ProgramContext<null>;

/**
 * coreutils quote(): ‘x’ in a UTF-8 locale, 'x' otherwise (mkdir and chmod's mode use it; rm,
 * rmdir, touch and ls quote with quoteaf, always 'x').
 */
function localeQuote(ctx: Ctx, s: string): string {
  const locale = ctx.env.LC_ALL || ctx.env.LC_MESSAGES || ctx.env.LANG || '';
  return /utf-?8/i.test(locale) ? `\u2018${s}\u2019` : `'${s}'`;
}

/** Splits argv into flag letters and operands ("--" ends the options). */
function parse(argv: readonly string[]): { flags: Set<string>; operands: string[] } {
  const flags = new Set<string>();
  const operands: string[] = [];
  let options = true;
  for (const a of argv) {
    if (options && a === '--') options = false;
    else if (options && /^-[A-Za-z]+$/.test(a)) for (const c of a.slice(1)) flags.add(c);
    else if (options && a.startsWith('--')) flags.add(a);
    else operands.push(a);
  }
  return { flags, operands };
}

function missing(ctx: Ctx, tool: string): void {
  err(ctx, `${tool}: missing operand\nTry '${tool} --help' for more information.\n`);
  ctx.exit(1);
}

export const mkdir: Program<null> = {
  name: 'mkdir',
  start(ctx) {
    const { flags, operands } = parse(ctx.argv.slice(1));
    if (operands.length === 0) return missing(ctx, 'mkdir');
    const parents = flags.has('p') || flags.has('--parents');
    let status = 0;
    for (const dir of operands) {
      if (parents) {
        const parts = ctx.fs.resolve(dir).split('/').filter(Boolean);
        let path = '';
        for (const part of parts) {
          path += `/${part}`;
          const r = ctx.mkdir(path);
          if (r !== 0 && r !== 'EEXIST') {
            err(ctx, `mkdir: cannot create directory ${localeQuote(ctx, dir)}: ${errText(r)}\n`);
            status = 1;
            break;
          }
        }
        continue;
      }
      const r = ctx.mkdir(dir);
      if (r !== 0) {
        err(ctx, `mkdir: cannot create directory ${localeQuote(ctx, dir)}: ${errText(r)}\n`);
        status = 1;
      }
    }
    ctx.exit(status);
  },
};

/** Removes a path; with `recursive`, a directory and everything below it. */
function remove(ctx: Ctx, path: string, recursive: boolean): Errno | 0 {
  const st = ctx.fs.stat(path);
  if (isErrno(st)) return st;
  if (st.type !== 'dir') return ctx.unlink(path);
  if (!recursive) return 'EISDIR';
  const entries = ctx.fs.readdir(path);
  if (isErrno(entries)) return entries;
  for (const e of entries) {
    const r = remove(ctx, `${ctx.fs.resolve(path)}/${e}`, true);
    if (r !== 0) return r;
  }
  return ctx.rmdir(path);
}

export const rm: Program<null> = {
  name: 'rm',
  start(ctx) {
    const { flags, operands } = parse(ctx.argv.slice(1));
    const force = flags.has('f') || flags.has('--force');
    const recursive = flags.has('r') || flags.has('R') || flags.has('--recursive');
    if (operands.length === 0) {
      if (force) return ctx.exit(0);
      return missing(ctx, 'rm');
    }
    let status = 0;
    for (const path of operands) {
      const r = remove(ctx, path, recursive);
      if (r === 0 || (force && r === 'ENOENT')) continue;
      err(
        ctx,
        r === 'EISDIR'
          ? `rm: cannot remove '${path}': Is a directory\n`
          : `rm: cannot remove '${path}': ${errText(r)}\n`,
      );
      status = 1;
    }
    ctx.exit(status);
  },
};

export const rmdir: Program<null> = {
  name: 'rmdir',
  start(ctx) {
    const { operands } = parse(ctx.argv.slice(1));
    if (operands.length === 0) return missing(ctx, 'rmdir');
    let status = 0;
    for (const dir of operands) {
      const r = ctx.rmdir(dir);
      if (r !== 0) {
        err(ctx, `rmdir: failed to remove '${dir}': ${errText(r)}\n`);
        status = 1;
      }
    }
    ctx.exit(status);
  },
};

export const touch: Program<null> = {
  name: 'touch',
  start(ctx) {
    const { operands } = parse(ctx.argv.slice(1));
    if (operands.length === 0) {
      err(ctx, "touch: missing file operand\nTry 'touch --help' for more information.\n");
      return ctx.exit(1);
    }
    let status = 0;
    for (const file of operands) {
      if (!isErrno(ctx.fs.stat(file))) continue; // times are not modelled
      const fd = ctx.open(file, 'a');
      if (isErrno(fd)) {
        err(ctx, `touch: cannot touch '${file}': ${errText(fd)}\n`);
        status = 1;
      } else ctx.close(fd);
    }
    ctx.exit(status);
  },
};

export const chmod: Program<null> = {
  name: 'chmod',
  start(ctx) {
    const [mode, ...files] = ctx.argv.slice(1);
    if (mode === undefined || files.length === 0) {
      err(
        ctx,
        `chmod: missing operand${mode === undefined ? '' : ` after '${mode}'`}\nTry 'chmod --help' for more information.\n`,
      );
      return ctx.exit(1);
    }
    const plusX = mode === '+x' || mode === 'a+x' || mode === 'u+x';
    if (!plusX && !/^[0-7]{3,4}$/.test(mode)) {
      err(
        ctx,
        `chmod: invalid mode: ${localeQuote(ctx, mode)}\nTry 'chmod --help' for more information.\n`,
      );
      return ctx.exit(1);
    }
    let status = 0;
    for (const file of files) {
      const st = ctx.fs.stat(file);
      const current = isErrno(st)
        ? 0
        : parseInt(st.mode.slice(1).replace(/[^-]/g, '1').replace(/-/g, '0'), 2);
      const r = ctx.chmod(file, plusX ? current | 0o111 : parseInt(mode, 8));
      if (r !== 0) {
        err(ctx, `chmod: cannot access '${file}': ${errText(r)}\n`);
        status = 1;
      }
    }
    ctx.exit(status);
  },
};
