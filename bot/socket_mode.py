"""Socket Mode: with SLACK_APP_TOKEN set, the bot dials Slack over a WebSocket instead of serving
HTTP, so it needs no public URL (and no signing secret: the link itself is authenticated)."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.runtime import Runtime, StartupError


def socket_mode_handler(runtime: Runtime) -> SocketModeHandler:
    """Bolt's handler for the runtime's app; `connect()` it, or `start()` it to block.

    It asks for its link (apps.connections.open) through the app's own WebClient, so
    SLACK_API_URL and the client's retry policy apply there too.
    """
    token = runtime.settings.slack_app_token
    if token is None:
        raise StartupError("Socket Mode needs SLACK_APP_TOKEN, an app-level token (xapp-...).")
    return SocketModeHandler(runtime.app, token.get_secret_value())
