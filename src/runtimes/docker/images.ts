/**
 * Images as data: the built-in catalogue (pre-pulled), the Dockerfile parser of `docker build`
 * and the ENTRYPOINT/CMD combination of the Dockerfile reference (semantics.md §10).
 * The machine has one file system, so an image only records which shell its /bin/sh is:
 * Debian-based images have dash (never execs the last command of -c), Alpine has busybox ash
 * (execs it, §11).
 */

export const DEFAULT_ENV_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ImageConfig {
  /** "debian:12" */
  readonly name: string;
  /** 64 hex digits. */
  readonly id: string;
  readonly entrypoint: readonly string[] | null;
  readonly cmd: readonly string[] | null;
  readonly env: Readonly<Record<string, string>>;
  readonly workdir: string;
  readonly stopSignal: string | null;
  readonly shell: 'dash' | 'busybox';
  /** Virtual time of creation (µs); built-in images: 0. */
  readonly created: number;
  readonly size: string;
}

const hex = (seed: string): string => {
  // A fixed, deterministic id for the catalogue images (FNV-1a, repeated).
  let out = '';
  let h = 0x811c9dc5;
  for (let round = 0; out.length < 64; round++) {
    for (const ch of `${seed}#${round}`) {
      h ^= ch.charCodeAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 64);
};

const base = (
  name: string,
  cmd: readonly string[],
  extra: Partial<ImageConfig> = {},
): ImageConfig => ({
  name,
  id: hex(name),
  entrypoint: null,
  cmd,
  env: { PATH: DEFAULT_ENV_PATH },
  workdir: '/',
  stopSignal: null,
  shell: 'dash',
  created: 0,
  size: '117MB',
  ...extra,
});

/** The images "already pulled" on the lab machine. */
export const IMAGE_CATALOGUE: readonly ImageConfig[] = [
  base('debian:12', ['bash'], { size: '117MB' }),
  base('node:20', ['node'], {
    size: '1.1GB',
    env: { PATH: DEFAULT_ENV_PATH, NODE_VERSION: '20.11.1', YARN_VERSION: '1.22.19' },
  }),
  base('golang:1.19', ['bash'], {
    size: '992MB',
    workdir: '/go',
    env: {
      PATH: `/go/bin:/usr/local/go/bin:${DEFAULT_ENV_PATH}`,
      GOLANG_VERSION: '1.19.13',
      GOPATH: '/go',
    },
  }),
  base('python:3.11', ['python3'], {
    size: '1.01GB',
    env: { PATH: DEFAULT_ENV_PATH, PYTHON_VERSION: '3.11.8', LANG: 'C.UTF-8' },
  }),
  base('alpine:3.19', ['/bin/sh'], { size: '7.38MB', shell: 'busybox' }),
  // The official image: its entrypoint script execs nginx (the master is PID 1); STOPSIGNAL
  // SIGQUIT asks for a graceful shutdown (nginxinc/docker-nginx mainline/debian/Dockerfile).
  base('nginx:1.25', ['nginx', '-g', 'daemon off;'], {
    size: '187MB',
    entrypoint: ['/docker-entrypoint.sh'],
    stopSignal: 'SIGQUIT',
    env: { PATH: DEFAULT_ENV_PATH, NGINX_VERSION: '1.25.5', PKG_RELEASE: '1~bookworm' },
  }),
  // Debian 12 with the supervisor package; supervisord in the foreground as PID 1.
  base(
    'pidlab/supervisord:4.2',
    ['/usr/bin/supervisord', '-n', '-c', '/etc/supervisor/supervisord.conf'],
    {
      size: '136MB',
    },
  ),
  // Debian 12 with systemd as PID 1 and app.service enabled (like jrei/systemd-debian:12, which
  // sets container=docker so systemd knows where it runs).
  base('pidlab/systemd:12', ['/lib/systemd/systemd'], {
    size: '158MB',
    env: { PATH: DEFAULT_ENV_PATH, container: 'docker' },
  }),
];

/** "debian" → "debian:latest"; "debian:12" stays. */
export function normalizeImageName(name: string): string {
  const slash = name.lastIndexOf('/');
  return name.slice(slash + 1).includes(':') ? name : `${name}:latest`;
}

/** File of an image in the engine's store. */
export function imageFile(name: string): string {
  return `/var/lib/docker/images/${normalizeImageName(name).replace(/\//g, '%2F')}.json`;
}

// ------------------------------------------------------------------ Dockerfile

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  /** The instruction as the classic builder echoes it ("CMD ["sleep","1000"]"). */
  readonly text: string;
}

/** Splits a Dockerfile into instructions (comments, blank lines and `\` continuations handled). */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (full === '') continue;
    const m = /^(\S+)\s*(.*)$/.exec(full);
    if (!m) continue;
    out.push({
      keyword: m[1]!.toUpperCase(),
      args: m[2]!,
      text: `${m[1]!.toUpperCase()} ${m[2]!}`,
    });
  }
  if (pending.trim() !== '') {
    const m = /^(\S+)\s*(.*)$/.exec(pending.trim());
    if (m) out.push({ keyword: m[1]!.toUpperCase(), args: m[2]!, text: pending.trim() });
  }
  return out;
}

/** A JSON array of strings (exec form), or undefined when `args` is shell form. */
export function execForm(args: string): string[] | undefined {
  const t = args.trim();
  if (!t.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    return undefined;
  }
  return undefined;
}

/** CMD/ENTRYPOINT arguments: exec form as-is, shell form → [...SHELL, "text"]. */
export function commandForm(args: string, shell: readonly string[]): string[] {
  return execForm(args) ?? [...shell, args.trim()];
}

/** ENV k=v k2="v 2" or the legacy ENV k v. */
export function parseEnv(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  const t = args.trim();
  if (!/^[^\s=]+=/.test(t)) {
    const m = /^(\S+)\s+(.*)$/.exec(t);
    if (m) out[m[1]!] = m[2]!;
    return out;
  }
  const re = /([^\s=]+)=("((?:[^"\\]|\\.)*)"|'([^']*)'|(\S*))/g;
  for (let m = re.exec(t); m; m = re.exec(t))
    out[m[1]!] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? m[5] ?? '');
  return out;
}

/** Process args = ENTRYPOINT ++ CMD (run arguments replace CMD; --entrypoint clears CMD). */
export function processArgs(
  image: Pick<ImageConfig, 'entrypoint' | 'cmd'>,
  runArgs: readonly string[],
  entrypointOverride: string | undefined,
): string[] {
  let entry: readonly string[] = image.entrypoint ?? [];
  let cmd: readonly string[] = image.cmd ?? [];
  if (entrypointOverride !== undefined) {
    entry = entrypointOverride === '' ? [] : [entrypointOverride];
    cmd = [];
  }
  if (runArgs.length > 0) cmd = runArgs;
  return [...entry, ...cmd];
}
