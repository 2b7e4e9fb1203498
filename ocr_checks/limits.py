"""Caps that keep a hostile file from hanging or exhausting a worker.

Reading happens in a reader process with an address-space limit (RLIMIT_AS) and a wall-clock
limit: a damaged or hostile file can take pdfplumber to hundreds of megabytes, and PDFium is not
thread-safe, so a process (not a thread) is the unit of isolation. Readers are forked by the
reader host (reader_host.py), a fresh interpreter started with fork-and-exec, never by the
caller: forking a multi-threaded server risks a child deadlocked on a lock another thread held.
Call `start_reader()` at process start to pay the host's start-up there. A reader serves bill
after bill; it is replaced after any failure, when its heap has grown, or when it is killed for
taking too long. Every write to it and read from it has the request's deadline.
"""

from __future__ import annotations

import atexit
import contextlib
import faulthandler
import os
import pickle
import resource
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ocr_checks.errors import BillError

T = TypeVar("T")

HOST_TIMEOUT_S = 30.0  # the host answers at once; this bounds every wait on it

# How a child dies when it hits a limit: killed by us, over CPU, or C++ bad_alloc -> abort().
_RESOURCE_SIGNALS = (signal.SIGKILL, signal.SIGXCPU, signal.SIGABRT)


@dataclass(frozen=True)
class Limits:
    """How much of a file we are willing to read."""

    max_bytes: int = 20 * 1024 * 1024  # a bill PDF or photo is a few MB at most
    max_pages: int = 50
    max_pixels: int = 40_000_000  # an image, or a page rendered for OCR (A4 at 300 dpi is 8.7 Mpx)
    # Page contents, fonts and forms of a bill inflate to a few MB; pictures are capped apiece
    # by max_pixels (see expansion.py).
    max_expanded_bytes: int = 48 * 1024 * 1024
    # The billed line, the holder and the date are on a bill's first pages (header, summary,
    # services); later pages are itemised calls. Only these are read and judged.
    judged_pages: int = 6
    ocr_pages: int = 3  # of which at most this many are OCR'd (about a second each)
    memory_bytes: int = 768 * 1024 * 1024  # address space a reader may add to its own at start
    seconds: float = 60.0  # wall clock for reading one file, OCR included
    isolate: bool = True  # False runs in-process (for debugging only)


def run_guarded(limits: Limits, fn: Callable[..., T], *args: Any) -> T:
    """Run `fn(*args)` in the reader process under the memory and time limits; return its result.

    `fn` must be a module-level function and `args` picklable: they travel over a socket to a
    long-lived reader, so a bill costs no fork (and none of the copy-on-write faults a fresh
    child takes). A `BillError` raised there is raised again here; running out of memory
    or time becomes `BillError("too_large")`, any other crash `BillError("unreadable")`, and the
    reader is replaced. One request at a time per process.
    """
    if not limits.isolate:
        return fn(*args)
    with _LOCK:
        reader = _reader_for(limits.memory_bytes)
        try:
            kind, value, retire = reader.ask((fn, args), limits.seconds)
        except BaseException:
            _retire()
            raise
        if retire:
            _retire()
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    if kind == "bill_error":
        raise BillError(value[0], value[1])
    if kind == "memory":
        raise BillError("too_large", "the reader ran out of memory")
    raise BillError("unreadable", str(value))


class _Host:
    """The reader host (reader_host.py): a fresh interpreter, started with fork-and-exec, that
    forks readers on request. Nothing is ever forked from the caller's process itself."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ocr_checks.reader_host", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )
        theirs.close()
        ours.settimeout(HOST_TIMEOUT_S)
        self.control, self.owner, self.buffer = ours, os.getpid(), b""

    def spawn(self, memory_bytes: int) -> tuple[int, socket.socket]:
        self.control.sendall(f"spawn {memory_bytes}\n".encode())
        message, fds, _flags, _addr = socket.recv_fds(self.control, 64, 1)
        if not fds or not message.endswith(b"\n"):
            raise OSError("the reader host sent no reader")
        return int(message), socket.socket(fileno=fds[0])

    def wait(self, pid: int) -> int:
        self.control.sendall(f"wait {pid}\n".encode())
        while b"\n" not in self.buffer:
            chunk = self.control.recv(64)
            if not chunk:
                raise OSError("the reader host has gone")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return int(line)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.control.close()
        if self.owner == os.getpid():
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(HOST_TIMEOUT_S)  # it exits when its control socket closes


class _Reader:
    """A reader process (forked by the host) that runs requests one at a time under RLIMIT_AS."""

    def __init__(self, host: _Host, memory_bytes: int) -> None:
        self.pid, self.channel = host.spawn(memory_bytes)
        self.fd = self.channel.fileno()
        os.set_blocking(self.fd, False)  # every write and read waits with a deadline
        self.host, self.memory_bytes, self.owner = host, memory_bytes, os.getpid()

    def ask(self, request: object, seconds: float) -> tuple[str, Any, bool]:
        payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        deadline = time.monotonic() + seconds
        try:
            sent = _write_frame(self.fd, payload, deadline)
            answer = _read_frame(self.fd, deadline) if sent else None
        except (BrokenPipeError, ConnectionResetError):
            answer = b""
        if answer is None:
            raise BillError("too_large", f"reading took longer than {seconds:g} s")
        if not answer:
            status = self.wait()
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) in _RESOURCE_SIGNALS:
                raise BillError("too_large", "the reader was stopped by a resource limit")
            raise BillError("unreadable", f"the reader ended abnormally (status {status})")
        kind, value, retire = pickle.loads(answer)
        return kind, value, retire

    def wait(self) -> int:
        try:
            return self.host.wait(self.pid)
        except OSError:
            return 0

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.channel.close()
        if self.owner == os.getpid():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(self.pid, signal.SIGKILL)
            self.wait()


def start_reader(limits: Limits | None = None) -> None:
    """Start the reader host and a first reader now; call once at process start.

    Optional: `examine()` starts them when first needed, and since the host is started with
    fork-and-exec that is safe from any thread. Called at start, the first bill pays no
    start-up (the host imports the PDF and OCR libraries, about a second) and a broken
    installation shows at start, not on a customer's bill.
    """
    limits = limits or Limits()
    if limits.isolate:
        with _LOCK:
            _reader_for(limits.memory_bytes)


_LOCK = threading.Lock()
_HOST: _Host | None = None
_READER: _Reader | None = None


def _reader_for(memory_bytes: int) -> _Reader:
    global _READER, _HOST
    if _HOST is not None and _HOST.owner != os.getpid():
        # A forked copy of the owner (e.g. a job runner's work horse): the host and reader
        # answer the owner; drop our copies of their sockets and start our own.
        _retire()
        _HOST.close()
        _HOST = None
    if _READER is not None and _READER.memory_bytes != memory_bytes:
        _retire()
    if _READER is None:
        if _HOST is None or _HOST.process.poll() is not None:
            _HOST = _Host()
        try:
            _READER = _Reader(_HOST, memory_bytes)
        except OSError as e:
            _HOST.close()
            _HOST = None
            raise BillError("unreadable", f"the reader could not start: {e}") from e
    return _READER


def _retire() -> None:
    global _READER
    if _READER is not None:
        _READER.close()
        _READER = None


@atexit.register
def _stop_host() -> None:
    global _HOST
    with _LOCK:
        _retire()
        if _HOST is not None:
            _HOST.close()
            _HOST = None


def serve_requests(fd: int, memory_bytes: int) -> None:
    """The reader's loop on its socket `fd` (called by the host in the forked reader)."""
    os.set_blocking(fd, True)
    _serve(fd, fd, memory_bytes)


def _serve(requests: int, responses: int, memory_bytes: int) -> None:
    code = 0
    try:
        # A limit hit inside PDFium ends in abort(): keep its C++ message and any inherited
        # faulthandler dump out of the caller's output; the parent reports the outcome.
        faulthandler.disable()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        _limit_address_space(memory_bytes)
        baseline = _address_space_in_use()
        while True:
            request = _read_frame(requests, None)
            if not request:
                break  # the parent is gone
            fn, args = pickle.loads(request)
            try:
                result: tuple[str, object] = ("ok", fn(*args))
            except BillError as e:
                result = ("bill_error", (e.kind, e.detail))
            except MemoryError:
                result = ("memory", None)
            except Exception as e:  # anything a broken file makes a parser throw
                result = ("error", f"{type(e).__name__}: {e}")
            # After a failure, or once the heap has grown, start the next bill in a new reader.
            grown = _address_space_in_use() - baseline > memory_bytes // 2
            retire = result[0] != "ok" or grown
            try:
                data = pickle.dumps((*result, retire), protocol=pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                data = pickle.dumps(("memory", None, True))
            _write_frame(responses, data, None)
            if retire:
                break
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # never run the parent's atexit handlers or pytest's teardown


def _write_frame(fd: int, payload: bytes, deadline: float | None) -> bool:
    """Write one length-prefixed frame; False when the deadline passes first (a reader that
    stopped reading must not hold the caller on a full pipe)."""
    view = memoryview(len(payload).to_bytes(8, "big") + payload)
    while view:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            _, ready, _ = select.select([], [fd], [], left)
            if not ready:
                continue
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            continue
    return True


def _read_frame(fd: int, deadline: float | None) -> bytes | None:
    """One length-prefixed frame; b"" at end of file, None when the deadline passes."""
    header = _read_exactly(fd, 8, deadline)
    if not header:
        return header
    return _read_exactly(fd, int.from_bytes(header, "big"), deadline)


def _read_exactly(fd: int, n: int, deadline: float | None) -> bytes | None:
    chunks: list[bytes] = []
    got = 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
        try:
            chunk = os.read(fd, min(n - got, 1 << 20))
        except BlockingIOError:
            continue
        if not chunk:
            return b""
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _limit_address_space(extra: int) -> None:
    current = _address_space_in_use()
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    want = current + extra
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(resource.RLIMIT_AS, (want, hard))


def _address_space_in_use() -> int:
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0
