"""`/healthz` with a deadline: each part is probed in its own thread, and a part that does not
answer in time is reported down by name instead of holding the answer (or a server thread)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

Probe = Callable[[], object]

# The load balancer must hear within 2 s which part is down; leave room for the answer itself.
DEFAULT_DEADLINE_SECONDS = 1.5


class _Part:
    """One dependency; at most one probe of it runs at a time, however many checks come in."""

    def __init__(self, probe: Probe) -> None:
        self._probe = probe
        self._lock = threading.Lock()
        self._running: threading.Thread | None = None
        self._started = 0.0
        self._result: str = "down: not probed yet"
        self._done = threading.Event()

    def begin(self) -> threading.Event:
        with self._lock:
            if self._running is None or not self._running.is_alive():
                self._done = threading.Event()
                self._started = time.monotonic()
                self._running = threading.Thread(
                    target=self._run, name="sipdesk-health", daemon=True
                )
                self._running.start()
            return self._done

    def _run(self) -> None:
        try:
            self._probe()
            result = "ok"
        except Exception as error:
            result = f"down: {type(error).__name__}"
        with self._lock:
            self._result = result
            self._done.set()

    def result(self) -> str:
        with self._lock:
            if self._done.is_set():
                return self._result
            return f"down: no answer for {time.monotonic() - self._started:.1f} s"


class HealthCheck:
    """Probes every part at once and reports each as "ok" or "down: why" within the deadline."""

    def __init__(
        self, probes: Mapping[str, Probe], *, deadline: float = DEFAULT_DEADLINE_SECONDS
    ) -> None:
        self._parts = {name: _Part(probe) for name, probe in probes.items()}
        self._deadline = deadline

    def __call__(self) -> dict[str, str]:
        waits = {name: part.begin() for name, part in self._parts.items()}
        until = time.monotonic() + self._deadline
        for done in waits.values():
            done.wait(max(0.0, until - time.monotonic()))
        return {name: part.result() for name, part in self._parts.items()}
