#!/usr/bin/env python3
"""Run a command on a pseudo-terminal COLS columns wide, as a user would.

    ptyrun.py COLS OUT -- CMD ARGS...

Everything the command writes to the terminal goes to OUT, byte for byte.
The window size is set on the terminal before the command starts, so that
what it reads with TIOCGWINSZ is COLS from its first frame.  Exits with
the command's status.
"""
import fcntl
import os
import pty
import struct
import sys
import termios


def main():
    cols, out = int(sys.argv[1]), sys.argv[2]
    cmd = sys.argv[4:] if sys.argv[3] == "--" else sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 50, cols, 0, 0))
        os.execvp(cmd[0], cmd)
    with open(out, "wb") as f:
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break       # EIO: the command closed the terminal
            if not data:
                break
            f.write(data)
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))


main()
