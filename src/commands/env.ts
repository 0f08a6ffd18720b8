/**
 * GNU coreutils env: prints the environment, or runs a command in a changed one
 * (NAME=VALUE, -i, -u NAME, --default-signal as the reference harness uses it).
 */
import { NSIG, SIGKILL, SIGSTOP, isErrno } from '../kernel-sim/index.ts';
import type { Program } from '../kernel-sim/index.ts';
import { err, errText, out } from './util.ts';
import { helpRequested } from './help.ts';

export const env: Program<null> = {
  name: 'env',
  start(ctx) {
    if (helpRequested(ctx, 'env')) return;
    const args = ctx.argv.slice(1);
    let vars: Record<string, string> = { ...ctx.env };
    let defaultSignals = false;
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-i' || a === '--ignore-environment' || a === '-') vars = {};
      else if (a === '-u' || a === '--unset') delete vars[args[++i] ?? ''];
      else if (a.startsWith('--unset=')) delete vars[a.slice(8)];
      else if (a === '--default-signal') defaultSignals = true;
      else if (a === '--') {
        i++;
        break;
      } else if (a.startsWith('-') && a.length > 1) {
        err(
          ctx,
          `${a.startsWith('--') ? `env: unrecognized option '${a}'` : `env: invalid option -- '${a[1] ?? ''}'`}\nTry 'env --help' for more information.\n`,
        );
        ctx.exit(125);
        return;
      } else break;
    }
    for (; i < args.length && /^[^=]+=/.test(args[i]!); i++) {
      const a = args[i]!;
      const eq = a.indexOf('=');
      vars[a.slice(0, eq)] = a.slice(eq + 1);
    }
    const cmd = args.slice(i);
    if (cmd.length === 0) {
      out(
        ctx,
        Object.entries(vars)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(''),
      );
      ctx.exit(0);
      return;
    }
    if (defaultSignals)
      for (let s = 1; s <= NSIG; s++)
        if (s !== SIGKILL && s !== SIGSTOP) ctx.sigaction(s, 'default');
    const name = cmd[0]!;
    const path = ctx.which(name);
    const r = isErrno(path) ? path : ctx.exec(path, cmd, vars);
    if (r === 0) return;
    err(ctx, `env: '${name}': ${errText(r)}\n`);
    ctx.exit(r === 'ENOENT' ? 127 : 126);
  },
};
