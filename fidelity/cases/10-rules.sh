# Rules the earlier files do not reach (the runner's rule-coverage report; semantics §4, §6, §10).
# SIGPIPE: a write to a pipe nobody reads (fs/pipe.c pipe_write: EPIPE and SIGPIPE).
(sleep 0.1; echo hi; echo not printed >&2) | true; echo done
sh -c 'trap "" PIPE; sleep 0.1; echo hi; echo status $? >&2' | true
bash -c 'trap "" PIPE; sleep 0.1; echo hi; echo status $? >&2' | true
# A stopped process whose group is orphaned gets SIGHUP and SIGCONT (kernel/exit.c kill_orphaned_pgrp).
# It dies of the SIGHUP; this machine's init (a Firecracker init) leaves it a zombie for a while,
# the lab's reaps it, so the line only says whether it is still stopped.
sh -c 'sleep 7 & echo $! > /tmp/pidlab-orph; sleep 0.1; kill -STOP $!; sleep 0.1; ps -o stat= -p $!'; sleep 0.2; p=$(cat /tmp/pidlab-orph); ps -o stat= -p $p | grep -q T && kill -KILL $p || echo no longer stopped; rm /tmp/pidlab-orph
# A stop signal from the terminal (TSTP, TTIN, TTOU) to an orphaned group is discarded; SIGSTOP is not.
sh -c 'sleep 7 & echo $! > /tmp/pidlab-orph'; sleep 0.1; p=$(cat /tmp/pidlab-orph); kill -TSTP $p; sleep 0.1; ps -o stat= -p $p; kill -STOP $p; sleep 0.1; ps -o stat= -p $p; kill -KILL $p; rm /tmp/pidlab-orph
# A zombie reparented to an init that ignores SIGCHLD is released at once (reparent_leader).
unshare --pid --fork --mount-proc bash -c 'trap "" CHLD; sh -c "sh -c \"exit 0\" & exec sleep 0.3"; echo $?; ps -o pid,ppid,stat,comm'
# tini -p: the parent-death signal (PR_SET_PDEATHSIG) kills tini when its parent exits.
unshare --pid --fork --mount-proc sh -c 'sh -c "tini -p SIGKILL -- sleep 5 & sleep 0.3"; sleep 0.3; ps -o pid,ppid,stat,comm' </dev/null
# unshare(CLONE_NEWPID) twice in one process is EINVAL.
unshare --pid unshare --pid --fork true; echo $?
# wait with no children: ECHILD, which the shells report as status 0 (wait) and 127 (wait PID).
unshare --pid --fork --mount-proc sh -c 'wait; echo $?; wait 5; echo $?'
# dash always catches SIGCHLD (src/trap.c setsignal): `trap '' CHLD` does not ignore it; bash's does.
unshare --pid --fork --mount-proc sh -c 'trap "" CHLD; grep SigIgn /proc/$$/status; bash -c "trap \"\" CHLD; grep SigIgn /proc/\$\$/status"'
# A stop signal discards a SIGCONT still pending (prepare_signal): CONT then STOP leaves it stopped.
unshare --pid --fork --mount-proc sh -c 'sh -c "trap : CONT; sleep 5" & sleep 0.2; kill -STOP $!; sleep 0.1; kill -CONT $!; kill -STOP $!; sleep 0.2; ps -o pid,stat,comm'
# SIGQUIT's default action is to dump core: none is written with the core size limit 0 (ulimit -c, as here), so bash says "Quit".
sleep 5 & sleep 0.1; kill -QUIT $!; wait $!; echo $?
# A background job that reads the terminal is stopped by SIGTTIN (drivers/tty/n_tty.c n_tty_read:
# -ERESTARTSYS, never EINTR); bash reports it after the next foreground job (jobs.c wait_for).
cat & sleep 0.2; jobs; kill -KILL %1; sleep 0.1; echo $?
sleep 0.1 & sleep 0.3; echo x
# The stopped read is restarted by SIGCONT (-ERESTARTSYS, arch_do_signal_or_restart): still in the
# background, it gets SIGTTIN again and stops again, at once.
cat & sleep 0.2; kill -CONT %1; sleep 0.2; ps -o s,comm -p $!; jobs; kill -KILL %1; sleep 0.1; echo $?
# kill() by another user (kernel/signal.c check_kill_permission: EPERM unless the sender's real or
# effective UID matches the target's real or saved UID); setpriv runs the sender as UID 4242.
unshare --pid --fork --mount-proc sh -c 'sleep 30 & sleep 0.1; setpriv --reuid=4242 --regid=4242 --clear-groups kill $!; echo $?; setpriv --reuid=4242 --regid=4242 --clear-groups sh -c "kill $!; echo \$?; kill -0 1; echo \$?; kill -9 -1; echo \$?"; kill $!; wait $!; echo $?'
# A process of the same user may be signalled; a setuid-root process changing to UID 4242 keeps none of root's rights.
unshare --pid --fork --mount-proc sh -c 'setpriv --reuid=4242 --regid=4242 --clear-groups sh -c "sleep 30 & sleep 0.1; kill \$!; wait \$!; echo \$?; setpriv --reuid=0 true; echo \$?"'
setpriv --reuid=nosuchuser --regid=4242 --clear-groups true; echo $?; setpriv --reuid=4242 --regid=4242 true; echo $?; setpriv --reuid=4242 --regid=4242 --clear-groups --keep-groups true; echo $?; setpriv --reuid=4242 --regid=4242 --clear-groups nosuchcmd; echo $?; setpriv; echo $?; setpriv --foo; echo $?
