"""One scheduler leader at a time across processes: a Redis lock with expiry and renewal.

The lock is one key holding the holder's random owner token, set with ``SET NX PX``. Only the
holder can renew (compare-and-``PEXPIRE``) or release (compare-and-``DEL``) it, both in Lua so the
compare and the write are one atomic step: a stale leader can never extend or delete its
successor's lock.

Guarantees and limits:

- At most one ``LeaderLock`` holds a given role's lock at any instant, as seen by Redis.
- ``is_leader`` is also bounded by the local clock: it turns false once the TTL (less a small
  drift margin) has passed since the last successful acquire/renew began, even if no renewal was
  attempted. So a process that was paused (GC, SIGSTOP, a slow call) past its TTL stops acting
  the moment it resumes, before it learns from Redis that someone else leads now. The same holds
  while a renewal is stuck in redis-py's connection retries.
- A leader that loses Redis (network, restart) cannot renew, so ``is_leader`` turns false within
  one TTL. If Redis restarts without persistence the lock is gone and the next contender to try
  takes it; the old leader's renewal then fails (the key is missing) and it stands down.
- Leadership is advisory: work done by a leader must still be safe if repeated (the SQL state
  machine), because "only one leader" holds for lock holders, not for side effects already in
  flight when leadership was lost.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from types import TracebackType

import redis

from store.keys import leader_key

log = logging.getLogger(__name__)

DEFAULT_TTL_MS = 15_000
# Share of the TTL we do not trust, for clock-rate differences between us and Redis.
_DRIFT_FACTOR = 0.01

_ACQUIRE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
return 0
"""

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class LeaderLock:
    """Leadership of one role (default ``"scheduler"``) among all processes sharing a Redis.

    Use ``acquire``/``renew``/``release`` directly, or let a keeper thread do it: ``start_keeping``
    (or ``with LeaderLock(...) as lock:``) tries to become leader and, once leader, renews every
    third of the TTL; it flips ``is_leader`` to false as soon as a renewal fails and keeps trying
    to win the lock back. ``on_change(is_leader)`` is called on every flip, from whichever thread
    saw it (usually the keeper); keep it quick, as the keeper renews only after it returns.
    """

    def __init__(
        self,
        redis_client: redis.Redis,
        prefix: str,
        *,
        role: str = "scheduler",
        ttl_ms: int = DEFAULT_TTL_MS,
        on_change: Callable[[bool], None] | None = None,
    ) -> None:
        if ttl_ms < 30:
            raise ValueError("ttl_ms must be at least 30 milliseconds")
        self._redis = redis_client
        self.key = leader_key(prefix, role)
        self.ttl_ms = ttl_ms
        self.token = secrets.token_hex(16)
        self._on_change = on_change
        self._acquire = redis_client.register_script(_ACQUIRE)
        self._renew = redis_client.register_script(_RENEW)
        self._release = redis_client.register_script(_RELEASE)
        self._state = threading.Lock()
        self._held = False
        self._valid_until = 0.0
        self._announced = False  # what on_change was last told
        self._stopping = threading.Event()
        self._keeper: threading.Thread | None = None

    @property
    def is_leader(self) -> bool:
        """True while we hold the lock and its TTL, measured on our clock, has not run out."""
        with self._state:
            return self._held and time.monotonic() < self._valid_until

    def acquire(self) -> bool:
        """Become leader if nobody is (or if we already are, extending our TTL). Never blocks."""
        return self._call_and_record(self._acquire)

    def renew(self) -> bool:
        """Extend our TTL if we still hold the lock; on failure we are no longer leader."""
        return self._call_and_record(self._renew)

    def release(self) -> None:
        """Give up leadership now, if the lock is still ours (someone else's is left alone)."""
        self._set_held(False, valid_until=0.0)
        try:
            self._release(keys=[self.key], args=[self.token])
        except redis.RedisError:
            log.warning("could not release leader lock %s; it will expire", self.key)

    def start_keeping(self) -> None:
        """Start the keeper thread: campaign for the lock, then renew it every TTL/3."""
        if self._keeper is not None:
            return
        self._stopping.clear()
        self._keeper = threading.Thread(
            target=self._keep, name=f"leader-keeper:{self.key}", daemon=True
        )
        self._keeper.start()

    def stop(self) -> None:
        """Stop the keeper thread (if any) and release the lock if we hold it."""
        self._stopping.set()
        if self._keeper is not None:
            self._keeper.join()
            self._keeper = None
        self.release()

    def __enter__(self) -> LeaderLock:
        self.start_keeping()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _keep(self) -> None:
        interval = self.ttl_ms / 3000.0
        while not self._stopping.is_set():
            if self.is_leader:
                self.renew()
            else:
                self.acquire()
            self._stopping.wait(interval)

    def _call_and_record(self, script: Callable[..., object]) -> bool:
        # Validity counts from before the command: Redis set the expiry no earlier than that.
        started = time.monotonic()
        try:
            won = bool(script(keys=[self.key], args=[self.token, self.ttl_ms]))
        except redis.RedisError:
            log.warning("leader lock %s: Redis unreachable, standing down", self.key)
            won = False
        valid_until = started + self.ttl_ms * (1.0 - _DRIFT_FACTOR) / 1000.0
        self._set_held(won, valid_until=valid_until if won else 0.0)
        return won

    def _set_held(self, held: bool, *, valid_until: float) -> None:
        with self._state:
            self._held = held
            self._valid_until = valid_until
            changed = self._announced != held
            self._announced = held
        if changed and self._on_change is not None:
            try:
                self._on_change(held)
            except Exception:
                log.exception("leader lock %s: on_change callback failed", self.key)
