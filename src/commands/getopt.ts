/**
 * A small getopt_long(3) as glibc implements it: short option clusters, `-sVALUE`,
 * `--long=value`, unique prefixes of long options, `--` ending the options, and either GNU
 * permutation (options may follow operands) or POSIX mode (stop at the first operand, as a "+"
 * optstring does). Errors are worded as glibc prints them (without the "prog: " prefix).
 */

export interface OptSpec {
  readonly key: string;
  readonly short?: string;
  readonly long?: string;
  /** 'none' (default), 'required', or 'optional' (only `-xVAL` / `--long=VAL`). */
  readonly arg?: 'none' | 'required' | 'optional';
}

export interface ParsedOpt {
  readonly key: string;
  readonly value?: string | undefined;
}

export type GetoptResult =
  | { readonly ok: true; readonly opts: ParsedOpt[]; readonly operands: string[] }
  | { readonly ok: false; readonly error: string };

export function getopt(
  args: readonly string[],
  specs: readonly OptSpec[],
  stopAtOperand = false,
): GetoptResult {
  const opts: ParsedOpt[] = [];
  const operands: string[] = [];
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const exact = specs.find((s) => s.long === name);
      const prefixed = specs.filter((s) => s.long?.startsWith(name));
      const uniqueKeys = new Set(prefixed.map((s) => s.key));
      const spec = exact ?? (uniqueKeys.size === 1 ? prefixed[0] : undefined);
      if (!spec) {
        if (prefixed.length > 1)
          return {
            ok: false,
            error: `option '${a}' is ambiguous; possibilities:${prefixed.map((s) => ` '--${s.long ?? ''}'`).join('')}`,
          };
        return { ok: false, error: `unrecognized option '${a}'` };
      }
      const arg = spec.arg ?? 'none';
      if (eq >= 0) {
        if (arg === 'none')
          return { ok: false, error: `option '--${spec.long ?? ''}' doesn't allow an argument` };
        opts.push({ key: spec.key, value: a.slice(eq + 1) });
      } else if (arg === 'required') {
        if (i + 1 >= args.length)
          return { ok: false, error: `option '--${spec.long ?? ''}' requires an argument` };
        opts.push({ key: spec.key, value: args[++i] });
      } else opts.push({ key: spec.key });
      i++;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const spec = specs.find((s) => s.short === c);
        if (!spec) return { ok: false, error: `invalid option -- '${c}'` };
        const arg = spec.arg ?? 'none';
        if (arg === 'none') {
          opts.push({ key: spec.key });
          continue;
        }
        const rest = a.slice(j + 1);
        if (rest !== '') opts.push({ key: spec.key, value: rest });
        else if (arg === 'required') {
          if (i + 1 >= args.length)
            return { ok: false, error: `option requires an argument -- '${c}'` };
          opts.push({ key: spec.key, value: args[++i] });
        } else opts.push({ key: spec.key });
        break;
      }
      i++;
      continue;
    }
    if (stopAtOperand) {
      operands.push(...args.slice(i));
      break;
    }
    operands.push(a);
    i++;
  }
  return { ok: true, opts, operands };
}
