# Nested namespaces, the death of PID 1, process groups and sessions (real-kernel cases 09, 12).
unshare --pid --fork --mount-proc sh -c 'unshare --pid --fork sh -c "sleep 5 & sleep 0.2; kill -KILL 1; echo inner alive" & sleep 0.5; ps -o pid,ppid,stat,comm'
unshare --pid --fork --mount-proc sh -c 'sleep 100 & sleep 0.1; kill -KILL $!; sleep 0.1; ps -o pid,ppid,stat,comm'
unshare --pid --fork --mount-proc sh -c 'sleep 100 & sleep 0.1; kill -STOP $!; sleep 0.1; ps -o pid,stat,comm; kill -CONT $!; sleep 0.1; ps -o pid,stat,comm'
unshare --pid --fork --mount-proc sh -c 'grep -E "^NS(pid|pgid|sid)" /proc/self/status'
unshare --pid --fork --mount-proc setsid -w sh -c 'grep -E "^NS(pid|pgid|sid)" /proc/self/status'
unshare --pid --fork --mount-proc sh -c 'kill -0 1 && echo can signal 1; kill -0 999; echo $?'
unshare --pid --fork --mount-proc sh -c 'sleep 3 & sleep 0.2; pstree -p'
unshare --pid --fork --mount-proc sh -c 'sleep 3 & sleep 0.2; ps -e -o uid,pid,ppid,c,tty,time,cmd'
unshare --pid --fork --mount-proc sh -c 'sleep 3 & sleep 0.2; ps -o pid,ppid,pgid,sid,tty,stat,args'
unshare --pid --fork sh -c 'echo $$; cat /proc/sys/kernel/pid_max'
timeout -s KILL 0.2 sleep 5; echo $?
timeout 5 sh -c 'exit 4'; echo $?
