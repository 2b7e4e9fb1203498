"""Caps that keep a hostile file from hanging or exhausting a worker.

Reading happens in a forked reader process with an address-space limit (RLIMIT_AS) and a
wall-clock limit: a few hundred kilobytes of Flate bomb can take pdfplumber to hundreds of
megabytes, and PDFium is not thread-safe, so a process (not a thread) is the unit of isolation.
The reader is forked once (libraries already loaded) and serves bill after bill; it is replaced
after any failure, when its heap has grown, or when it is killed for taking too long.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import pickle
import resource
import select
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ocr_checks.errors import BillError

T = TypeVar("T")

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
    memory_bytes: int = 768 * 1024 * 1024  # address space the reader may add to the parent's
    seconds: float = 60.0  # wall clock for reading one file, OCR included
    isolate: bool = True  # False runs in-process (for debugging only)


def run_guarded(limits: Limits, fn: Callable[..., T], *args: Any) -> T:
    """Run `fn(*args)` in the reader process under the memory and time limits; return its result.

    `fn` must be a module-level function and `args` picklable: they travel over a pipe to a
    long-lived forked reader, so a bill costs no fork (and none of the copy-on-write faults a
    fresh child takes). A `BillError` raised there is raised again here; running out of memory
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


class _Reader:
    """A forked process that runs requests one at a time under RLIMIT_AS."""

    def __init__(self, memory_bytes: int) -> None:
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the reader
            os.close(req_w)
            os.close(resp_r)
            _serve(req_r, resp_w, memory_bytes)
        os.close(req_r)
        os.close(resp_w)
        self.pid, self.requests, self.responses = pid, req_w, resp_r
        self.memory_bytes, self.owner = memory_bytes, os.getpid()

    def ask(self, request: object, seconds: float) -> tuple[str, Any, bool]:
        payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            _write_frame(self.requests, payload)
            answer = _read_frame(self.responses, time.monotonic() + seconds)
        except BrokenPipeError:
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
            return os.waitpid(self.pid, 0)[1]
        except ChildProcessError:
            return 0

    def close(self) -> None:
        for fd in (self.requests, self.responses):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self.owner == os.getpid():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self.wait()


_LOCK = threading.Lock()
_READER: _Reader | None = None


def _reader_for(memory_bytes: int) -> _Reader:
    global _READER
    if _READER is not None and (
        _READER.owner != os.getpid() or _READER.memory_bytes != memory_bytes
    ):
        _retire()
    if _READER is None:
        _READER = _Reader(memory_bytes)
    return _READER


def _retire() -> None:
    global _READER
    if _READER is not None:
        # In a forked copy of the owner (e.g. a job runner's work horse) only drop our fds.
        _READER.close()
        _READER = None


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
            _write_frame(responses, data)
            if retire:
                break
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # never run the parent's atexit handlers or pytest's teardown


def _write_frame(fd: int, payload: bytes) -> None:
    view = memoryview(len(payload).to_bytes(8, "big") + payload)
    while view:
        view = view[os.write(fd, view) :]


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
        chunk = os.read(fd, min(n - got, 1 << 20))
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
