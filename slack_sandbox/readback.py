"""Reading back what the bot did in the sandbox: calls, messages, views, responses."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from slack_sandbox.responses import RecordedResponse, ResponseHooks
from slack_sandbox.shapes import view_json
from slack_sandbox.web_api import RecordedCall, WebApi
from slack_sandbox.world import Channel, User, World

T = TypeVar("T")


class BotActivity:
    """The assertions' side of the sandbox; every read takes the world's lock."""

    world: World
    api: WebApi
    hooks: ResponseHooks

    @staticmethod
    def eventually(probe: Callable[[], T], seconds: float = 10.0) -> T:
        """The first truthy answer of `probe` within `seconds` (else its last answer).

        The bot acks first and calls the Web API after, so what it does shows up a little later.
        """
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = probe()
            if found:
                return found
            time.sleep(0.02)
        return probe()

    @property
    def calls(self) -> list[RecordedCall]:
        with self.world.lock:
            return list(self.api.calls)

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.method == method]

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """The bot's messages in a channel as they stand now (edits applied, deletions gone)."""
        with self.world.lock:
            target = self._conversation(channel)
            return [
                dict(m)
                for m in self.world.history.get(target, [])
                if m.get("bot_id") == self.world.bot.bot_id
            ]

    def history(self, channel: str) -> list[dict[str, Any]]:
        """Everything in a channel: the people's messages and the bot's, oldest first."""
        with self.world.lock:
            return [dict(m) for m in self.world.history.get(self._conversation(channel), [])]

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self.world.lock:
            found = self.world.message(self._conversation(channel), ts)
            return dict(found) if found is not None else None

    def ephemerals(
        self, channel: str | None = None, user: str | None = None
    ) -> list[dict[str, Any]]:
        """Ephemeral messages (chat.postEphemeral, response URLs): channel, user, message."""
        with self.world.lock:
            return [
                dict(e)
                for e in self.world.ephemerals
                if (channel is None or e["channel"] == channel)
                and (user is None or e["user"] == user)
            ]

    def _conversation(self, channel: str) -> str:
        # A person's id stands for the bot's DM with them, as chat.postMessage allows
        if channel[:1] in ("U", "W") and channel in self.world.users:
            return self.world.dm_channel(channel).id
        return channel

    @property
    def responses(self) -> list[RecordedResponse]:
        with self.world.lock:
            return list(self.hooks.received)

    def last_view(self, user: str) -> dict[str, Any] | None:
        """The modal most recently opened, pushed or updated for a person (even if closed since)."""
        with self.world.lock:
            view_id = self.world.last_modal.get(user)
            return self.view(view_id) if view_id else None

    def open_modals(self, user: str) -> list[dict[str, Any]]:
        """The person's modal stack now, bottom first; empty once Slack closed them."""
        with self.world.lock:
            return [
                view_json(self.world, self.world.views[v])
                for v in self.world.modal_stacks.get(user, [])
            ]

    def view(self, view_id: str) -> dict[str, Any] | None:
        with self.world.lock:
            view = self.world.views.get(view_id)
            if view is None:
                return None
            shape = view_json(self.world, view)
            shape["errors"] = dict(view.errors)
            shape["is_closed"] = view.closed
            return shape

    def home_of(self, user: str) -> dict[str, Any] | None:
        """The Home tab last published for a person."""
        with self.world.lock:
            view_id = self.world.homes.get(user)
            return view_json(self.world, self.world.views[view_id]) if view_id else None

    def file_content(self, file_id: str) -> bytes:
        with self.world.lock:
            return self.world.files[file_id].content

    def user(self, user_id: str) -> User:
        return self.world.users[user_id]

    def channel(self, channel_id: str) -> Channel:
        return self.world.channels[channel_id]
