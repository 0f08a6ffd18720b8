/**
 * util-linux 2.38.1 setpriv, the part that changes user: `--reuid UID` (setresuid: real,
 * effective and saved UID) and `--regid GID` with the group handling it insists on
 * (`--clear-groups`, `--keep-groups`, `--init-groups`, `--groups`), then execvp of the program.
 * This is how a case runs a process as another user on both sides (the real kernel's kill
 * EPERM, for one). The model keeps user IDs, not group IDs: a group option is checked as
 * setpriv checks it and has no further effect. Its other options (capabilities, securebits,
 * no_new_privs, ...) are refused by name, never ignored.
 */
import type { Program, ProgramContext } from '../kernel-sim/index.ts';
import { getopt } from './getopt.ts';
import { err, errText, execvp, idTable } from './util.ts';
import { helpRequested } from './help.ts';

/** setpriv's exit status for a failed privilege change (SETPRIV_EXIT_PRIVERR). */
const PRIVERR = 127;

/** Options of the real setpriv that the lab does not model (refused with a clear message). */
const UNMODELLED = [
  'dump',
  'no-new-privs',
  'inh-caps',
  'ambient-caps',
  'bounding-set',
  'ruid',
  'euid',
  'rgid',
  'egid',
  'securebits',
  'pdeathsig',
  'selinux-label',
  'apparmor-profile',
  'reset-env',
  'nnp',
];

/** A user or group: a number, or a name from the file (/etc/passwd, /etc/group). */
function parseId(
  ctx: ProgramContext<unknown>,
  text: string,
  file: '/etc/passwd' | '/etc/group',
): number | null {
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    return n <= 0xfffffffe ? n : null;
  }
  for (const [id, name] of idTable(ctx, file)) if (name === text) return id;
  return null;
}

function fail(ctx: ProgramContext<unknown>, text: string, code = 1): void {
  err(ctx, `setpriv: ${text}\n`);
  ctx.exit(code);
}

export const setpriv: Program<null> = {
  name: 'setpriv',
  start(ctx) {
    if (helpRequested(ctx, 'setpriv')) return;
    const p = getopt(
      ctx.argv.slice(1),
      [
        { key: 'reuid', long: 'reuid', arg: 'required' },
        { key: 'regid', long: 'regid', arg: 'required' },
        { key: 'clear', long: 'clear-groups' },
        { key: 'keep', long: 'keep-groups' },
        { key: 'init', long: 'init-groups' },
        { key: 'groups', long: 'groups', arg: 'required' },
        { key: 'V', short: 'V', long: 'version' },
        ...UNMODELLED.map((long) => ({ key: `x-${long}`, long, arg: 'optional' as const })),
        { key: 'x-d', short: 'd' },
      ],
      true,
    );
    if (!p.ok) {
      err(ctx, `setpriv: ${p.error}\nTry 'setpriv --help' for more information.\n`);
      ctx.exit(1);
      return;
    }
    const opt = (k: string): string | undefined => p.opts.find((o) => o.key === k)?.value;
    const has = (k: string): boolean => p.opts.some((o) => o.key === k);
    if (has('V')) {
      ctx.write(1, 'setpriv from util-linux 2.38.1\n');
      ctx.exit(0);
      return;
    }
    const unmodelled = p.opts.find((o) => o.key.startsWith('x-'));
    if (unmodelled) {
      const name = unmodelled.key === 'x-d' ? '-d' : `--${unmodelled.key.slice(2)}`;
      fail(ctx, `${name} is not modelled in the lab (only --reuid, --regid and the group options)`);
      return;
    }
    const count = (k: string): number => p.opts.filter((o) => o.key === k).length;
    if (count('reuid') > 1) {
      fail(ctx, 'duplicate ruid or euid');
      return;
    }
    if (count('regid') > 1) {
      fail(ctx, 'duplicate rgid or egid');
      return;
    }
    const groupOpts = ['clear', 'keep', 'init', 'groups'].filter(has).length;
    if (groupOpts > 1) {
      fail(
        ctx,
        'mutually exclusive arguments: --clear-groups --keep-groups --init-groups --groups',
      );
      return;
    }
    const reuid = opt('reuid');
    const regid = opt('regid');
    const uid = reuid === undefined ? null : parseId(ctx, reuid, '/etc/passwd');
    if (reuid !== undefined && uid === null) {
      fail(ctx, `failed to parse reuid: '${reuid}'`);
      return;
    }
    if (regid !== undefined && parseId(ctx, regid, '/etc/group') === null) {
      fail(ctx, `failed to parse regid: '${regid}'`);
      return;
    }
    if (regid !== undefined && groupOpts === 0) {
      fail(ctx, '--[re]gid requires --keep-groups, --clear-groups, --init-groups, or --groups');
      return;
    }
    if (p.operands.length === 0) {
      fail(ctx, 'No program specified');
      return;
    }
    if (uid !== null && ctx.setuid(uid) !== 0) {
      fail(ctx, 'setresuid failed: Operation not permitted', PRIVERR);
      return;
    }
    const program = p.operands[0]!;
    const e = execvp(ctx, program, p.operands);
    if (e === 0) return;
    fail(ctx, `failed to execute ${program}: ${errText(e)}`, e === 'ENOENT' ? 127 : 126);
  },
};
