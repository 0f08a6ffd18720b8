/**
 * A small harness for the shell's tests: a machine with a terminal, a puppet parent logged in
 * on it (so the shells it starts write to the terminal), and helpers to run scripts.
 */
import { Kernel, WUNTRACED, isErrno } from '../kernel-sim/index.ts';
import type { Program, PuppetState, TaskId, WaitResult } from '../kernel-sim/index.ts';
import { SHELL_BINARIES, SHELL_PROGRAMS } from './programs.ts';

/** A minimal cat for pipelines in tests: copies standard input to standard output. */
const testCat: Program<{ n: number }> = {
  name: 'testcat',
  start(ctx) {
    ctx.state = { n: 0 };
    pump(ctx);
  },
  resume(ctx, wake) {
    if (wake.call !== 'read') return;
    if (wake.result === 'EOF' || isErrno(wake.result)) {
      ctx.exit(0);
      return;
    }
    ctx.write(1, wake.result);
    pump(ctx);
  },
};

function pump(ctx: Parameters<Program['start']>[0]): void {
  for (let i = 0; i < 1000; i++) {
    const r = ctx.read(0);
    if (typeof r === 'object') return;
    if (r === 'EOF' || isErrno(r)) {
      ctx.exit(0);
      return;
    }
    ctx.write(1, r);
  }
}

export interface Machine {
  readonly k: Kernel;
  readonly tty: number;
  /** Everything written to the terminal so far. */
  output(): string;
  clear(): void;
}

export function machine(): Machine {
  const k = Kernel.create({
    programs: [...SHELL_PROGRAMS, testCat as unknown as Program<never>],
    binaries: { ...SHELL_BINARIES, '/usr/bin/cat': 'testcat', '/bin/cat': 'testcat' },
  });
  const tty = k.createTty();
  let out = '';
  k.onTtyOutput((_t, text) => {
    out += text;
  });
  return {
    k,
    tty,
    output: () => out,
    clear: () => {
      out = '';
    },
  };
}

export interface Run {
  readonly m: Machine;
  readonly parent: TaskId;
  readonly pid: number;
  /** The shell's wait status once it ended (null while it runs). */
  status(): WaitResult | null;
  /** exit code, 128+signal, or null while it runs. */
  code(): number | null;
}

/** Starts `argv` as a child of a puppet logged in on the terminal; the puppet waits for it. */
export function start(
  path: string,
  argv: readonly string[],
  m: Machine = machine(),
  options: { pidns?: boolean } = {},
): Run {
  const parent = m.k.login(m.tty, '/usr/local/bin/puppet', ['puppet']);
  // unshare --pid --fork: the shell becomes PID 1 of a new namespace.
  if (options.pidns && m.k.sys(parent).unsharePid() !== 0) throw new Error('unshare failed');
  const pid = m.k.spawn(parent, path, argv);
  if (typeof pid !== 'number') throw new Error(`spawn failed: ${pid}`);
  m.k.sys(parent).wait(pid, WUNTRACED);
  m.k.settle();
  const status = (): WaitResult | null => {
    const st = m.k.taskRecord(parent)?.pstate as PuppetState | undefined;
    for (const e of st?.log ?? []) {
      if (e.call === 'wait' && typeof e.result === 'object' && e.result.pid === pid)
        return e.result;
    }
    return null;
  };
  return {
    m,
    parent,
    pid,
    status,
    code: () => {
      const s = status();
      if (s === null) return null;
      return (s.status & 0x7f) === 0 ? (s.status >> 8) & 0xff : 128 + (s.status & 0x7f);
    },
  };
}

/** Runs `sh -c script` to the end (or for `micros` of virtual time). */
export function runScript(
  shell: 'sh' | 'bash' | 'busybox',
  script: string,
  micros = 60_000_000,
  options: { pidns?: boolean } = {},
): { out: string; code: number | null; run: Run } {
  const path = shell === 'sh' ? '/bin/sh' : shell === 'bash' ? '/bin/bash' : '/bin/busybox';
  const argv = shell === 'busybox' ? ['sh', '-c', script] : [shell, '-c', script];
  const run = start(path, argv, machine(), options);
  for (let t = 0; t < micros && run.status() === null; t += 100_000) {
    run.m.k.advance(100_000);
    run.m.k.settle();
  }
  return { out: run.m.output(), code: run.code(), run };
}
