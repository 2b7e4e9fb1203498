"""How flows talk back to people: a small `Notifier` protocol, and its Slack implementation.

Flows never hold a WebClient; they say what to post where. `SlackNotifier` paces every new
message (a post or a file) through the per-channel limiter shared by all replicas: Slack allows
about one message per second per channel. Edits and ephemerals are not messages in that sense
(`chat.update` and `chat.postEphemeral` have their own per-workspace tiers, 50+ and 100+ a
minute), so a card's edit after a click does not queue behind the channel's new cards. When Slack
still answers 429 (after the client's own retries), the channel is held for everyone for
Retry-After.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from store.rate_limit import ChannelRateLimiter

log = logging.getLogger(__name__)

Block = dict[str, Any]
_DEFAULT_RETRY_AFTER = 1.0
# Slack message metadata on the messages sipdesk may have to post again after a crash (alerts,
# cards, digests): the payload's "key" names the message, so a re-run finds it in the channel.
MESSAGE_EVENT_TYPE = "sipdesk_message"
HISTORY_LOOKBACK = 200  # the channel's latest messages searched for a key


def message_metadata(key: str) -> dict[str, Any]:
    return {"event_type": MESSAGE_EVENT_TYPE, "event_payload": {"key": key}}


def key_of(message: dict[str, Any]) -> str | None:
    """The sipdesk key a message carries in its metadata, if any."""
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != MESSAGE_EVENT_TYPE:
        return None
    payload = metadata.get("event_payload")
    key = payload.get("key") if isinstance(payload, dict) else None
    return key if isinstance(key, str) else None


def post_once(
    notifier: Notifier,
    channel: str,
    text: str,
    blocks: list[Block] | None,
    *,
    key: str,
    again: bool,
    thread_ts: str | None = None,
) -> str:
    """Post a keyed message; `again` when an earlier attempt may have reached Slack (its poster
    died or failed before storing the ts): the message found with the key is adopted instead."""
    if again:
        found = notifier.find_posted(channel, key, thread_ts=thread_ts)
        if found is not None:
            log.info(
                "adopted message %s in %s (key %s) instead of posting again", found, channel, key
            )
            return found
    return notifier.post(channel, text, blocks, key=key, thread_ts=thread_ts)


# Slack's answers to an ephemeral that no retry will change: the person cannot see it there.
_RECIPIENT_GONE = frozenset(
    {"user_not_in_channel", "user_not_found", "channel_not_found", "is_archived", "not_in_channel"}
)


# Slack's answers about a channel or a message that no retry will change.
_GONE_FOR_GOOD = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "message_not_found",
        "thread_not_found",
        "cant_update_message",
    }
)


def gone_for_good(error: Exception) -> str | None:
    """Slack's error code when `error` is an answer no retry will change (the channel archived,
    the bot removed, the message deleted); None when trying again may help."""
    if isinstance(error, NotDelivered):
        return error.reason
    if isinstance(error, SlackApiError):
        reason = str(error.response.get("error") or "")
        return reason if reason in _GONE_FOR_GOOD else None
    return None


class NotDelivered(Exception):
    """Slack refused a message for a reason a retry will not change (the person left the channel).

    `reason` is Slack's error code.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Notifier(Protocol):
    def post(
        self,
        channel: str,
        text: str,
        blocks: list[Block] | None = None,
        *,
        thread_ts: str | None = None,
        key: str | None = None,
    ) -> str:
        """Post a message (in a thread if `thread_ts`); return its ts.

        A `key` rides in the message's Slack metadata, so `find_posted` finds it after a crash.
        """
        ...

    def find_posted(self, channel: str, key: str, *, thread_ts: str | None = None) -> str | None:
        """The ts of the bot's recent message in `channel` (or in the thread `thread_ts` of it)
        that carries `key`, if there is one."""
        ...

    def update(self, channel: str, ts: str, text: str, blocks: list[Block] | None = None) -> None:
        """Replace a message the bot posted earlier."""
        ...

    def ephemeral(
        self,
        channel: str,
        user: str,
        text: str,
        blocks: list[Block] | None = None,
        *,
        thread_ts: str | None = None,
    ) -> None:
        """A message only `user` sees, in `channel`; NotDelivered when they cannot see it there."""
        ...

    def upload(
        self,
        channel: str,
        filename: str,
        content: bytes,
        *,
        thread_ts: str | None = None,
        title: str | None = None,
    ) -> None:
        """Share a file in a channel (or a thread of it)."""
        ...


class SlackNotifier:
    """`Notifier` over the Slack Web API."""

    def __init__(self, client: WebClient, limiter: ChannelRateLimiter | None = None) -> None:
        self._client = client
        self._limiter = limiter

    def post(
        self,
        channel: str,
        text: str,
        blocks: list[Block] | None = None,
        *,
        thread_ts: str | None = None,
        key: str | None = None,
    ) -> str:
        metadata = message_metadata(key) if key is not None else None
        answer = self._send(
            channel,
            lambda: self._client.chat_postMessage(
                channel=channel, text=text, blocks=blocks, thread_ts=thread_ts, metadata=metadata
            ),
        )
        return str(answer["ts"])

    def find_posted(self, channel: str, key: str, *, thread_ts: str | None = None) -> str | None:
        if thread_ts is not None:  # replies are not in the channel's history, only the thread's
            answer = self._client.conversations_replies(
                channel=channel, ts=thread_ts, limit=HISTORY_LOOKBACK, include_all_metadata=True
            )
        else:
            answer = self._client.conversations_history(
                channel=channel, limit=HISTORY_LOOKBACK, include_all_metadata=True
            )
        for message in answer.get("messages") or []:
            if key_of(message) == key:
                return str(message["ts"])
        return None

    def update(self, channel: str, ts: str, text: str, blocks: list[Block] | None = None) -> None:
        # An empty list clears the blocks (a decided card loses its buttons); None keeps none.
        self._send(
            channel,
            lambda: self._client.chat_update(
                channel=channel, ts=ts, text=text, blocks=blocks or []
            ),
            paced=False,
        )

    def ephemeral(
        self,
        channel: str,
        user: str,
        text: str,
        blocks: list[Block] | None = None,
        *,
        thread_ts: str | None = None,
    ) -> None:
        try:
            self._send(
                channel,
                lambda: self._client.chat_postEphemeral(
                    channel=channel, user=user, text=text, blocks=blocks, thread_ts=thread_ts
                ),
                paced=False,
            )
        except SlackApiError as error:
            reason = str(error.response.get("error") or "")
            if reason in _RECIPIENT_GONE:
                raise NotDelivered(reason) from error
            raise

    def upload(
        self,
        channel: str,
        filename: str,
        content: bytes,
        *,
        thread_ts: str | None = None,
        title: str | None = None,
    ) -> None:
        self._send(
            channel,
            lambda: self._client.files_upload_v2(
                channel=channel,
                filename=filename,
                content=content,
                title=title or filename,
                thread_ts=thread_ts,
            ),
        )

    def _send(self, channel: str, call: Callable[[], Any], *, paced: bool = True) -> Any:
        if paced and self._limiter is not None:
            self._limiter.wait(channel)
        try:
            return call()
        except SlackApiError as error:
            if error.response.status_code == 429 and self._limiter is not None:
                # The client already waited out its own retries: hold the channel for everyone.
                self._limiter.hold(channel, _retry_after(error))
            raise


def _retry_after(error: SlackApiError) -> float:
    raw = (error.response.headers or {}).get("Retry-After") or (error.response.headers or {}).get(
        "retry-after"
    )
    try:
        return max(float(raw), 0.0) if raw is not None else _DEFAULT_RETRY_AFTER
    except (TypeError, ValueError):
        return _DEFAULT_RETRY_AFTER
