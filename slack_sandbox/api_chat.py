"""chat.* and reactions.add: the messages the bot posts, edits and reacts to."""

from __future__ import annotations

from typing import Any

from slack_sandbox.api_common import ApiError, Args, Method, find_user, postable_channel
from slack_sandbox.shapes import bot_message
from slack_sandbox.world import World

MAX_MESSAGE_BLOCKS = 50
MAX_TEXT = 40_000


def _content(args: Args, *, required: bool) -> dict[str, Any]:
    """The visible parts of a message; Slack refuses one with nothing to show."""
    blocks = args.structured("blocks", error="invalid_blocks_format")
    attachments = args.structured("attachments", error="invalid_attachments")
    text = args.optional_text("text")
    if required and not (text or blocks or attachments):
        raise ApiError("no_text")
    if text is not None and len(text) > MAX_TEXT:
        raise ApiError("msg_too_long")
    if blocks is not None:
        if not isinstance(blocks, list) or len(blocks) > MAX_MESSAGE_BLOCKS:
            raise ApiError("invalid_blocks")
        if not all(isinstance(b, dict) and isinstance(b.get("type"), str) for b in blocks):
            raise ApiError("invalid_blocks")
    content: dict[str, Any] = {"text": text or ""} if text is not None or required else {}
    if blocks is not None:
        content["blocks"] = blocks
    if attachments is not None:
        content["attachments"] = attachments
    for key in ("thread_ts", "username", "icon_emoji"):
        value = args.values.get(key)
        if value not in (None, ""):
            content[key] = value
    metadata = _metadata(args)
    if metadata is not None:
        content["metadata"] = metadata
    return content


def _metadata(args: Args) -> dict[str, Any] | None:
    """Message metadata as Slack takes it: an event_type and an event_payload object."""
    metadata = args.structured("metadata", error="invalid_metadata_format")
    if metadata in (None, ""):
        return None
    if not isinstance(metadata, dict):
        raise ApiError("invalid_metadata_format")
    event_type, payload = metadata.get("event_type"), metadata.get("event_payload")
    if not isinstance(event_type, str) or not event_type or not isinstance(payload, dict):
        raise ApiError("invalid_metadata_schema")
    return {"event_type": event_type, "event_payload": payload}


def _own_message(world: World, channel_id: str, ts: str, refusal: str) -> dict[str, Any]:
    message = world.message(channel_id, ts)
    if message is None:
        raise ApiError("message_not_found")
    if message.get("bot_id") != world.bot.bot_id:
        raise ApiError(refusal)
    return message


def post_message(world: World, args: Args) -> dict[str, Any]:
    channel = postable_channel(world, args.text("channel"))
    message = bot_message(world, world.new_ts(), _content(args, required=True))
    world.history.setdefault(channel.id, []).append(message)
    return {"channel": channel.id, "ts": message["ts"], "message": message}


def update_message(world: World, args: Args) -> dict[str, Any]:
    channel = postable_channel(world, args.text("channel"))
    message = _own_message(world, channel.id, args.text("ts"), "cant_update_message")
    # Fields left out keep their old value, as in Slack
    message.update(_content(args, required=False))
    message["edited"] = {"user": world.bot.user_id, "ts": world.new_ts()}
    return {
        "channel": channel.id,
        "ts": message["ts"],
        "text": message.get("text", ""),
        "message": message,
    }


def post_ephemeral(world: World, args: Args) -> dict[str, Any]:
    channel = postable_channel(world, args.text("channel"))
    user = find_user(world, args.text("user"))
    if user.id not in channel.members:
        raise ApiError("user_not_in_channel")
    message = bot_message(world, world.new_ts(), _content(args, required=True))
    world.ephemerals.append({"channel": channel.id, "user": user.id, "message": message})
    return {"message_ts": message["ts"]}


def delete_message(world: World, args: Args) -> dict[str, Any]:
    channel = postable_channel(world, args.text("channel"))
    message = _own_message(world, channel.id, args.text("ts"), "cant_delete_message")
    world.history[channel.id].remove(message)
    return {"channel": channel.id, "ts": message["ts"]}


def add_reaction(world: World, args: Args) -> dict[str, Any]:
    channel = postable_channel(world, args.text("channel"))
    name = args.text("name")
    if ":" in name or " " in name:
        raise ApiError("invalid_name")
    message = world.message(channel.id, args.text("timestamp"))
    if message is None:
        raise ApiError("message_not_found")
    reactions: list[dict[str, Any]] = message.setdefault("reactions", [])
    reaction = next((r for r in reactions if r["name"] == name), None)
    if reaction is None:
        reaction = {"name": name, "users": [], "count": 0}
        reactions.append(reaction)
    if world.bot.user_id in reaction["users"]:
        raise ApiError("already_reacted")
    reaction["users"].append(world.bot.user_id)
    reaction["count"] += 1
    return {}


METHODS: dict[str, tuple[Method, str | None]] = {
    "chat.postMessage": (post_message, "chat:write"),
    "chat.update": (update_message, "chat:write"),
    "chat.postEphemeral": (post_ephemeral, "chat:write"),
    "chat.delete": (delete_message, "chat:write"),
    "reactions.add": (add_reaction, "reactions:write"),
}
