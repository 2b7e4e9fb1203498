"""What the drivers, the payload builders and the demo world use of the sandbox, as Protocols,
so none of them imports sandbox.py (which builds its Socket Mode driver from them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from slack_sandbox.world import User, World


@dataclass(frozen=True)
class CustomerUpload:
    """A file a person shared in a channel, and the two events Slack sends the bot about it."""

    file_id: str
    message_event: dict[str, Any]
    file_shared_event: dict[str, Any]


class SlackSide(Protocol):
    """The Slack a driver speaks for: its world, the people in it, and what they do there."""

    world: World

    @property
    def team_id(self) -> str: ...

    @property
    def app_id(self) -> str: ...

    @property
    def bot_id(self) -> str: ...

    @property
    def bot_user_id(self) -> str: ...

    def user(self, user_id: str) -> User: ...

    def view(self, view_id: str) -> dict[str, Any] | None: ...

    def message(self, channel: str, ts: str) -> dict[str, Any] | None: ...

    def issue_trigger_id(self, user: str) -> str: ...

    def response_url(self, channel: str, user: str, message_ts: str | None = None) -> str: ...

    def settle_view_submission(self, view_id: str, values: dict[str, Any], ack: Any) -> None: ...

    def say(
        self, user: str, channel: str, text: str, *, thread_ts: str | None = None
    ) -> dict[str, Any]: ...

    def upload_file(
        self,
        user: str,
        channel: str,
        name: str,
        content: bytes,
        mimetype: str | None = None,
        *,
        title: str | None = None,
        comment: str = "",
    ) -> CustomerUpload: ...


class WorldBuilder(Protocol):
    """What seeding a world needs: teams, people, channels and user groups."""

    @property
    def team_id(self) -> str: ...

    def add_team(self, name: str, domain: str | None = None) -> str: ...

    def add_user(
        self,
        name: str,
        *,
        team_id: str | None = None,
        real_name: str | None = None,
        is_admin: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        email: str = "",
    ) -> str: ...

    def add_channel(
        self,
        name: str,
        *,
        members: Iterable[str] = (),
        is_private: bool = False,
        shared_with_team: str | None = None,
        bot_is_member: bool = True,
    ) -> str: ...

    def add_usergroup(
        self, handle: str, users: Iterable[str], *, team_id: str | None = None, name: str = ""
    ) -> str: ...
