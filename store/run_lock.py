"""One run at a time of a piece of work (an apply of one request), for as long as its runner
lives: a Redis lock with a short TTL that the runner renews while it works.

A fixed long TTL would outlive a runner killed -9 and hold the work back for minutes; this one
lapses within `ttl_ms` of the runner's death, so the re-run (the orphaned job queued again, or
the sweeper's) goes ahead. The lock is a courtesy, not the guarantee: a runner starved past the
TTL loses it and a second run may start beside it, which the work must survive (the apply's
steps are idempotent and its transitions are compare-and-set).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import redis

from store.leader import LeaderLock

DEFAULT_TTL_MS = 20_000  # under the job heartbeat's 25 s: lapsed before the orphan is re-run


@contextmanager
def one_run(
    redis_client: redis.Redis, prefix: str, name: str, *, ttl_ms: int = DEFAULT_TTL_MS
) -> Iterator[bool]:
    """Yield True while this process holds `name`'s run (renewed every third of the TTL), or
    False at once when another live runner holds it."""
    lock = LeaderLock(redis_client, prefix, role=name, ttl_ms=ttl_ms)
    if not lock.acquire():
        yield False
        return
    done = threading.Event()

    def renew() -> None:
        while not done.wait(ttl_ms / 3000) and lock.renew():
            pass

    keeper = threading.Thread(target=renew, name=f"run-lock:{name}", daemon=True)
    keeper.start()
    try:
        yield True
    finally:
        done.set()
        keeper.join()
        lock.release()
