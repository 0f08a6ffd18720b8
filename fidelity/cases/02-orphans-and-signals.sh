# Orphans adopted by PID 1, and the signals PID 1 drops (real-kernel cases 05, 10, 15; semantics §3, §4).
unshare --pid --fork --mount-proc sh -c 'sh -c "sleep 3 & exit 0"; sleep 0.5; ps -o pid,ppid,stat,comm'
unshare --pid --fork --mount-proc sh -c 'kill -9 1; kill -TERM 1; echo still alive, status $?'
unshare --pid --fork --mount-proc sh -c 'sleep 10 & sleep 10 & sh -c "kill -TERM -1"; sleep 0.1; ps -o pid,ppid,stat,comm'
unshare --pid --fork --mount-proc sh -c 'exit 3'; echo $?
timeout 0.2 sleep 5; echo $?
