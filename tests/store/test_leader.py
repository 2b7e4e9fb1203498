"""Stories of scheduler replicas competing to be the one leader."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from store.keys import leader_key
from store.leader import LeaderLock

SHORT_TTL_MS = 300
# Keeper tests renew every TTL/3: leave a loaded CI machine 400 ms of slack per renewal.
KEEPER_TTL_MS = 600


def wait_until(condition: Callable[[], bool], *, within: float = 10.0) -> bool:
    """Poll a condition; the bound only keeps a broken test from hanging."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def outlive(ttl_ms: int) -> None:
    """Sleep past a lock's TTL so Redis has expired it."""
    time.sleep(ttl_ms / 1000 + 0.1)


@pytest.fixture
def second_client(redis_url: str) -> Iterator[redis.Redis]:
    """Another connection, as another scheduler process would have."""
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def test_of_two_contenders_one_wins(
    redis_client: redis.Redis, second_client: redis.Redis, redis_prefix: str
) -> None:
    first = LeaderLock(redis_client, redis_prefix, ttl_ms=SHORT_TTL_MS)
    second = LeaderLock(second_client, redis_prefix, ttl_ms=SHORT_TTL_MS)
    assert first.acquire()
    assert not second.acquire()
    assert first.is_leader and not second.is_leader
    # Acquiring again while leader just extends the lease.
    assert first.acquire()


def test_other_roles_have_their_own_leader(redis_client: redis.Redis, redis_prefix: str) -> None:
    scheduler = LeaderLock(redis_client, redis_prefix, role="scheduler")
    sweeper = LeaderLock(redis_client, redis_prefix, role="sweeper")
    assert scheduler.acquire() and sweeper.acquire()
    scheduler.release()
    sweeper.release()


def test_the_loser_takes_over_once_the_winner_stops_renewing(
    redis_client: redis.Redis, second_client: redis.Redis, redis_prefix: str
) -> None:
    winner = LeaderLock(redis_client, redis_prefix, ttl_ms=SHORT_TTL_MS)
    loser = LeaderLock(second_client, redis_prefix, ttl_ms=SHORT_TTL_MS)
    assert winner.acquire()
    assert not loser.acquire()
    outlive(SHORT_TTL_MS)
    assert loser.acquire()
    assert loser.is_leader


def test_a_paused_leader_stops_acting_before_it_hears_from_redis(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    leader = LeaderLock(redis_client, redis_prefix, ttl_ms=SHORT_TTL_MS)
    assert leader.acquire()
    outlive(SHORT_TTL_MS)  # as if the process had been frozen
    assert not leader.is_leader


def test_a_stale_owner_cannot_renew_or_release_the_new_owners_lock(
    redis_client: redis.Redis, second_client: redis.Redis, redis_prefix: str
) -> None:
    stale = LeaderLock(redis_client, redis_prefix, ttl_ms=SHORT_TTL_MS)
    successor = LeaderLock(second_client, redis_prefix, ttl_ms=5_000)
    assert stale.acquire()
    outlive(SHORT_TTL_MS)
    assert successor.acquire()

    assert not stale.renew()
    assert not stale.is_leader
    stale.release()

    key = leader_key(redis_prefix, "scheduler")
    assert redis_client.get(key) == successor.token.encode()
    assert successor.renew() and successor.is_leader


def test_releasing_hands_leadership_over_at_once(
    redis_client: redis.Redis, second_client: redis.Redis, redis_prefix: str
) -> None:
    first = LeaderLock(redis_client, redis_prefix)
    second = LeaderLock(second_client, redis_prefix)
    assert first.acquire()
    first.release()
    assert not first.is_leader
    assert second.acquire()


def test_a_kept_lock_outlives_its_ttl_and_the_standby_takes_over_when_it_stops(
    redis_client: redis.Redis, second_client: redis.Redis, redis_prefix: str
) -> None:
    changes: list[bool] = []
    leader = LeaderLock(redis_client, redis_prefix, ttl_ms=KEEPER_TTL_MS, on_change=changes.append)
    standby = LeaderLock(second_client, redis_prefix, ttl_ms=KEEPER_TTL_MS)
    with leader:
        assert wait_until(lambda: leader.is_leader)
        standby.start_keeping()
        try:
            outlive(3 * KEEPER_TTL_MS)  # three TTLs: only renewals can have kept it
            assert leader.is_leader
            assert not standby.is_leader
        except BaseException:
            standby.stop()
            raise
    # Leaving the block released the lock; the standby's keeper wins it.
    try:
        assert not leader.is_leader
        assert wait_until(lambda: standby.is_leader)
    finally:
        standby.stop()
    assert changes == [True, False]
    assert not standby.is_leader


def test_the_keeper_stands_down_the_moment_a_renewal_fails(
    redis_client: redis.Redis, second_client: redis.Redis, redis_prefix: str
) -> None:
    changes: list[bool] = []
    leader = LeaderLock(redis_client, redis_prefix, ttl_ms=KEEPER_TTL_MS, on_change=changes.append)
    with leader:
        assert wait_until(lambda: leader.is_leader)
        # An operator (or a Redis restart) takes the lock away; another process grabs it.
        key = leader_key(redis_prefix, "scheduler")
        second_client.set(key, b"someone-else", px=60_000)
        assert wait_until(lambda: not leader.is_leader)
        assert changes[-1] is False
        assert second_client.get(key) == b"someone-else"


def test_a_leader_that_cannot_reach_redis_is_not_leader(redis_prefix: str) -> None:
    unreachable = redis.Redis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0))
    lock = LeaderLock(unreachable, redis_prefix)
    assert not lock.acquire()
    assert not lock.renew()
    lock.release()  # logs, does not raise
    assert not lock.is_leader
