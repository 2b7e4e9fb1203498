"""`sipdesk demo --keep-running`: a prompt to talk to the bot without a Slack workspace.

Type as a customer or as staff in a channel (`/sip status`, `@sipdesk hello`, a file path to
upload it), click a button by its number, and see what each person sees, rendered as the demo
transcript renders it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.demo import Print, Stage
from bot.demo_render import indent, render_message

Read = Callable[[str], str]  # shows a prompt, returns the line typed (EOFError at the end)

HELP = """\
What you can type:
  /sip status, /sip help, /callerid ...   a slash command, as the current person
  @sipdesk some text                      mention the bot in the current channel
  PATH                                    upload that file into the current channel
  click N   (or just N)                   click the button numbered [N]
  home                                    open the sipdesk Home tab
  as alice | bob | carol | dave           be someone else (carol, dave: customers)
  in #channel                             go to another channel the person is in
  who                                     the people and channels
  anything else                           a message in the current channel
  quit                                    stop (Ctrl-D and Ctrl-C too)
"""

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


class DemoPrompt:
    """One person at a time, in one channel at a time, talking to the real bot."""

    def __init__(self, stage: Stage, out: Print, read: Read = input) -> None:
        self.stage = stage
        self.sandbox = stage.sandbox
        self.out = out
        self.read = read
        world = stage.world
        self.people = {"alice": world.alice, "bob": world.bob}
        self.people |= {"carol": world.carol, "dave": world.dave}
        self.home_channel = {
            world.alice: world.staff_channel,
            world.bob: world.staff_channel,
            world.carol: world.globex_channel,
            world.dave: world.initech_channel,
        }
        self.user = world.carol
        self.channel = world.globex_channel
        self.buttons: dict[int, Button] = {}
        self.seen = Seen()
        self._printed = 0
        self._snapshot()  # what the scripted demo showed is not news

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> None:
        self.out(f"\nYou are {self._name(self.user)} in {self._channel_name(self.channel)}.")
        self.out("Type `help` for what you can do, `quit` to stop.")
        while True:
            try:
                line = self.read(f"{self._short(self.user)}@{self._channel_name(self.channel)}> ")
            except (EOFError, KeyboardInterrupt):
                self.out("")
                return
            if not self.handle(line.strip()):
                return

    def handle(self, line: str) -> bool:
        """Act on one line; False when the person asked to stop."""
        if not line:
            return True
        word, _, rest = line.partition(" ")
        if word in ("quit", "exit"):
            return False
        if word == "help":
            self.out(HELP)
        elif word == "who":
            self._who()
        elif word == "as":
            self._become(rest.strip())
        elif word == "in":
            self._go_to(rest.strip())
        elif word == "home":
            self.seen.views.pop(f"home:{self.user}", None)  # shown even if it did not change
            self.stage.slack.app_home_opened(self.user)
            self._show_news()
        elif word == "click" or line.isdigit():
            self._click(rest.strip() if word == "click" else line)
        elif Path(line).expanduser().is_file():
            self._upload(Path(line).expanduser())
        elif line.startswith("/"):
            self._command(word, rest)
        elif line.startswith("@"):
            self.stage.slack.mention(self.user, self.channel, rest)
            self._show_news()
        else:
            self.stage.slack.say(self.user, self.channel, line)
            self._show_news()
        return True

    # -- what a person does -----------------------------------------------------------------

    def _command(self, command: str, text: str) -> None:
        answer = self.stage.slack.slash_command(command, text, user=self.user, channel=self.channel)
        body: dict[str, Any] = answer.json() if answer.content.strip() else {}
        if answer.status_code != 200:
            self.out(indent(f"HTTP {answer.status_code}: Slack shows an error"))
        elif body:
            public = body.get("response_type") == "in_channel"
            who = "in channel" if public else f"only visible to {self._short(self.user)}"
            self._print(
                f"[{self._channel_name(self.channel)}] sipdesk ({who}):", body, self.channel
            )
        self._show_news(answered=answer.status_code != 200 or bool(body))

    def _upload(self, path: Path) -> None:
        self.stage.slack.share_file(self.user, self.channel, path.name, path.read_bytes())
        self.out(indent(f"{self._short(self.user)} uploaded {path.name}"))
        self._show_news()

    def _click(self, number: str) -> None:
        button = self.buttons.get(int(number)) if number.isdigit() else None
        if button is None:
            self.out(indent(f"There is no button [{number}]."))
            return
        self.stage.slack.block_action(
            button.action_id,
            button.value,
            user=self.user,
            channel=button.channel,
            message_ts=button.message_ts,
            block_id=button.block_id,
            view=button.view_id,
        )
        self._show_news()

    def _become(self, name: str) -> None:
        user = self.people.get(name.lower())
        if user is None:
            self.out(indent(f"Nobody called {name!r}; try {', '.join(self.people)}."))
            return
        self.user = user
        if user not in self.sandbox.channel(self.channel).members:
            self.channel = self.home_channel[user]
        self.out(indent(f"You are {self._name(user)} in {self._channel_name(self.channel)}."))

    def _go_to(self, name: str) -> None:
        wanted = name.lstrip("#")
        for channel_id in self.home_channel.values():
            channel = self.sandbox.channel(channel_id)
            if channel.name == wanted:
                if self.user not in channel.members:
                    self.out(indent(f"{self._short(self.user)} is not in #{wanted}."))
                    return
                self.channel = channel_id
                return
        self.out(indent(f"No channel #{wanted}; `who` lists them."))

    def _who(self) -> None:
        lines: list[str] = []
        for short, user in self.people.items():
            rooms = [
                self._channel_name(c)
                for c in dict.fromkeys(self.home_channel.values())
                if user in self.sandbox.channel(c).members
            ]
            lines.append(f"{short}: {self._name(user)}, in {', '.join(rooms)}")
        self.out(indent("\n".join(lines)))

    # -- what each person sees --------------------------------------------------------------

    def _show_news(self, *, answered: bool = False) -> None:
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
                where = self._channel_name(channel)
                thread = " (in a thread)" if message.get("thread_ts") not in (None, key[1]) else ""
                self._print(f"[{where}] sipdesk {verb}{thread}:", message, channel)
        ephemerals = self.sandbox.ephemerals()
        for item in ephemerals[self.seen.ephemerals :]:
            where, who = self._channel_name(item["channel"]), self._short(item["user"])
            header = f"[{where}] sipdesk (only visible to {who}):"
            self._print(header, item["message"], item["channel"], ephemeral=True)
        self.seen.ephemerals = len(ephemerals)
        for user in self.people.values():
            self._show_views(user)

    def _show_views(self, user: str) -> None:
        home = self.sandbox.home_of(user)
        if home is not None and self._is_new_view(f"home:{user}", home):
            self._print(f"{self._name(user)} sees the sipdesk Home tab:", home, view=home)
        modals = self.sandbox.open_modals(user)
        if modals and self._is_new_view(f"modal:{user}", modals[-1]):
            top = modals[-1]
            title = (top.get("title") or {}).get("text", "")
            self._print(f"{self._name(user)} sees a window «{title}»:", top, view=top)

    def _is_new_view(self, key: str, view: dict[str, Any]) -> bool:
        shown = f"{view.get('id')}:{view.get('hash')}:{_fingerprint(view)}"  # republished too
        if self.seen.views.get(key) == shown:
            return False
        self.seen.views[key] = shown
        return True

    def _print(
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

    def _snapshot(self) -> None:
        with self.sandbox.world.lock:
            channels = list(self.sandbox.world.channels)
        for channel in channels:
            for message in self.sandbox.messages(channel):
                self.seen.messages[(channel, str(message["ts"]))] = _fingerprint(message)
        self.seen.ephemerals = len(self.sandbox.ephemerals())
        for user in self.people.values():
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

    def _name(self, user: str) -> str:
        return self.stage.names.get(user, user)

    def _short(self, user: str) -> str:
        return self._name(user).split(" ", 1)[0]

    def _channel_name(self, channel: str) -> str:
        if channel in self.stage.names:
            return self.stage.names[channel]
        known = self.sandbox.world.channels.get(channel)
        if known is not None and known.is_im:
            person = next((u for u in known.members if u != self.sandbox.bot_user_id), "")
            return f"DM with {self._short(person)}"
        return f"#{known.name}" if known is not None else channel


def _fingerprint(shown: dict[str, Any]) -> str:
    return json.dumps([shown.get("text"), shown.get("blocks")], sort_keys=True, default=str)


def talk(stage: Stage, out: Print, read: Read = input) -> None:
    """Run the prompt until the person quits."""
    DemoPrompt(stage, out, read).run()
