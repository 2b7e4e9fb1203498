"""response_url: where a slash command or a click answers later, as Slack's webhook does."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_sandbox.shapes import bot_message
from slack_sandbox.world import ResponseTarget, World


@dataclass(frozen=True)
class RecordedResponse:
    """One post the bot made to a response_url."""

    id: str
    channel: str
    user: str
    body: dict[str, Any]
    at: datetime

    @property
    def response_type(self) -> str:
        return str(self.body.get("response_type") or "ephemeral")

    @property
    def replace_original(self) -> bool:
        return self.body.get("replace_original") in (True, "true")

    @property
    def delete_original(self) -> bool:
        return self.body.get("delete_original") in (True, "true")


class ResponseHooks:
    def __init__(self, world: World) -> None:
        self.world = world
        self.received: list[RecordedResponse] = []

    def new_url(self, channel: str, user: str, message_ts: str | None = None) -> str:
        hook_id = secrets.token_hex(8)
        with self.world.lock:
            self.world.response_targets[hook_id] = ResponseTarget(
                hook_id, channel, user, message_ts
            )
        return f"{self.world.base_url}/response/{hook_id}"

    def receive(self, hook_id: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        world = self.world
        with world.lock:
            target = world.response_targets.get(hook_id)
            if target is None:
                return 404, {"ok": False, "error": "no_active_hooks"}
            response = RecordedResponse(
                hook_id, target.channel, target.user, body, datetime.now(UTC)
            )
            self.received.append(response)
            original = (
                world.message(target.channel, target.message_ts) if target.message_ts else None
            )
            if response.delete_original and original is not None:
                world.history[target.channel].remove(original)
            elif response.replace_original and original is not None:
                for key in ("text", "blocks", "attachments"):
                    if key in body:
                        original[key] = body[key]
                    elif key != "text":
                        original.pop(key, None)
            elif response.response_type == "in_channel":
                message = bot_message(world, world.new_ts(), body)
                world.history.setdefault(target.channel, []).append(message)
            else:
                message = bot_message(world, world.new_ts(), body)
                world.ephemerals.append(
                    {"channel": target.channel, "user": target.user, "message": message}
                )
            return 200, {"ok": True}
