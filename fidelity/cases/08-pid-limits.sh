# requires: pids-cgroup
# PID exhaustion (semantics §2; real-kernel case 13): a pids cgroup's pids.max, and pid_max in a PID
# namespace (per namespace since Linux 6.14), and how each shell reports a fork that fails with
# EAGAIN: bash retries with a doubling sleep of 1, 2, 4 and 8 seconds and gives up with status 254
# (jobs.c make_child; a SIGCHLD during the sleep ends it with EINTR), dash says "Cannot fork" once
# and exits 2.
# This machine mounts the pids controller on a cgroup v1 hierarchy at /sys/fs/cgroup/pids; the
# lab's host has cgroup v2 at /sys/fs/cgroup with pids enabled for the children of the root (as a
# systemd or Docker host has). The pids files used here (pids.max, pids.current, pids.peak,
# pids.events for the cgroup where the limit is, cgroup.procs) behave alike in both, so each line
# starts in whichever directory exists. The process moved in is PID 1 of a new namespace, so that
# everything it started is gone (and the cgroup empty) when it dies.
cd /sys/fs/cgroup/pids 2>/dev/null || cd /sys/fs/cgroup; mkdir pidlab-fid; echo 3 > pidlab-fid/pids.max; unshare --pid --fork bash -c 'echo $$ > pidlab-fid/cgroup.procs; sleep 30 & sleep 30 & sleep 30 & echo not reached'; echo $?; cat pidlab-fid/pids.current pidlab-fid/pids.events; rmdir pidlab-fid
cd /sys/fs/cgroup/pids 2>/dev/null || cd /sys/fs/cgroup; mkdir pidlab-fid; echo 3 > pidlab-fid/pids.max; unshare --pid --fork bash -c 'echo $$ > pidlab-fid/cgroup.procs; sleep 5 & sleep 5 & sleep 5 & echo not reached'; echo $?; cat pidlab-fid/pids.current pidlab-fid/pids.events; rmdir pidlab-fid
cd /sys/fs/cgroup/pids 2>/dev/null || cd /sys/fs/cgroup; mkdir pidlab-fid; echo 3 > pidlab-fid/pids.max; unshare --pid --fork sh -c 'echo $$ > pidlab-fid/cgroup.procs; sleep 5 & sleep 5 & sleep 5; echo not reached'; echo $?; cat pidlab-fid/pids.current pidlab-fid/pids.events; rmdir pidlab-fid
cd /sys/fs/cgroup/pids 2>/dev/null || cd /sys/fs/cgroup; mkdir pidlab-fid; unshare --pid --fork --mount-proc sh -c 'echo $$ > pidlab-fid/cgroup.procs; cat pidlab-fid/cgroup.procs; sleep 1 & sleep 0.1; cat pidlab-fid/pids.current'; cat pidlab-fid/pids.current pidlab-fid/pids.peak; rmdir pidlab-fid
cd /sys/fs/cgroup/pids 2>/dev/null || cd /sys/fs/cgroup; mkdir pidlab-fid; cat pidlab-fid/pids.max; echo lots > pidlab-fid/pids.max; echo -1 > pidlab-fid/pids.max; echo 0x10 > pidlab-fid/pids.max; cat pidlab-fid/pids.max; echo max > pidlab-fid/pids.max; cat pidlab-fid/pids.max; echo 99999999 > pidlab-fid/cgroup.procs; rmdir pidlab-fid
cd /sys/fs/cgroup/pids 2>/dev/null || cd /sys/fs/cgroup; mkdir pidlab-fid pidlab-fid/sub; rmdir pidlab-fid; echo $?; rmdir pidlab-fid/sub pidlab-fid; echo $?; mkdir pidlab-fid/x; rmdir pidlab-fid
unshare --pid --fork --mount-proc sh -c "echo 300 > /proc/sys/kernel/pid_max; echo \$?; echo 301 > /proc/sys/kernel/pid_max; echo 4194305 > /proc/sys/kernel/pid_max; echo 302 > /proc/sys/kernel/ns_last_pid; cat /proc/sys/kernel/pid_max; echo 298 > /proc/sys/kernel/ns_last_pid; sleep 1 & sleep 1 & echo \$!; ps -o pid,comm; echo not reached"; echo $?
unshare --pid --fork --mount-proc bash -c 'echo 301 > /proc/sys/kernel/pid_max; echo 298 > /proc/sys/kernel/ns_last_pid; sleep 5 & sleep 5 & echo $!; sleep 5 & echo not reached'; echo $?
unshare --pid --fork --mount-proc bash -c 'echo 301 > /proc/sys/kernel/pid_max; echo 298 > /proc/sys/kernel/ns_last_pid; sleep 5 & sleep 0.5 & wait $!; sleep 0.1 & echo $!; wait; cat /proc/sys/kernel/ns_last_pid'
# dash names line 0 when `cmd &` cannot fork (its parser never sets that node's line number).
unshare --pid --fork --mount-proc sh -c 'echo 301 > /proc/sys/kernel/pid_max; echo 298 > /proc/sys/kernel/ns_last_pid; sleep 1 & sleep 1 & sleep 1 & echo not reached'; echo $?
# The interactive shell itself in a cgroup with room for one child: bash retries for 15 seconds,
# then drops the rest of the line and prompts again (throw_to_top_level). The EXIT trap only
# cleans up on the real side, where the shell exits after the line (the lab's shell stays).
cd /sys/fs/cgroup/pids 2>/dev/null || cd /sys/fs/cgroup; mkdir pidlab-fid; trap 'kill -9 %1; wait; echo $$ > cgroup.procs; rmdir pidlab-fid' EXIT; echo 2 > pidlab-fid/pids.max; echo $$ > pidlab-fid/cgroup.procs; sleep 30 & sleep 30 & echo not reached
# Zombies count against pids.max until they are reaped (real-kernel case 13): a parent that execs
# sleep never reaps its two children, and the third fork of PID 1 is refused.
cd /sys/fs/cgroup/pids 2>/dev/null || cd /sys/fs/cgroup; mkdir pidlab-fid; echo 5 > pidlab-fid/pids.max; unshare --pid --fork --mount-proc sh -c 'echo $$ > pidlab-fid/cgroup.procs; sh -c "sleep 0.1 & sleep 0.1 & exec sleep 2" & sleep 0.5; ps -o ppid,stat,comm; sleep 0.1 & sleep 0.1; echo not reached'; echo $?; cat pidlab-fid/pids.events; rmdir pidlab-fid
# A pipeline member that cannot fork: bash retries every member's fork (make_child), with SIGCHLD
# blocked by execute_pipeline, so the first member's zombie is reaped only by the next attempt's
# waitchld() and the third attempt forks cat (pids.events: max 2).
cd /sys/fs/cgroup/pids 2>/dev/null || cd /sys/fs/cgroup; mkdir pidlab-fid; echo 3 > pidlab-fid/pids.max; unshare --pid --fork bash -c 'echo $$ > pidlab-fid/cgroup.procs; sleep 30 & sleep 0.2 | cat; echo pipe $?'; echo $?; cat pidlab-fid/pids.events; rmdir pidlab-fid
# The interactive shell: after the retries it kills the member already forked
# (terminate_current_pipeline), takes the terminal back and prompts again; the session goes on.
cd /sys/fs/cgroup/pids 2>/dev/null || cd /sys/fs/cgroup; mkdir pidlab-fid; trap 'kill -9 %1; wait; echo $$ > cgroup.procs; rmdir pidlab-fid' EXIT; echo 3 > pidlab-fid/pids.max; echo $$ > pidlab-fid/cgroup.procs; sleep 30 & sleep 100 | cat; echo not reached
# ^C while bash sleeps between fork retries (make_child's sleep): the sleep ends with EINTR and
# bash gives up on the line at once.
cd /sys/fs/cgroup/pids 2>/dev/null || cd /sys/fs/cgroup; mkdir pidlab-fid; trap 'kill -9 %1; wait; echo $$ > cgroup.procs; rmdir pidlab-fid' EXIT; echo 2 > pidlab-fid/pids.max; echo $$ > pidlab-fid/cgroup.procs; sleep 30 & sleep 30 & echo not reached   #@keys 2.5 ^C
