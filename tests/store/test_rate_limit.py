"""Stories of sipdesk posting to Slack channels without tripping Slack's per-channel limit.

Assertions are on the delays the limiter hands out, never on wall-clock time.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from store.rate_limit import ChannelBusy, ChannelRateLimiter

# Between two reservations a few milliseconds pass on Redis' clock; allow for a loaded machine.
SLACK = 0.15


@pytest.fixture
def second_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def test_messages_to_one_channel_are_spaced_one_second_apart(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    limiter = ChannelRateLimiter(redis_client, redis_prefix, rate_per_second=1.0, burst=1)
    delays = [limiter.reserve("C_SHARED", max_wait=10) for _ in range(5)]
    assert delays[0] == 0
    for n, delay in enumerate(delays):
        assert n - SLACK <= delay <= n


def test_a_short_burst_goes_out_at_once_then_the_pace_sets_in(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    limiter = ChannelRateLimiter(redis_client, redis_prefix, rate_per_second=2.0, burst=3)
    delays = [limiter.reserve("C_SHARED") for _ in range(6)]
    assert delays[:3] == [0, 0, 0]
    for n, delay in enumerate(delays[3:], start=1):
        assert n * 0.5 - SLACK <= delay <= n * 0.5


def test_channels_do_not_wait_for_each_other(redis_client: redis.Redis, redis_prefix: str) -> None:
    limiter = ChannelRateLimiter(redis_client, redis_prefix, rate_per_second=1.0, burst=1)
    assert limiter.reserve("C_ACME") == 0
    assert limiter.reserve("C_ACME") > 1 - SLACK
    assert limiter.reserve("C_GLOBEX") == 0
    assert limiter.reserve("C_STAFF") == 0


def test_two_replicas_share_one_channels_budget(
    redis_client: redis.Redis, second_client: redis.Redis, redis_prefix: str
) -> None:
    replicas = [
        ChannelRateLimiter(client, redis_prefix, rate_per_second=1.0, burst=1)
        for client in (redis_client, second_client)
    ]
    delays = [replicas[n % 2].reserve("C_SHARED", max_wait=10) for n in range(6)]
    for n, delay in enumerate(delays):
        assert n - SLACK <= delay <= n


def test_wait_sleeps_for_the_reserved_slot(redis_client: redis.Redis, redis_prefix: str) -> None:
    slept: list[float] = []
    limiter = ChannelRateLimiter(
        redis_client, redis_prefix, rate_per_second=1.0, burst=1, sleep=slept.append
    )
    assert limiter.wait("C1") == 0
    second = limiter.wait("C1")
    assert slept == [second]
    assert 1 - SLACK <= second <= 1


def test_wait_really_sleeps_when_the_rate_is_high(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    limiter = ChannelRateLimiter(redis_client, redis_prefix, rate_per_second=50.0, burst=1)
    waited = [limiter.wait("C1") for _ in range(4)]
    assert waited[0] == 0
    assert all(delay <= 0.02 for delay in waited)


def test_a_429_from_slack_holds_the_channel_for_every_replica(
    redis_client: redis.Redis, second_client: redis.Redis, redis_prefix: str
) -> None:
    got_429 = ChannelRateLimiter(redis_client, redis_prefix, rate_per_second=1.0, burst=3)
    other = ChannelRateLimiter(second_client, redis_prefix, rate_per_second=1.0, burst=3)
    got_429.hold("C_SHARED", 30)
    first_after = other.reserve("C_SHARED", max_wait=60)
    assert 30 - SLACK <= first_after <= 30
    assert 31 - SLACK <= other.reserve("C_SHARED", max_wait=60) <= 31
    # A shorter hold never shortens a longer one.
    got_429.hold("C_SHARED", 1)
    assert other.reserve("C_SHARED", max_wait=60) > 31


def test_after_an_hour_long_retry_after_a_sender_is_declined_not_put_to_sleep(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    slept: list[float] = []
    limiter = ChannelRateLimiter(
        redis_client, redis_prefix, rate_per_second=1.0, burst=3, sleep=slept.append
    )
    limiter.hold("C_SHARED", 3600)
    with pytest.raises(ChannelBusy) as busy:
        limiter.wait("C_SHARED")
    assert slept == []
    assert busy.value.channel == "C_SHARED"
    assert 3600 - SLACK <= busy.value.retry_in <= 3600
    # A declined reservation takes no slot: the next sender is not pushed further back.
    with pytest.raises(ChannelBusy) as again:
        limiter.reserve("C_SHARED", max_wait=10)
    assert again.value.retry_in <= 3600
    assert limiter.reserve("C_OTHER") == 0


def test_a_wait_within_the_bound_is_taken(redis_client: redis.Redis, redis_prefix: str) -> None:
    limiter = ChannelRateLimiter(redis_client, redis_prefix, rate_per_second=1.0, burst=1)
    assert limiter.reserve("C1", max_wait=0) == 0
    with pytest.raises(ChannelBusy):
        limiter.reserve("C1", max_wait=0.5)
    assert 1 - SLACK <= limiter.reserve("C1", max_wait=1.5) <= 1


def test_an_idle_channel_leaves_no_state_behind_for_long(
    redis_client: redis.Redis, redis_prefix: str
) -> None:
    limiter = ChannelRateLimiter(redis_client, redis_prefix, rate_per_second=1.0, burst=1)
    limiter.reserve("C_QUIET")
    (key,) = redis_client.keys(f"{redis_prefix}*")
    assert 0 < redis_client.pttl(key) <= 2_000


def test_nonsense_settings_are_refused(redis_client: redis.Redis, redis_prefix: str) -> None:
    with pytest.raises(ValueError):
        ChannelRateLimiter(redis_client, redis_prefix, rate_per_second=0)
    with pytest.raises(ValueError):
        ChannelRateLimiter(redis_client, redis_prefix, burst=0)
