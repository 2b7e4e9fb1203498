"""How Slack renders the world's objects in Web API answers and event payloads."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from slack_sandbox.world import Channel, StoredFile, User, View, World


def user_json(world: World, user: User) -> dict[str, Any]:
    """`users.info`'s user, as seen from the provider's own workspace."""
    home = world.home_team_id()
    shape: dict[str, Any] = {
        "id": user.id,
        "team_id": user.team_id,
        "name": user.name,
        "real_name": user.real_name,
        "deleted": user.deleted,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "is_admin": user.is_admin,
        "is_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "tz": "Europe/London",
        "profile": {
            "real_name": user.real_name,
            "display_name": user.name,
            "email": user.email,
            "team": user.team_id,
        },
    }
    if user.team_id != home:
        # A Slack Connect partner's person: Slack marks them as a stranger to our workspace
        shape["is_stranger"] = True
    if user.is_bot and user.id == world.bot.user_id:
        shape["profile"]["bot_id"] = world.bot.bot_id
        shape["profile"]["api_app_id"] = world.bot.app_id
    return shape


def channel_json(world: World, channel: Channel) -> dict[str, Any]:
    """`conversations.info`'s channel."""
    return {
        "id": channel.id,
        "name": channel.name,
        "is_channel": not channel.is_im and not channel.is_private,
        "is_group": False,
        "is_im": channel.is_im,
        "is_mpim": False,
        "is_private": channel.is_private,
        "is_archived": False,
        "is_general": False,
        "is_shared": channel.is_ext_shared,
        "is_ext_shared": channel.is_ext_shared,
        "is_org_shared": False,
        "is_member": world.bot.user_id in channel.members,
        "context_team_id": world.home_team_id(),
        "connected_team_ids": list(channel.connected_team_ids),
        "shared_team_ids": [channel.team_id],
        "created": channel.created,
        "num_members": len(channel.members),
    }


def file_json(world: World, stored: StoredFile) -> dict[str, Any]:
    """The full file object of `files.info` and of announcements outside Slack Connect."""
    base = f"{world.base_url}/files/{stored.id}"
    return {
        "id": stored.id,
        "created": stored.created,
        "timestamp": stored.created,
        "name": stored.name,
        "title": stored.title,
        "mimetype": stored.mimetype,
        "filetype": stored.filetype,
        "pretty_type": stored.filetype.upper(),
        "user": stored.user,
        "user_team": world.users[stored.user].team_id if stored.user in world.users else "",
        "mode": "external" if stored.remote_url else "hosted",
        "editable": False,
        "is_external": False,
        "external_type": "",
        "is_public": any(
            not world.channels[c].is_private for c in stored.channels if c in world.channels
        ),
        "size": stored.size,
        "url_private": stored.remote_url or f"{base}/{quote(stored.name)}",
        "url_private_download": stored.remote_url or f"{base}/download/{quote(stored.name)}",
        "permalink": f"{world.base_url}/archives/files/{stored.id}",
        "channels": [c for c in stored.channels if not world.channels[c].is_private],
        "groups": [c for c in stored.channels if world.channels[c].is_private],
        "ims": [],
        "has_rich_preview": False,
        "file_access": "visible",
    }


def connect_file_stub(stored: StoredFile) -> dict[str, Any]:
    """What Slack Connect announces instead of the file: the bot must ask `files.info`."""
    return {
        "id": stored.id,
        "mode": "file_access",
        "file_access": "check_file_info",
        "created": 0,
        "timestamp": 0,
        "user": "",
    }


def view_json(world: World, view: View) -> dict[str, Any]:
    """A view as Slack returns it: the app's payload plus id, hash, state and lineage."""
    payload = view.payload
    return {
        "id": view.id,
        "team_id": world.home_team_id(),
        "type": payload.get("type"),
        "title": payload.get("title"),
        "submit": payload.get("submit"),
        "close": payload.get("close"),
        "blocks": payload.get("blocks", []),
        "private_metadata": payload.get("private_metadata", ""),
        "callback_id": payload.get("callback_id", ""),
        "external_id": payload.get("external_id", ""),
        "state": {"values": view.state_values},
        "hash": view.hash,
        "clear_on_close": bool(payload.get("clear_on_close", False)),
        "notify_on_close": bool(payload.get("notify_on_close", False)),
        "root_view_id": view.root_view_id,
        "previous_view_id": view.previous_view_id,
        "app_id": world.bot.app_id,
        "app_installed_team_id": world.home_team_id(),
        "bot_id": world.bot.bot_id,
    }


def bot_message(world: World, ts: str, content: dict[str, Any]) -> dict[str, Any]:
    """A message the app posted, as it appears in history and API answers."""
    message: dict[str, Any] = {
        "type": "message",
        "subtype": "bot_message" if content.get("username") else None,
        "user": world.bot.user_id,
        "bot_id": world.bot.bot_id,
        "app_id": world.bot.app_id,
        "team": world.home_team_id(),
        "ts": ts,
        "text": content.get("text", ""),
    }
    for key in ("blocks", "attachments", "thread_ts", "metadata", "username", "icon_emoji"):
        if content.get(key) is not None:
            message[key] = content[key]
    if message["subtype"] is None:
        del message["subtype"]
    return message
