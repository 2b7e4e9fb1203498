"""The process that forks bill readers, so the caller never forks.

Forking a multi-threaded server (Bolt's thread pool, a job runner's heartbeat) copies locks that
other threads held at that instant, and the child may deadlock on them. The caller therefore
starts this host with fork-and-exec (`subprocess`, safe from any thread) as a fresh, single-
threaded interpreter that imports the readers' libraries once; each reader is then forked from
the host, cheaply, and its end of a socket handed back to the caller over the control socket.

Control protocol, one line per request on the socket given as argv[1]:
- ``spawn MEMORY_BYTES`` -> ``PID`` with the reader's socket attached (SCM_RIGHTS);
- ``wait PID`` -> ``STATUS``, the reader's wait status once it has ended.
The host exits when the caller closes the control socket (or dies).
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys


def main(control_fd: int) -> None:
    """Serve spawn and wait requests on `control_fd` until the caller goes away."""
    # The readers' libraries, imported once here so that each fork starts with them loaded.
    import ocr_checks
    import ocr_checks.highlight  # noqa: F401
    from ocr_checks.limits import serve_requests

    control = socket.socket(fileno=control_fd)
    ended: dict[int, int] = {}
    buffer = b""
    while True:
        while b"\n" not in buffer:
            chunk = control.recv(256)
            if not chunk:
                return
            buffer += chunk
        line, buffer = buffer.split(b"\n", 1)
        _reap(ended)
        verb, _, arg = line.decode().partition(" ")
        if verb == "spawn":
            ours, theirs = socket.socketpair()
            pid = os.fork()
            if pid == 0:
                control.close()
                ours.close()
                serve_requests(theirs.detach(), int(arg))
            theirs.close()
            socket.send_fds(control, [f"{pid}\n".encode()], [ours.fileno()])
            ours.close()
        elif verb == "wait":
            pid = int(arg)
            status = ended.pop(pid, None)
            if status is None:
                try:
                    status = os.waitpid(pid, 0)[1]
                except ChildProcessError:
                    status = 0
            control.sendall(f"{status}\n".encode())


def _reap(ended: dict[int, int]) -> None:
    """Collect readers that have ended, keeping their status until the caller asks for it."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if len(ended) > 1000:  # statuses nobody asked for
            ended.clear()
        ended[pid] = status


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt, BrokenPipeError, ConnectionResetError):
        main(int(sys.argv[1]))
