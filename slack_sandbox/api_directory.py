"""Who and where: auth.test, conversations.*, users.info, usergroups.users.list."""

from __future__ import annotations

import base64
from typing import Any

from slack_sandbox.api_common import ApiError, Args, Method, find_user, visible_channel
from slack_sandbox.shapes import channel_json, user_json
from slack_sandbox.world import World


def auth_test(world: World, args: Args) -> dict[str, Any]:
    team = world.teams[world.home_team_id()]
    return {
        "url": f"https://{team.domain}.slack.com/",
        "team": team.name,
        "user": world.bot.name,
        "team_id": team.id,
        "user_id": world.bot.user_id,
        "bot_id": world.bot.bot_id,
        "app_id": world.bot.app_id,
        "is_enterprise_install": False,
    }


def conversations_info(world: World, args: Args) -> dict[str, Any]:
    return {"channel": channel_json(world, visible_channel(world, args.text("channel")))}


def _page(items: list[str], cursor: str | None, limit: int) -> tuple[list[str], str]:
    """Slack's cursor paging: an opaque cursor, empty when there is nothing more."""
    start = 0
    if cursor:
        try:
            start = int(base64.b64decode(cursor).decode().removeprefix("offset:"))
        except ValueError:
            raise ApiError("invalid_cursor") from None
    end = start + max(1, min(limit, 1000))
    following = base64.b64encode(f"offset:{end}".encode()).decode() if end < len(items) else ""
    return items[start:end], following


def conversations_members(world: World, args: Args) -> dict[str, Any]:
    channel = visible_channel(world, args.text("channel"))
    members, following = _page(
        list(channel.members), args.optional_text("cursor"), args.integer("limit", 100)
    )
    return {"members": members, "response_metadata": {"next_cursor": following}}


def conversations_history(world: World, args: Args) -> dict[str, Any]:
    """A channel's messages, newest first, without thread replies (as Slack). Message metadata
    is included only with include_all_metadata, as in Slack."""
    channel = visible_channel(world, args.text("channel"))
    if world.bot.user_id not in channel.members:
        raise ApiError("not_in_channel")
    oldest = float(args.optional_text("oldest") or 0)
    latest = float(args.optional_text("latest") or "inf")
    with_metadata = args.flag("include_all_metadata")
    shown: list[dict[str, Any]] = []
    for message in reversed(world.history.get(channel.id, [])):
        if message.get("thread_ts") not in (None, message["ts"]):
            continue  # a reply: conversations.replies has it
        if not oldest < float(message["ts"]) < latest:
            continue
        copy = dict(message)
        if not with_metadata:
            copy.pop("metadata", None)
        shown.append(copy)
    limit = max(1, min(args.integer("limit", 100), 999))
    cursor = args.optional_text("cursor")
    start = 0
    if cursor:
        try:
            start = int(base64.b64decode(cursor).decode().removeprefix("offset:"))
        except ValueError:
            raise ApiError("invalid_cursor") from None
    page = shown[start : start + limit]
    more = start + limit < len(shown)
    following = base64.b64encode(f"offset:{start + limit}".encode()).decode() if more else ""
    return {
        "messages": page,
        "has_more": more,
        "pin_count": 0,
        "response_metadata": {"next_cursor": following},
    }


def conversations_replies(world: World, args: Args) -> dict[str, Any]:
    """A thread: its root, then its replies oldest first (as Slack). Message metadata is included
    only with include_all_metadata."""
    channel = visible_channel(world, args.text("channel"))
    if world.bot.user_id not in channel.members:
        raise ApiError("not_in_channel")
    root_ts = args.text("ts")
    with_metadata = args.flag("include_all_metadata")
    thread: list[dict[str, Any]] = []
    for message in world.history.get(channel.id, []):
        if message["ts"] != root_ts and message.get("thread_ts") != root_ts:
            continue
        copy = dict(message)
        if not with_metadata:
            copy.pop("metadata", None)
        thread.append(copy)
    if not any(m["ts"] == root_ts for m in thread):
        raise ApiError("thread_not_found")
    thread.sort(key=lambda m: float(m["ts"]))
    limit = max(1, min(args.integer("limit", 1000), 1000))
    return {"messages": thread[:limit], "has_more": len(thread) > limit}


def conversations_open(world: World, args: Args) -> dict[str, Any]:
    users = args.text("users").split(",")
    if len(users) != 1:
        raise ApiError("not_enough_users" if not users[0] else "too_many_users")
    find_user(world, users[0])
    channel = world.dm_channel(users[0])
    return {"channel": {"id": channel.id}}


def users_info(world: World, args: Args) -> dict[str, Any]:
    return {"user": user_json(world, find_user(world, args.text("user")))}


def team_info(world: World, args: Args) -> dict[str, Any]:
    """The bot's own workspace, or (with `team`) one it shares a channel with."""
    wanted = args.optional_text("team") or world.home_team_id()
    team = world.teams.get(wanted)
    shares = wanted == world.home_team_id() or any(
        wanted in channel.connected_team_ids for channel in world.channels.values()
    )
    if team is None or not shares:
        raise ApiError("team_not_found")
    return {"team": {"id": team.id, "name": team.name, "domain": team.domain}}


def usergroup_members(world: World, args: Args) -> dict[str, Any]:
    group = world.usergroups.get(args.text("usergroup"))
    if group is None:
        raise ApiError("no_such_subteam")
    return {"users": list(group.users)}


METHODS: dict[str, tuple[Method, str | None]] = {
    "auth.test": (auth_test, None),
    "conversations.history": (conversations_history, "channels:history"),
    "conversations.info": (conversations_info, "channels:read"),
    "conversations.members": (conversations_members, "channels:read"),
    "conversations.open": (conversations_open, "im:write"),
    "conversations.replies": (conversations_replies, "channels:history"),
    "team.info": (team_info, "team:read"),
    "users.info": (users_info, "users:read"),
    "usergroups.users.list": (usergroup_members, "usergroups:read"),
}
