"""Whether a keyed Slack post was attempted before: a mark in Redis set by the first attempt.

A poster killed between Slack's answer and storing what it posted leaves the mark, so its re-run
looks for the message by its key (`post_once(again=True)`) and adopts it. A first attempt spends
no `conversations.history` or `conversations.replies` call, whose rates Slack limits per
workspace.
"""

from __future__ import annotations

from handlers.services import Services

ATTEMPT_MEMORY_SECONDS = 7 * 86400  # longer than any re-run of a post waits


def tried_before(services: Services, key: str) -> bool:
    """True when an earlier attempt at posting `key` may have reached Slack."""
    mark = f"{services.redis_prefix}post-attempted:{key}"
    return not services.redis.set(mark, b"1", nx=True, ex=ATTEMPT_MEMORY_SECONDS)
