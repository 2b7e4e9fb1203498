"""`@sipdesk sip …` and `@sipdesk callerid …` are the slash commands without their slash.

A mention is handed to the very listener `registry.subcommand()` registered for the command's
first word (or the command's fallback), with `ack`, `respond` and `say` that answer in the
mention's thread; so every use case is reachable by mention with no code of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from handlers.notify import Block, Notifier

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
COMMAND_WORDS = {"sip": "/sip", "/sip": "/sip", "callerid": "/callerid", "/callerid": "/callerid"}


@dataclass(frozen=True)
class Mention:
    user_id: str
    team_id: str | None
    channel_id: str
    ts: str
    thread_ts: str  # where the answer goes: the mention's thread
    text: str  # without the mentions of the bot


def read_mention(event: dict[str, Any]) -> Mention | None:
    """The mention, its user's team as Slack's `user_team` says (None when it does not: never
    the envelope's team, which is the app's workspace whoever wrote)."""
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not user or not channel or not ts or event.get("bot_id"):
        return None
    text = " ".join(_MENTION.sub(" ", str(event.get("text") or "")).split())
    return Mention(
        user_id=str(user),
        team_id=str(event["user_team"]) if event.get("user_team") else None,
        channel_id=str(channel),
        ts=str(ts),
        thread_ts=str(event.get("thread_ts") or ts),
        text=text,
    )


def split_command(text: str) -> tuple[str, str] | None:
    """("/sip", "new Front desk") for "sip new Front desk"; None when no command word leads."""
    head, _, rest = text.partition(" ")
    command = COMMAND_WORDS.get(head.lower())
    return (command, rest.strip()) if command else None


def as_command(mention: Mention, command: str, text: str) -> dict[str, Any]:
    """The slash command's payload a listener reads, as if typed; no trigger, no response_url."""
    return {
        "command": command,
        "text": text,
        "user_id": mention.user_id,
        "team_id": mention.team_id,  # the user's own team, as a command's team_id is
        "channel_id": mention.channel_id,
        "thread_ts": mention.thread_ts,
    }


class ThreadReplies:
    """`ack`, `respond` and `say` of a mention: whatever they carry is said in the thread."""

    def __init__(self, notifier: Notifier, mention: Mention) -> None:
        self._notifier = notifier
        self._mention = mention
        self.said = 0

    def reply(self, text: str | None = None, blocks: list[Block] | None = None, **_: Any) -> None:
        if not text and not blocks:
            return
        self.said += 1
        self._notifier.post(
            self._mention.channel_id, text or "", blocks, thread_ts=self._mention.thread_ts
        )

    def ack(self, text: str | None = None, blocks: list[Block] | None = None, **more: Any) -> None:
        self.reply(text, blocks, **more)

    def respond(
        self, text: str | None = None, blocks: list[Block] | None = None, **more: Any
    ) -> None:
        self.reply(text, blocks, **more)

    def say(self, text: str | None = None, blocks: list[Block] | None = None, **more: Any) -> None:
        self.reply(text, blocks, **more)
