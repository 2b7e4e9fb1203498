"""Caps that keep a hostile file from hanging or exhausting a worker.

Reading happens in a forked child with an address-space limit (RLIMIT_AS) and a wall-clock
limit: a few hundred kilobytes of Flate bomb can take pdfplumber to hundreds of megabytes, and
PDFium is not thread-safe, so a process (not a thread) is the unit of isolation. Fork keeps the
start cost to a few milliseconds since the libraries are already loaded in the parent.
"""

from __future__ import annotations

import faulthandler
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

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
    memory_bytes: int = 768 * 1024 * 1024  # address space the reader may add to the parent's
    seconds: float = 60.0  # wall clock for reading one file, OCR included
    isolate: bool = True  # False runs in-process (for debugging only)


def run_guarded(limits: Limits, fn: Callable[[], T]) -> T:
    """Run `fn` in a forked child under the memory and time limits and return its result.

    A `BillError` raised in the child is raised again here; running out of memory or time
    becomes `BillError("too_large")`, any other crash `BillError("unreadable")`.
    """
    if not limits.isolate:
        return fn()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        _child(limits, fn, write_end)
    os.close(write_end)
    try:
        payload = _read_all(read_end, pid, limits.seconds)
    finally:
        os.close(read_end)
    if payload is None:
        raise BillError("too_large", f"reading took longer than {limits.seconds:g} s")
    _, status = os.waitpid(pid, 0)
    if not payload:
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) in _RESOURCE_SIGNALS:
            raise BillError("too_large", "the reader was stopped by a resource limit")
        raise BillError("unreadable", f"the reader ended abnormally (status {status})")
    kind, value = pickle.loads(payload)
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    if kind == "bill_error":
        raise BillError(value[0], value[1])
    if kind == "memory":
        raise BillError("too_large", "the reader ran out of memory")
    raise BillError("unreadable", str(value))


def _child(limits: Limits, fn: Callable[[], object], out: int) -> None:
    code = 0
    try:
        # A limit hit inside PDFium ends in abort(): keep its C++ message and any inherited
        # faulthandler dump out of the caller's output; the parent reports the outcome.
        faulthandler.disable()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        _limit_address_space(limits.memory_bytes)
        try:
            result: tuple[str, object] = ("ok", fn())
        except BillError as e:
            result = ("bill_error", (e.kind, e.detail))
        except MemoryError:
            result = ("memory", None)
        except Exception as e:  # anything a broken file makes a parser throw
            result = ("error", f"{type(e).__name__}: {e}")
        try:
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory", None))
        view = memoryview(data)
        while view:
            n = os.write(out, view)
            view = view[n:]
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # never run the parent's atexit handlers or pytest's teardown


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


def _read_all(fd: int, pid: int, seconds: float) -> bytes | None:
    """Read the child's answer; None when the deadline passes (the child is then killed)."""
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
