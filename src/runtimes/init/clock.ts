/**
 * The lab's wall clock for log lines: the machine boots at 2024-01-01 08:00:00 (the same
 * origin as docker's timestamps in src/runtimes/docker/format.ts), virtual time on top.
 */

export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millis: number;
}

export function wallTime(micros: number): WallTime {
  const total = 8 * 3600 + Math.floor(micros / 1e6);
  return {
    year: 2024,
    month: 1,
    day: 1 + Math.floor(total / 86400),
    hour: Math.floor((total % 86400) / 3600),
    minute: Math.floor((total % 3600) / 60),
    second: total % 60,
    millis: Math.floor((micros % 1e6) / 1000),
  };
}

export const two = (n: number): string => String(n).padStart(2, '0');

/** "2024-01-01 08:00:01,234": Python logging's asctime, as supervisord writes it. */
export function pythonAsctime(micros: number): string {
  const w = wallTime(micros);
  return `${w.year}-${two(w.month)}-${two(w.day)} ${two(w.hour)}:${two(w.minute)}:${two(w.second)},${String(w.millis).padStart(3, '0')}`;
}
