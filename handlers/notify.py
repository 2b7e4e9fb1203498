"""How flows talk back to Slack without holding a WebClient (stand-in until foundations land)."""

from __future__ import annotations

from typing import Any, Protocol

from slack_sdk import WebClient

Blocks = list[dict[str, Any]]


class Notifier(Protocol):
    def post(
        self, channel: str, text: str, blocks: Blocks | None = None, *, thread_ts: str | None = None
    ) -> str: ...

    def update(self, channel: str, ts: str, text: str, blocks: Blocks | None = None) -> None: ...

    def ephemeral(
        self,
        channel: str,
        user: str,
        text: str,
        blocks: Blocks | None = None,
        *,
        thread_ts: str | None = None,
    ) -> None: ...

    def upload(
        self,
        channel: str,
        filename: str,
        content: bytes,
        *,
        thread_ts: str | None = None,
        title: str | None = None,
    ) -> None: ...


class SlackNotifier:
    def __init__(self, client: WebClient, limiter: Any = None) -> None:
        self._client = client

    def post(
        self, channel: str, text: str, blocks: Blocks | None = None, *, thread_ts: str | None = None
    ) -> str:
        answer = self._client.chat_postMessage(
            channel=channel, text=text, blocks=blocks, thread_ts=thread_ts
        )
        return str(answer["ts"])

    def update(self, channel: str, ts: str, text: str, blocks: Blocks | None = None) -> None:
        self._client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks or [])

    def ephemeral(
        self,
        channel: str,
        user: str,
        text: str,
        blocks: Blocks | None = None,
        *,
        thread_ts: str | None = None,
    ) -> None:
        self._client.chat_postEphemeral(
            channel=channel, user=user, text=text, blocks=blocks, thread_ts=thread_ts
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
        self._client.files_upload_v2(
            channel=channel, filename=filename, content=content, thread_ts=thread_ts, title=title
        )
