"""Read a phone bill and judge whether it proves a customer owns a number.

Pure library: imports nothing of sipdesk and nothing of Slack. The one entry point is
`examine(data, claim) -> Report`; a file that cannot be judged raises `BillError`. A server
calls `start_reader()` once at process start (before its threads), so the reader host that
forks bill readers is up before the first bill and nothing forks from a request thread.
"""

from __future__ import annotations

import time

from ocr_checks.claim import Claim
from ocr_checks.errors import BillError
from ocr_checks.judge import judge
from ocr_checks.limits import Limits, run_guarded, start_reader
from ocr_checks.numbers import InvalidNumber, parse_claimed
from ocr_checks.pdf_text import read_bill
from ocr_checks.report import Report
from ocr_checks.tamper import find_tamper_signals

__all__ = ["BillError", "Claim", "InvalidNumber", "Limits", "Report", "examine", "start_reader"]


def examine(data: bytes, claim: Claim, *, limits: Limits | None = None) -> Report:
    """Judge the bill in `data` (a PDF, or a JPEG, PNG, HEIC or WebP picture) against `claim`.

    Reading and judging run in a child process under `limits` (size, pages, pixels, memory,
    time). Raises `BillError` for a file that cannot be judged and `InvalidNumber` when the
    claimed number is not a phone number in the claim's region.
    """
    limits = limits or Limits()
    started = time.perf_counter()
    parse_claimed(claim.number, claim.region)  # a bad claim is the caller's error, not the file's
    if len(data) > limits.max_bytes:
        raise BillError("too_large", f"{len(data)} bytes > {limits.max_bytes}")
    report = run_guarded(limits, _examine_here, data, claim, limits)
    report.elapsed_ms = round((time.perf_counter() - started) * 1000)
    return report


def _examine_here(data: bytes, claim: Claim, limits: Limits) -> Report:
    document = read_bill(data, limits)
    return judge((document, find_tamper_signals(data, document)), data, claim)
