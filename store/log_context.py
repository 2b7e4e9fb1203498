"""The request a unit of work is about, for the log lines it writes (LOG_FORMAT=json)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[int | None] = ContextVar("sipdesk_request_id", default=None)


def current_request_id() -> int | None:
    return _request_id.get()


@contextmanager
def about_request(request_id: int | None) -> Iterator[None]:
    """Log lines written inside carry `request_id`; the previous one is back afterwards."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)
