"""A circuit breaker: after a dependency fails, stop asking it for a while, then try again.

It spares callers on a deadline (an ack) the wait on a dependency already known to be down,
and it closes again by itself: the first call after the cool-down is the probe.
"""

from __future__ import annotations

import threading
import time


class Breaker:
    def __init__(self, cooldown_seconds: float) -> None:
        self._cooldown = cooldown_seconds
        self._open_until = 0.0
        self._lock = threading.Lock()

    def closed(self) -> bool:
        """True when callers should use the dependency (it worked, or the cool-down is over)."""
        with self._lock:
            return time.monotonic() >= self._open_until

    def failed(self) -> bool:
        """Open the breaker; True for the failure that opened it (log once, not per call)."""
        with self._lock:
            was_closed = time.monotonic() >= self._open_until
            self._open_until = time.monotonic() + self._cooldown
            return was_closed

    def succeeded(self) -> None:
        with self._lock:
            self._open_until = 0.0
