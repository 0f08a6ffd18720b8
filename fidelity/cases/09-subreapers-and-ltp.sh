# Subreapers (semantics §5; kernel/exit.c find_new_reaper): tini -s or TINI_SUBREAPER makes tini,
# not PID 1, the parent of the orphans below it; without either, tini warns when it is not PID 1.
unshare --pid --fork --mount-proc sh -c 'tini -s -- sh -c "sh -c \"sleep 2 &\"; sleep 0.5; ps -o pid,ppid,stat,comm"' </dev/null
unshare --pid --fork --mount-proc sh -c 'TINI_SUBREAPER=1 tini -- sh -c "sh -c \"sleep 2 &\"; sleep 0.5; ps -o pid,ppid,stat,comm"' </dev/null
unshare --pid --fork --mount-proc sh -c 'tini -- sh -c "sh -c \"sleep 2 &\"; sleep 0.5; ps -o pid,ppid,stat,comm"' </dev/null
unshare --pid --fork --mount-proc sh -c 'tini -s -- sh -c "sh -c \"sleep 0.2 &\"; sleep 0.6; ps -o pid,ppid,stat,comm"' </dev/null
unshare --pid --fork --mount-proc sh -c 'dumb-init sh -c "sh -c \"sleep 2 &\"; sleep 0.5; ps -o pid,ppid,stat,comm"' </dev/null
# Equivalents of the Linux Test Project's PID-namespace tests (ltp/testcases/kernel/containers/pidns):
# pidns01/06 (the first process is PID 1 with parent 0, its group and session are outside: 0),
# pidns17 (kill -1 from the init reaches every process of its namespace but itself, nothing
# outside), pidns32 (the nesting limit: 32 levels below the host, then ENOSPC), pidns05 (nested).
unshare --pid --fork --mount-proc sh -c 'echo $$ $PPID; grep -E "^NS(pid|pgid|sid)" /proc/self/status'
unshare --pid --fork --mount-proc sh -c 'trap "" USR1; sleep 2 & sleep 0.1; kill -USR1 -1; echo $?; sleep 0.1; ps -o pid,stat,comm'; echo outer still here
printf '%s\n' 'unshare --pid --fork sh /tmp/pidlab-nest.sh || echo "stopped at level $(grep NSpid /proc/self/status | wc -w)"' > /tmp/pidlab-nest.sh; unshare --pid --fork sh /tmp/pidlab-nest.sh; rm /tmp/pidlab-nest.sh
unshare --pid --fork --mount-proc sh -c 'unshare --pid --fork sh -c "sleep 3 & sleep 0.2; ps -o pid,ppid,comm"'
unshare --pid --fork --mount-proc sh -c 'ls /proc > /tmp/pidlab-ls; grep -c "^[0-9]" /tmp/pidlab-ls; rm /tmp/pidlab-ls'
# bash runs `( ... ) &` and the `( ... )` members of a pipeline in the child it forks for them;
# `a | b &` forks its members from the shell itself, in dash and bash.
unshare --pid --fork --mount-proc bash -c '(sleep 1 & ps -o pid,ppid,comm) & wait'
unshare --pid --fork --mount-proc sh -c 'sleep 0.5 | sleep 0.5 & sleep 0.2; ps -o pid,ppid,comm; wait'
sleep 0.3 | sleep 0.3 & sleep 0.1; jobs; wait; echo $?
# The read builtin takes its line and leaves the rest in the pipe for the next reader.
printf 'a\nb\n' | (read x; echo "read $x"; cat)
sh -c 'printf "a\nb\n" | { read x; echo "read $x"; cat; }'
# catatonit registers as a subreaper when it is not PID 1 (catatonit.c: PR_SET_CHILD_SUBREAPER).
unshare --pid --fork --mount-proc sh -c 'catatonit -- sh -c "sh -c \"sleep 2 &\"; sleep 0.5; ps -o pid,ppid,stat,comm"' </dev/null
# pidns05: SIGKILL to a nested namespace's init from its parent namespace takes its children too.
unshare --pid --fork --mount-proc sh -c 'unshare --pid --fork sh -c "sleep 5 & sleep 5 & wait" & sleep 0.3; kill -9 $(ps -o pid= --ppid $!); sleep 0.2; ps -o pid,ppid,stat,comm; wait'
