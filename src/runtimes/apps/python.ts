/**
 * CPython 3.11 (`python3 script.py`, `python3 -c CODE`):
 * - Only SIGINT gets a handler (KeyboardInterrupt), and only if it was SIG_DFL at start (a
 *   background job of a non-interactive shell inherits it ignored and keeps it so); SIGPIPE
 *   and SIGXFSZ are set to SIG_IGN; everything else stays SIG_DFL — so as a namespace init
 *   SIGTERM, SIGHUP, SIGUSR1... are dropped by the kernel.
 * - An uncaught KeyboardInterrupt prints its traceback (with http.server's frames when it was in
 *   serve_forever, see keyboardInterrupt) and the interpreter dies "by SIGINT"
 *   (Modules/main.c exit_sigint: SIG_DFL + kill(getpid(), SIGINT)); as PID 1 that raise is
 *   dropped and it falls back to exit status 130.
 *
 * Recognised patterns in the script (top-level lines, no indentation):
 *   print("...") / print(f"...{os.getpid()}...")   → printed at start (flush assumed)
 *   signal.signal(signal.SIGxxx, handler)          → a handler; `def handler(...)`'s print()
 *                                                    lines print, sys.exit(N)/os._exit(N) exits
 *   signal.signal(signal.SIGxxx, signal.SIG_IGN / SIG_DFL) → ignore / default
 *   `while True:` whose body is only `pass` (or `...`) → a CPU loop (state R)
 *   serve_forever() / time.sleep / while True / input() / signal.pause() → keeps running
 * Otherwise the script ends after its top-level lines: exit 0. A missing script: exit 2.
 */
import { SIGINT, SIGPIPE, SIGXFSZ, isErrno, sigBit } from '../../kernel-sim/index.ts';
import type { Program, ProgramContext, SigInfo } from '../../kernel-sim/index.ts';
import { readSource, signalByName } from './common.ts';

interface PyHandler {
  prints: string[];
  exit: number | null;
}

export interface PyPlan {
  file: string;
  prints: string[];
  handlers: Record<string, PyHandler>;
  dispositions: Record<string, 'ignore' | 'default'>;
  busy: boolean;
  forever: boolean;
  /** The line the interpreter is in while it waits (for the traceback). */
  waitLine: { no: number; text: string } | null;
}

interface PyState {
  plan: PyPlan;
  dying: boolean;
}

function pyString(ctx: ProgramContext, expr: string): string {
  const m = /^(f?)(['"])(.*)\2$/.exec(expr.trim());
  if (!m) return expr.trim();
  const text = (m[3] ?? '').replace(/\\n/g, '\n');
  if (!m[1]) return text;
  return text.replace(/\{([^}]*)\}/g, (_, e: string) =>
    e === 'os.getpid()' ? String(ctx.getpid()) : e === 'os.getppid()' ? String(ctx.getppid()) : e,
  );
}

/** Reads a script into a plan (rules at the top of this file). */
export function parsePython(src: string, file: string): PyPlan {
  const lines = src.split('\n');
  const plan: PyPlan = {
    file,
    prints: [],
    handlers: {},
    dispositions: {},
    busy: false,
    forever: false,
    waitLine: null,
  };
  const functions: Record<string, PyHandler> = {};
  let fn: string | null = null;
  lines.forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '');
    const indented = /^\s/.test(line);
    const t = line.trim();
    if (t === '') return;
    const def = /^def\s+(\w+)\s*\(/.exec(line);
    if (def?.[1]) {
      fn = def[1];
      functions[fn] = { prints: [], exit: null };
      return;
    }
    if (indented && fn) {
      const h = functions[fn];
      const p = /^print\((.*?)(,\s*flush\s*=\s*True)?\)$/.exec(t);
      if (p && h) h.prints.push(p[1] ?? '');
      const e = /^(sys\.exit|os\._exit|exit)\((\d*)\)/.exec(t);
      if (e && h && h.exit === null) h.exit = Number(e[2] || 0);
      return;
    }
    if (!indented) fn = null;
    if (indented) {
      if (/^(pass|\.\.\.)$/.test(t) && /^while\s+(True|1)\s*:/.test(lines[i - 1]?.trim() ?? ''))
        plan.busy = !/^\s+\S/.test(lines[i + 1] ?? '');
      if (/serve_forever|time\.sleep|signal\.pause|input\(/.test(t) && !plan.waitLine)
        plan.waitLine = { no: i + 1, text: t };
      return;
    }
    const p = /^print\((.*?)(,\s*flush\s*=\s*True)?\)$/.exec(t);
    if (p) plan.prints.push(p[1] ?? '');
    const sig = /^signal\.signal\(\s*signal\.(SIG\w+)\s*,\s*([\w.]+)\s*\)/.exec(t);
    if (sig?.[1] && sig[2]) {
      const n = signalByName(sig[1]);
      if (n !== undefined) {
        if (sig[2] === 'signal.SIG_IGN') plan.dispositions[String(n)] = 'ignore';
        else if (sig[2] === 'signal.SIG_DFL') plan.dispositions[String(n)] = 'default';
        else plan.handlers[String(n)] = functions[sig[2]] ?? { prints: [], exit: null };
      }
    }
    if (/serve_forever\(|time\.sleep\(|signal\.pause\(|input\(|^while\s+(True|1)\s*:/.test(t)) {
      plan.forever = true;
      if (!plan.waitLine && !/^while/.test(t)) plan.waitLine = { no: i + 1, text: t };
    }
  });
  return plan;
}

function ignoredAtStart(ctx: ProgramContext): bigint {
  const st = ctx.fs.readFile('/proc/self/status');
  if (isErrno(st)) return 0n;
  const m = /SigIgn:\s*([0-9a-f]+)/.exec(st);
  return m ? BigInt(`0x${m[1]}`) : 0n;
}

/**
 * The traceback of an uncaught KeyboardInterrupt, as CPython 3.11.7 prints it (observed on the
 * reference machine): the script's frame with its absolute path (__main__.__file__ is absolute
 * since 3.9); inside http.server's serve_forever() also the socketserver and selectors frames,
 * with 3.11's ^^^ under the part of the line that was running. The standard library is in
 * /usr/local/lib/python3.11 in the python:3.11 image (which sets PYTHON_VERSION), in
 * /usr/lib/python3.11 on Debian.
 */
function keyboardInterrupt(ctx: ProgramContext, plan: PyPlan): string {
  const w = plan.waitLine;
  const file = plan.file.startsWith('<') ? plan.file : ctx.fs.resolve(plan.file);
  let out = `Traceback (most recent call last):\n  File "${file}", line ${w?.no ?? 1}, in <module>\n    ${w?.text ?? ''}\n`;
  if (w && /\bserve_forever\(/.test(w.text)) {
    const lib =
      ctx.env.PYTHON_VERSION !== undefined ? '/usr/local/lib/python3.11' : '/usr/lib/python3.11';
    out +=
      `  File "${lib}/socketserver.py", line 233, in serve_forever\n` +
      '    ready = selector.select(poll_interval)\n' +
      `            ${'^'.repeat(30)}\n` +
      `  File "${lib}/selectors.py", line 415, in select\n` +
      '    fd_event_list = self._selector.poll(timeout)\n' +
      `                    ${'^'.repeat(28)}\n`;
  }
  return `${out}KeyboardInterrupt\n`;
}

export const python: Program<PyState | null> = {
  name: 'python3',
  start(ctx) {
    const intIgnored = (ignoredAtStart(ctx) & sigBit(SIGINT)) !== 0n;
    if (!intIgnored) ctx.sigaction(SIGINT, 'handler');
    ctx.sigaction(SIGPIPE, 'ignore');
    ctx.sigaction(SIGXFSZ, 'ignore');
    const args = ctx.argv.slice(1).filter((a) => a !== '-u');
    let src: string | undefined;
    let file = '<string>';
    if (args[0] === '-c') src = args[1] ?? '';
    else if (args[0] === '--version' || args[0] === '-V') {
      ctx.write(1, 'Python 3.11.2\n');
      ctx.exit(0);
      return;
    } else if (args[0] !== undefined) {
      file = args[0];
      src = readSource(ctx, file);
      if (src === undefined) {
        ctx.write(
          2,
          `${ctx.argv[0] ?? 'python3'}: can't open file '${ctx.fs.resolve(file)}': [Errno 2] No such file or directory\n`,
        );
        ctx.exit(2);
        return;
      }
    }
    const plan =
      src === undefined
        ? { ...parsePython('', '<stdin>'), forever: true }
        : parsePython(src.replace(/;\s*/g, '\n'), file);
    ctx.state = { plan, dying: false };
    for (const [sig, d] of Object.entries(plan.dispositions)) ctx.sigaction(Number(sig), d);
    for (const sig of Object.keys(plan.handlers)) ctx.sigaction(Number(sig), 'handler');
    for (const p of plan.prints) ctx.write(1, pyString(ctx, p) + '\n');
    if (plan.busy) ctx.busy();
    else if (!plan.forever) ctx.exit(0);
  },
  onSignal(ctx, info: SigInfo) {
    const s = ctx.state;
    if (!s) return;
    const h = s.plan.handlers[String(info.sig)];
    if (h) {
      for (const p of h.prints) ctx.write(1, pyString(ctx, p) + '\n');
      if (h.exit !== null) ctx.exit(h.exit);
      return;
    }
    if (info.sig === SIGINT && !s.dying) {
      s.dying = true;
      ctx.write(2, keyboardInterrupt(ctx, s.plan));
      // exit_sigint(): die by SIGINT if possible, else 130.
      ctx.sigaction(SIGINT, 'default');
      ctx.kill(ctx.getpid(), SIGINT);
      // A loop on the CPU gives timers no chance (the model has no un-busy call): exit now.
      if (s.plan.busy) ctx.exit(130);
      else ctx.setTimer(0, 'exit-130');
    }
  },
  onTimer(ctx, tag) {
    if (tag === 'exit-130') ctx.exit(130);
  },
};
