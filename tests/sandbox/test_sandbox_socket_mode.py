"""Socket Mode as Slack serves it: an app-level token opens a link, envelopes come, acks go back.

The app side is slack_sdk's own built-in SocketModeClient, the one Bolt's SocketModeHandler uses.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from slack_sandbox import DemoWorld, SlackSandbox

Answer = Callable[[SocketModeRequest], dict[str, Any] | None]


class AppSocket:
    """A plain Socket Mode app: records what arrives and acks with what `answer` returns."""

    def __init__(self, sandbox: SlackSandbox) -> None:
        self.client = SocketModeClient(
            app_token=sandbox.app_token, web_client=WebClient(base_url=sandbox.api_url)
        )
        self.raw: list[dict[str, Any]] = []
        self.requests: list[SocketModeRequest] = []
        self.answer: Answer = lambda request: None
        self.client.on_message_listeners.append(lambda text: self.raw.append(json.loads(text)))
        self.client.socket_mode_request_listeners.append(self._ack)

    def _ack(self, client: Any, request: SocketModeRequest) -> None:
        self.requests.append(request)
        payload = self.answer(request)
        client.send_socket_mode_response(SocketModeResponse(request.envelope_id, payload))


@pytest.fixture
def app_socket(sandbox: SlackSandbox) -> Iterator[AppSocket]:
    app = AppSocket(sandbox)
    try:
        yield app
    finally:
        close_promptly(app.client, sandbox)


def close_promptly(client: SocketModeClient, sandbox: SlackSandbox) -> None:
    """Slack hangs up first, so the client need not wait out its 3 s socket read timeout."""
    client.auto_reconnect_enabled = client.default_auto_reconnect_enabled = False
    sandbox.socket_mode.hang_up()
    client.close()


def connected(app: AppSocket, sandbox: SlackSandbox) -> AppSocket:
    app.client.connect()
    sandbox.socket_mode.wait_until_connected()
    return app


def test_only_the_app_level_token_opens_a_connection(sandbox: SlackSandbox):
    assert sandbox.app_token.startswith("xapp-1-")
    opened = WebClient(base_url=sandbox.api_url).apps_connections_open(app_token=sandbox.app_token)
    assert sandbox.world.socket_url.startswith("ws://127.0.0.1:")
    assert opened["url"].startswith(f"{sandbox.world.socket_url}/link/?")
    assert "ticket=" in opened["url"]
    for token, error in [
        (sandbox.bot_token, "not_allowed_token_type"),
        ("xapp-1-A-1-no", "invalid_auth"),
    ]:
        with pytest.raises(SlackApiError) as refused:
            WebClient(base_url=sandbox.api_url).apps_connections_open(app_token=token)
        assert refused.value.response["error"] == error
    with pytest.raises(SlackApiError) as refused:
        WebClient(token=sandbox.app_token, base_url=sandbox.api_url).auth_test()
    assert refused.value.response["error"] == "not_allowed_token_type"


def test_a_ticket_opens_one_link_and_a_made_up_one_none(sandbox: SlackSandbox):
    url = WebClient(base_url=sandbox.api_url).apps_connections_open(app_token=sandbox.app_token)[
        "url"
    ]
    with connect(url) as first:
        assert json.loads(first.recv(timeout=5))["type"] == "hello"
        for reused in (url, url.replace("ticket=", "ticket=forged")):
            with pytest.raises(InvalidStatus) as refused:
                connect(reused)
            assert refused.value.response.status_code == 401


def test_the_app_is_greeted_with_hello_first(sandbox: SlackSandbox, app_socket: AppSocket):
    connected(app_socket, sandbox)
    hello = sandbox.eventually(lambda: app_socket.raw)[0]
    assert hello["type"] == "hello"
    assert hello["num_connections"] == 1
    assert hello["connection_info"] == {"app_id": sandbox.app_id}
    assert sandbox.socket_mode.connection_count == 1


def test_a_slash_command_arrives_as_slack_sends_it_and_the_ack_payload_comes_back(
    sandbox: SlackSandbox, world: DemoWorld, app_socket: AppSocket
):
    app_socket.answer = lambda request: {"response_type": "ephemeral", "text": "hi"}
    connected(app_socket, sandbox)
    ack = sandbox.socket_mode.slash_command(
        "/sip", "help", user=world.carol, channel=world.globex_channel
    )
    assert ack == {"response_type": "ephemeral", "text": "hi"}
    request = app_socket.requests[0]
    assert request.type == "slash_commands"
    envelope = next(m for m in app_socket.raw if m.get("type") == "slash_commands")
    assert envelope["accepts_response_payload"] is True
    assert envelope["envelope_id"] == request.envelope_id
    form = request.payload
    assert form["command"] == "/sip" and form["text"] == "help"
    assert form["user_id"] == world.carol and form["channel_id"] == world.globex_channel
    assert form["api_app_id"] == sandbox.app_id
    assert form["response_url"].startswith(sandbox.base_url)
    assert all(isinstance(value, str) for value in form.values())  # the form's fields, as JSON


def test_events_and_clicks_arrive_in_their_envelopes_and_a_bare_ack_is_empty(
    sandbox: SlackSandbox, world: DemoWorld, app_socket: AppSocket
):
    connected(app_socket, sandbox)
    assert sandbox.socket_mode.app_home_opened(world.alice) == {}
    assert (
        sandbox.socket_mode.block_action(
            "approve", "7", user=world.bob, channel=world.staff_channel
        )
        == {}
    )
    event, click = app_socket.requests
    assert event.type == "events_api"
    assert event.payload["type"] == "event_callback"
    assert event.payload["event"]["type"] == "app_home_opened"
    assert event.payload["event"]["user"] == world.alice
    assert event.retry_attempt == 0
    assert click.type == "interactive"
    assert click.payload["type"] == "block_actions"
    assert click.payload["actions"][0]["action_id"] == "approve"
    assert click.payload["actions"][0]["value"] == "7"


def test_the_app_reconnects_when_slack_asks_and_deliveries_follow_it(
    sandbox: SlackSandbox, world: DemoWorld, app_socket: AppSocket
):
    connected(app_socket, sandbox)
    first_session = app_socket.client.session_id()
    sandbox.socket_mode.refresh()
    assert sandbox.socket_mode.connection_count == 1  # refresh returns once the old link closed
    # The app swaps to its new session a moment after Slack sees it: wait for the session itself
    client = app_socket.client
    assert sandbox.eventually(
        lambda: client.is_connected() and client.session_id() != first_session
    )
    app_socket.answer = lambda request: {"text": "still here"}
    ack = sandbox.socket_mode.slash_command(
        "/sip", "", user=world.carol, channel=world.globex_channel
    )
    assert ack == {"text": "still here"}


def test_an_app_that_never_acks_times_the_delivery_out(
    sandbox: SlackSandbox, world: DemoWorld, app_socket: AppSocket
):
    connected(app_socket, sandbox)
    app_socket.client.socket_mode_request_listeners.clear()  # receives, never answers
    sandbox.socket_mode.timeout = 0.5
    with pytest.raises(TimeoutError, match="slash_commands"):
        sandbox.socket_mode.slash_command(
            "/sip", "", user=world.carol, channel=world.globex_channel
        )


def test_with_no_app_connected_there_is_no_one_to_deliver_to(
    sandbox: SlackSandbox, world: DemoWorld
):
    with pytest.raises(ConnectionError):
        sandbox.socket_mode.slash_command(
            "/sip", "", user=world.carol, channel=world.globex_channel
        )
    with pytest.raises(TimeoutError):
        sandbox.socket_mode.wait_until_connected(timeout=0.2)


def test_stopping_the_sandbox_closes_a_connected_app_promptly():
    sandbox = SlackSandbox().start()
    app = AppSocket(sandbox)
    app.client.auto_reconnect_enabled = app.client.default_auto_reconnect_enabled = False
    try:
        connected(app, sandbox)
        stopper = threading.Thread(target=sandbox.stop)
        stopper.start()
        stopper.join(timeout=10)
        assert not stopper.is_alive()
        assert sandbox.eventually(lambda: not app.client.is_connected())
    finally:
        app.client.close()
        sandbox.stop()
