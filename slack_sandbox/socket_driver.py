"""Slack's side of Socket Mode: the HTTP driver's payloads, sent as envelopes over the app's socket.

Each method answers with the payload the app acked with (`{}` for a bare ack), as the HTTP
driver answers with the app's response; the envelope types and `accepts_response_payload`
flags are Slack's.
"""

from __future__ import annotations

from typing import Any

from slack_sandbox.driving import Driver
from slack_sandbox.slack_side import SlackSide
from slack_sandbox.socket_mode import SocketModeServer


class SocketModeDriver(Driver[dict[str, Any]]):
    """Sends the connected app what Slack would: commands, clicks, submissions and events."""

    def __init__(
        self, sandbox: SlackSide, server: SocketModeServer, *, timeout: float = 10.0
    ) -> None:
        self.sandbox = sandbox
        self.server = server
        self.timeout = timeout  # Slack gives up after 3 s; a loaded CI machine needs more

    @property
    def connection_count(self) -> int:
        return self.server.connection_count

    def wait_until_connected(self, timeout: float = 10.0) -> None:
        """Until the app has opened a connection and been greeted with `hello`."""
        self.server.wait_for_connection(timeout)

    def refresh(self, timeout: float = 10.0) -> None:
        """Slack asks the app to reconnect (`disconnect`, refresh_requested); wait until it has."""
        self.server.refresh(timeout)

    def hang_up(self) -> None:
        """Slack closes the app's connections; an app that auto-reconnects opens a new one."""
        self.server.hang_up()

    # -- the Socket Mode transport ------------------------------------------------------------

    def _send_command(self, form: dict[str, str]) -> dict[str, Any]:
        # The same fields as the HTTP form, all strings, as a JSON object
        return self._send("slash_commands", form, accepts_response_payload=True)

    def _send_interaction(
        self, payload: dict[str, Any], *, accepts_response_payload: bool
    ) -> dict[str, Any]:
        return self._send("interactive", payload, accepts_response_payload=accepts_response_payload)

    def _send_event(
        self, envelope: dict[str, Any], *, retry_num: int | None, retry_reason: str | None
    ) -> dict[str, Any]:
        # Slack marks even the first delivery `retry_attempt: 0`
        return self._send(
            "events_api",
            envelope,
            accepts_response_payload=False,
            retry_attempt=retry_num or 0,
            retry_reason=retry_reason or "",
        )

    def _acted_on(self, reply: dict[str, Any]) -> dict[str, Any] | None:
        return reply

    def _send(
        self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool, **extra: Any
    ) -> dict[str, Any]:
        envelope = {
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            **extra,
        }
        return self.server.deliver(envelope, timeout=self.timeout)
