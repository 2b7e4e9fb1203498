"""Files: files.info, the three-step external upload, and the private download URLs."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from typing import Any

from slack_sandbox.api_common import ApiError, Args, Method, invalid_arguments, postable_channel
from slack_sandbox.shapes import bot_message, file_json
from slack_sandbox.world import StoredFile, World

# Slack answers a download without a valid token with its sign-in page, status 200
LOGIN_PAGE = (
    b"<!DOCTYPE html><html lang='en'><head><title>Slack</title></head>"
    b"<body><h1>Sign in to your workspace</h1><form action='/signin'></form></body></html>"
)


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: dict[str, str]
    body: bytes


def guess_types(name: str, mimetype: str | None = None) -> tuple[str, str]:
    """(mimetype, Slack filetype) for a file name, as Slack infers them."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    guessed = mimetypes.guess_type(name)[0]
    filetype = {"jpeg": "jpg", "txt": "text", "": "binary"}.get(extension, extension)
    return mimetype or guessed or "application/octet-stream", filetype


def visible_to_bot(world: World, stored: StoredFile) -> bool:
    if not stored.uploaded:
        return False
    if stored.user == world.bot.user_id:
        return True
    return any(
        world.bot.user_id in world.channels[c].members
        for c in stored.channels
        if c in world.channels
    )


def files_info(world: World, args: Args) -> dict[str, Any]:
    stored = world.files.get(args.text("file"))
    if stored is None or not visible_to_bot(world, stored):
        raise ApiError("file_not_found")
    return {
        "file": file_json(world, stored),
        "comments": [],
        "response_metadata": {"next_cursor": ""},
    }


def get_upload_url(world: World, args: Args) -> dict[str, Any]:
    name = args.text("filename")
    if args.integer("length", 0) <= 0:
        raise invalid_arguments("[ERROR] length must be a positive integer")
    mimetype, filetype = guess_types(name)
    stored = StoredFile(
        id=world.new_id("F"),
        name=name,
        title=name,
        mimetype=mimetype,
        filetype=filetype,
        user=world.bot.user_id,
        uploaded=False,
        shared=False,
    )
    world.files[stored.id] = stored
    return {"upload_url": f"{world.base_url}/upload/{stored.id}", "file_id": stored.id}


def complete_upload(world: World, args: Args) -> dict[str, Any]:
    entries = args.structured("files")
    if not isinstance(entries, list) or not entries:
        raise invalid_arguments("[ERROR] files must be a non-empty list")
    done: list[StoredFile] = []
    for entry in entries:
        stored = world.files.get(str(entry.get("id", ""))) if isinstance(entry, dict) else None
        if stored is None or not stored.uploaded or stored.user != world.bot.user_id:
            raise ApiError("file_not_found")
        if entry.get("title"):
            stored.title = str(entry["title"])
        done.append(stored)
    targets = [c for c in (args.optional_text("channels") or "").split(",") if c]
    if args.optional_text("channel_id"):
        targets.append(args.text("channel_id"))
    channels = [postable_channel(world, c) for c in targets]
    for channel in channels:
        message = bot_message(
            world,
            world.new_ts(),
            {
                "text": args.optional_text("initial_comment") or "",
                "thread_ts": args.values.get("thread_ts"),
            },
        )
        for stored in done:
            stored.channels.append(channel.id)
        message["files"] = [file_json(world, stored) for stored in done]
        message["upload"] = True
        world.history.setdefault(channel.id, []).append(message)
    for stored in done:
        stored.shared = True
    return {"files": [file_json(world, stored) for stored in done]}


def receive_upload(world: World, file_id: str, body: bytes) -> HttpAnswer:
    """The upload URL that files.getUploadURLExternal handed out takes the file's bytes."""
    with world.lock:
        stored = world.files.get(file_id)
        if stored is None or stored.uploaded:
            return HttpAnswer(404, {"Content-Type": "text/plain"}, b"Not Found")
        stored.content = body
        stored.uploaded = True
    return HttpAnswer(200, {"Content-Type": "text/plain"}, f"OK - {len(body)}".encode())


def serve_download(
    world: World, file_id: str, name: str, authorization: str | None, *, attachment: bool
) -> HttpAnswer:
    """url_private(_download): the bytes for the bot's token, the sign-in page for anyone else."""
    html = {"Content-Type": "text/html; charset=utf-8"}
    with world.lock:
        if authorization != f"Bearer {world.bot.token}":
            return HttpAnswer(200, html, LOGIN_PAGE)
        stored = world.files.get(file_id)
        if stored is None or stored.name != name or not visible_to_bot(world, stored):
            return HttpAnswer(404, html, b"<html><body>File not found</body></html>")
        headers = {"Content-Type": stored.mimetype, "Content-Length": str(stored.size)}
        if attachment:
            headers["Content-Disposition"] = f'attachment; filename="{stored.name}"'
        return HttpAnswer(200, headers, stored.content)


METHODS: dict[str, tuple[Method, str | None]] = {
    "files.info": (files_info, "files:read"),
    "files.getUploadURLExternal": (get_upload_url, "files:write"),
    "files.completeUploadExternal": (complete_upload, "files:write"),
}
