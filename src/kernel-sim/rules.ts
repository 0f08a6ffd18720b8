/**
 * The catalogue of kernel rules the model applies. Every trace event names the rule that decided
 * it; the UI and the CLI turn the rule into the "why" a learner reads. Each rule says, in plain
 * words, what Linux does, and where that behaviour lives (kernel source function, man page, or a
 * tool's source). Keep the text true to ../shared/reference/semantics.md.
 */

export interface Rule {
  /** A short title, e.g. "Namespace init drops default-action signals". */
  readonly title: string;
  /** What the kernel does and why, in words a learner understands. */
  readonly text: string;
  /** Where the rule lives: kernel file and function, man page, tool source. */
  readonly source: string;
}

export const RULES = {
  // ---- PID allocation (kernel/pid.c, kernel/pid_namespace.c) ----
  alloc_pid: {
    title: 'One PID per namespace level',
    text: 'A new process gets a number in its own PID namespace and one in every ancestor namespace up to the host, so the same process has a different PID in each.',
    source: 'kernel/pid.c: alloc_pid(); pid_namespaces(7)',
  },
  'alloc_pid/init': {
    title: 'The first process in a PID namespace is its PID 1',
    text: "The first process created in a new PID namespace gets PID 1 and becomes the namespace's init: its child reaper, and protected from signals it has no handler for.",
    source:
      'kernel/pid.c: alloc_pid(); kernel/fork.c: copy_process() (is_child_reaper, SIGNAL_UNKILLABLE); pid_namespaces(7)',
  },
  'alloc_pid/exhausted': {
    title: 'No free PID: fork fails with EAGAIN',
    text: 'Every PID number below pid_max is taken (zombies keep theirs until reaped), so fork() fails with EAGAIN "Resource temporarily unavailable".',
    source: 'kernel/pid.c: alloc_pid() (ENOSPC from the IDR becomes EAGAIN); fork(2)',
  },
  'alloc_pid/ns-dead': {
    title: 'Fork into a dead PID namespace fails with ENOMEM',
    text: "The namespace's init has exited, so the kernel refuses new processes there; for historical reasons the error is ENOMEM.",
    source:
      'kernel/pid.c: alloc_pid() (PIDNS_ADDING cleared by disable_pid_allocation()); pid_namespaces(7)',
  },
  'alloc_pid/wrap': {
    title: 'PIDs wrap around to 300, not to 1',
    text: 'After the counter has passed 300 and reached pid_max it starts again at 300 (RESERVED_PIDS); numbers 1 to 299 are never handed out again in that namespace.',
    source:
      'kernel/pid.c: alloc_pid() (idr_alloc_cyclic with pid_min = RESERVED_PIDS); include/linux/pid.h',
  },
  'pids_cgroup/max': {
    title: 'pids cgroup limit reached: fork fails with EAGAIN',
    text: 'The pids cgroup counts every process and thread, zombies included; at pids.max the fork is refused. The PID number it had already drawn is freed, but the allocation cursor has moved on, so that number is skipped.',
    source:
      'kernel/cgroup/pids.c: pids_can_fork(); kernel/fork.c: copy_process() (alloc_pid before cgroup_can_fork); Documentation/admin-guide/cgroup-v1/pids.rst',
  },
  'copy_pid_ns/depth': {
    title: 'PID namespaces nest at most 32 deep',
    text: 'Creating a PID namespace more than 32 levels below the root fails with ENOSPC.',
    source: 'kernel/pid_namespace.c: create_pid_namespace() (MAX_PID_NS_LEVEL); clone(2)',
  },
  'unshare/pidns': {
    title: 'unshare(CLONE_NEWPID) affects only later children',
    text: 'The caller stays where it is; its next child becomes PID 1 of the new namespace and later children get 2, 3, ...',
    source:
      'kernel/nsproxy.c: unshare_nsproxy_namespaces(); kernel/pid_namespace.c: copy_pid_ns(); unshare(2)',
  },
  'unshare/again': {
    title: 'unshare(CLONE_NEWPID) only once',
    text: 'A process whose children already go to another PID namespace cannot unshare again: EINVAL.',
    source: 'kernel/pid_namespace.c: copy_pid_ns(); unshare(2)',
  },
  'setns/pidns': {
    title: 'setns into a PID namespace',
    text: "A process may join only its own PID namespace or a descendant of it, and only its later children are placed there; a joined child's parent is outside, so inside it shows PPID 0.",
    source: 'kernel/pid_namespace.c: pidns_install(); setns(2)',
  },
  'fork/copy': {
    title: 'fork copies the parent',
    text: 'The child inherits the process group, session, signal dispositions and blocked mask; pending signals, the parent-death signal and the subreaper flag are not inherited.',
    source: 'kernel/fork.c: copy_process(); fork(2)',
  },
  'exec/signals': {
    title: 'exec resets handlers, keeps ignored signals',
    text: 'execve() resets every handled signal to its default action; ignored signals stay ignored, and the blocked mask and pending signals are kept.',
    source: 'fs/exec.c: begin_new_exec() -> flush_signal_handlers(); execve(2)',
  },
  'threads/pid-space': {
    title: 'Threads use PID numbers too',
    text: 'Each thread has its own ID drawn from the same PID counter, so a multi-threaded program uses up several PID numbers.',
    source: 'kernel/fork.c: copy_process() (CLONE_THREAD still calls alloc_pid); clone(2)',
  },

  // ---- exit, reparenting, reaping (kernel/exit.c, kernel/pid_namespace.c) ----
  'exit/zombie': {
    title: 'An exited process is a zombie until its parent waits',
    text: 'The process is gone but keeps its PIDs (in every namespace level) and its exit status until its parent collects it with wait().',
    source: 'kernel/exit.c: exit_notify(); wait(2) NOTES',
  },
  'exit/notify-parent': {
    title: 'The parent is told with SIGCHLD',
    text: 'When a child exits, the kernel sends its parent SIGCHLD and wakes it if it is waiting.',
    source: 'kernel/signal.c: do_notify_parent()',
  },
  'exit/autoreap': {
    title: 'Auto-reap: the parent ignores SIGCHLD',
    text: 'The parent set SIGCHLD to SIG_IGN (or SA_NOCLDWAIT), so the child is released at once instead of becoming a zombie.',
    source: 'kernel/signal.c: do_notify_parent(); wait(2) NOTES; sigaction(2) SA_NOCLDWAIT',
  },
  'reparent/subreaper': {
    title: 'Orphans go to the nearest subreaper',
    text: 'The exiting process has an ancestor in the same PID namespace that called prctl(PR_SET_CHILD_SUBREAPER); the nearest such ancestor adopts the orphans.',
    source: 'kernel/exit.c: find_new_reaper(); prctl(2) PR_SET_CHILD_SUBREAPER',
  },
  'reparent/child-reaper': {
    title: "Orphans go to PID 1 of the parent's namespace",
    text: "With no subreaper above it, the orphan is adopted by the child reaper (PID 1) of the namespace the exiting parent lived in — the parent's namespace, not necessarily the child's.",
    source:
      'kernel/exit.c: forget_original_parent(), find_child_reaper(); pid_namespaces(7) "Adoption of orphaned children"',
  },
  'reparent/zombie': {
    title: 'An adopted zombie is reported to its new parent',
    text: 'The orphan had already exited, so the new parent is notified at once (and releases it immediately if it ignores SIGCHLD).',
    source: 'kernel/exit.c: reparent_leader()',
  },
  'reparent/pdeathsig': {
    title: 'Parent-death signal',
    text: 'The child asked with prctl(PR_SET_PDEATHSIG) to be signalled when its parent dies; the signal is sent as it is reparented.',
    source: 'kernel/exit.c: forget_original_parent(); prctl(2) PR_SET_PDEATHSIG',
  },
  'zap_pid_ns/kill': {
    title: 'PID 1 died: every process in the namespace is SIGKILLed',
    text: "When a namespace's init exits, the kernel stops new processes there and sends SIGKILL to every process that has a PID in it, nested namespaces included. Nobody gets a SIGTERM first.",
    source: 'kernel/pid_namespace.c: zap_pid_ns_processes(); pid_namespaces(7)',
  },
  'zap_pid_ns/wait': {
    title: 'The dying init waits until its namespace is empty',
    text: 'The init does not finish exiting until every other PID of its namespace is freed, including zombies whose parent is outside (only that parent can reap them).',
    source: 'kernel/pid_namespace.c: zap_pid_ns_processes() (waits for pid_allocated == init_pids)',
  },
  'exit/global-init': {
    title: "The host's init must not exit",
    text: 'If PID 1 of the root namespace exits, the kernel panics: "Attempted to kill init!".',
    source: 'kernel/exit.c: do_exit() -> panic()',
  },
  'wait/reap': {
    title: 'wait() reaps a zombie',
    text: 'The parent collects the exit status; the zombie is released and its PIDs become free.',
    source: 'kernel/exit.c: wait_task_zombie(), release_task(); wait(2)',
  },
  'wait/echild': {
    title: 'wait() with no children fails with ECHILD',
    text: 'The caller has no child that matches, so wait() returns ECHILD at once.',
    source: 'kernel/exit.c: do_wait(); wait(2)',
  },
  'pgrp/orphaned-hup': {
    title: 'Orphaned process group with stopped members gets SIGHUP and SIGCONT',
    text: 'The exit left a process group with no parent in another group of the same session while some of its members are stopped, so each member gets SIGHUP then SIGCONT.',
    source: 'kernel/exit.c: kill_orphaned_pgrp(); POSIX "orphaned process group"',
  },

  // ---- signals (kernel/signal.c) ----
  'kill/esrch': {
    title: 'No such process (ESRCH)',
    text: "The PID is looked up in the sender's own namespace; a process that has no number there cannot be named.",
    source: 'kernel/signal.c: kill_proc_info() (find_vpid); kill(2)',
  },
  'kill/eperm': {
    title: 'Operation not permitted (EPERM)',
    text: 'An unprivileged sender may only signal processes of its own user (CAP_KILL is needed otherwise); SIGCONT is also allowed within the same session.',
    source: 'kernel/signal.c: check_kill_permission(), kill_ok_by_cred(); kill(2)',
  },
  'kill/all': {
    title: 'kill(-1): everything the sender can see but PID 1 and itself',
    text: "kill(-1, sig) signals every process whose PID in the sender's namespace is above 1, except the sender itself — the namespace's init is skipped, nested inits are not.",
    source: 'kernel/signal.c: kill_something_info(); kill(2)',
  },
  'kill/pgrp': {
    title: 'kill(0) and kill(-PGID): a whole process group',
    text: 'The signal goes to every member of the process group, wherever those processes live.',
    source: 'kernel/signal.c: kill_something_info(), __kill_pgrp_info(); kill(2)',
  },
  'sig/sent': {
    title: 'A signal is generated',
    text: 'The kernel checks whether the target would ignore it; if not, the signal becomes pending and is acted on when the target next runs.',
    source: 'kernel/signal.c: send_signal_locked(), prepare_signal()',
  },
  'sig/ignored': {
    title: 'Ignored signal is discarded',
    text: "The target's disposition for this signal is SIG_IGN, so it is thrown away when sent.",
    source: 'kernel/signal.c: sig_handler_ignored(), sig_ignored()',
  },
  'sig/default-ignore': {
    title: 'Signal whose default action is "ignore"',
    text: "The target has no handler and this signal's default action is to do nothing (SIGCHLD, SIGCONT, SIGURG, SIGWINCH), so it is discarded.",
    source: 'kernel/signal.c: sig_handler_ignored(); signal(7)',
  },
  'sig/unkillable-init': {
    title: "A namespace's PID 1 drops signals it has no handler for",
    text: 'The target is PID 1 of its namespace (SIGNAL_UNKILLABLE) and has no handler for this signal, so the kernel discards it; kill() still returns 0. Only SIGKILL and SIGSTOP sent from an ancestor namespace (the host) get through.',
    source: 'kernel/signal.c: sig_task_ignored(); pid_namespaces(7)',
  },
  'sig/global-init': {
    title: "The host's init never receives SIGKILL or SIGSTOP",
    text: 'SIGKILL and SIGSTOP sent to PID 1 of the root namespace are discarded.',
    source: 'kernel/signal.c: sig_task_ignored() (is_global_init)',
  },
  'sig/forced': {
    title: 'SIGKILL/SIGSTOP from an ancestor namespace is forced',
    text: "The sender has no PID in the target's namespace (it is outside, e.g. on the host), so SIGKILL and SIGSTOP are delivered even to that namespace's PID 1; the receiver sees si_pid = 0.",
    source:
      'kernel/signal.c: send_signal_locked() (force when task_pid_nr_ns(current, ...) == 0), sig_task_ignored()',
  },
  'sig/blocked': {
    title: 'A blocked signal is queued, never dropped',
    text: 'The target has this signal blocked, so the kernel keeps it pending instead of judging it ignored: a handler may be installed before it is unblocked. This is how tini, dumb-init and catatonit receive SIGTERM as PID 1 without a handler.',
    source: 'kernel/signal.c: sig_ignored() (blocked and real_blocked checks)',
  },
  'sig/coalesced': {
    title: 'Standard signals do not queue',
    text: 'The same signal is already pending, so this one merges with it; only realtime signals queue every instance. A reaper must therefore loop on waitpid(-1, WNOHANG).',
    source: 'kernel/signal.c: legacy_queue(); signal(7)',
  },
  'sig/exiting': {
    title: 'Signal to a dying process is discarded',
    text: 'The target is already exiting (or a zombie), so the signal has no effect; kill() still succeeds.',
    source: 'kernel/signal.c: prepare_signal() (SIGNAL_GROUP_EXIT)',
  },
  'sig/cont': {
    title: 'SIGCONT resumes a stopped process when it is sent',
    text: 'SIGCONT continues a stopped process at the moment it is generated, even if the signal itself is then ignored; it also cancels pending stop signals.',
    source: 'kernel/signal.c: prepare_signal()',
  },
  'sig/stop-flushes-cont': {
    title: 'A stop signal cancels a pending SIGCONT',
    text: 'Generating a stop signal removes SIGCONT from the pending set.',
    source: 'kernel/signal.c: prepare_signal()',
  },
  'sig/handler': {
    title: 'The signal handler runs',
    text: 'The process installed a handler with sigaction(), so the handler runs.',
    source: 'kernel/signal.c: get_signal(), handle_signal(); signal(7)',
  },
  'sig/resethand': {
    title: 'One-shot handler (SA_RESETHAND)',
    text: 'The handler was installed with SA_RESETHAND, so the disposition goes back to SIG_DFL as it runs.',
    source: 'kernel/signal.c: get_signal() (SA_ONESHOT); sigaction(2)',
  },
  'sig/unkillable-at-delivery': {
    title: 'PID 1 skips the default action',
    text: "The signal was queued (e.g. while blocked) and is now taken with no handler; a namespace's init never runs a default action other than SIGKILL/SIGSTOP, so it is skipped.",
    source:
      'kernel/signal.c: get_signal() ("Container-init gets no signals it doesn\'t want from same container")',
  },
  'sig/terminate': {
    title: 'Default action: terminate',
    text: 'No handler is installed and the default action of this signal is to terminate the process; a shell reports 128 + the signal number.',
    source: 'kernel/signal.c: get_signal() -> do_group_exit(); signal(7)',
  },
  'sig/core': {
    title: 'Default action: terminate with a core dump',
    text: 'No handler is installed and the default action of this signal is to terminate and dump core.',
    source: 'kernel/signal.c: get_signal() -> vfs_coredump(); signal(7)',
  },
  'sig/kill': {
    title: 'SIGKILL cannot be caught',
    text: 'SIGKILL always terminates the process at once; it cannot be caught, blocked or ignored.',
    source: 'kernel/signal.c: complete_signal(); signal(7)',
  },
  'sig/stop': {
    title: 'Default action: stop',
    text: 'The process is stopped (state T) until SIGCONT.',
    source: 'kernel/signal.c: do_signal_stop(); signal(7)',
  },
  'sig/orphaned-stop': {
    title: 'Terminal stop signals do nothing in an orphaned process group',
    text: 'SIGTSTP, SIGTTIN and SIGTTOU do not stop a process whose process group is orphaned (SIGSTOP still does).',
    source: 'kernel/signal.c: get_signal() (is_current_pgrp_orphaned); POSIX',
  },
  'sig/eintr': {
    title: 'A handler interrupts a blocking call',
    text: 'The process was blocked in a system call when a handler ran; the call returns EINTR (unless SA_RESTART restarts it).',
    source: 'kernel/signal.c: handle_signal(); signal(7) "Interruption of system calls"',
  },
  'sig/sigwait': {
    title: 'Signal taken by sigwait',
    text: 'The process was waiting for this (blocked) signal with sigtimedwait()/signalfd, so it is handed to the program directly, with no handler.',
    source: 'kernel/signal.c: do_sigtimedwait(); fs/signalfd.c',
  },
  'sig/cldstop': {
    title: 'The parent is told a child stopped or continued',
    text: 'SIGCHLD with CLD_STOPPED or CLD_CONTINUED goes to the parent unless it set SA_NOCLDSTOP.',
    source: 'kernel/signal.c: do_notify_parent_cldstop()',
  },

  // ---- process groups, sessions, prctl ----
  setsid: {
    title: 'setsid: a new session and process group',
    text: 'The caller becomes the leader of a new session and a new process group, both numbered with its own PID, with no controlling terminal.',
    source: 'kernel/sys.c: ksys_setsid(); setsid(2)',
  },
  'setsid/eperm': {
    title: 'setsid fails for a process group leader',
    text: "A process group with the caller's PID already exists (the caller leads a group), so setsid() fails with EPERM.",
    source: 'kernel/sys.c: ksys_setsid(); setsid(2)',
  },
  setpgid: {
    title: 'setpgid: move to another process group',
    text: "A process may move itself, or a child that has not exec'd yet, into a group of the same session.",
    source: 'kernel/sys.c: setpgid(); setpgid(2)',
  },
  'prctl/subreaper': {
    title: 'Child subreaper',
    text: 'prctl(PR_SET_CHILD_SUBREAPER) makes this process adopt orphaned descendants in place of PID 1; the flag is not inherited by children.',
    source: 'kernel/sys.c: prctl PR_SET_CHILD_SUBREAPER; prctl(2)',
  },
  'prctl/pdeathsig': {
    title: 'Parent-death signal set',
    text: 'prctl(PR_SET_PDEATHSIG) asks for a signal when the parent dies.',
    source: 'kernel/sys.c: prctl PR_SET_PDEATHSIG; prctl(2)',
  },
  'tty/isig': {
    title: 'Ctrl-C, Ctrl-\\ and Ctrl-Z signal the foreground process group',
    text: "The terminal's line discipline turns Ctrl-C into SIGINT, Ctrl-\\ into SIGQUIT and Ctrl-Z into SIGTSTP, sent to every process of the terminal's foreground process group — not to one process, and not to PID 1 unless it is in that group.",
    source: 'drivers/tty/n_tty.c: n_tty_receive_signal_char(), isig(); termios(3) ISIG',
  },
  'tty/bg': {
    title: 'A background job touching the terminal is stopped',
    text: 'A process in a background process group that reads its controlling terminal (or changes its foreground group) makes its whole group get SIGTTIN (SIGTTOU), which stops it until it is brought to the foreground.',
    source: 'drivers/tty/tty_jobctrl.c: __tty_check_change(); credentials(7)',
  },
  'tty/hangup': {
    title: 'The session leader left: hang-up',
    text: 'The session leader that owned the terminal exited, so its foreground process group gets SIGHUP and the terminal is released (a leader that gives the terminal up with TIOCNOTTY sends SIGCONT after the SIGHUP).',
    source: 'drivers/tty/tty_jobctrl.c: disassociate_ctty(); credentials(7)',
  },
  'tty/winch': {
    title: 'The terminal changed size: SIGWINCH',
    text: "The terminal window was resized, so the kernel sends SIGWINCH to the terminal's foreground process group (its default action is to do nothing).",
    source: 'drivers/tty/tty_io.c: tty_do_resize(); termios(3)',
  },
  'pipe/epipe': {
    title: 'Writing to a pipe nobody reads: SIGPIPE',
    text: 'Every read end of the pipe is closed, so the writer gets SIGPIPE (which terminates it by default) and the write fails with EPIPE.',
    source: 'fs/pipe.c: pipe_write(); pipe(7)',
  },
  program: {
    title: 'What the program does',
    text: "This step is the program's own behaviour (its model follows the program's source), not a kernel decision.",
    source: 'the program model',
  },
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;

export const ruleOf = (id: RuleId): Rule => RULES[id];
