# Which shell forks and which execs, traps, background jobs (semantics §11, real-kernel cases 01, 14).
unshare --pid --fork --mount-proc sh -c 'sleep 0.1; ps -o pid,ppid,comm'
unshare --pid --fork --mount-proc bash -c 'sleep 0.1; ps -o pid,ppid,comm'
unshare --pid --fork --mount-proc bash -c 'ps -o pid,ppid,comm; true'
unshare --pid --fork --mount-proc bash -c 'true && ps -o pid,ppid,comm'
unshare --pid --fork --mount-proc bash -c 'trap "" TERM; ps -o pid,ppid,comm'
unshare --pid --fork --mount-proc sh -c 'exec ps -o pid,ppid,comm'
unshare --pid --fork --mount-proc sh -c '(ps -o pid,ppid,comm)'
unshare --pid --fork --mount-proc bash -c '(ps -o pid,ppid,comm)'
unshare --pid --fork --mount-proc sh -c 'ps -o pid,ppid,comm | cat'
unshare --pid --fork --mount-proc sh -c 'sleep 1 & sleep 0.2; grep -E "^Sig(Ign|Cgt)" /proc/$!/status'
unshare --pid --fork --mount-proc sh -c 'trap "echo got TERM" TERM; kill -TERM $$; echo after'
unshare --pid --fork --mount-proc sh -c 'trap "echo trapped; exit 7" USR1; sleep 5 & kill -USR1 $$; wait $!'; echo $?
unshare --pid --fork --mount-proc sh -c 'exit 300'; echo $?
unshare --pid --fork --mount-proc sh -c 'sh -c "sleep 0.1 &"; sleep 0.5; ps -o pid,ppid,stat,comm'
unshare --pid --fork --mount-proc sh -c 'sh -c "kill -TERM \$\$; echo not printed"; echo $?'
unshare --pid --fork --mount-proc sh -c 'sh -c "trap \"\" INT; kill -INT \$\$; echo ignored, still here"'
# Command substitution inside arithmetic expansion: the text in $(( )) is expanded first (POSIX 2.6.4).
x=4; echo $(( x + $(echo 5) )) $(( $(echo 3) )); sh -c 'echo $(( $(echo 3) * 2 + `echo 1` ))'
# dash's `wait` reports how the job it waits for ended when a signal other than SIGINT or SIGPIPE
# killed it (jobs.c dowait: sprint_status for the job waited for), not a job already done when
# `wait` reached it, and nothing for `wait` with no arguments; bash -c says nothing.
sh -c 'sleep 30 & sleep 0.1; kill $!; wait $!; echo $?'
sh -c 'sleep 30 & sleep 0.1; kill -KILL $!; wait $!; echo $?'
sh -c 'sleep 30 & kill $!; sleep 0.2; wait $!; echo $?'
sh -c 'sleep 30 & p=$!; sleep 30 & q=$!; sleep 0.1; kill $q; sleep 0.2; kill $p; wait $q $p; echo $?'
sh -c 'sleep 30 & sleep 0.1; kill $!; wait; echo $?'
bash -c 'sleep 30 & sleep 0.1; kill $!; wait $!; echo $?'
