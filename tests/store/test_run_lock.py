"""One run at a time, for as long as the runner lives: a second runner is turned away while the
first works (however long), and a runner killed -9 holds the work back only for the lock's TTL."""

from __future__ import annotations

import time

import redis

from store.leader import LeaderLock
from store.run_lock import one_run


def test_a_second_runner_is_turned_away_while_the_first_works_past_the_ttl(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    with one_run(redis_client, redis_prefix, "applying:1", ttl_ms=1000) as mine:
        assert mine
        started = time.monotonic()
        while time.monotonic() - started < 3.2:  # three TTLs: kept alive by its renewals
            with one_run(redis_client, redis_prefix, "applying:1", ttl_ms=1000) as other:
                assert not other
            time.sleep(0.05)
        with one_run(redis_client, redis_prefix, "applying:2", ttl_ms=1000) as unrelated:
            assert unrelated  # another request's run is its own
    with one_run(redis_client, redis_prefix, "applying:1", ttl_ms=1000) as next_run:
        assert next_run  # given back at the end


def test_the_run_of_a_runner_that_died_lapses_within_its_ttl(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    dead = LeaderLock(redis_client, redis_prefix, role="applying:3", ttl_ms=400)
    assert dead.acquire()  # and then killed -9: nobody renews it

    def free() -> bool:
        with one_run(redis_client, redis_prefix, "applying:3", ttl_ms=400) as mine:
            return mine

    assert not free()
    deadline = time.monotonic() + 10
    while not free():
        assert time.monotonic() < deadline, "the dead runner's lock never lapsed"
        time.sleep(0.05)
