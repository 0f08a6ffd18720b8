/**
 * `pidlab shell`: the lab's root shell in the user's real terminal (for a speaker who wants the
 * model without a browser). Keystrokes go to the simulated terminal; virtual time follows the
 * wall clock while the shell runs; Ctrl-D at the prompt (or `exit`) leaves.
 */
import { createLabMachine } from '../lab/world.ts';
import type { CliIo } from './main.ts';

export async function shellCommand(args: readonly string[], io: CliIo): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    io.out(
      "Usage: pidlab shell\n\nOpens the lab's root shell on a simulated host in this terminal.\nCtrl-D or `exit` leaves.\n",
    );
    return 0;
  }
  if (args.length > 0) {
    io.err(`pidlab shell: unexpected argument '${args[0]}'\nTry 'pidlab shell --help'.\n`);
    return 2;
  }
  const stdin = process.stdin;
  const cols = process.stdout.columns || 100;
  const rows = process.stdout.rows || 30;
  const machine = createLabMachine({ cols, rows });
  const show = (text: string): boolean => process.stdout.write(text.replace(/\r?\n/g, '\r\n'));
  show(machine.output());
  const off = machine.onOutput(show);
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  const onData = (data: string): void => machine.type(data);
  stdin.on('data', onData);
  stdin.resume();
  const start = Date.now();
  const base = machine.kernel.now;
  return await new Promise<number>((resolve) => {
    const timer = setInterval(() => {
      machine.kernel.runUntil(base + (Date.now() - start) * 1000);
      if (!machine.shellAlive()) finish();
    }, 20);
    const finish = (): void => {
      clearInterval(timer);
      stdin.off('data', onData);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      off();
      process.stdout.write('\r\n');
      resolve(0);
    };
  });
}
