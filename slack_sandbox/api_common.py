"""What every Web API method of the sandbox shares: its error, its arguments, channel access."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sandbox.world import Channel, User, World


class ApiError(Exception):
    """A Slack `{"ok": false, "error": ...}` answer, with any extra fields Slack adds."""

    def __init__(self, error: str, *, status: int = 200, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra = extra


def invalid_arguments(*messages: str) -> ApiError:
    return ApiError("invalid_arguments", response_metadata={"messages": list(messages)})


class Args:
    """A method's arguments after the wire format is undone (JSON fields already decoded)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def text(self, name: str) -> str:
        value = self.values.get(name)
        if value is None or value == "":
            raise invalid_arguments(f"[ERROR] missing required field: {name}")
        return str(value)

    def optional_text(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None or value == "" else str(value)

    def flag(self, name: str) -> bool:
        return self.values.get(name) in (True, 1, "1", "true", "True")

    def integer(self, name: str, default: int) -> int:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise invalid_arguments(f"[ERROR] {name} must be an integer") from None

    def structured(self, name: str, *, error: str = "invalid_arguments") -> Any:
        """A list or object argument; a string left here was JSON that would not parse."""
        value = self.values.get(name)
        if isinstance(value, str):
            raise ApiError(error)
        return value


def find_user(world: World, user_id: str) -> User:
    user = world.users.get(user_id)
    if user is None:
        raise ApiError("user_not_found")
    return user


def visible_channel(world: World, channel_id: str) -> Channel:
    """A channel the bot can see: private ones it is not in do not exist for it."""
    channel = world.channels.get(channel_id)
    if channel is None or (channel.is_private and world.bot.user_id not in channel.members):
        raise ApiError("channel_not_found")
    return channel


def postable_channel(world: World, channel_id: str) -> Channel:
    """Where the bot may post: a channel it is in, or a person's id (its DM with them)."""
    if channel_id[:1] in ("U", "W") and channel_id in world.users:
        return world.dm_channel(channel_id)
    channel = visible_channel(world, channel_id)
    if world.bot.user_id not in channel.members:
        raise ApiError("not_in_channel")
    return channel


# A Web API method: the world and its arguments in, the fields of the ok answer out
Method = Callable[[World, Args], dict[str, Any]]
