# Keys typed while a line runs (`COMMAND   #@keys WAIT ITEM ...`, the syntax is in fidelity/keys.ts):
# the real side writes them to the line's pty at those times, the model types them at the same
# virtual times. n_tty turns ^C, ^Z and ^\ into SIGINT, SIGTSTP and SIGQUIT for the terminal's
# foreground process group and echoes them as ^C, ^Z, ^\ (drivers/tty/n_tty.c isig, ECHOCTL).
# A foreground job killed by ^C in a list makes interactive bash abandon the rest of the line
# (jobs.c wait_for: ADDINTERRUPT; throw_to_top_level prints the newline; $? is 130).
sleep 5; echo not reached   #@keys 0.3 ^C
sleep 5 || echo status $?   #@keys 0.3 ^C
# With SIGINT trapped (and no loop) bash only prints the newline and goes on: $? is 130; the trap
# does not run (the shell itself got no SIGINT: it is not in the foreground group).
trap 'echo trapped' INT; sleep 5; echo status $?   #@keys 0.3 ^C
# dash with a trap: the whole group gets SIGINT, sleep dies, the shell runs its trap and goes on.
sh -c 'trap "echo caught" INT; sleep 1; echo after'; echo status $?   #@keys 0.3 ^C
# ^\ is SIGQUIT: "Quit" (no core with ulimit -c 0); not SIGINT, so the line goes on.
sleep 5; echo status $?   #@keys 0.3 ^\
# Every member of a foreground pipeline is in its group and gets the SIGINT; one member killed by
# it is enough for bash to abandon the line (job_signal_status looks at every member).
sleep 5 | sh -c 'trap "echo the reader got it too" INT; cat'; echo status $?   #@keys 0.3 ^C
# A PID namespace's init ignores a signal it has no handler for, even from the terminal
# (SIGNAL_UNKILLABLE; SEND_SIG_PRIV forces only SIGKILL and SIGSTOP); unshare waits.
unshare --pid --fork --mount-proc sleep 1; echo status $?   #@keys 0.3 ^C
# A window resize: SIGWINCH to the foreground group (tty_do_resize); its default is to ignore it.
sh -c 'trap "echo winch" WINCH; sleep 1; echo done'   #@keys 0.3 size=100x40
bash -c 'trap "echo winch" WINCH; sleep 1; echo done'; echo status $?   #@keys 0.3 size=100x40
sleep 1; echo status $?   #@keys 0.3 size=100x40
# ^Z stops the foreground job (SIGTSTP); bash reports it and runs the rest of the line. (A plain
# `sleep 0.1` after `kill %1` would race: bash makes the newest job current when it sees the
# stopped job continue, so "[1]+" or "[1]-" depends on whether that comes before its fork.)
sleep 5; jobs; kill %1; x=$(sleep 0.1); jobs   #@keys 0.3 ^Z
sleep 5; jobs; fg; echo not reached   #@keys 0.3 ^Z 0.3 ^C
# The session leader exits (exec'd sh): a pty's foreground group gets SIGHUP alone, no SIGCONT
# (drivers/tty/tty_jobctrl.c disassociate_ctty: SIGCONT only when on_exit is 0, TIOCNOTTY).
exec sh -c 'sh -c "trap \"echo got HUP\" HUP; trap \"echo got CONT\" CONT; sleep 1; echo after" & sleep 0.3'
# In a loop bash abandons the line even with SIGINT trapped (wait_for: loop_level); no trap runs.
trap 'echo trapped' INT; for i in 1 2; do sleep 1; echo $i; done; echo not reached   #@keys 0.3 ^C
# Text typed while a line runs goes to the program reading the terminal, echoed by n_tty.
read x; echo "got $x"   #@keys 0.3 "hello there\r"
cat; echo status $?   #@keys 0.2 "one\r" 0.1 "two\r" 0.1 ^D
# Who gets ^C in a PID namespace: an init with a handler runs it (its sleep dies); tini puts its
# child in the foreground group (tcsetpgrp), which gets the SIGINT itself; dumb-init (setsid mode)
# gets it and forwards it to its child's session; both exit 128+2 when the child dies of it.
unshare --pid --fork --mount-proc sh -c 'trap "echo PID 1 got INT" INT; sleep 1; echo after'; echo status $?   #@keys 0.3 ^C
unshare --pid --fork --mount-proc tini -- sleep 5; echo status $?   #@keys 0.3 ^C
unshare --pid --fork --mount-proc dumb-init sleep 5; echo status $?   #@keys 0.3 ^C
# A background job gets no SIGWINCH: only the foreground group does.
sh -c 'trap "echo bg got it" WINCH; sleep 1; echo bg done' & sh -c 'trap "echo fg got it" WINCH; sleep 0.5'; wait   #@keys 0.2 size=90x30
# bash's current (+) and previous (-) job (jobs.c set_current_job, reset_current): a stopped job
# stays current when a job starts in the background; a job seen to stop becomes current; `fg`
# makes its job current; a continued job (waitchld with WCONTINUED) resets them; `jobs` and the
# notices delete the dead jobs after the whole list, so their marks are those of before.
sleep 5; sleep 7 & sleep 0.1; jobs; kill %1 %2; x=$(sleep 0.1); jobs   #@keys 0.3 ^Z
sleep 5; sleep 6; jobs; kill %1; x=$(sleep 0.1); kill %2; x=$(sleep 0.1); jobs   #@keys 0.3 ^Z 0.3 ^Z
sleep 5; sleep 6; jobs; fg %1; jobs; kill %2   #@keys 0.3 ^Z 0.3 ^Z 0.3 ^C
sleep 5; sleep 6; sleep 8 & sleep 0.1; jobs; bg %1; sleep 0.1; jobs; fg %2; jobs; kill %1 %3; x=$(sleep 0.1); jobs   #@keys 0.3 ^Z 0.3 ^Z 0.5 ^C
sleep 7 & sleep 8 & sleep 0.1; jobs; kill %2; sleep 0.1; jobs; kill %1; x=$(sleep 0.1); jobs
sleep 5; sleep 7 & sleep 0.1; jobs; fg %2; jobs; kill %1   #@keys 0.3 ^Z 0.4 ^Z
