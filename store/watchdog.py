"""One thread that runs a callback when a deadline passes, unless the alarm was called off.

A silent server (stopped, not closed) never makes a blocking read return; the only way out of
that wait in time is someone else acting on the socket. Arming costs a heap push, not a thread.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class Alarm:
    __slots__ = ("_action", "cancelled", "rang")

    def __init__(self, action: Callable[[], None]) -> None:
        self._action = action
        self.cancelled = False
        self.rang = False

    def cancel(self) -> None:
        self.cancelled = True

    def ring(self) -> None:
        if not self.cancelled:
            self.rang = True
            self._action()


class Watchdog:
    def __init__(self, name: str = "sipdesk-watchdog") -> None:
        self._name = name
        self._due: list[tuple[float, int, Alarm]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float, action: Callable[[], None]) -> Alarm:
        alarm = Alarm(action)
        with self._wake:
            heapq.heappush(self._due, (time.monotonic() + seconds, next(self._order), alarm))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._wake.notify()
        return alarm

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._due and self._due[0][2].cancelled:
                    heapq.heappop(self._due)
                if not self._due:
                    self._wake.wait()
                    continue
                due, _, alarm = self._due[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._due)
            try:
                alarm.ring()
            except Exception:
                log.warning("a watchdog alarm failed", exc_info=True)
