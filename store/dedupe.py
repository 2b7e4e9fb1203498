"""Accept each Slack delivery once, across every Bolt replica.

Slack redelivers an Events API event when it did not get our 200 within 3 seconds (or got an
error), with the same ``event_id`` and an ``X-Slack-Retry-Num`` header; any replica behind the load
balancer may receive the retry. ``EventDeduplicator.first_seen`` is a single ``SET NX EX`` in Redis,
so exactly one caller across all replicas is told "first" for a key while its marker lives.

Guarantees and limits:

- Atomic across processes and replicas sharing the Redis (one ``SET NX`` per key).
- A marker lives ``ttl_seconds`` (default one hour; Slack retries within minutes). After it
  expires the same key counts as new again.
- If Redis restarts without persistence, markers are gone: a retry arriving just after the restart
  is processed again. The request state machine in SQL is what makes a decision apply only once;
  this module only spares the duplicate work and the duplicate reply.
- ``forget`` removes a marker so that Slack's next retry is processed (use it when handling failed
  and we answered with an error, so the retry should do the work).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import redis

from store.keys import delivery_key

DEFAULT_TTL_SECONDS = 3600

Headers = Mapping[str, str] | Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class SlackDelivery:
    """What identifies one Slack request, and whether Slack says it is a retry.

    ``key`` is ``None`` for requests that must never be de-duplicated (URL verification, options
    loads) or that carry nothing to identify them. A retry has the same ``key`` as the original.
    """

    key: str | None
    retry_num: int = 0
    retry_reason: str | None = None

    @property
    def is_retry(self) -> bool:
        return self.retry_num > 0


def slack_delivery_key(body: Mapping[str, Any]) -> str | None:
    """The de-duplication key of a Slack request body (already parsed into a dict).

    - Events API: ``event:<event_id>``, identical on every retry of the event.
    - Block actions: ``action:<user>:<action_id>:<action_ts>`` for the first action (a click).
    - Shortcuts and message actions: ``shortcut:<user>:<callback_id>:<action_ts>``.
    - View submissions and closes: ``view:<view id>:<trigger_id or hash>``.
    - Slash commands: ``command:<trigger_id>``.
    - Anything else (``url_verification``, ``block_suggestion``, unknown shapes): ``None``.

    Total: a body of the wrong shape (``actions`` not a list, ``view`` not an object) has no key
    rather than an exception; whoever answers it decides what a malformed request gets.
    """
    kind = body.get("type")
    if kind == "event_callback" or ("event_id" in body and "event" in body):
        event_id = _scalar(body.get("event_id"))
        return f"event:{event_id}" if event_id else None
    user = _user_id(body)
    if kind == "block_actions":
        actions = body.get("actions")
        first = actions[0] if isinstance(actions, list) and actions else None
        if not isinstance(first, Mapping):
            return None
        action_ts = _scalar(first.get("action_ts"))
        if not action_ts:
            return None
        return f"action:{user}:{_scalar(first.get('action_id'))}:{action_ts}"
    if kind in ("shortcut", "message_action"):
        action_ts = _scalar(body.get("action_ts"))
        if not action_ts:
            return None
        return f"shortcut:{user}:{_scalar(body.get('callback_id'))}:{action_ts}"
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        if not isinstance(view, Mapping):
            return None
        view_id = _scalar(view.get("id"))
        # A resubmission after validation errors keeps the view hash but gets a new trigger_id.
        marker = _scalar(body.get("trigger_id")) or _scalar(view.get("hash"))
        if not view_id or not marker:
            return None
        return f"view:{view_id}:{kind}:{marker}"
    trigger_id = _scalar(body.get("trigger_id"))
    if kind is None and "command" in body and trigger_id:
        return f"command:{trigger_id}"
    return None


def slack_delivery(body: Mapping[str, Any], headers: Headers | None = None) -> SlackDelivery:
    """Identify a Slack request from its parsed body and its HTTP headers.

    Headers may be a plain ``{name: value}`` dict or Bolt's ``{name: [values]}``; names are matched
    case-insensitively. ``X-Slack-Retry-Num`` / ``X-Slack-Retry-Reason`` only describe the retry:
    they are deliberately not part of the key, so a retry maps to the original's marker.
    """
    retry_num_text = _header(headers, "x-slack-retry-num")
    try:
        retry_num = int(retry_num_text) if retry_num_text else 0
    except ValueError:
        retry_num = 0
    return SlackDelivery(
        key=slack_delivery_key(body),
        retry_num=retry_num,
        retry_reason=_header(headers, "x-slack-retry-reason"),
    )


class EventDeduplicator:
    """Remembers which deliveries were accepted, in Redis, for every replica at once."""

    def __init__(
        self, redis_client: redis.Redis, prefix: str, *, ttl_seconds: int = DEFAULT_TTL_SECONDS
    ) -> None:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        self._redis = redis_client
        self._prefix = prefix
        self._ttl_seconds = ttl_seconds

    def first_seen(self, key: str) -> bool:
        """True for exactly one caller per key (until the marker expires or is forgotten)."""
        stored = self._redis.set(
            delivery_key(self._prefix, key), b"1", nx=True, ex=self._ttl_seconds
        )
        return bool(stored)

    def first_delivery(self, body: Mapping[str, Any], headers: Headers | None = None) -> bool:
        """True when this Slack request should be processed, False when it is a duplicate.

        A request with no de-duplication key (see ``slack_delivery_key``) is always processed.
        """
        key = slack_delivery(body, headers).key
        return True if key is None else self.first_seen(key)

    def forget(self, key: str) -> None:
        """Drop the marker so the next delivery of ``key`` (Slack's retry) is processed."""
        self._redis.delete(delivery_key(self._prefix, key))


def _user_id(body: Mapping[str, Any]) -> str:
    user = body.get("user")
    if isinstance(user, Mapping):
        return _scalar(user.get("id"))
    return _scalar(body.get("user_id"))


def _scalar(value: Any) -> str:
    """A key part: strings and numbers as text, anything else (objects, lists, None) empty."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value)


def _header(headers: Headers | None, name: str) -> str | None:
    if not headers:
        return None
    for header_name, value in headers.items():
        if header_name.lower() != name:
            continue
        if isinstance(value, str):
            return value
        return str(value[0]) if value else None
    return None
