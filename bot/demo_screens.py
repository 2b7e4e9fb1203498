"""What each person sees in the demo's Slack, printed as the transcript prints it: each turn
shows only what changed (new or edited messages, ephemerals, Home tabs, windows), and numbers
every button so the prompt can click it."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from bot.demo import Print, Stage
from bot.demo_render import indent, render_message

QUIET_FOR = 0.4  # the bot is done when nothing new has happened for this long...
AT_MOST = 5.0  # ...or after this, whichever comes first


@dataclass(frozen=True)
class Button:
    action_id: str
    value: str
    block_id: str | None
    channel: str | None = None
    message_ts: str | None = None
    view_id: str | None = None


@dataclass
class Seen:
    """What was already shown, so each turn prints only what changed."""

    messages: dict[tuple[str, str], str] = field(default_factory=dict)
    ephemerals: int = 0
    views: dict[str, str] = field(default_factory=dict)


class Screens:
    """The sandbox's Slack as the demo's people see it."""

    def __init__(self, stage: Stage, out: Print, people: list[str]) -> None:
        self.stage = stage
        self.sandbox = stage.sandbox
        self.out = out
        self.people = people
        self.buttons: dict[int, Button] = {}
        self.seen = Seen()
        self._printed = 0
        self.snapshot()  # what was shown before is not news

    def forget_home(self, user: str) -> None:
        """Show the person's Home tab next time even if it did not change."""
        self.seen.views.pop(f"home:{user}", None)

    # -- what each person sees --------------------------------------------------------------

    def show_news(self, *, answered: bool = False) -> None:
        self._wait_until_quiet()
        printed = len(self.buttons), self._printed
        self._show_changes()
        if not answered and (len(self.buttons), self._printed) == printed:
            self.out(indent("(nothing happens: the bot does not answer that yet)"))

    def _show_changes(self) -> None:
        world = self.sandbox.world
        with world.lock:
            channels = list(world.channels)
        for channel in channels:
            for message in self.sandbox.messages(channel):
                key = (channel, str(message["ts"]))
                shown = _fingerprint(message)
                before = self.seen.messages.get(key)
                if before == shown:
                    continue
                self.seen.messages[key] = shown
                verb = "edits its message" if before is not None else "posts"
                where = self.channel_name(channel)
                thread = " (in a thread)" if message.get("thread_ts") not in (None, key[1]) else ""
                self.print(f"[{where}] sipdesk {verb}{thread}:", message, channel)
        ephemerals = self.sandbox.ephemerals()
        for item in ephemerals[self.seen.ephemerals :]:
            where, who = self.channel_name(item["channel"]), self.short(item["user"])
            header = f"[{where}] sipdesk (only visible to {who}):"
            self.print(header, item["message"], item["channel"], ephemeral=True)
        self.seen.ephemerals = len(ephemerals)
        for user in self.people:
            self._show_views(user)

    def _show_views(self, user: str) -> None:
        home = self.sandbox.home_of(user)
        if home is not None and self._is_new_view(f"home:{user}", home):
            self.print(f"{self.name(user)} sees the sipdesk Home tab:", home, view=home)
        modals = self.sandbox.open_modals(user)
        if modals and self._is_new_view(f"modal:{user}", modals[-1]):
            top = modals[-1]
            title = (top.get("title") or {}).get("text", "")
            self.print(f"{self.name(user)} sees a window «{title}»:", top, view=top)

    def _is_new_view(self, key: str, view: dict[str, Any]) -> bool:
        shown = f"{view.get('id')}:{view.get('hash')}:{_fingerprint(view)}"  # republished too
        if self.seen.views.get(key) == shown:
            return False
        self.seen.views[key] = shown
        return True

    def print(
        self,
        header: str,
        message: dict[str, Any],
        channel: str | None = None,
        *,
        view: dict[str, Any] | None = None,
        ephemeral: bool = False,
    ) -> None:
        ts = None if view is not None else message.get("ts")

        def numbered(element: dict[str, Any], block: dict[str, Any]) -> str:
            number = len(self.buttons) + 1
            self.buttons[number] = Button(
                action_id=str(element.get("action_id", "")),
                value=str(element.get("value", "")),
                block_id=block.get("block_id"),
                channel=channel,
                message_ts=None if ephemeral else ts,
                view_id=None if view is None else view.get("id"),
            )
            return f"[{number}: {element.get('text', {}).get('text', '')}]"

        self.out(header)
        self.out(indent(render_message(message, numbered)))
        self._printed += 1

    def snapshot(self) -> None:
        with self.sandbox.world.lock:
            channels = list(self.sandbox.world.channels)
        for channel in channels:
            for message in self.sandbox.messages(channel):
                self.seen.messages[(channel, str(message["ts"]))] = _fingerprint(message)
        self.seen.ephemerals = len(self.sandbox.ephemerals())
        for user in self.people:
            home = self.sandbox.home_of(user)
            if home is not None:
                self._is_new_view(f"home:{user}", home)

    def _wait_until_quiet(self) -> None:
        # The bot acks first and calls Slack after; wait for its calls to stop coming.
        deadline = time.monotonic() + AT_MOST
        count = len(self.sandbox.calls) + len(self.sandbox.responses)
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = len(self.sandbox.calls) + len(self.sandbox.responses)
            if now != count:
                count, quiet_since = now, time.monotonic()
            elif time.monotonic() - quiet_since >= QUIET_FOR:
                return

    # -- names ------------------------------------------------------------------------------

    def name(self, user: str) -> str:
        return self.stage.names.get(user, user)

    def short(self, user: str) -> str:
        return self.name(user).split(" ", 1)[0]

    def channel_name(self, channel: str) -> str:
        if channel in self.stage.names:
            return self.stage.names[channel]
        known = self.sandbox.world.channels.get(channel)
        if known is not None and known.is_im:
            person = next((u for u in known.members if u != self.sandbox.bot_user_id), "")
            return f"DM with {self.short(person)}"
        return f"#{known.name}" if known is not None else channel


def _fingerprint(shown: dict[str, Any]) -> str:
    return json.dumps([shown.get("text"), shown.get("blocks")], sort_keys=True, default=str)
