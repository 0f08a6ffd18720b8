/**
 * The shell's builtin commands. Each runs inside the shell process; a builtin that blocks
 * (wait, read) pushes a frame and the machine resumes it later.
 */
import { SIGCHLD, SIGCONT, isErrno, parseSignal, signalName } from '../kernel-sim/index.ts';
import type { Ctx, R } from './interpreter.ts';
import {
  doneText,
  err,
  errnoText,
  exitShell,
  getVar,
  jobDone,
  jobLine,
  out,
  removeJob,
  setCurrentJob,
  resolveCommand,
  setVar,
  shellDefault,
} from './interpreter.ts';
import type { Job, ShState } from './state.ts';
import { prefix } from './messages.ts';

type Builtin = (ctx: Ctx, st: ShState, args: string[]) => R | number;

/** Runs builtin argv[0]; the caller has pushed a 'restore' frame that ends it. */
export function runBuiltin(ctx: Ctx, st: ShState, argv: string[]): R {
  const fn = BUILTINS[argv[0] ?? ''];
  if (fn === undefined) {
    st.status = 127;
    return 'next';
  }
  const r = fn(ctx, st, argv.slice(1));
  if (typeof r === 'number') {
    st.status = r;
    return 'next';
  }
  return r;
}

const ECHO_ESC: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  e: '\x1b',
};

/** Interprets backslash escapes; returns [text, stop] where stop = \c was seen. */
function escapes(s: string, octalNeedsZero: boolean): [string, boolean] {
  let o = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c !== '\\' || i + 1 >= s.length) {
      o += c;
      continue;
    }
    const n = s[i + 1] ?? '';
    if (n === 'c') return [o, true];
    if (n in ECHO_ESC) {
      o += ECHO_ESC[n];
      i++;
      continue;
    }
    if (n === '0' || (!octalNeedsZero && /[0-7]/.test(n))) {
      const m = /^[0-7]{1,3}/.exec(s.slice(i + (n === '0' && octalNeedsZero ? 2 : 1)));
      const digits = m ? m[0] : '';
      o += String.fromCharCode(parseInt(digits || '0', 8));
      i += (n === '0' && octalNeedsZero ? 1 : 0) + digits.length;
      continue;
    }
    o += c;
  }
  return [o, false];
}

function echo(ctx: Ctx, st: ShState, args: string[]): number {
  let newline = true;
  let interpret = st.flavor === 'dash';
  let i = 0;
  if (st.flavor === 'dash') {
    if (args[0] === '-n') {
      newline = false;
      i = 1;
    }
  } else {
    for (; i < args.length; i++) {
      const a = args[i] ?? '';
      if (!/^-[neE]+$/.test(a)) break;
      for (const c of a.slice(1)) {
        if (c === 'n') newline = false;
        else if (c === 'e') interpret = true;
        else interpret = false;
      }
    }
  }
  let text = args.slice(i).join(' ');
  if (interpret) {
    const [t, stop] = escapes(text, true);
    text = t;
    if (stop) newline = false;
  }
  const r = ctx.write(1, text + (newline ? '\n' : ''));
  if (isErrno(r)) {
    // bash: builtin_error("write error: %s"); dash reports any output error as an I/O error
    // (its echo is printf.c's, which names itself again). EPIPE is only seen with SIGPIPE
    // ignored or caught: by default the signal ended the shell inside the write.
    err(
      ctx,
      st.flavor === 'dash'
        ? `${prefix(st)}echo: echo: I/O error\n`
        : `${prefix(st)}echo: write error: ${errnoText(r)}\n`,
    );
    return 1;
  }
  return 0;
}

function printf(ctx: Ctx, st: ShState, args: string[]): number {
  const fmt = args[0];
  if (fmt === undefined) {
    err(
      ctx,
      st.flavor === 'bash'
        ? 'printf: usage: printf [-v var] format [arguments]\n'
        : `${prefix(st)}printf: usage: printf format [arg ...]\n`,
    );
    return 2;
  }
  let rest = args.slice(1);
  let o = '';
  let status = 0;
  for (let round = 0; round < 1000; round++) {
    let used = 0;
    let stop = false;
    for (let i = 0; i < fmt.length && !stop; i++) {
      const c = fmt[i] ?? '';
      if (c === '\\') {
        const [t, s] = escapes(
          fmt.slice(i, i + 2 + (/[0-7]/.test(fmt[i + 1] ?? '') ? 2 : 0)),
          false,
        );
        const m = /^\\([0-7]{1,3}|.)/.exec(fmt.slice(i));
        o += t;
        stop = s;
        i += (m?.[0].length ?? 1) - 1;
        continue;
      }
      if (c !== '%') {
        o += c;
        continue;
      }
      const m = /^%([-+ #0]*)(\d*|\*)(?:\.(\d*))?([sdibcxXo%uf])/.exec(fmt.slice(i));
      if (!m) {
        o += c;
        continue;
      }
      i += m[0].length - 1;
      const conv = m[4] ?? 's';
      if (conv === '%') {
        o += '%';
        continue;
      }
      let width = m[2] ?? '';
      if (width === '*') {
        width = rest[used] ?? '0';
        used++;
      }
      const arg = rest[used];
      used++;
      let v: string;
      if (conv === 's') v = arg ?? '';
      else if (conv === 'b') {
        const [t, s] = escapes(arg ?? '', true);
        v = t;
        stop = s;
      } else if (conv === 'c') v = (arg ?? '').slice(0, 1);
      else {
        const a = arg ?? '0';
        let n = Number(a.startsWith("'") || a.startsWith('"') ? (a.codePointAt(1) ?? 0) : a);
        if (!Number.isFinite(n)) {
          err(
            ctx,
            `${prefix(st)}printf: ${a}: ${st.flavor === 'bash' ? 'invalid number' : 'expected numeric value'}\n`,
          );
          status = 1;
          n = 0;
        }
        n = Math.trunc(n);
        v =
          conv === 'x'
            ? n.toString(16)
            : conv === 'X'
              ? n.toString(16).toUpperCase()
              : conv === 'o'
                ? n.toString(8)
                : conv === 'f'
                  ? Number(a).toFixed(m[3] === undefined || m[3] === '' ? 6 : Number(m[3]))
                  : String(n);
      }
      if (conv === 's' && m[3] !== undefined) v = v.slice(0, Number(m[3] || 0));
      const w = Number(width || 0);
      const flags = m[1] ?? '';
      if (v.length < w) {
        if (flags.includes('-')) v = v.padEnd(w);
        else if (flags.includes('0') && conv !== 's') v = v.padStart(w, '0');
        else v = v.padStart(w);
      }
      o += v;
    }
    rest = rest.slice(used);
    if (stop || used === 0 || rest.length === 0) break;
  }
  out(ctx, o);
  return status;
}

function illegalNumber(ctx: Ctx, st: ShState, cmd: string, arg: string): number {
  if (st.flavor === 'bash') err(ctx, `${prefix(st)}${cmd}: ${arg}: numeric argument required\n`);
  else err(ctx, `${prefix(st)}${cmd}: Illegal number: ${arg}\n`);
  return 2;
}

function exitB(ctx: Ctx, st: ShState, args: string[]): R | number {
  let code = st.status;
  const a = args[0];
  if (a !== undefined) {
    if (!/^-?\d+$/.test(a)) {
      illegalNumber(ctx, st, 'exit', a);
      if (st.flavor === 'dash' && st.interactive) return 2;
      code = st.flavor === 'bash' ? 2 : 2;
    } else code = Number(a) & 255;
  }
  if (st.interactive && !st.isChild) err(ctx, st.login ? 'logout\n' : 'exit\n');
  return exitShell(ctx, st, code);
}

function trueB(): number {
  return 0;
}
function falseB(): number {
  return 1;
}

function cd(ctx: Ctx, st: ShState, args: string[]): number {
  let a = args.filter((x) => x !== '-L' && x !== '-P');
  if (a[0] === '--') a = a.slice(1);
  if (a.length > 1 && st.flavor === 'bash') {
    err(ctx, `${prefix(st)}cd: too many arguments\n`);
    return 1;
  }
  let dir = a[0];
  let print = false;
  if (dir === undefined) {
    dir = getVar(ctx, st, 'HOME');
    if (dir === undefined) {
      err(ctx, `${prefix(st)}cd: HOME not set\n`);
      return 1;
    }
  } else if (dir === '-') {
    dir = getVar(ctx, st, 'OLDPWD');
    if (dir === undefined) {
      err(ctx, `${prefix(st)}cd: OLDPWD not set\n`);
      return 1;
    }
    print = true;
  }
  const old = ctx.getcwd();
  const r = ctx.chdir(dir);
  if (r !== 0) {
    const why =
      r === 'ENOENT'
        ? 'No such file or directory'
        : r === 'ENOTDIR'
          ? 'Not a directory'
          : r === 'EACCES'
            ? 'Permission denied'
            : r;
    if (st.flavor === 'dash') err(ctx, `${prefix(st)}cd: can't cd to ${dir}\n`);
    else if (st.flavor === 'ash') err(ctx, `${prefix(st)}cd: can't cd to ${dir}: ${why}\n`);
    else err(ctx, `${prefix(st)}cd: ${dir}: ${why}\n`);
    return st.flavor === 'dash' ? 2 : 1;
  }
  setVar(st, 'OLDPWD', old);
  setVar(st, 'PWD', ctx.getcwd());
  if (print) out(ctx, `${ctx.getcwd()}\n`);
  return 0;
}

function pwd(ctx: Ctx): number {
  out(ctx, `${ctx.getcwd()}\n`);
  return 0;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function quoteValue(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

function exportB(ctx: Ctx, st: ShState, args: string[]): number {
  const a = args.filter((x) => x !== '-p' && x !== '--');
  if (a.length === 0) {
    for (const k of Object.keys(st.exported).sort()) {
      const v = st.vars[k];
      if (st.flavor === 'bash')
        out(
          ctx,
          v === undefined
            ? `declare -x ${k}\n`
            : `declare -x ${k}="${v.replace(/(["\\$`])/g, '\\$1')}"\n`,
        );
      else out(ctx, v === undefined ? `export ${k}\n` : `export ${k}=${quoteValue(v)}\n`);
    }
    return 0;
  }
  let status = 0;
  for (const x of a) {
    const eq = x.indexOf('=');
    const name = eq >= 0 ? x.slice(0, eq) : x;
    if (!NAME_RE.test(name)) {
      err(
        ctx,
        st.flavor === 'bash'
          ? `${prefix(st)}export: \`${x}': not a valid identifier\n`
          : `${prefix(st)}export: ${name}: bad variable name\n`,
      );
      status = st.flavor === 'bash' ? 1 : 2;
      continue;
    }
    if (eq >= 0) setVar(st, name, x.slice(eq + 1));
    st.exported[name] = true;
  }
  return status;
}

function unset(ctx: Ctx, st: ShState, args: string[]): number {
  let funcs = false;
  for (const a of args) {
    if (a === '-f') {
      funcs = true;
      continue;
    }
    if (a === '-v') continue;
    if (funcs) delete st.funcs[a];
    else {
      delete st.vars[a];
      delete st.exported[a];
      if (st.flavor === 'bash' && !Object.hasOwn(st.vars, a)) delete st.funcs[a];
    }
  }
  void ctx;
  return 0;
}

function setB(ctx: Ctx, st: ShState, args: string[]): number {
  if (args.length === 0) {
    for (const k of Object.keys(st.vars).sort()) out(ctx, `${k}=${quoteValue(st.vars[k] ?? '')}\n`);
    return 0;
  }
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') {
      st.pos = args.slice(i + 1);
      return 0;
    }
    if (a === '-o' || a === '+o') {
      const opt = args[i + 1];
      i++;
      if (opt === 'errexit') st.opts.e = a === '-o';
      else if (opt === 'nounset') st.opts.u = a === '-o';
      else if (opt === 'xtrace') st.opts.x = a === '-o';
      continue;
    }
    if (!/^[-+][a-zA-Z]+$/.test(a)) break;
    for (const c of a.slice(1)) {
      const on = a.startsWith('-');
      if (c === 'e') st.opts.e = on;
      else if (c === 'u') st.opts.u = on;
      else if (c === 'x') st.opts.x = on;
      else if ('fmCbvhnaB'.includes(c)) continue;
      else {
        err(
          ctx,
          st.flavor === 'bash'
            ? `${prefix(st)}set: -${c}: invalid option\n`
            : `${prefix(st)}set: Illegal option -${c}\n`,
        );
        return 2;
      }
    }
  }
  if (i < args.length) st.pos = args.slice(i);
  return 0;
}

function shift(ctx: Ctx, st: ShState, args: string[]): number {
  const a = args[0] ?? '1';
  if (!/^\d+$/.test(a)) return illegalNumber(ctx, st, 'shift', a);
  const n = Number(a);
  if (n > st.pos.length) {
    if (st.flavor === 'dash') {
      err(ctx, `${prefix(st)}shift: can't shift that many\n`);
      return 2;
    }
    return 1;
  }
  st.pos = st.pos.slice(n);
  return 0;
}

function loopCtl(kind: 'break' | 'continue'): Builtin {
  return (ctx, st, args) => {
    const a = args[0] ?? '1';
    if (!/^\d+$/.test(a) || Number(a) === 0) return illegalNumber(ctx, st, kind, a);
    if (!st.frames.some((f) => f.k === 'loop' || f.k === 'for')) {
      if (st.flavor === 'bash')
        err(ctx, `${prefix(st)}${kind}: only meaningful in a \`for', \`while', or \`until' loop\n`);
      return 0;
    }
    st.ctl = { k: kind, n: Number(a) };
    st.status = 0;
    return 'next';
  };
}

function returnB(ctx: Ctx, st: ShState, args: string[]): R | number {
  const a = args[0];
  let code = st.status;
  if (a !== undefined) {
    if (!/^-?\d+$/.test(a)) return illegalNumber(ctx, st, 'return', a);
    code = Number(a) & 255;
  }
  if (!st.frames.some((f) => f.k === 'func' || (f.k === 'script' && !f.top))) {
    if (st.flavor === 'bash') {
      err(ctx, `${prefix(st)}return: can only \`return' from a function or sourced script\n`);
      return 1;
    }
    return exitShell(ctx, st, code);
  }
  st.status = code;
  st.ctl = { k: 'return' };
  return 'next';
}

/** %1, %+, %-, %%, %name, or a PID; the job or an error message. */
function findJob(st: ShState, spec: string | undefined): Job | string {
  const visible = st.jobs.filter((j) => !j.hidden);
  if (spec === undefined || spec === '%' || spec === '%%' || spec === '%+') {
    const id = st.jobOrder[st.jobOrder.length - 1];
    const j = visible.find((x) => x.id === id);
    return j ?? 'current';
  }
  if (spec === '%-') {
    const id = st.jobOrder[st.jobOrder.length - 2];
    return visible.find((x) => x.id === id) ?? spec;
  }
  if (/^%\d+$/.test(spec)) return visible.find((x) => x.id === Number(spec.slice(1))) ?? spec;
  if (spec.startsWith('%')) return visible.find((x) => x.cmd.startsWith(spec.slice(1))) ?? spec;
  return visible.find((x) => x.pids.includes(Number(spec))) ?? spec;
}

function noJob(ctx: Ctx, st: ShState, cmd: string, spec: string): number {
  if (st.flavor === 'bash') err(ctx, `${prefix(st)}${cmd}: ${spec}: no such job\n`);
  else err(ctx, `${prefix(st)}${cmd}: No current job\n`);
  return 1;
}

function jobs(ctx: Ctx, st: ShState, args: string[]): number {
  const showPid = args.includes('-l');
  const onlyPid = args.includes('-p');
  for (const j of st.jobs.filter((x) => !x.hidden)) {
    if (onlyPid) {
      out(ctx, `${j.pgid}\n`);
      continue;
    }
    const state = jobDone(j) ? doneText(j) : j.stopped ? 'Stopped' : 'Running';
    let line = jobLine(st, j, state);
    if (showPid) line = line.replace(/^(\[\d+\][+\- ]) /, `$1 ${j.pids[0]} `);
    out(ctx, `${line}${!jobDone(j) && !j.stopped ? ' &' : ''}\n`);
    // bash deletes the jobs it reported dead after the whole list (notify_and_cleanup), so
    // their + and - marks are those of before; dash frees each one as it goes.
    if (jobDone(j) && st.flavor !== 'bash') removeJob(st, j.id);
  }
  if (st.flavor === 'bash')
    for (const j of st.jobs.filter((x) => !x.hidden && jobDone(x))) removeJob(st, j.id);
  return 0;
}

function fg(ctx: Ctx, st: ShState, args: string[]): R | number {
  if (!st.interactive || st.isChild) {
    err(
      ctx,
      st.flavor === 'bash'
        ? `${prefix(st)}fg: no job control\n`
        : `${prefix(st)}fg: No current job\n`,
    );
    return 1;
  }
  const j = findJob(st, args[0]);
  if (typeof j === 'string') return noJob(ctx, st, 'fg', j);
  out(ctx, `${j.cmd}\n`);
  // start_job(job, foreground): set_current_job(job).
  if (st.flavor === 'bash') setCurrentJob(st, j.id);
  ctx.setTtyMode(0, { canonical: true, echo: true });
  ctx.tcsetpgrp(0, j.pgid);
  if (j.stopped) ctx.kill(-j.pgid, SIGCONT);
  j.stopped = false;
  j.bg = false;
  st.frames.push({ k: 'fg', job: j.id });
  return 'next';
}

function bg(ctx: Ctx, st: ShState, args: string[]): number {
  if (!st.interactive || st.isChild) {
    err(
      ctx,
      st.flavor === 'bash'
        ? `${prefix(st)}bg: no job control\n`
        : `${prefix(st)}bg: No current job\n`,
    );
    return 1;
  }
  const j = findJob(st, args[0]);
  if (typeof j === 'string') return noJob(ctx, st, 'bg', j);
  if (!j.stopped) {
    err(ctx, `${prefix(st)}bg: job ${j.id} already in background\n`);
    return 0;
  }
  // start_job() prints the job with its mark, then continues it (the continue may reset the
  // current job: recordWait).
  const mark = jobLine(st, j, '').slice(0, `[${j.id}]+`.length);
  out(ctx, `${mark} ${j.cmd} &\n`);
  ctx.kill(-j.pgid, SIGCONT);
  j.stopped = false;
  j.bg = true;
  return 0;
}

function waitB(ctx: Ctx, st: ShState, args: string[]): R | number {
  const specs = args.filter((a) => a !== '--' && a !== '-n');
  if (specs.length === 0) {
    st.frames.push({ k: 'waitb', jobs: [], all: true, missing: 0 });
    return 'next';
  }
  const ids: number[] = [];
  let missing = 0;
  for (const s of specs) {
    if (!s.startsWith('%') && !/^\d+$/.test(s)) {
      if (st.flavor === 'bash')
        err(ctx, `${prefix(st)}wait: \`${s}': not a pid or valid job spec\n`);
      else err(ctx, `${prefix(st)}wait: Illegal number: ${s}\n`);
      return 2;
    }
    const j = findJob(st, s);
    if (typeof j === 'string') {
      missing++;
      if (st.flavor === 'bash') {
        if (s.startsWith('%')) err(ctx, `${prefix(st)}wait: ${s}: no such job\n`);
        else err(ctx, `${prefix(st)}wait: pid ${s} is not a child of this shell\n`);
      }
      continue;
    }
    ids.push(j.id);
  }
  if (ids.length === 0) return 127;
  st.frames.push({ k: 'waitb', jobs: ids, all: false, missing });
  return 'next';
}

function readB(ctx: Ctx, st: ShState, args: string[]): R | number {
  let raw = false;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '-r') raw = true;
    else if (a === '-p') {
      err(ctx, args[i + 1] ?? '');
      i++;
    } else if (a.startsWith('-') && names.length === 0 && a !== '-') continue;
    else names.push(a);
  }
  for (const n of names) {
    if (!NAME_RE.test(n)) {
      err(
        ctx,
        st.flavor === 'bash'
          ? `${prefix(st)}read: \`${n}': not a valid identifier\n`
          : `${prefix(st)}read: ${n}: bad variable name\n`,
      );
      return st.flavor === 'bash' ? 1 : 2;
    }
  }
  st.frames.push({ k: 'readb', names, raw });
  return 'next';
}

// ------------------------------------------------------------------ signals

function trapB(ctx: Ctx, st: ShState, args: string[]): number {
  let a = args;
  if (a[0] === '--') a = a.slice(1);
  if (a.length === 0 || a[0] === '-p') {
    for (const [k, v] of Object.entries(st.traps).sort((x, y) => Number(x[0]) - Number(y[0]))) {
      const name =
        k === '0'
          ? 'EXIT'
          : st.flavor === 'bash'
            ? `SIG${signalName(Number(k))}`
            : signalName(Number(k));
      out(ctx, `trap -- ${quoteValue(v)} ${name}\n`);
    }
    return 0;
  }
  if (a[0] === '-l') return killB(ctx, st, ['-l']) as number;
  let action: string | null;
  let sigs: string[];
  if (a.length === 1 || /^\d+$/.test(a[0] ?? '')) {
    if (a.length === 1 && st.flavor !== 'bash' && !/^\d+$/.test(a[0] ?? '')) {
      // dash: `trap cmd` without signals is an error ... bash resets; treat like reset.
    }
    action = null;
    sigs = a.length === 1 ? a : a;
  } else {
    action = a[0] === '-' ? null : (a[0] ?? '');
    sigs = a.slice(1);
  }
  let status = 0;
  for (const s of sigs) {
    const sig = /^(EXIT|SIGEXIT|0)$/i.test(s) ? 0 : parseSignal(s);
    if (sig === undefined || sig > 64) {
      if (st.flavor === 'bash') err(ctx, `${prefix(st)}trap: ${s}: invalid signal specification\n`);
      else err(ctx, `${prefix(st)}trap: ${s}: bad trap\n`);
      status = 1;
      continue;
    }
    const key = String(sig);
    if (action === null) {
      delete st.traps[key];
      if (sig > 0) shellDefault(ctx, st, sig);
    } else if (action === '') {
      st.traps[key] = '';
      // dash and ash always catch SIGCHLD, whatever the trap says (dash src/trap.c setsignal():
      // `if (signo == SIGCHLD) action = S_CATCH;`): `trap '' CHLD` leaves SigIgn without bit 17
      // on Linux, so the kernel never auto-reaps their children. bash does ignore it.
      if (sig === SIGCHLD && st.flavor !== 'bash') ctx.sigaction(sig, 'handler');
      else if (sig > 0) ctx.sigaction(sig, 'ignore');
    } else {
      st.traps[key] = action;
      if (sig > 0) ctx.sigaction(sig, 'handler');
    }
  }
  return status;
}

function killUsage(ctx: Ctx, st: ShState): number {
  if (st.flavor === 'bash')
    err(
      ctx,
      `${prefix(st)}kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n`,
    );
  else if (st.flavor === 'dash')
    err(
      ctx,
      `${prefix(st)}kill: usage: kill [-s sigspec | -signum | -sigspec] [pid | job]... or\nkill -l [exitstatus]\n`,
    );
  else err(ctx, 'kill: usage: kill [-s SIG | -SIG] PID...\n');
  return st.flavor === 'bash' ? 2 : 2;
}

function killB(ctx: Ctx, st: ShState, args: string[]): number {
  if (args.length === 0) return killUsage(ctx, st);
  let sig = 15;
  let i = 0;
  const first = args[0] ?? '';
  if (first === '-l' || first === '-L') {
    const rest = args.slice(1);
    if (rest.length > 0) {
      for (const r of rest) {
        if (/^\d+$/.test(r)) {
          const n = Number(r) > 128 ? Number(r) - 128 : Number(r);
          out(ctx, `${signalName(n)}\n`);
        } else {
          const n = parseSignal(r);
          if (n === undefined) {
            err(ctx, `${prefix(st)}kill: ${r}: invalid signal specification\n`);
            return 1;
          }
          out(ctx, `${n}\n`);
        }
      }
      return 0;
    }
    if (st.flavor === 'bash') {
      const cells: string[] = [];
      for (let n = 1; n <= 64; n++) {
        if (n === 32 || n === 33) continue;
        const name =
          n <= 31
            ? `SIG${signalName(n)}`
            : n < 50
              ? n === 34
                ? 'SIGRTMIN'
                : `SIGRTMIN+${n - 34}`
              : n === 64
                ? 'SIGRTMAX'
                : `SIGRTMAX-${64 - n}`;
        cells.push(`${String(n).padStart(2)}) ${name}`);
      }
      let o = '';
      cells.forEach((c, k) => {
        o += c.padEnd(16);
        if (k % 5 === 4) o = o.trimEnd() + '\n';
        else o += '';
      });
      out(ctx, o.endsWith('\n') ? o : o.trimEnd() + '\n');
    } else {
      const names: string[] = [];
      for (let n = 1; n <= 31; n++) names.push(signalName(n));
      out(
        ctx,
        st.flavor === 'dash'
          ? `0\n${names.join('\n')}\n`
          : `${names.map((n, k) => `${k + 1}) ${n}`).join('\n')}\n`,
      );
    }
    return 0;
  }
  if (first === '-s' || first === '-n') {
    const s = args[1];
    if (s === undefined) return killUsage(ctx, st);
    const n = parseSignal(s);
    if (n === undefined) return badSignal(ctx, st, s);
    sig = n;
    i = 2;
  } else if (first.startsWith('-') && first !== '--' && first.length > 1) {
    const n = parseSignal(first.slice(1));
    if (n === undefined) return badSignal(ctx, st, first.slice(1));
    sig = n;
    i = 1;
  }
  if (args[i] === '--') i++;
  const targets = args.slice(i);
  if (targets.length === 0) return killUsage(ctx, st);
  let status = 0;
  for (const t of targets) {
    let pids: number[];
    if (t.startsWith('%')) {
      const j = findJob(st, t);
      if (typeof j === 'string') {
        if (st.flavor === 'bash') err(ctx, `${prefix(st)}kill: ${t}: no such job\n`);
        else err(ctx, `${prefix(st)}kill: No such job: ${t}\n`);
        status = 1;
        continue;
      }
      pids = st.interactive && !st.isChild ? [-j.pgid] : j.pids.filter((_, k) => j.st[k] === null);
      if (pids.length === 0) pids = [j.pids[0] ?? 0];
    } else if (/^-?\d+$/.test(t)) pids = [Number(t)];
    else {
      if (st.flavor === 'bash')
        err(ctx, `${prefix(st)}kill: ${t}: arguments must be process or job IDs\n`);
      else if (st.flavor === 'dash') err(ctx, `${prefix(st)}kill: Illegal number: ${t}\n`);
      else err(ctx, `${prefix(st)}kill: invalid number '${t}'\n`);
      status = st.flavor === 'dash' ? 2 : 1;
      continue;
    }
    for (const pid of pids) {
      const r = ctx.kill(pid, sig);
      if (r !== 0) {
        const why =
          r === 'ESRCH'
            ? 'No such process'
            : r === 'EPERM'
              ? 'Operation not permitted'
              : r === 'EINVAL'
                ? 'Invalid argument'
                : r;
        if (st.flavor === 'bash') err(ctx, `${prefix(st)}kill: (${pid}) - ${why}\n`);
        // dash's kill formats "%s\n" and sh_warnx adds another newline: an empty line follows.
        else if (st.flavor === 'dash') err(ctx, `${prefix(st)}kill: ${why}\n\n`);
        else err(ctx, `${prefix(st)}can't kill pid ${pid}: ${why}\n`);
        status = 1;
      } else if (sig === SIGCONT && pid < 0) {
        for (const j of st.jobs) if (j.pgid === -pid) j.stopped = false;
      }
    }
  }
  return status;
}

function badSignal(ctx: Ctx, st: ShState, s: string): number {
  if (st.flavor === 'bash') err(ctx, `${prefix(st)}kill: ${s}: invalid signal specification\n`);
  else if (st.flavor === 'dash')
    err(ctx, `${prefix(st)}kill: invalid signal number or name: ${s}\n`);
  else err(ctx, `${prefix(st)}kill: bad signal name '${s}'\n`);
  return st.flavor === 'dash' ? 2 : 1;
}

// ------------------------------------------------------------------ misc

function evalB(ctx: Ctx, st: ShState, args: string[]): R | number {
  void ctx;
  const src = args.join(' ');
  if (src.trim() === '') return 0;
  st.frames.push({ k: 'script', src, pos: 0, line: st.line, top: false });
  return 'next';
}

function dot(ctx: Ctx, st: ShState, args: string[]): R | number {
  const file = args[0];
  if (file === undefined) {
    err(
      ctx,
      st.flavor === 'bash'
        ? `${prefix(st)}.: filename argument required\n`
        : `${prefix(st)}.: usage: . filename [arguments]\n`,
    );
    return 2;
  }
  let path = file;
  if (!file.includes('/')) {
    const w = ctx.which(file);
    if (typeof w === 'string' && !isErrno(w)) path = w;
  }
  const text = ctx.fs.readFile(path);
  if (isErrno(text)) {
    if (st.flavor === 'bash') err(ctx, `${prefix(st)}${file}: No such file or directory\n`);
    else err(ctx, `${prefix(st)}.: cannot open ${file}: No such file\n`);
    if (!st.interactive && st.flavor !== 'bash') return exitShell(ctx, st, 2);
    return 1;
  }
  st.frames.push({ k: 'script', src: text, pos: 0, line: 1, top: false });
  return 'next';
}

function describe(ctx: Ctx, st: ShState, name: string): { kind: string; path?: string } | null {
  if (Object.hasOwn(st.funcs, name)) return { kind: 'function' };
  if (Object.hasOwn(BUILTINS, name) && !(name === 'help' && st.flavor !== 'bash'))
    return { kind: 'builtin' };
  if (
    [
      'if',
      'then',
      'else',
      'elif',
      'fi',
      'while',
      'until',
      'do',
      'done',
      'for',
      'case',
      'esac',
      '{',
      '}',
      '!',
      'in',
    ].includes(name)
  )
    return { kind: 'keyword' };
  const p = resolveCommand(ctx, st, name);
  if (typeof p === 'string') return { kind: 'file', path: p };
  return null;
}

function typeB(ctx: Ctx, st: ShState, args: string[]): number {
  let status = 0;
  for (const name of args.filter((a) => !a.startsWith('-'))) {
    const d = describe(ctx, st, name);
    if (d === null) {
      err(ctx, st.flavor === 'bash' ? `${prefix(st)}type: ${name}: not found\n` : '');
      if (st.flavor !== 'bash') out(ctx, `${name}: not found\n`);
      status = 1;
    } else if (d.kind === 'file') out(ctx, `${name} is ${d.path ?? ''}\n`);
    else if (d.kind === 'builtin')
      out(
        ctx,
        `${name} is a ${st.flavor === 'bash' ? 'shell builtin' : BUILTIN_SPECIAL_NAMES.has(name) ? 'special shell builtin' : 'shell builtin'}\n`,
      );
    else if (d.kind === 'keyword')
      out(ctx, `${name} is a ${st.flavor === 'bash' ? 'shell keyword' : 'shell keyword'}\n`);
    else out(ctx, `${name} is a ${st.flavor === 'bash' ? 'function' : 'shell function'}\n`);
  }
  return status;
}

const BUILTIN_SPECIAL_NAMES = new Set([
  'exit',
  'exec',
  'export',
  'set',
  'shift',
  'trap',
  'unset',
  'eval',
  '.',
  ':',
  'break',
  'continue',
  'return',
  'readonly',
]);

function commandB(ctx: Ctx, st: ShState, args: string[]): R | number {
  if (args[0] === '-v' || args[0] === '-V') {
    let status = 0;
    for (const name of args.slice(1)) {
      const d = describe(ctx, st, name);
      if (d === null) {
        status = 1;
        if (args[0] === '-V') err(ctx, `${prefix(st)}command: ${name}: not found\n`);
      } else if (args[0] === '-v') out(ctx, `${d.kind === 'file' ? (d.path ?? name) : name}\n`);
      else typeB(ctx, st, [name]);
    }
    return status;
  }
  const rest = args[0] === '-p' ? args.slice(1) : args;
  if (rest.length === 0) return 0;
  // `command name args`: skip functions.
  const name = rest[0] ?? '';
  if (Object.hasOwn(BUILTINS, name)) return runBuiltin(ctx, st, rest);
  const p = resolveCommand(ctx, st, name);
  if (typeof p !== 'string') {
    err(ctx, p.message);
    return p.code;
  }
  // Run it as an external command through a nested simple command.
  st.frames.push({
    k: 'simple',
    node: {
      t: 'simple',
      assigns: [],
      words: rest.map((w) => ({ parts: [{ k: 'lit', v: w, q: true }], raw: w })),
      redirs: [],
      line: st.line,
    },
    tail: false,
    subs: [],
  });
  return 'next';
}

function localB(ctx: Ctx, st: ShState, args: string[]): number {
  const f = [...st.frames].reverse().find((x) => x.k === 'func');
  if (f === undefined || f.k !== 'func') {
    err(
      ctx,
      st.flavor === 'bash'
        ? `${prefix(st)}local: can only be used in a function\n`
        : `${prefix(st)}local: not in a function\n`,
    );
    return st.flavor === 'bash' ? 1 : 2;
  }
  for (const a of args) {
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(0, eq) : a;
    if (!f.locals.some((l) => l.name === name))
      f.locals.push({ name, old: st.vars[name] ?? null, exp: st.exported[name] === true });
    if (eq >= 0) setVar(st, name, a.slice(eq + 1));
  }
  return 0;
}

function testB(ctx: Ctx, st: ShState, args: string[], bracket: boolean): number {
  let a = args;
  if (bracket) {
    if (a[a.length - 1] !== ']') {
      err(
        ctx,
        st.flavor === 'bash' ? `${prefix(st)}[: missing \`]'\n` : `${prefix(st)}[: missing ]\n`,
      );
      return 2;
    }
    a = a.slice(0, -1);
  }
  const r = evalTest(ctx, a);
  if (typeof r === 'string') {
    err(ctx, `${prefix(st)}${bracket ? '[' : 'test'}: ${r}\n`);
    return 2;
  }
  return r ? 0 : 1;
}

function evalTest(ctx: Ctx, a: string[]): boolean | string {
  const unary = (op: string, x: string): boolean | string => {
    switch (op) {
      case '-n':
        return x !== '';
      case '-z':
        return x === '';
      case '-e':
      case '-a':
        return !isErrno(ctx.fs.stat(x));
      case '-f': {
        const s = ctx.fs.stat(x);
        return !isErrno(s) && (s.type === 'file' || s.type === 'exec');
      }
      case '-d': {
        const s = ctx.fs.stat(x);
        return !isErrno(s) && s.type === 'dir';
      }
      case '-x': {
        const s = ctx.fs.stat(x);
        return !isErrno(s) && (s.type === 'exec' || s.type === 'dir');
      }
      case '-s': {
        const s = ctx.fs.stat(x);
        return !isErrno(s) && s.size > 0;
      }
      case '-r':
      case '-w':
        return !isErrno(ctx.fs.stat(x));
      case '-c': {
        const s = ctx.fs.stat(x);
        return !isErrno(s) && s.type === 'dev';
      }
      case '-t':
        return ctx.isatty(Number(x));
      case '-h':
      case '-L':
      case '-p':
      case '-S':
        return false;
      default:
        return `${op}: unary operator expected`;
    }
  };
  const binary = (x: string, op: string, y: string): boolean | string => {
    switch (op) {
      case '=':
      case '==':
        return x === y;
      case '!=':
        return x !== y;
      case '<':
        return x < y;
      case '>':
        return x > y;
      case '-eq':
      case '-ne':
      case '-lt':
      case '-le':
      case '-gt':
      case '-ge': {
        if (!/^\s*-?\d+\s*$/.test(x)) return `${x}: integer expression expected`;
        if (!/^\s*-?\d+\s*$/.test(y)) return `${y}: integer expression expected`;
        const m = Number(x);
        const n = Number(y);
        return op === '-eq'
          ? m === n
          : op === '-ne'
            ? m !== n
            : op === '-lt'
              ? m < n
              : op === '-le'
                ? m <= n
                : op === '-gt'
                  ? m > n
                  : m >= n;
      }
      default:
        return `${op}: binary operator expected`;
    }
  };
  const BIN = ['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge'];
  const prim = (xs: string[]): boolean | string => {
    if (xs.length === 0) return false;
    if (xs[0] === '!' && xs.length > 1) {
      const r = prim(xs.slice(1));
      return typeof r === 'string' ? r : !r;
    }
    if (xs[0] === '(' && xs[xs.length - 1] === ')' && xs.length > 2) return orExpr(xs.slice(1, -1));
    if (xs.length === 1) return xs[0] !== '';
    if (xs.length === 2) return unary(xs[0] ?? '', xs[1] ?? '');
    if (xs.length === 3 && BIN.includes(xs[1] ?? ''))
      return binary(xs[0] ?? '', xs[1] ?? '', xs[2] ?? '');
    return 'too many arguments';
  };
  const orExpr = (xs: string[]): boolean | string => {
    const i = xs.lastIndexOf('-o');
    if (i > 0 && xs.length > 3) {
      const l = orExpr(xs.slice(0, i));
      const r = orExpr(xs.slice(i + 1));
      if (typeof l === 'string') return l;
      if (typeof r === 'string') return r;
      return l || r;
    }
    const j = xs.lastIndexOf('-a');
    if (j > 0 && xs.length > 3) {
      const l = orExpr(xs.slice(0, j));
      const r = orExpr(xs.slice(j + 1));
      if (typeof l === 'string') return l;
      if (typeof r === 'string') return r;
      return l && r;
    }
    return prim(xs);
  };
  return orExpr(a);
}

function help(ctx: Ctx, st: ShState): number {
  const path = (getVar(ctx, st, 'PATH') ?? '').split(':').filter((d) => d !== '');
  const cmds = new Set<string>();
  for (const d of path) {
    const entries = ctx.fs.readdir(d);
    if (isErrno(entries)) continue;
    for (const e of entries) if (e !== 'puppet' && e !== 'init') cmds.add(e);
  }
  // Lay the lists out for the terminal's width (TIOCGWINSZ), 80 columns when not a terminal.
  const size = ctx.ttySize(1);
  const width = (typeof size === 'string' ? 80 : size.cols) - 2;
  const wrap = (words: string[]): string => {
    const lines: string[] = [];
    let line = ' ';
    for (const w of words) {
      if (line.length + w.length + 1 > width) {
        lines.push(line);
        line = ' ';
      }
      line += ` ${w}`;
    }
    if (line.trim() !== '') lines.push(line);
    return lines.join('\n');
  };
  out(
    ctx,
    [
      'PID 1 Lab — GNU bash, version 5.2.15(1)-release (modelled)',
      '',
      'Shell builtins:',
      wrap(Object.keys(BUILTINS).sort()),
      '',
      'Commands on PATH:',
      wrap([...cmds].sort()),
      '',
      'Try: sleep 100 &   jobs   ps   kill %1   sh -c "sleep 3"   exec sleep 5',
      '',
    ].join('\n'),
  );
  return 0;
}

export const BUILTINS: Record<string, Builtin> = {
  ':': trueB,
  true: trueB,
  false: falseB,
  echo,
  printf,
  exit: exitB,
  exec: () => 0, // handled by the interpreter (it needs the unexpanded redirections)
  cd,
  pwd: (ctx) => pwd(ctx),
  export: exportB,
  readonly: exportB,
  unset,
  set: setB,
  shift,
  break: loopCtl('break'),
  continue: loopCtl('continue'),
  return: returnB,
  jobs,
  fg,
  bg,
  wait: waitB,
  read: readB,
  trap: trapB,
  kill: killB,
  eval: evalB,
  '.': dot,
  source: dot,
  type: typeB,
  command: commandB,
  local: localB,
  test: (ctx, st, args) => testB(ctx, st, args, false),
  '[': (ctx, st, args) => testB(ctx, st, args, true),
  help: (ctx, st) => help(ctx, st),
};

export { jobDone as _jobDone };
