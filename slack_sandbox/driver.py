"""Slack's side of the conversation: signed requests to the bot's /slack/events, as Slack sends."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
from enum import StrEnum
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

import httpx

from slack_sandbox import payloads, threads
from slack_sandbox.sandbox import CustomerUpload, SlackSandbox

STALE_AFTER_SECONDS = 5 * 60


class Signature(StrEnum):
    """How the driver signs: as Slack does, or in one of the ways a forger would."""

    VALID = "valid"
    UNSIGNED = "unsigned"
    BAD = "bad"  # signed with the wrong secret
    STALE = "stale"  # signed correctly, but the timestamp is over five minutes old


def sign(signing_secret: str, timestamp: int, body: bytes) -> str:
    """Slack's v0 request signature: HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


class SlackDriver:
    """Sends the bot what Slack would: commands, clicks, submissions and events."""

    def __init__(
        self,
        bot_url: str,
        signing_secret: str,
        sandbox: SlackSandbox,
        *,
        signature: Signature = Signature.VALID,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
    ) -> None:
        base = bot_url.rstrip("/")
        self.events_url = base if base.endswith("/slack/events") else f"{base}/slack/events"
        self.signing_secret = signing_secret
        self.sandbox = sandbox
        self.signature = signature
        self._client = client or httpx.Client(timeout=timeout)

    def with_signature(self, signature: Signature | str) -> SlackDriver:
        """The same driver signing another way (sharing its HTTP client)."""
        twin = copy.copy(self)
        twin.signature = Signature(signature)
        return twin

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> SlackDriver:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # -- what Slack sends ---------------------------------------------------------------------

    def slash_command(
        self, command: str, text: str, *, user: str, channel: str, team: str | None = None
    ) -> httpx.Response:
        form = payloads.slash_command_form(self.sandbox, command, text, user, channel, team)
        return self.post_form(form)

    def block_action(
        self,
        action_id: str,
        value: str,
        *,
        user: str,
        channel: str | None = None,
        message_ts: str | None = None,
        block_id: str | None = None,
        container: dict[str, Any] | None = None,
        view: str | dict[str, Any] | None = None,
        action_type: str = "button",
    ) -> httpx.Response:
        """A click (or a choice) in a message, or in a modal or Home tab when `view` is given."""
        payload = payloads.block_actions(
            self.sandbox,
            action_id,
            value,
            user=user,
            channel=channel,
            message_ts=message_ts,
            block_id=block_id,
            container=container,
            view=view,
            action_type=action_type,
        )
        return self.post_form({"payload": json.dumps(payload)})

    def view_submission(
        self,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        *,
        user: str,
        private_metadata: str = "",
        view_id: str | None = None,
    ) -> httpx.Response:
        """A person submits a modal; the sandbox then does what the bot's answer asks."""
        payload = payloads.view_submission(
            self.sandbox,
            callback_id,
            values,
            user=user,
            private_metadata=private_metadata,
            view_id=view_id,
        )
        response = self.post_form({"payload": json.dumps(payload)})
        if payloads.is_known_view(self.sandbox, view_id) and response.status_code == 200:
            try:
                ack = response.json() if response.content.strip() else {}
            except ValueError:
                ack = {}
            state = payload["view"]["state"]["values"]
            self.sandbox.settle_view_submission(str(view_id), state, ack)
        return response

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> httpx.Response:
        """An Events API delivery; a retry carries Slack's retry headers."""
        envelope = payloads.event_envelope(self.sandbox, event, event_id)
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return self.post_json(envelope, headers)

    def say(
        self, user: str, channel: str, text: str, *, thread_ts: str | None = None
    ) -> httpx.Response:
        """A person writes in a channel, and Slack tells the bot."""
        return self.event(self.sandbox.say(user, channel, text, thread_ts=thread_ts))

    def share_file(
        self,
        user: str,
        channel: str,
        name: str,
        content: bytes,
        mimetype: str | None = None,
        *,
        comment: str = "",
    ) -> CustomerUpload:
        """A person shares a file; Slack sends the bot its `message` and `file_shared` events."""
        upload = self.sandbox.upload_file(user, channel, name, content, mimetype, comment=comment)
        self.event(upload.message_event)
        self.event(upload.file_shared_event)
        return upload

    def mention(
        self,
        user: str,
        channel: str,
        text: str,
        *,
        thread_ts: str | None = None,
        event_id: str | None = None,
    ) -> dict[str, Any]:
        """A person writes `@sipdesk text`; Slack sends `message` then `app_mention`.

        Returns the `app_mention` event (its `ts` roots the bot's thread).
        """
        message, mention = threads.mention_bot(
            self.sandbox, user, channel, text, thread_ts=thread_ts
        )
        self.event(message)
        self.event(mention, event_id=event_id)
        return mention

    def share_file_in_thread(
        self,
        user: str,
        channel: str,
        thread_ts: str,
        name: str,
        content: bytes,
        mimetype: str | None = None,
    ) -> CustomerUpload:
        """A person shares a file as a reply in a thread; Slack sends both events about it."""
        upload = threads.upload_in_thread(
            self.sandbox, user, channel, thread_ts, name, content, mimetype
        )
        self.event(upload.message_event)
        self.event(upload.file_shared_event)
        return upload

    def app_home_opened(self, user: str) -> httpx.Response:
        return self.event(payloads.app_home_opened(self.sandbox, user))

    def url_verification(self, challenge: str) -> httpx.Response:
        body = {"token": payloads.VERIFICATION_TOKEN, "challenge": challenge}
        return self.post_json({**body, "type": "url_verification"})

    # -- the wire -----------------------------------------------------------------------------

    def post_form(self, fields: dict[str, str]) -> httpx.Response:
        body = urlencode(fields).encode()
        return self.post_raw(body, "application/x-www-form-urlencoded")

    def post_json(
        self, document: dict[str, Any], headers: dict[str, str] | None = None
    ) -> httpx.Response:
        body = json.dumps(document).encode()
        return self.post_raw(body, "application/json", headers)

    def post_raw(
        self, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        all_headers = {"Content-Type": content_type, **(headers or {}), **self.signed_headers(body)}
        return self._client.post(self.events_url, content=body, headers=all_headers)

    def signed_headers(self, body: bytes) -> dict[str, str]:
        if self.signature is Signature.UNSIGNED:
            return {}
        timestamp = int(time.time())
        secret = self.signing_secret
        if self.signature is Signature.STALE:
            timestamp -= STALE_AFTER_SECONDS + 60
        if self.signature is Signature.BAD:
            secret = secret + "-forged"
        return {
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": sign(secret, timestamp, body),
        }
