/**
 * The interactive shell (bash on a terminal): prompt, line editing with history and tab
 * completion, Ctrl-C / Ctrl-D, continuation lines and job notifications.
 */
import { isErrno } from '../kernel-sim/index.ts';
import { LineEditor } from '../terminal/lineEditor.ts';
import { BUILTINS } from './builtins.ts';
import type { Ctx, R } from './interpreter.ts';
import {
  doneText,
  err,
  exitShell,
  jobDone,
  jobLine,
  out,
  reapNohang,
  removeJob,
  takeRead,
} from './interpreter.ts';
import { formatSyntaxError } from './messages.ts';
import { parseNext } from './parser.ts';
import type { Frame, ShState } from './state.ts';

type Repl = Extract<Frame, { k: 'repl' }>;

const EDITOR_FIELDS = [
  'chars',
  'cursor',
  'history',
  'historyIndex',
  'draft',
  'pending',
  'lastWasCR',
];

/** The line editor is a class; its fields are kept in the shell's plain-data state. */
export function loadEditor(st: ShState): LineEditor {
  const ed = new LineEditor();
  if (st.editor) {
    const raw = ed as unknown as Record<string, unknown>;
    for (const k of EDITOR_FIELDS) if (k in st.editor) raw[k] = structuredClone(st.editor[k]);
  }
  return ed;
}

export function saveEditor(st: ShState, ed: LineEditor): void {
  const raw = ed as unknown as Record<string, unknown>;
  const data: Record<string, unknown> = {};
  for (const k of EDITOR_FIELDS) data[k] = structuredClone(raw[k]);
  st.editor = data;
}

export function promptText(ctx: Ctx, st: ShState): string {
  const ps1 = st.vars.PS1;
  if (ps1 !== undefined && st.flavor !== 'bash') return ps1;
  if (st.flavor === 'dash') return (st.vars.USER ?? 'root') === 'root' ? '# ' : '$ ';
  const h = ctx.fs.readFile('/etc/hostname');
  const host = (isErrno(h) ? '' : h.trim()) || 'localhost';
  const user = st.vars.USER ?? 'root';
  const home = st.vars.HOME ?? '/root';
  const cwd = ctx.getcwd();
  const dir =
    cwd === home
      ? '~'
      : home !== '/' && cwd.startsWith(`${home}/`)
        ? `~${cwd.slice(home.length)}`
        : cwd;
  if (st.flavor === 'ash') return `${dir} ${user === 'root' ? '#' : '$'} `;
  return `${user}@${host}:${dir}${user === 'root' ? '#' : '$'} `;
}

function notifyJobs(ctx: Ctx, st: ShState): void {
  // Every shell collects finished jobs before it prompts (dash/ash only reap when they wait).
  reapNohang(ctx, st);
  const reported: number[] = [];
  for (const j of [...st.jobs]) {
    if (!j.hidden && j.stopped && j.told === false) {
      err(ctx, `${jobLine(st, j, 'Stopped')}\n`);
      j.told = true;
    }
    if (j.hidden || !jobDone(j)) continue;
    err(ctx, `${jobLine(st, j, doneText(j))}\n`);
    // bash: notify_of_job_status() reports every job, cleanup_dead_jobs() deletes them after,
    // so the + and - marks are those of before.
    if (st.flavor === 'bash') reported.push(j.id);
    else removeJob(st, j.id);
  }
  for (const id of reported) removeJob(st, id);
}

export function replStep(ctx: Ctx, st: ShState, f: Repl): R {
  switch (f.phase) {
    case 'run':
      f.phase = 'prompt';
      return 'next';
    case 'prompt': {
      const queued = f.queue.shift();
      if (queued !== undefined) return submitLine(ctx, st, f, queued);
      notifyJobs(ctx, st);
      ctx.tcsetpgrp(0, st.pgid);
      ctx.setTtyMode(0, { canonical: false, echo: false });
      const ed = loadEditor(st);
      out(ctx, (f.buf === '' ? promptText(ctx, st) : '> ') + ed.redraw());
      f.phase = 'read';
      return 'next';
    }
    case 'read': {
      if (st.pending.length > 0) {
        const sig = st.pending.shift() as number;
        const action = st.traps[String(sig)];
        if (action) {
          st.frames.push({ k: 'trap', status: st.status });
          st.frames.push({ k: 'script', src: action, pos: 0, line: 1, top: false });
        }
        return 'next';
      }
      const wake = takeRead(st);
      const r = wake !== undefined ? wake : ctx.read(0);
      if (typeof r === 'object') return 'block';
      if (r === 'EINTR') return 'next';
      if (r === 'EOF' || isErrno(r)) return endOfInput(ctx, st);
      return feed(ctx, st, f, r);
    }
  }
}

function endOfInput(ctx: Ctx, st: ShState): R {
  ctx.setTtyMode(0, { canonical: true, echo: true });
  err(ctx, st.login ? 'logout\n' : 'exit\n');
  return exitShell(ctx, st, st.status);
}

function feed(ctx: Ctx, st: ShState, f: Repl, data: string): R {
  const ed = loadEditor(st);
  const chunks = splitKeys(data);
  for (const chunk of chunks) {
    if (chunk === '') continue;
    if (chunk === '\x04') {
      if (ed.line === '' && f.buf === '' && f.queue.length === 0) {
        saveEditor(st, ed);
        return endOfInput(ctx, st);
      }
      for (const e of ed.feed('\x04')) if (e.kind === 'echo') out(ctx, e.data);
      continue;
    }
    if (chunk === '\t') {
      out(ctx, complete(ctx, st, f, ed));
      continue;
    }
    for (const e of ed.feed(chunk)) {
      if (e.kind === 'echo') out(ctx, e.data);
      else if (e.kind === 'line') {
        out(ctx, '\n');
        f.queue.push(e.line);
      } else if (e.kind === 'interrupt') {
        out(ctx, '\n');
        f.buf = '';
        f.queue = [];
        st.status = 130;
        out(ctx, promptText(ctx, st));
      } else {
        out(ctx, `\x1b[H\x1b[2J${f.buf === '' ? promptText(ctx, st) : '> '}${ed.redraw()}`);
      }
    }
  }
  saveEditor(st, ed);
  if (f.queue.length > 0) f.phase = 'prompt';
  return 'next';
}

function submitLine(ctx: Ctx, st: ShState, f: Repl, line: string): R {
  const text = f.buf + line;
  // Is the command complete? Parse it all first; an unfinished one continues with PS2.
  let pos = 0;
  let lineNo = 1;
  for (;;) {
    const r = parseNext(text, pos, lineNo, { bash: st.flavor === 'bash' });
    if (!r.ok) {
      const e = r.error;
      if (e.kind === 'unterminated' || (e.kind === 'unexpected' && e.token === null)) {
        f.buf = `${text}\n`;
        f.phase = 'prompt';
        return 'next';
      }
      err(ctx, formatSyntaxError(st, e, text.split('\n')[e.line - 1] ?? ''));
      st.status = 2;
      f.buf = '';
      f.phase = 'prompt';
      return 'next';
    }
    if (r.node === null) break;
    pos = r.pos;
    lineNo = r.line;
  }
  f.buf = '';
  if (text.trim() === '') {
    f.phase = 'prompt';
    return 'next';
  }
  ctx.setTtyMode(0, { canonical: true, echo: true });
  f.phase = 'run';
  st.frames.push({ k: 'script', src: text, pos: 0, line: 1, top: true });
  return 'next';
}

/** SIGINT reached the interactive shell itself (at the prompt, or in a loop of builtins). */
export function replSignal(ctx: Ctx, st: ShState): void {
  // While a foreground job runs, bash waits for it and ignores a SIGINT sent to itself.
  if (st.frames.some((f) => f.k === 'fg')) return;
  const top = st.frames[st.frames.length - 1];
  if (top?.k === 'repl' && top.phase === 'read') {
    const ed = loadEditor(st);
    for (const e of ed.feed('\x03')) if (e.kind === 'echo') out(ctx, e.data);
    saveEditor(st, ed);
    out(ctx, '\n');
    top.buf = '';
    top.queue = [];
    st.status = 130;
    out(ctx, promptText(ctx, st));
    return;
  }
  // make_child()'s retry sleep, cut short: the fork fails with EINTR, and bash reports it
  // ("fork: Interrupted system call", right after the echoed ^C) before it goes back to the
  // prompt (throw_to_top_level); the forkretry frame does both (signalShell marked it).
  if (top?.k === 'forkretry' && top.interrupted) return;
  // Abandon whatever the shell itself was running.
  out(ctx, '\n');
  st.frames = [{ k: 'repl', phase: 'prompt', buf: '', queue: [] }];
  st.ctl = null;
  st.status = 130;
}

function complete(ctx: Ctx, st: ShState, f: Repl, ed: LineEditor): string {
  const before = Array.from(ed.line).slice(0, ed.cursorPosition).join('');
  const word = /(\S*)$/.exec(before)?.[1] ?? '';
  const isCmd = /^\s*\S*$/.test(before) || /[;&|(]\s*\S*$/.test(before);
  let cands: string[] = [];
  if (isCmd && !word.includes('/')) {
    const names = new Set<string>([...Object.keys(BUILTINS), ...Object.keys(st.funcs)]);
    for (const d of (st.vars.PATH ?? '').split(':')) {
      if (d === '') continue;
      const es = ctx.fs.readdir(d);
      if (isErrno(es)) continue;
      for (const e of es) names.add(e);
    }
    cands = [...names].filter((n) => n.startsWith(word)).map((n) => `${n} `);
  } else {
    const slash = word.lastIndexOf('/');
    const dirPart = slash >= 0 ? word.slice(0, slash + 1) : '';
    const base = word.slice(slash + 1);
    const dir = dirPart === '' ? '.' : dirPart;
    const es = ctx.fs.readdir(dir.startsWith('~') ? (st.vars.HOME ?? '/root') + dir.slice(1) : dir);
    if (!isErrno(es)) {
      for (const e of es) {
        if (!e.startsWith(base) || (e.startsWith('.') && !base.startsWith('.'))) continue;
        const s = ctx.fs.stat(
          `${dir.startsWith('~') ? (st.vars.HOME ?? '/root') + dir.slice(1) : dir}/${e}`,
        );
        const isDir = !isErrno(s) && s.type === 'dir';
        cands.push(dirPart + e + (isDir ? '/' : ' '));
      }
    }
  }
  cands = [...new Set(cands)].sort();
  if (cands.length === 0) return '\x07';
  const echo = (text: string): string =>
    ed
      .feed(text)
      .map((e) => (e.kind === 'echo' ? e.data : ''))
      .join('');
  if (cands.length === 1) return echo((cands[0] ?? '').slice(word.length));
  let common = cands[0] ?? '';
  for (const c of cands) while (!c.startsWith(common)) common = common.slice(0, -1);
  common = common.trimEnd();
  if (common.length > word.length) return echo(common.slice(word.length));
  const shown = cands.map((c) => c.trimEnd().slice(c.lastIndexOf('/', c.length - 2) + 1));
  return `\n${shown.join('  ')}\n${f.buf === '' ? promptText(ctx, st) : '> '}${ed.redraw()}`;
}

/** Splits input around Tab and Ctrl-D, which the shell handles itself. */
function splitKeys(data: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of data) {
    if (ch === '\t' || ch === '\u0004') {
      out.push(cur, ch);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
