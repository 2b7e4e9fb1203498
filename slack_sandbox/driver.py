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

from slack_sandbox import payloads
from slack_sandbox.driving import Driver
from slack_sandbox.slack_side import SlackSide

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


class SlackDriver(Driver[httpx.Response]):
    """Sends the bot what Slack would over HTTP: signed commands, clicks, submissions, events."""

    def __init__(
        self,
        bot_url: str,
        signing_secret: str,
        sandbox: SlackSide,
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

    # -- the HTTP transport -------------------------------------------------------------------

    def _send_command(self, form: dict[str, str]) -> httpx.Response:
        return self.post_form(form)

    def _send_interaction(
        self, payload: dict[str, Any], *, accepts_response_payload: bool
    ) -> httpx.Response:
        return self.post_form({"payload": json.dumps(payload)})

    def _send_event(
        self, envelope: dict[str, Any], *, retry_num: int | None, retry_reason: str | None
    ) -> httpx.Response:
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return self.post_json(envelope, headers)

    def _acted_on(self, reply: httpx.Response) -> dict[str, Any] | None:
        if reply.status_code != 200:
            return None  # Slack shows the person an error and keeps the modal as it was
        try:
            ack = reply.json() if reply.content.strip() else {}
        except ValueError:
            return {}
        return ack if isinstance(ack, dict) else {}

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
