"""Refuse what comes too often: a fixed-window attempts counter per subject, shared via Redis.

Unlike the channel limiter (store.rate_limit), which makes callers wait their turn, this one
answers yes or no at once: pages facing the internet refuse a flood instead of queueing it.
The count and its expiry are set in one Lua script, so a window never lives forever.
"""

from __future__ import annotations

import redis

from store.keys import throttle_key

# KEYS[1] counter; ARGV[1] window (ms). Returns the count including this attempt.
_COUNT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n
"""


class Throttle:
    """At most `limit` attempts per `window_seconds` for each subject of one scope."""

    def __init__(
        self,
        redis_client: redis.Redis,
        prefix: str,
        scope: str,
        *,
        limit: int,
        window_seconds: float,
    ) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("a throttle needs a positive limit and window")
        self._prefix = prefix
        self._scope = scope
        self._limit = limit
        self._window_ms = max(1, round(window_seconds * 1000))
        self._count = redis_client.register_script(_COUNT)

    def allow(self, subject: str) -> bool:
        """Count one attempt by `subject`; False once it is over the limit in this window."""
        key = throttle_key(self._prefix, self._scope, subject)
        return int(self._count(keys=[key], args=[self._window_ms])) <= self._limit
