#!/usr/bin/env python3
"""The real side of the fidelity keystroke driver (fidelity/keys.ts parses the `#@keys` directive).

Runs FIDELITY_LINE in an interactive bash (`-bash --norc --noprofile -ic LINE`, job control on,
as fidelity/run.ts runs every line) on a new pseudo-terminal of 80x30, and does the actions of
FIDELITY_ACTIONS (JSON: [{"at": MICROS, "kind": "type", "data": TEXT, "item": "^C"} |
{"at": MICROS, "kind": "resize", "cols": N, "rows": N, "item": "size=NxN"}], in order) at their times after bash
started: the keys are written to the pty master (the line discipline turns ^C into SIGINT for the
foreground group, as for a person typing), a resize is TIOCSWINSZ on the master (SIGWINCH to the
foreground group). Everything the terminal shows is written to stdout as it came.

Exit status: 0, or 3 when the line ended before an action was due (stderr says which), or
4 when the line was still running after 60 seconds (its session is hung up).
The JSON is data: nothing in it is evaluated.
"""
import errno
import fcntl
import json
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

COLS, ROWS = 80, 30
LIMIT = 60.0


def winsize(cols, rows):
    return struct.pack('HHHH', rows, cols, 0, 0)


def load_actions(text):
    actions = json.loads(text)
    if not isinstance(actions, list):
        raise ValueError('FIDELITY_ACTIONS is not a list')
    for a in actions:
        ok = isinstance(a, dict) and isinstance(a.get('at'), int) and (
            (a.get('kind') == 'type' and isinstance(a.get('data'), str))
            or (a.get('kind') == 'resize' and isinstance(a.get('cols'), int)
                and isinstance(a.get('rows'), int)))
        if not ok:
            raise ValueError('FIDELITY_ACTIONS: bad action %r' % (a,))
    return actions


def main():
    line = os.environ['FIDELITY_LINE']
    actions = load_actions(os.environ.get('FIDELITY_ACTIONS', '[]'))
    bash = '/bin/bash'
    pid, fd = pty.fork()
    if pid == 0:
        # The child: session leader with the pty as its controlling terminal (pty.fork), 80x30
        # as `stty cols 80 rows 30` makes it for script(1) in run.ts.
        fcntl.ioctl(0, termios.TIOCSWINSZ, winsize(COLS, ROWS))
        os.execv(bash, ['-bash', '--norc', '--noprofile', '-ic', line])
    start = time.monotonic()
    out = sys.stdout.buffer
    status = None
    eof = False

    def reap():
        nonlocal status
        if status is None:
            p, s = os.waitpid(pid, os.WNOHANG)
            if p == pid:
                status = s
        return status is not None

    def pump(until):
        """Copies output until monotonic time `until`, the end of output, or (until None) quiet."""
        nonlocal eof
        while not eof:
            wait = 0.2 if until is None else min(0.05, until - time.monotonic())
            if until is not None and wait <= 0:
                return
            r, _, _ = select.select([fd], [], [], max(wait, 0))
            if not r:
                if until is None:
                    return
                reap()
                continue
            try:
                data = os.read(fd, 65536)
            except OSError as e:
                if e.errno != errno.EIO:
                    raise
                data = b''
            if not data:
                eof = True
                return
            out.write(data)
            out.flush()

    late = None
    for a in actions:
        pump(start + a['at'] / 1e6)
        if reap() or eof:
            late = a
            break
        if a['kind'] == 'type':
            os.write(fd, a['data'].encode())
        else:
            fcntl.ioctl(fd, termios.TIOCSWINSZ, winsize(a['cols'], a['rows']))
    deadline = time.monotonic() + LIMIT
    while not reap() and time.monotonic() < deadline:
        if eof:
            time.sleep(0.01)  # the pty is closed; bash is exiting
        else:
            pump(time.monotonic() + 0.1)
    timed_out = not reap()
    if timed_out:
        # Hang up the line's session (the pty's SIGHUP to its foreground group and to bash).
        os.killpg(pid, signal.SIGHUP)
        time.sleep(0.2)
        if not reap():
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    # What is still on its way (a job's last words after bash exited), until the pty is closed
    # or quiet.
    pump(None)
    os.close(fd)
    if late is not None:
        sys.stderr.write('the line ended before %s at %g s\n'
                         % (late.get('item', 'an action'), late['at'] / 1e6))
        return 3
    if timed_out:
        sys.stderr.write('the line still ran after %g s\n' % LIMIT)
        return 4
    return 0


if __name__ == '__main__':
    sys.exit(main())
