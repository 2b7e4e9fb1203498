"""`sipdesk demo --keep-running`: a prompt to talk to the bot without a Slack workspace.

Type as a customer or as staff in a channel (`/sip status`, `@sipdesk hello`, a file path to
upload it), click a button by its number, and see what each person sees, rendered as the demo
transcript renders it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.demo import Print, Stage
from bot.demo_render import indent
from bot.demo_screens import Screens

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
        self.screens = Screens(stage, out, list(self.people.values()))

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> None:
        where = self.screens.channel_name(self.channel)
        self.out(f"\nYou are {self.screens.name(self.user)} in {where}.")
        self.out("Type `help` for what you can do, `quit` to stop.")
        while True:
            try:
                line = self.read(
                    f"{self.screens.short(self.user)}@{self.screens.channel_name(self.channel)}> "
                )
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
            self.screens.forget_home(self.user)
            self.stage.slack.app_home_opened(self.user)
            self.screens.show_news()
        elif word == "click" or line.isdigit():
            self._click(rest.strip() if word == "click" else line)
        elif Path(line).expanduser().is_file():
            self._upload(Path(line).expanduser())
        elif line.startswith("/"):
            self._command(word, rest)
        elif line.startswith("@"):
            self.stage.slack.mention(self.user, self.channel, rest)
            self.screens.show_news()
        else:
            self.stage.slack.say(self.user, self.channel, line)
            self.screens.show_news()
        return True

    # -- what a person does -----------------------------------------------------------------

    def _command(self, command: str, text: str) -> None:
        answer = self.stage.slack.slash_command(command, text, user=self.user, channel=self.channel)
        body: dict[str, Any] = answer.json() if answer.content.strip() else {}
        if answer.status_code != 200:
            self.out(indent(f"HTTP {answer.status_code}: Slack shows an error"))
        elif body:
            public = body.get("response_type") == "in_channel"
            who = "in channel" if public else f"only visible to {self.screens.short(self.user)}"
            self.screens.print(
                f"[{self.screens.channel_name(self.channel)}] sipdesk ({who}):", body, self.channel
            )
        self.screens.show_news(answered=answer.status_code != 200 or bool(body))

    def _upload(self, path: Path) -> None:
        self.stage.slack.share_file(self.user, self.channel, path.name, path.read_bytes())
        self.out(indent(f"{self.screens.short(self.user)} uploaded {path.name}"))
        self.screens.show_news()

    def _click(self, number: str) -> None:
        button = self.screens.buttons.get(int(number)) if number.isdigit() else None
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
        self.screens.show_news()

    def _become(self, name: str) -> None:
        user = self.people.get(name.lower())
        if user is None:
            self.out(indent(f"Nobody called {name!r}; try {', '.join(self.people)}."))
            return
        self.user = user
        if user not in self.sandbox.channel(self.channel).members:
            self.channel = self.home_channel[user]
        self.out(
            indent(
                f"You are {self.screens.name(user)} in {self.screens.channel_name(self.channel)}."
            )
        )

    def _go_to(self, name: str) -> None:
        wanted = name.lstrip("#")
        for channel_id in self.home_channel.values():
            channel = self.sandbox.channel(channel_id)
            if channel.name == wanted:
                if self.user not in channel.members:
                    self.out(indent(f"{self.screens.short(self.user)} is not in #{wanted}."))
                    return
                self.channel = channel_id
                return
        self.out(indent(f"No channel #{wanted}; `who` lists them."))

    def _who(self) -> None:
        lines: list[str] = []
        for short, user in self.people.items():
            rooms = [
                self.screens.channel_name(c)
                for c in dict.fromkeys(self.home_channel.values())
                if user in self.sandbox.channel(c).members
            ]
            lines.append(f"{short}: {self.screens.name(user)}, in {', '.join(rooms)}")
        self.out(indent("\n".join(lines)))


def talk(stage: Stage, out: Print, read: Read = input) -> None:
    """Run the prompt until the person quits."""
    DemoPrompt(stage, out, read).run()
