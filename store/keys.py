"""Names of the Redis keys that sipdesk's primitives own, in one place.

Every key starts with the deployment's prefix (``"sipdesk:"`` in production, a unique one per test),
so several deployments or test runs can share one Redis. RQ's own keys (``rq:...``) are the
exception: RQ names them itself, so the job queue puts the prefix into its queue name and job ids
instead (see ``store.queue``).
"""

from __future__ import annotations


def delivery_key(prefix: str, delivery: str) -> str:
    """The marker that says one Slack delivery (event, click, submission) was already accepted."""
    return f"{prefix}dedupe:{delivery}"


def leader_key(prefix: str, role: str) -> str:
    """The lock whose holder is the one leader for ``role`` (e.g. ``"scheduler"``)."""
    return f"{prefix}leader:{role}"


def channel_pace_key(prefix: str, channel: str) -> str:
    """The rate limiter's state (theoretical arrival time) for one Slack channel."""
    return f"{prefix}pace:channel:{channel}"


def watch_poll_key(prefix: str) -> str:
    """Set by the registrar push endpoint: the scheduler should poll registrations now."""
    return f"{prefix}watch:poll-requested"


def throttle_key(prefix: str, scope: str, subject: str) -> str:
    """The attempts counter of one subject (a link token's hash, an address) in one scope."""
    return f"{prefix}throttle:{scope}:{subject}"


def csrf_key(prefix: str, link_hash: str) -> str:
    """The anti-forgery secret handed to the browser that opened one link's page."""
    return f"{prefix}csrf:link:{link_hash}"
