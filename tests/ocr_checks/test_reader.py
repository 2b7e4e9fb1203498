"""Bills are read off the request threads: readers come from a reader host started with
fork-and-exec, so a multi-threaded server never forks, and every write to a reader has a
deadline."""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time

import pytest
from billmaker import make_bill

import ocr_checks.limits as limits_module
from ocr_checks import Claim, Limits, examine, start_reader

CLAIM = Claim("+353 1 234 5678", "Acme Widgets Ltd", dt.date(2026, 4, 1))


def test_a_bill_is_judged_from_a_request_thread_without_this_process_ever_forking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limits_module._stop_host()  # whatever earlier tests started: begin from nothing

    def no_fork() -> int:
        raise AssertionError("the server process forked")

    monkeypatch.setattr(os, "fork", no_fork)
    busy = threading.Event()
    # Another thread holding a lock while the bill is read: what a forked child would inherit.
    holder = threading.Thread(target=busy.wait, daemon=True)
    holder.start()
    verdicts: list[str] = []
    worker = threading.Thread(target=lambda: verdicts.append(examine(make_bill(), CLAIM).verdict))
    worker.start()
    worker.join(60)
    busy.set()
    assert verdicts == ["pass"]


def test_start_reader_at_process_start_makes_the_first_bill_cheap() -> None:
    limits_module._stop_host()
    start_reader()
    host = limits_module._HOST
    assert limits_module._READER is not None and host is not None
    assert examine(make_bill(), CLAIM).verdict == "pass"
    # The bill was read by the host started before it: no interpreter to start, no imports.
    assert limits_module._HOST is host and host.process.poll() is None


def test_start_reader_is_a_no_op_for_in_process_reading() -> None:
    start_reader(Limits(isolate=False))  # nothing to start; nothing raised


def test_a_write_to_a_reader_that_stopped_reading_gives_up_at_its_deadline() -> None:
    ours, theirs = socket.socketpair()  # nobody ever reads `theirs`
    try:
        ours.setblocking(False)
        started = time.perf_counter()
        sent = limits_module._write_frame(ours.fileno(), b"x" * 8_000_000, time.monotonic() + 0.3)
        assert not sent
        assert time.perf_counter() - started < 30  # gave up, rather than waiting forever
    finally:
        ours.close()
        theirs.close()
