/**
 * GNU coreutils ls: names sorted bytewise (the C locale of a container), in columns on a
 * terminal and one per line otherwise; -a -A -1 -d -l. ls -l shows a fixed date (files have
 * no times in the model), owner root, link count 1.
 */
import { isErrno } from '../kernel-sim/index.ts';
import type { FileStat, Program } from '../kernel-sim/index.ts';
import { getopt } from './getopt.ts';
import { err, errText, out } from './util.ts';
import { helpRequested } from './help.ts';

/** GNU ls -C: fewest rows such that the columns (width = longest + 2) fit in `width`. */
export function columns(names: readonly string[], width: number): string {
  if (names.length === 0) return '';
  for (let cols = names.length; cols >= 1; cols--) {
    const rows = Math.ceil(names.length / cols);
    const widths: number[] = [];
    for (let c = 0; c < cols; c++) {
      const col = names.slice(c * rows, (c + 1) * rows);
      if (col.length === 0) break;
      widths.push(Math.max(...col.map((n) => n.length)) + 2);
    }
    const total = widths.reduce((a, b) => a + b, 0) - 2;
    if (total <= width || cols === 1) {
      let text = '';
      for (let r = 0; r < rows; r++) {
        const cells: string[] = [];
        for (let c = 0; c < widths.length; c++) {
          const n = names[c * rows + r];
          if (n !== undefined) cells.push(n);
        }
        text +=
          cells.map((n, c) => (c < cells.length - 1 ? n.padEnd(widths[c]!) : n)).join('') + '\n';
      }
      return text;
    }
  }
  return '';
}

function longLine(st: FileStat, name: string, sizeWidth: number): string {
  const mode = st.mode.length === 10 ? st.mode : '-rw-r--r--';
  const size = String(st.type === 'dir' ? 4096 : st.size).padStart(sizeWidth);
  return `${mode} 1 root root ${size} Jan  1 00:00 ${name}\n`;
}

export const ls: Program<null> = {
  name: 'ls',
  start(ctx) {
    if (helpRequested(ctx, 'ls')) return;
    const p = getopt(ctx.argv.slice(1), [
      { key: 'a', short: 'a', long: 'all' },
      { key: 'A', short: 'A', long: 'almost-all' },
      { key: '1', short: '1' },
      { key: 'l', short: 'l' },
      { key: 'd', short: 'd', long: 'directory' },
      { key: 'C', short: 'C' },
      { key: 'color', long: 'color', arg: 'optional' },
    ]);
    if (!p.ok) {
      err(ctx, `ls: ${p.error}\nTry 'ls --help' for more information.\n`);
      ctx.exit(2);
      return;
    }
    const has = (k: string): boolean => p.opts.some((o) => o.key === k);
    const long = has('l');
    const tty = ctx.isatty(1);
    const size = ctx.ttySize(1);
    const width = Number(ctx.env.COLUMNS) || (typeof size === 'string' ? 80 : size.cols);
    const oneLine = has('1') || (!tty && !has('C'));
    const operands = p.operands.length ? p.operands : ['.'];
    let status = 0;
    const files: { name: string; st: FileStat }[] = [];
    const dirs: string[] = [];
    for (const o of operands) {
      const st = ctx.fs.stat(o);
      if (isErrno(st)) {
        err(ctx, `ls: cannot access '${o}': ${errText(st)}\n`);
        status = 2;
      } else if (st.type === 'dir' && !has('d')) dirs.push(o);
      else files.push({ name: o, st });
    }
    const render = (entries: { name: string; st: FileStat | undefined }[]): string => {
      if (long) {
        const w = Math.max(
          1,
          ...entries.map((e) => String(e.st?.size ?? 0).length),
          entries.some((e) => e.st?.type === 'dir') ? 4 : 1,
        );
        return entries.map((e) => (e.st ? longLine(e.st, e.name, w) : '')).join('');
      }
      const names = entries.map((e) => e.name);
      return oneLine ? names.map((n) => `${n}\n`).join('') : columns(names, width);
    };
    let text = render(files);
    dirs.forEach((d, i) => {
      const list = ctx.fs.readdir(d);
      if (isErrno(list)) {
        err(ctx, `ls: cannot open directory '${d}': ${errText(list)}\n`);
        status = 2;
        return;
      }
      let names = list.filter((n) => has('a') || has('A') || !n.startsWith('.'));
      if (has('a')) names = ['.', '..', ...names];
      names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const entries = names.map((n) => {
        const st = ctx.fs.stat(`${d}/${n}`);
        return { name: n, st: isErrno(st) ? undefined : st };
      });
      if (operands.length > 1) text += `${text !== '' || i > 0 ? '\n' : ''}${d}:\n`;
      if (long) text += `total ${entries.length * 4}\n`;
      text += render(entries);
    });
    out(ctx, text);
    ctx.exit(status);
  },
};
