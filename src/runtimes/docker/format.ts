/** Output formats of the docker CLI: tabwriter tables, go-units durations, templates. */

/** Go's text/tabwriter as docker uses it: minwidth, padding 3, the last column unpadded. */
export function table(rows: readonly (readonly string[])[], minWidth = 10, padding = 3): string {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length + padding, minWidth);
    });
  return rows
    .map((r) =>
      r
        .map((cell, i) =>
          i === r.length - 1 ? cell : cell + ' '.repeat(widths[i]! - [...cell].length),
        )
        .join('')
        .replace(/\s+$/, ''),
    )
    .map((l) => `${l}\n`)
    .join('');
}

/** go-units HumanDuration. */
export function humanDuration(micros: number): string {
  const seconds = Math.floor(micros / 1e6);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(seconds / 3600);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  return `${Math.floor(hours / 24)} days`;
}

/** Go's %v of a value inside a template. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<no value>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object')
    return `map[${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}:${goValue(x)}`)
      .join(' ')}]`;
  return String(v);
}

/** A small Go template: {{.A.B}}, {{json .A}}, {{.A}} with literal text around. */
export function renderTemplate(tpl: string, data: unknown): string | { error: string } {
  let failed: string | undefined;
  const out = tpl.replace(
    /\{\{\s*(json\s+)?(\.[\w.]*)\s*\}\}/g,
    (_m, json: string | undefined, path: string) => {
      let v: unknown = data;
      for (const key of path.split('.').filter(Boolean)) {
        if (v === null || typeof v !== 'object') {
          failed ??= `template: :1:${path.length}: executing "" at <${path}>: map has no entry for key "${key}"`;
          return '';
        }
        v = (v as Record<string, unknown>)[key];
      }
      if (json) return JSON.stringify(v ?? null);
      if (v === null && /Cmd|Entrypoint|Args|Env/.test(path)) return '[]';
      return goValue(v);
    },
  );
  return failed ? { error: failed } : out;
}

/** 2024-01-01T08:00:05.123456Z: virtual time on the lab's clock (boot at 08:00). */
export function isoTime(micros: number): string {
  const total = 8 * 3600 + Math.floor(micros / 1e6);
  const day = 1 + Math.floor(total / 86400);
  const s = total % 86400;
  const two = (n: number): string => String(n).padStart(2, '0');
  const frac = String(Math.floor(micros % 1e6)).padStart(6, '0');
  return `2024-01-${two(day)}T${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.${frac}000Z`;
}

/**
 * Go's time.Time.String() of whole seconds in UTC (`time.Unix(created, 0).String()`, what
 * `docker ps --format '{{.CreatedAt}}'` prints): 2024-01-01 08:00:05 +0000 UTC.
 */
export function goTime(micros: number): string {
  const iso = isoTime(micros);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

/** ps's STIME (HH:MM), with the lab's boot at 08:00. */
export function stime(micros: number): string {
  const secs = (8 * 3600 + Math.floor(micros / 1e6)) % 86400;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(Math.floor(secs / 3600))}:${two(Math.floor(secs / 60) % 60)}`;
}

/** How docker ps shows a command: args joined, quoted when needed, cut to 20 with "…". */
export function psCommand(args: readonly string[], trunc = true): string {
  const joined = args.map((a) => (/[\s'"]/.test(a) || a === '' ? `'${a}'` : a)).join(' ');
  const chars = [...joined];
  const cut = trunc && chars.length > 20 ? `${chars.slice(0, 19).join('')}…` : joined;
  return JSON.stringify(cut);
}
