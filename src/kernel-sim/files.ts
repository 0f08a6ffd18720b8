/**
 * File descriptors and open files: the per-process descriptor table, shared open file
 * descriptions, pipes (EOF when the last writer closes, EPIPE/SIGPIPE when no reader is left),
 * and reads and writes on terminals, files and /proc. Linux: fs/file.c, fs/pipe.c,
 * fs/read_write.c; pipe(7), dup(2), open(2).
 */
import type { Core } from './core.ts';
import type { Errno } from './types.ts';
import type { OpenFile, Task } from './state.ts';
import { NONE } from './state.ts';
import { normalizePath, readPath, statPath, writePath } from './fs.ts';
import { mustTty, ttyOutput, ttyRead } from './tty.ts';
import { sendSignal } from './signal.ts';
import { SIGPIPE } from './signals.ts';

const MAX_FDS = 1024;

export function newFile(
  k: Core,
  f: Omit<OpenFile, 'id' | 'refs' | 'pos'> & { pos?: number },
): OpenFile {
  const file: OpenFile = { ...f, id: k.state.nextFileId++, refs: 0, pos: f.pos ?? 0 };
  k.state.files.set(file.id, file);
  if (file.kind === 'pipe') {
    const p = k.state.pipes.get(file.pipe!)!;
    if (file.mode === 'r') p.readers++;
    else p.writers++;
  }
  return file;
}

/** Points descriptor `fd` at `file` (closing what was there). */
export function installFd(k: Core, t: Task, fd: number, file: OpenFile): void {
  file.refs++;
  if (t.fds.length === 0) t.fds = [];
  while (t.fds.length <= fd) t.fds.push(-1);
  const old = t.fds[fd]!;
  t.fds[fd] = file.id;
  if (old >= 0) releaseFile(k, old);
}

/** The lowest free descriptor, as open() and pipe() allocate them. */
function lowestFree(t: Task): number {
  const i = t.fds.indexOf(-1);
  return i >= 0 ? i : t.fds.length;
}

export function fileOf(k: Core, t: Task, fd: number): OpenFile | 'EBADF' {
  const id = fd >= 0 ? t.fds[fd] : undefined;
  if (id === undefined || id < 0) return 'EBADF';
  return k.state.files.get(id) ?? 'EBADF';
}

/** Drops one reference; the last one closes the description (a pipe end goes away). */
export function releaseFile(k: Core, id: number): void {
  const f = k.state.files.get(id);
  if (!f) return;
  if (--f.refs > 0) return;
  k.state.files.delete(id);
  if (f.kind === 'pipe') {
    const p = k.state.pipes.get(f.pipe!);
    if (!p) return;
    if (f.mode === 'r') p.readers--;
    else p.writers--;
    if (p.writers === 0) wakePipe(k, p.id); // readers see EOF
    if (p.readers === 0 && p.writers === 0) k.state.pipes.delete(p.id);
  }
}

export function closeFd(k: Core, t: Task, fd: number): 0 | Errno {
  const id = fd >= 0 ? t.fds[fd] : undefined;
  if (id === undefined || id < 0) return 'EBADF';
  t.fds[fd] = -1;
  while (t.fds.length > 0 && t.fds[t.fds.length - 1] === -1) t.fds.pop();
  releaseFile(k, id);
  return 0;
}

/** At exit every descriptor is closed (exit_files). */
export function closeAllFds(k: Core, t: Task): void {
  const fds = t.fds;
  t.fds = NONE;
  for (const id of fds) if (id >= 0) releaseFile(k, id);
}

/** fork() duplicates the table: both processes share the open file descriptions. */
export function copyFds(k: Core, fds: readonly number[]): number[] {
  for (const id of fds) if (id >= 0) k.state.files.get(id)!.refs++;
  return fds.length === 0 ? NONE : [...fds];
}

function wakePipe(k: Core, pipeId: number): void {
  const p = k.state.pipes.get(pipeId);
  if (!p) return;
  for (const id of p.waiters) {
    const t = k.task(id);
    if (t?.block?.kind === 'read') k.schedule('wake', id, k.state.now, t.wakeToken);
  }
  p.waiters = [];
}

export function doPipe(k: Core, t: Task): readonly [number, number] | Errno {
  if (t.fds.filter((f) => f >= 0).length + 2 > MAX_FDS) return 'EMFILE';
  const id = k.state.nextPipeId++;
  k.state.pipes.set(id, { id, buffer: '', readers: 0, writers: 0, waiters: [] });
  const r = newFile(k, { kind: 'pipe', mode: 'r', pipe: id });
  const rfd = lowestFree(t);
  installFd(k, t, rfd, r);
  const w = newFile(k, { kind: 'pipe', mode: 'w', pipe: id });
  const wfd = lowestFree(t);
  installFd(k, t, wfd, w);
  return [rfd, wfd];
}

export function doDup2(k: Core, t: Task, oldfd: number, newfd: number): number | Errno {
  const f = fileOf(k, t, oldfd);
  if (f === 'EBADF' || newfd < 0 || newfd >= MAX_FDS) return 'EBADF';
  if (oldfd === newfd) return newfd;
  installFd(k, t, newfd, f);
  return newfd;
}

/** open(): /dev/null, /dev/tty (the controlling terminal), /proc files, regular files. */
export function doOpen(k: Core, t: Task, path: string, mode: 'r' | 'w' | 'a'): number | Errno {
  const p = normalizePath(t.inherited.cwd, path);
  let file: OpenFile;
  if (p === '/dev/null' || p === '/dev/zero') file = newFile(k, { kind: 'null', mode });
  else if (p === '/dev/tty') {
    if (t.inherited.ctty === 0) return 'ENXIO' as Errno;
    file = newFile(k, { kind: 'tty', mode: 'rw', tty: t.inherited.ctty });
  } else if (p.startsWith('/dev/pts/')) {
    const tty = [...k.state.ttys.values()].find((x) => `/dev/${x.name}` === p);
    if (!tty) return 'ENOENT';
    file = newFile(k, { kind: 'tty', mode: 'rw', tty: tty.id });
  } else if (p === '/proc' || p.startsWith('/proc/')) {
    if (mode !== 'r') {
      file = newFile(k, { kind: 'proc', mode, path: p });
    } else {
      const text = readPath(k, t, p);
      if (typeof text !== 'string' || text === 'EISDIR') return text;
      file = newFile(k, { kind: 'proc', mode, path: p, snapshot: text });
    }
  } else {
    const st = statPath(k, t, p);
    if (mode === 'r') {
      if (typeof st === 'string') return st;
      if (st.type === 'dir') return 'EISDIR';
    } else {
      if (typeof st !== 'string' && st.type === 'dir') return 'EISDIR';
      const r = writePath(k, t, p, '', mode === 'a');
      if (typeof r === 'string') return r;
    }
    file = newFile(k, { kind: 'file', mode, path: p });
  }
  const fd = lowestFree(t);
  if (fd >= MAX_FDS) {
    k.state.files.delete(file.id);
    return 'EMFILE';
  }
  installFd(k, t, fd, file);
  return fd;
}

/**
 * read(): data (at most `count` characters when given), 'EOF', an error, or null when the
 * caller must block.
 */
export function doRead(
  k: Core,
  t: Task,
  fd: number,
  count = Infinity,
): string | 'EOF' | Errno | null {
  const f = fileOf(k, t, fd);
  if (f === 'EBADF' || (f.mode !== 'r' && f.mode !== 'rw')) return 'EBADF';
  switch (f.kind) {
    case 'null':
      return 'EOF';
    case 'tty':
      return ttyRead(k, t, mustTty(k, f.tty!), count);
    case 'pipe': {
      const p = k.state.pipes.get(f.pipe!)!;
      if (p.buffer !== '') {
        // pipe_read(): what the reader asked for; the rest stays in the pipe.
        const data = count >= p.buffer.length ? p.buffer : p.buffer.slice(0, count);
        p.buffer = p.buffer.slice(data.length);
        return data;
      }
      if (p.writers === 0) return 'EOF';
      if (!p.waiters.includes(t.id)) p.waiters.push(t.id);
      return null;
    }
    case 'proc':
    case 'file': {
      const text = f.kind === 'proc' ? (f.snapshot ?? '') : readPath(k, t, f.path!);
      if (typeof text !== 'string' || text === 'EISDIR') return text;
      if (f.pos >= text.length) return 'EOF';
      const data = text.slice(f.pos, count === Infinity ? undefined : f.pos + count);
      f.pos += data.length;
      return data;
    }
  }
}

/** write(): to a terminal's screen, into a pipe, a file, or nowhere (/dev/null). */
export function doWrite(k: Core, t: Task, fd: number, text: string): number | Errno {
  const f = fileOf(k, t, fd);
  if (f === 'EBADF' || f.mode === 'r') return 'EBADF';
  switch (f.kind) {
    case 'null':
      return text.length;
    case 'tty':
      ttyOutput(k, mustTty(k, f.tty!), text);
      return text.length;
    case 'pipe': {
      const p = k.state.pipes.get(f.pipe!)!;
      if (p.readers === 0) {
        // pipe_write(): no reader left — SIGPIPE to the writer, and EPIPE.
        sendSignal(k, SIGPIPE, t, { sender: null, priv: true, rule: 'pipe/epipe' });
        return 'EPIPE';
      }
      p.buffer += text;
      wakePipe(k, p.id);
      return text.length;
    }
    case 'proc':
    case 'file':
      return writePath(k, t, f.path!, text, true);
  }
}

/** Forgets a task waiting on pipes (it exited or stopped waiting). */
export function forgetPipeWaiter(k: Core, id: Task['id']): void {
  for (const p of k.state.pipes.values()) p.waiters = p.waiters.filter((w) => w !== id);
}
