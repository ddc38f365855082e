"""Run a command that dies with its parent: `python die_with_parent.py PARENT_PID PROGRAM ARGS...`.

runstack starts each child through this script on Linux. It asks the kernel (prctl
PR_SET_PDEATHSIG) to send SIGTERM to this process when the parent dies, then execs the program,
which keeps that setting. So a runstack killed with SIGKILL — which it cannot catch to stop its
children — still leaves no web server holding the port and no worker taking tasks.

A separate exec rather than `preexec_fn`: that runs Python in the forked child of a process with
threads (runstack's output relays), where a lock held by another thread at the fork can deadlock.
Run by path with nothing of the project imported, so it costs a bare interpreter start.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> None:
    parent, program = int(argv[1]), argv[2:]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        sys.stderr.write(f"prctl(PR_SET_PDEATHSIG) failed: {os.strerror(ctypes.get_errno())}\n")
    if os.getppid() != parent:
        sys.exit(1)  # the parent died before the request took effect: nobody would stop us
    os.execvp(program[0], program)


if __name__ == "__main__":
    main(sys.argv)
