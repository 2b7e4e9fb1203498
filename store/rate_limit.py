"""Pace outbound Slack messages per channel, across every replica and worker.

Slack allows about one message per second per channel and tolerates short bursts. The limiter is
GCRA (the generic cell rate algorithm, equivalent to a token bucket of ``burst`` tokens refilled
at ``rate`` per second) in its *reserving* form: Redis keeps, per channel, the theoretical arrival
time (TAT) of the next message; ``reserve`` atomically takes the next slot and says how long to
wait for it. Every caller that reserves gets a distinct slot, so callers queue up instead of
retrying, and N senders sharing a channel are spaced ``1/rate`` apart once the burst is used.

Guarantees and limits:

- The whole decision is one Lua script using Redis' own clock (``TIME``), so it holds across
  replicas and is immune to skew between our hosts' clocks.
- A reservation is a promise the caller keeps by waiting: a caller that reserves and then does
  not send leaves a hole in the schedule (harmless: the channel is just paced a little more).
- State expires once the channel is idle, so Redis holds keys only for busy channels. If Redis
  restarts, the pacing starts afresh: at worst one extra burst per channel.
- ``hold`` pushes a channel's schedule back after Slack answered 429 with ``Retry-After``, so
  every replica backs off, not only the one that got the 429.
- Waits are bounded: a slot further away than ``max_wait`` is declined (``ChannelBusy``, with
  the seconds until the channel frees up) and not taken, so nobody sleeps an hour after a long
  ``Retry-After``; the caller re-queues its job or tells the person instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import redis

from store.keys import channel_pace_key

DEFAULT_RATE_PER_SECOND = 1.0
DEFAULT_BURST = 3
# Shorter than Slack's 3-second ack budget, so even a listener that posts cannot miss its ack.
DEFAULT_MAX_WAIT = 2.0

# ARGV: emission interval (us), burst tolerance (us), longest wait accepted (us).
# Returns the wait in microseconds; a wait beyond the longest is returned negated, slot not taken.
_RESERVE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = now
local stored = redis.call('GET', KEYS[1])
if stored and tonumber(stored) > now then
  tat = tonumber(stored)
end
local wait = tat - tolerance - now
if wait < 0 then
  wait = 0
end
if wait > tonumber(ARGV[3]) then
  return -math.floor(wait)
end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', next_tat),
           'PX', math.ceil((next_tat - now) / 1000) + 1000)
return math.floor(wait)
"""

# ARGV: hold (us), burst tolerance (us). The next reservation waits at least the hold.
_HOLD = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local held_tat = now + tonumber(ARGV[1]) + tonumber(ARGV[2])
local stored = redis.call('GET', KEYS[1])
if stored and tonumber(stored) >= held_tat then
  return 0
end
redis.call('SET', KEYS[1], string.format('%.0f', held_tat),
           'PX', math.ceil((held_tat - now) / 1000) + 1000)
return 1
"""


class ChannelBusy(Exception):
    """The channel's next slot is further away than the caller may wait; nothing was reserved."""

    def __init__(self, channel: str, retry_in: float) -> None:
        super().__init__(f"channel {channel} is held for {retry_in:.1f} s more")
        self.channel = channel
        self.retry_in = retry_in


class ChannelRateLimiter:
    """Per-channel send slots shared by everyone using the same Redis and prefix."""

    def __init__(
        self,
        redis_client: redis.Redis,
        prefix: str,
        *,
        rate_per_second: float = DEFAULT_RATE_PER_SECOND,
        burst: int = DEFAULT_BURST,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive")
        if burst < 1:
            raise ValueError("burst must be at least 1")
        self._redis = redis_client
        self._prefix = prefix
        self._interval_us = round(1_000_000 / rate_per_second)
        self._tolerance_us = self._interval_us * (burst - 1)
        self._sleep = sleep
        self._reserve = redis_client.register_script(_RESERVE)
        self._hold = redis_client.register_script(_HOLD)

    def reserve(self, channel: str, *, max_wait: float = DEFAULT_MAX_WAIT) -> float:
        """Take the channel's next send slot; return the seconds to wait for it (0: send now).

        Raises ChannelBusy, taking no slot, when that is more than `max_wait` seconds away.
        """
        if max_wait < 0:
            raise ValueError("max_wait must not be negative")
        wait_us = int(
            self._reserve(
                keys=[channel_pace_key(self._prefix, channel)],
                args=[self._interval_us, self._tolerance_us, round(max_wait * 1_000_000)],
            )
        )
        if wait_us < 0:
            raise ChannelBusy(channel, -wait_us / 1_000_000)
        return wait_us / 1_000_000

    def wait(self, channel: str, *, max_wait: float = DEFAULT_MAX_WAIT) -> float:
        """Reserve a slot and sleep until it comes; return the seconds slept.

        Raises ChannelBusy, without sleeping, when the slot is more than `max_wait` away.
        """
        delay = self.reserve(channel, max_wait=max_wait)
        if delay > 0:
            self._sleep(delay)
        return delay

    def hold(self, channel: str, seconds: float) -> None:
        """Push the channel's next slot to ``seconds`` from now or later (Slack's Retry-After)."""
        self._hold(
            keys=[channel_pace_key(self._prefix, channel)],
            args=[round(seconds * 1_000_000), self._tolerance_us],
        )
