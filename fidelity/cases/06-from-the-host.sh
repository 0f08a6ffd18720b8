# Signals from the parent namespace, as docker stop / docker kill send them, and nsenter
# (real-kernel cases 02, 10, 11; semantics §3, §4). PID 1's host PID is found with ps --ppid.
unshare --pid --fork --mount-proc sleep 100 & sleep 0.3; p=$(ps -o pid= --ppid $!); kill -TERM $p; sleep 0.2; ps -o stat=,comm= -p $p; kill -KILL $p; wait $!; echo $?
unshare --pid --fork --mount-proc sleep 100 & sleep 0.3; p=$(ps -o pid= --ppid $!); kill -STOP $p; sleep 0.2; ps -o stat= -p $p; kill -CONT $p; sleep 0.2; ps -o stat= -p $p; kill -KILL $p; wait $!
unshare --pid --fork --mount-proc sh -c 'trap "echo TERM from the host, si_pid hidden; exit 0" TERM; sleep 5 & wait' & sleep 0.3; kill -TERM $(ps -o pid= --ppid $!); wait $!; echo $?
unshare --pid --fork --mount-proc sleep 100 & sleep 0.3; nsenter -t $(ps -o pid= --ppid $!) -p -m sh -c 'echo my ppid is $PPID; ps -o pid,ppid,comm'; kill -KILL $(ps -o pid= --ppid $!); wait $!
unshare --pid --fork --mount-proc python3 -c 'import time; time.sleep(30)' </dev/null & sleep 1; p=$(ps -o pid= --ppid $!); kill -TERM $p; sleep 0.3; ps -o stat=,comm= -p $p; kill -KILL $p; wait $!
