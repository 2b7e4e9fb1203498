"""The Notifier a listener or a job hands its flow: Slack, paced per channel for every replica.

The limiter declines a slot more than a couple of seconds away (`ChannelBusy`, nothing sent);
flows run after the ack or in a job, so they wait their turn and try again, up to a deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from slack_sdk import WebClient

from handlers.notify import Block, Notifier, SlackNotifier
from handlers.services import Services
from store.rate_limit import ChannelBusy, ChannelRateLimiter

T = TypeVar("T")
PATIENCE_SECONDS = 120.0


class PatientNotifier:
    """A Notifier that waits out a busy channel instead of failing the flow."""

    def __init__(self, inner: Notifier, *, patience: float = PATIENCE_SECONDS) -> None:
        self._inner = inner
        self._patience = patience

    def post(
        self,
        channel: str,
        text: str,
        blocks: list[Block] | None = None,
        *,
        thread_ts: str | None = None,
        key: str | None = None,
    ) -> str:
        return self._patiently(
            lambda: self._inner.post(channel, text, blocks, thread_ts=thread_ts, key=key)
        )

    def find_posted(self, channel: str, key: str, *, thread_ts: str | None = None) -> str | None:
        return self._inner.find_posted(channel, key, thread_ts=thread_ts)

    def update(self, channel: str, ts: str, text: str, blocks: list[Block] | None = None) -> None:
        self._patiently(lambda: self._inner.update(channel, ts, text, blocks))

    def ephemeral(
        self,
        channel: str,
        user: str,
        text: str,
        blocks: list[Block] | None = None,
        *,
        thread_ts: str | None = None,
    ) -> None:
        self._patiently(
            lambda: self._inner.ephemeral(channel, user, text, blocks, thread_ts=thread_ts)
        )

    def upload(
        self,
        channel: str,
        filename: str,
        content: bytes,
        *,
        thread_ts: str | None = None,
        title: str | None = None,
    ) -> None:
        self._patiently(
            lambda: self._inner.upload(channel, filename, content, thread_ts=thread_ts, title=title)
        )

    def _patiently(self, send: Callable[[], T]) -> T:
        deadline = time.monotonic() + self._patience
        while True:
            try:
                return send()
            except ChannelBusy as busy:
                if time.monotonic() + busy.retry_in > deadline:
                    raise
                time.sleep(max(busy.retry_in, 0.05))


def slack_notifier(services: Services, client: WebClient) -> Notifier:
    limiter = ChannelRateLimiter(services.redis, services.redis_prefix)
    return PatientNotifier(SlackNotifier(client, limiter))
