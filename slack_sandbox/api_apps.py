"""Methods an app calls with its app-level token (`xapp-`): opening a Socket Mode connection."""

from __future__ import annotations

import secrets
import time
from typing import Any

from slack_sandbox.api_common import ApiError, Args, Method
from slack_sandbox.world import World


def connections_open(world: World, args: Args) -> dict[str, Any]:
    """A one-use WebSocket URL; Slack's looks like wss://wss-primary.slack.com/link/?ticket=..."""
    if not world.socket_url:
        raise ApiError("internal_error")
    ticket = secrets.token_hex(16)
    world.socket_tickets[ticket] = time.monotonic()
    return {"url": f"{world.socket_url}/link/?ticket={ticket}&app_id={world.bot.app_id}"}


# The app-level token's scope (connections:write) is not one of the bot's: no scope check here
METHODS: dict[str, tuple[Method, str | None]] = {
    "apps.connections.open": (connections_open, None),
}
