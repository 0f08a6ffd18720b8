# tini, dumb-init and catatonit as PID 1 (real-kernel cases 07, 08, 11; semantics §7-§9).
unshare --pid --fork --mount-proc tini -- sh -c 'sleep 1 & sleep 0.2; ps -o pid,ppid,pgid,stat,comm'
unshare --pid --fork --mount-proc tini -- sh -c 'exit 3' </dev/null; echo $?
unshare --pid --fork --mount-proc tini -- /nonexistent </dev/null; echo $?
unshare --pid --fork --mount-proc dumb-init sh -c 'ps -o pid,ppid,pgid,sid,stat,comm' </dev/null
unshare --pid --fork --mount-proc dumb-init --single-child sh -c 'ps -o pid,ppid,pgid,sid,stat,comm' </dev/null
unshare --pid --fork --mount-proc catatonit -- grep SigBlk /proc/self/status </dev/null
unshare --pid --fork --mount-proc catatonit -- /nonexistent </dev/null; echo $?
