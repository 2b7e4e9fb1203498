"""Slack's side of Socket Mode: the HTTP driver's payloads, sent as envelopes over the app's socket.

Each method answers with the payload the app acked with (`{}` for a bare ack), as the HTTP
driver answers with the app's response; the envelope types and `accepts_response_payload`
flags are Slack's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_sandbox import payloads
from slack_sandbox.socket_mode import SocketModeServer

if TYPE_CHECKING:
    from slack_sandbox.sandbox import SlackSandbox


class SocketModeDriver:
    """Sends the connected app what Slack would: commands, clicks, submissions and events."""

    def __init__(
        self, sandbox: SlackSandbox, server: SocketModeServer, *, timeout: float = 10.0
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

    # -- what Slack sends ---------------------------------------------------------------------

    def slash_command(
        self, command: str, text: str, *, user: str, channel: str, team: str | None = None
    ) -> dict[str, Any]:
        # The same fields as the HTTP form, all strings, as a JSON object
        form = payloads.slash_command_form(self.sandbox, command, text, user, channel, team)
        return self._send("slash_commands", form, accepts_response_payload=True)

    def block_action(
        self,
        action_id: str,
        value: str,
        *,
        user: str,
        channel: str | None = None,
        message_ts: str | None = None,
        block_id: str | None = None,
        container: dict[str, Any] | None = None,
        view: str | dict[str, Any] | None = None,
        action_type: str = "button",
    ) -> dict[str, Any]:
        payload = payloads.block_actions(
            self.sandbox,
            action_id,
            value,
            user=user,
            channel=channel,
            message_ts=message_ts,
            block_id=block_id,
            container=container,
            view=view,
            action_type=action_type,
        )
        return self._send("interactive", payload, accepts_response_payload=False)

    def view_submission(
        self,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        *,
        user: str,
        private_metadata: str = "",
        view_id: str | None = None,
    ) -> dict[str, Any]:
        """A person submits a modal; the sandbox then does what the app's ack payload asks."""
        payload = payloads.view_submission(
            self.sandbox,
            callback_id,
            values,
            user=user,
            private_metadata=private_metadata,
            view_id=view_id,
        )
        ack = self._send("interactive", payload, accepts_response_payload=True)
        if payloads.is_known_view(self.sandbox, view_id):
            state = payload["view"]["state"]["values"]
            self.sandbox.settle_view_submission(str(view_id), state, ack)
        return ack

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int = 0,
        retry_reason: str = "",
    ) -> dict[str, Any]:
        """An Events API delivery; Slack marks even the first one `retry_attempt: 0`."""
        envelope = payloads.event_envelope(self.sandbox, event, event_id)
        return self._send(
            "events_api",
            envelope,
            accepts_response_payload=False,
            retry_attempt=retry_num,
            retry_reason=retry_reason,
        )

    def app_home_opened(self, user: str) -> dict[str, Any]:
        return self.event(payloads.app_home_opened(self.sandbox, user))

    def say(
        self, user: str, channel: str, text: str, *, thread_ts: str | None = None
    ) -> dict[str, Any]:
        """A person writes in a channel, and Slack tells the app."""
        return self.event(self.sandbox.say(user, channel, text, thread_ts=thread_ts))

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
