"""The in-memory Slack world the sandbox serves: teams, people, channels, files, views.

Every read or write goes through `World.lock`, since the HTTP server answers on many threads.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Team:
    id: str
    name: str
    domain: str


@dataclass
class User:
    id: str
    team_id: str
    name: str
    real_name: str
    is_bot: bool = False
    is_admin: bool = False
    deleted: bool = False
    email: str = ""


@dataclass
class Channel:
    id: str
    name: str
    team_id: str
    is_private: bool = False
    is_ext_shared: bool = False
    connected_team_ids: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    is_im: bool = False
    created: int = field(default_factory=lambda: int(time.time()))


@dataclass
class Usergroup:
    id: str
    handle: str
    team_id: str
    name: str
    users: list[str] = field(default_factory=list)


@dataclass
class StoredFile:
    id: str
    name: str
    title: str
    mimetype: str
    filetype: str
    user: str
    content: bytes = b""
    channels: list[str] = field(default_factory=list)
    created: int = field(default_factory=lambda: int(time.time()))
    # False while an external upload is announced but its bytes have not arrived yet
    uploaded: bool = True
    shared: bool = True
    # A remote file (files.remote.add): Slack hands its url_private out as the app gave it.
    remote_url: str | None = None

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class View:
    """A modal or a Home tab as Slack keeps it: the app's payload plus Slack's own fields."""

    id: str
    user: str
    payload: dict[str, Any]
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    state_values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    closed: bool = False


@dataclass
class ResponseTarget:
    """What a response_url answers for: the conversation and, for a click, its message."""

    id: str
    channel: str
    user: str
    message_ts: str | None = None


@dataclass(frozen=True)
class BotIdentity:
    user_id: str
    bot_id: str
    app_id: str
    team_id: str
    token: str
    name: str


class World:
    """All of the sandbox's Slack state; callers hold `lock` while they read or change it."""

    def __init__(self, *, team: Team, bot_name: str, bot_token: str) -> None:
        self.lock = threading.RLock()
        self.base_url = ""
        self.teams: dict[str, Team] = {}
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.usergroups: dict[str, Usergroup] = {}
        self.files: dict[str, StoredFile] = {}
        self.history: dict[str, list[dict[str, Any]]] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.views: dict[str, View] = {}
        self.modal_stacks: dict[str, list[str]] = {}
        self.homes: dict[str, str] = {}
        self.last_modal: dict[str, str] = {}
        # trigger_id -> (the person who acted, monotonic time issued); Slack honours them 3 s
        self.triggers: dict[str, tuple[str, float]] = {}
        self.trigger_ttl = 30.0
        self.exchanged_triggers: set[str] = set()
        self.response_targets: dict[str, ResponseTarget] = {}
        # What a person chose in a message's menus, sent back in the state of their next click
        # on that message: (channel, message ts, user) -> block_id -> action_id -> the choice
        self.selections: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {}
        self.scopes: set[str] = set()
        # Socket Mode: the app-level token, the WebSocket server's ws:// root, and the one-use
        # tickets apps.connections.open handed out (ticket -> monotonic time issued)
        self.app_token = ""
        self.socket_url = ""
        self.socket_tickets: dict[str, float] = {}
        self._counter = 0
        self._last_micros = 0
        # The provider's own workspace, with the app installed in it
        self.teams[team.id] = team
        self.bot = BotIdentity(
            user_id=self.new_id("U"),
            bot_id=self.new_id("B"),
            app_id=self.new_id("A"),
            team_id=team.id,
            token=bot_token,
            name=bot_name,
        )
        self.users[self.bot.user_id] = User(
            self.bot.user_id, team.id, bot_name, bot_name, is_bot=True
        )

    # -- identifiers ------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        """A Slack-looking id (`C0000000A1`), unique across every kind of object."""
        with self.lock:
            self._counter += 1
            n = self._counter
        digits = ""
        while n:
            n, rest = divmod(n, 36)
            digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[rest] + digits
        return prefix + digits.rjust(10, "0")

    def new_ts(self) -> str:
        """A message timestamp like Slack's ("1700000000.000100"), strictly increasing."""
        with self.lock:
            self._last_micros = max(time.time_ns() // 1000, self._last_micros + 1)
            seconds, micros = divmod(self._last_micros, 1_000_000)
        return f"{seconds}.{micros:06d}"

    @staticmethod
    def new_hash() -> str:
        return f"{int(time.time())}.{secrets.token_hex(4)}"

    # -- look-ups ---------------------------------------------------------------------------

    def home_team_id(self) -> str:
        return self.bot.team_id

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self.lock:
            for message in self.history.get(channel, []):
                if message["ts"] == ts:
                    return message
        return None

    def dm_channel(self, user_id: str) -> Channel:
        """The bot's direct-message conversation with a person, opened on first use."""
        with self.lock:
            for channel in self.channels.values():
                if channel.is_im and user_id in channel.members:
                    return channel
            channel = Channel(
                id=self.new_id("D"),
                name=user_id,
                team_id=self.home_team_id(),
                is_private=True,
                is_im=True,
                members=[self.bot.user_id, user_id],
            )
            self.channels[channel.id] = channel
            self.history[channel.id] = []
            return channel
