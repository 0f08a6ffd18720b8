/**
 * kubectl's output formats: Go's text/tabwriter (the algorithm of text/tabwriter.format, which
 * `kubectl get` runs with minwidth 6, padding 3 and `kubectl describe` with minwidth 0,
 * padding 2), apimachinery's duration.HumanDuration (the AGE column) and the RFC 1123 times of
 * `kubectl describe`, on the lab's clock (boot at 2024-01-01 08:00:00 UTC, a Monday).
 */

/**
 * Go's text/tabwriter: cells are terminated by '\t'; a column block is a run of consecutive
 * lines that have a cell in that column, and its width is the widest cell + padding (at least
 * minwidth). The last cell of a line is not part of any column.
 */
export function tabwrite(text: string, minwidth: number, padding: number): string {
  const lines = text.split('\n');
  const trailing = lines.at(-1) === '';
  if (trailing) lines.pop();
  const cells = lines.map((l) => l.split('\t'));
  const out: string[] = new Array<string>(cells.length).fill('');
  const widths: number[] = [];
  const len = (s: string): number => [...s].length;
  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const line = cells[i]!;
      let s = '';
      line.forEach((c, j) => {
        if (j < line.length - 1) s += c + ' '.repeat(Math.max(0, (widths[j] ?? 0) - len(c)));
        else s += c;
      });
      out[i] = s;
    }
  };
  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let i = line0; i < line1; i++) {
      if (column >= cells[i]!.length - 1) continue;
      writeLines(line0, i);
      line0 = i;
      let width = minwidth;
      for (; i < line1; i++) {
        const line = cells[i]!;
        if (column >= line.length - 1) break;
        width = Math.max(width, len(line[column]!) + padding);
      }
      widths.push(width);
      format(line0, i);
      widths.pop();
      line0 = i;
      i--; // the for loop's i++ must look at line i again
    }
    writeLines(line0, line1);
  };
  format(0, cells.length);
  return out.join('\n') + (trailing ? '\n' : '');
}

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration. */
export function humanDuration(micros: number): string {
  const seconds = Math.floor(micros / 1e6);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(seconds / 3600);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  return `${Math.floor(hours / 24 / 365)}y`;
}

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]; // 2024 is a leap year

/** "Mon, 01 Jan 2024 08:00:05 +0000" (time.RFC1123Z), virtual time on the lab's clock. */
export function rfc1123z(micros: number): string {
  const total = 8 * 3600 + Math.floor(micros / 1e6);
  let day = Math.floor(total / 86400);
  const weekday = DAYS[day % 7]!;
  let month = 0;
  while (month < 11 && day >= MONTH_DAYS[month]!) day -= MONTH_DAYS[month++]!;
  const s = total % 86400;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${weekday}, ${two(day + 1)} ${MONTHS[month]!} 2024 ${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)} +0000`;
}
