# Every line must end where the real system is quiescent: after `cmd &`, sleep a little before
# looking at the child (it may not have exec'd yet). PID namespaces: who is PID 1, numbering, NSpid, pid_max (real-kernel cases 01, 12; semantics §1, §2).
unshare --pid --fork --mount-proc sh -c 'sleep 100 & sleep 200 & sleep 0.2; ps -o pid,ppid,stat,comm'
unshare --pid --fork --mount-proc sh -c 'grep -E "^(NSpid|PPid|SigCgt)" /proc/1/status'
unshare --pid --fork --mount-proc sh -c 'unshare --pid --fork sh -c "grep NSpid /proc/self/status"'
unshare --pid --fork --mount-proc cat /proc/sys/kernel/pid_max
unshare --pid --fork --mount-proc bash -c 'sleep 0.1; ps -o pid,comm'
unshare --pid --fork --mount-proc setsid sh -c 'sh -c "sleep 0.2; exec ps -o pid,pgid,sid,stat,comm"'
grep State /proc/self/status
# ps -C selects by command name (procps select.c SEL_COMM), a list split at commas or spaces; errors for a missing or improper list.
unshare --pid --fork --mount-proc sh -c 'sleep 1 & sleep 1 & sleep 0.2; ps -C sleep,sh -o pid,ppid,comm; ps -C "sh sleep" -o pid=; ps -C nosuch; echo $?; ps -C sleep, -o pid; echo $?; ps -C; echo $?'
