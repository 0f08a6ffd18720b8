/**
 * Creating processes and threads, exec, and moving between PID namespaces.
 * Linux: kernel/fork.c (copy_process), kernel/pid_namespace.c (copy_pid_ns, pidns_install),
 * fs/exec.c (begin_new_exec, de_thread), kernel/sys.c (prctl); fork(2), execve(2), unshare(2),
 * setns(2), prctl(2).
 */
import type { Core } from './core.ts';
import type { Errno, TaskId } from './types.ts';
import { asTaskId, isErrno } from './types.ts';
import type { RuleId } from './rules.ts';
import type { Task } from './state.ts';
import {
  NONE,
  NO_TASK,
  TF_BUSY,
  TF_DID_EXEC,
  TF_HAS_SUBREAPER,
  TF_SUBREAPER,
  TF_UNKILLABLE,
  appendTo,
  extraOf,
  NO_EXTRA,
  withInherited,
} from './state.ts';
import {
  allocPid,
  createPidNamespace,
  findTaskByPid,
  getPid,
  nsIsSameOrDescendant,
  putPid,
} from './pidns.ts';
import { chargePids } from './cgroup.ts';
import { joinGroup } from './sessions.ts';
import { flushSignalHandlers } from './signal.ts';
import { exitThreads } from './exit.ts';
import { copyFds } from './files.ts';
import { addChild, childIds } from './children.ts';
import { resolveExec, whichPath } from './fs.ts';
import { isValidSignal } from './signals.ts';
import { SIGCHLD } from './signals.ts';

/** comm: the executable's base name, cut to 15 characters (TASK_COMM_LEN 16 with the NUL). */
export const commOf = (path: string): string => (path.split('/').pop() ?? path).slice(0, 15);

const failRule = (errno: Errno, cgroup: boolean): RuleId =>
  cgroup ? 'pids_cgroup/max' : errno === 'ENOMEM' ? 'alloc_pid/ns-dead' : 'alloc_pid/exhausted';

/**
 * copy_process() for fork(): allocate the child's PIDs in the namespace the parent's children
 * go to (pid_for_children), then charge the pids cgroup (a refusal there frees the PID again,
 * but the allocation cursor has moved on). The child copies the parent's process group,
 * session, credentials, signal dispositions and blocked mask; it starts with no pending
 * signals, no parent-death signal and without the subreaper flag, though it remembers that an
 * ancestor is a subreaper. The first process of a namespace becomes its init.
 */
export function copyProcess(k: Core, parent: Task, program: string, pstate: unknown): Task | Errno {
  const nsId = parent.inherited.nsForChildren;
  const id = asTaskId(k.state.nextTaskId++);
  const alloc = allocPid(k, nsId, id, NO_TASK);
  if (typeof alloc !== 'number') {
    if (k.tracing)
      k.emit({
        seq: 0,
        t: 0,
        type: 'fork-failed',
        parent: k.ref(parent),
        errno: alloc.errno,
        ns: alloc.ns,
        rule: failRule(alloc.errno, false),
      });
    return alloc.errno;
  }
  if (!chargePids(k, parent.inherited.cgroup, 1)) {
    putPid(k, id);
    if (k.tracing)
      k.emit({
        seq: 0,
        t: 0,
        type: 'fork-failed',
        parent: k.ref(parent),
        errno: 'EAGAIN',
        ns: nsId,
        rule: failRule('EAGAIN', true),
      });
    return 'EAGAIN';
  }
  const ns = k.ns(nsId);
  const isInit = alloc === 1;
  const child: Task = {
    id,
    ns: nsId,
    parent: parent.id,
    firstChild: NO_TASK,
    lastChild: NO_TASK,
    prevSibling: NO_TASK,
    nextSibling: NO_TASK,
    pgrp: parent.pgrp,
    session: parent.session,
    comm: parent.comm,
    cred: parent.cred,
    image: parent.image,
    runState: 'running', // runnable until its program first blocks (TASK_RUNNING after fork)
    exiting: false,
    exitStatus: 0,
    exitSignal: SIGCHLD,
    sighand: parent.sighand,
    blocked: parent.blocked,
    pending: 0n,
    // The child inherits has_child_subreaper (and gets it from a subreaper parent); none of
    // the other bits (copy_signal() starts them clear; the namespace init is unkillable).
    flags:
      (parent.flags & (TF_SUBREAPER | TF_HAS_SUBREAPER) ? TF_HAS_SUBREAPER : 0) |
      (isInit ? TF_UNKILLABLE : 0),
    extra: NO_EXTRA,
    inherited: parent.inherited,
    program,
    pstate,
    block: null,
    wakeToken: 0,
    startTime: k.state.now,
    fds: copyFds(k, parent.fds),
  };
  if (isInit) ns.childReaper = id;
  getPid(k, child.pgrp);
  getPid(k, child.session);
  k.state.tasks[id] = child;
  addChild(k, parent, child);
  joinGroup(k, child);
  if (k.tracing)
    k.traceFork(
      parent,
      child,
      isInit
        ? 'alloc_pid/init'
        : k.lastAllocWrapped
          ? 'alloc_pid/wrap'
          : ns.level > 0
            ? 'alloc_pid'
            : 'fork/copy',
    );
  k.schedule('start', id, k.state.now, child.wakeToken);
  return child;
}

/**
 * Threads (clone with CLONE_THREAD): each takes a PID number at every level and a pids-cgroup
 * charge. Not allowed once unshare(CLONE_NEWPID) has pointed children elsewhere (EINVAL).
 */
export function spawnThreads(k: Core, t: Task, count: number): 0 | Errno {
  if (t.inherited.nsForChildren !== t.ns) return 'EINVAL';
  let made = 0;
  let result: 0 | Errno = 0;
  for (; made < count; made++) {
    const id = asTaskId(k.state.nextTaskId++);
    const alloc = allocPid(k, t.ns, id, t.id);
    if (typeof alloc !== 'number') {
      result = alloc.errno;
      break;
    }
    if (!chargePids(k, t.inherited.cgroup, 1)) {
      putPid(k, id);
      result = 'EAGAIN';
      break;
    }
    extraOf(t).threads = appendTo(t.extra.threads, id);
  }
  if (made > 0 && k.tracing)
    k.emit({
      seq: 0,
      t: 0,
      type: 'threads',
      task: k.ref(t),
      count: made,
      rule: 'threads/pid-space',
    });
  return result;
}

/**
 * execve() (with execvp's PATH search when `path` has no slash): the other threads go
 * (de_thread), handled signals reset to SIG_DFL (ignored ones stay ignored; mask, pending
 * signals and open descriptors are kept), and the new program starts. A script's #! line runs
 * its interpreter with the script's path as an argument (binfmt_script).
 */
export function execve(
  k: Core,
  t: Task,
  path: string,
  argv: readonly string[],
  env: Readonly<Record<string, string>> = t.image.env,
): 0 | Errno {
  const full = whichPath(k, t, path);
  if (isErrno(full)) return full;
  const found = resolveExec(k, t, full);
  if (typeof found === 'string') return found;
  if (!k.programs.has(found.program)) return 'ENOENT';
  exitThreads(k, t);
  const previous = t.comm;
  t.sighand = flushSignalHandlers(t.sighand);
  const args = argv.length > 0 ? [...argv] : [found.path];
  t.image = {
    exe: found.interpreter ? found.interpreter[0]! : found.path,
    argv: found.interpreter ? [...found.interpreter, found.path, ...args.slice(1)] : args,
    env,
  };
  t.comm = commOf(found.path); // for a script: its own name, as Linux shows it
  t.flags |= TF_DID_EXEC;
  t.program = found.program;
  t.pstate = undefined;
  if (t.extra.timers.length > 0) extraOf(t).timers = NONE;
  t.flags &= ~TF_BUSY;
  t.block = null;
  if (t.runState === 'sleeping') t.runState = 'running'; // runnable until the new program blocks
  t.wakeToken++;
  if (k.tracing)
    k.emit({
      seq: 0,
      t: 0,
      type: 'exec',
      task: k.ref(t),
      previous,
      argv: t.image.argv,
      rule: 'exec/signals',
    });
  k.schedule('start', t.id, k.state.now, t.wakeToken);
  return 0;
}

/**
 * unshare(CLONE_NEWPID): a new namespace below the caller's becomes the home of its later
 * children; the caller itself stays. Only once (EINVAL), at most 32 levels (ENOSPC).
 */
export function unsharePid(k: Core, t: Task): 0 | Errno {
  const refuse = (errno: 'EINVAL' | 'ENOSPC'): Errno => {
    if (k.tracing)
      k.emit({
        seq: 0,
        t: 0,
        type: 'syscall-error',
        task: k.ref(t),
        call: 'unshare',
        errno,
        rule: errno === 'EINVAL' ? 'unshare/again' : 'copy_pid_ns/depth',
      });
    return errno;
  };
  if (t.inherited.nsForChildren !== t.ns) return refuse('EINVAL');
  const ns = createPidNamespace(k, t.ns, `pidns:${k.state.nextNsId}`);
  if (ns === 'ENOSPC') return refuse('ENOSPC');
  withInherited(t, { nsForChildren: ns.id });
  if (k.tracing)
    k.emit({
      seq: 0,
      t: 0,
      type: 'ns-create',
      ns: ns.id,
      level: ns.level,
      by: k.ref(t),
      rule: 'unshare/pidns',
    });
  return 0;
}

/**
 * setns() into the PID namespace of process `pid`: only the caller's own namespace or one below
 * it (pidns_install, EINVAL otherwise); later children are created there.
 */
export function setnsPid(k: Core, t: Task, pid: number): 0 | Errno {
  const target = findTaskByPid(k, pid, t.ns);
  if (!target) return 'ESRCH';
  if (!nsIsSameOrDescendant(k, target.ns, t.ns)) return 'EINVAL';
  withInherited(t, { nsForChildren: target.ns });
  if (k.tracing)
    k.emit({ seq: 0, t: 0, type: 'ns-setns', ns: target.ns, by: k.ref(t), rule: 'setns/pidns' });
  return 0;
}

/**
 * PR_SET_CHILD_SUBREAPER: sets is_child_subreaper; turning it on marks every descendant
 * (except those already marked and namespace inits) as having a subreaper above it.
 */
export function setChildSubreaper(k: Core, t: Task, on: boolean): void {
  t.flags = on ? t.flags | TF_SUBREAPER : t.flags & ~TF_SUBREAPER;
  if (k.tracing)
    k.emit({ seq: 0, t: 0, type: 'subreaper', task: k.ref(t), on, rule: 'prctl/subreaper' });
  if (!on) return;
  const stack: TaskId[] = childIds(k, t);
  while (stack.length > 0) {
    const c = k.task(stack.pop()!);
    if (!c || c.flags & (TF_HAS_SUBREAPER | TF_UNKILLABLE)) continue;
    c.flags |= TF_HAS_SUBREAPER;
    stack.push(...childIds(k, c));
  }
}

/** PR_SET_PDEATHSIG: 0 clears it; otherwise a valid signal number (EINVAL). */
export function setPdeathsig(k: Core, t: Task, sig: number): 0 | Errno {
  if (sig !== 0 && !isValidSignal(sig)) return 'EINVAL';
  extraOf(t).pdeathSignal = sig;
  if (k.tracing)
    k.emit({ seq: 0, t: 0, type: 'pdeathsig', task: k.ref(t), sig, rule: 'prctl/pdeathsig' });
  return 0;
}
