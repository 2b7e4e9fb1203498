"""Slack's Socket Mode server: the WebSocket an app opens with a ticket from apps.connections.open.

The `websockets` library serves it (its threaded server, like the sandbox's HTTP side) rather
than hand-rolled RFC 6455 framing: the app's client then meets a complete, strict WebSocket peer
(handshake checks, fragmentation, ping/pong, close handshake), as it does on Slack.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from concurrent.futures import Future
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from slack_sandbox.world import World

TICKET_TTL_SECONDS = 60.0


class SocketModeServer:
    """Accepts the app's connections and sends it envelopes, waiting for each one's ack."""

    def __init__(self, world: World, host: str = "127.0.0.1", port: int = 0) -> None:
        self.world = world
        self._address = (host, port)
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        # Guards the open connections, how many ever opened, and the envelopes awaiting an ack
        self._changed = threading.Condition()
        self._connections: list[ServerConnection] = []
        self._opened = 0
        self._awaiting: dict[str, Future[dict[str, Any]]] = {}

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._server is not None:
            return
        host, port = self._address
        self._server = serve(
            self._serve_app,
            host,
            port,
            process_request=self._check_ticket,
            compression=None,  # slack_sdk's built-in client never offers permessage-deflate
            close_timeout=2,  # a client that drops the socket must not hold up stop()
        )
        bound_host, bound_port = self._server.socket.getsockname()[:2]
        with self.world.lock:
            self.world.socket_url = f"ws://{bound_host}:{bound_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="slack-sandbox-socket-mode", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        with self.world.lock:
            self.world.socket_url = ""
        self._server.shutdown()  # closes open connections (1001 going away) and joins handlers
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    # -- what Slack does ----------------------------------------------------------------------

    @property
    def connection_count(self) -> int:
        with self._changed:
            return len(self._connections)

    @property
    def opened(self) -> int:
        """How many connections the app has opened so far (a reconnection counts again)."""
        with self._changed:
            return self._opened

    def wait_for_connection(self, timeout: float, *, opened_more_than: int = 0) -> None:
        """Until a connection has said hello (and, after a refresh, a new one has)."""

        def ready() -> bool:
            return bool(self._connections) and self._opened > opened_more_than

        with self._changed:
            if not self._changed.wait_for(ready, timeout):
                raise TimeoutError(f"no Socket Mode connection from the app within {timeout} s")

    def deliver(self, envelope: dict[str, Any], *, timeout: float) -> dict[str, Any]:
        """Send one envelope to the newest connection; the payload the app acked it with."""
        envelope_id = str(uuid.uuid4())
        acked: Future[dict[str, Any]] = Future()
        with self._changed:
            if not self._connections:
                raise ConnectionError("the app has no Socket Mode connection open")
            connection = self._connections[-1]
            self._awaiting[envelope_id] = acked
        try:
            connection.send(json.dumps({"envelope_id": envelope_id, **envelope}))
            try:
                return acked.result(timeout)
            except TimeoutError:
                kind = envelope.get("type")
                raise TimeoutError(f"the app did not ack a {kind} envelope in {timeout}s") from None
        finally:
            with self._changed:
                self._awaiting.pop(envelope_id, None)

    def refresh(self, timeout: float, reason: str = "refresh_requested") -> None:
        """Slack says `disconnect`: the app opens a new connection, then Slack drops the old one."""
        message = json.dumps({"type": "disconnect", "reason": reason, "debug_info": _debug_info()})
        with self._changed:
            old = list(self._connections)
            opened = self._opened
        for connection in old:
            connection.send(message)
        self.wait_for_connection(timeout, opened_more_than=opened)
        for connection in old:
            connection.close(CloseCode.GOING_AWAY)
        # Done when only new links are left: an envelope sent now cannot land on a closing one.
        with self._changed:
            if not self._changed.wait_for(
                lambda: self._connections and not set(old) & set(self._connections), timeout
            ):
                raise TimeoutError(f"the app's old Socket Mode link did not close in {timeout} s")

    def hang_up(self) -> None:
        """Close every connection from Slack's side (1001 going away), as when a host retires."""
        with self._changed:
            connections = list(self._connections)
        for connection in connections:
            connection.close(CloseCode.GOING_AWAY)

    # -- the wire -----------------------------------------------------------------------------

    def _check_ticket(self, connection: ServerConnection, request: Request) -> Response | None:
        parts = urlsplit(request.path)
        if parts.path.rstrip("/") != "/link":
            return connection.respond(HTTPStatus.NOT_FOUND, "not found\n")
        ticket = (parse_qs(parts.query).get("ticket") or [""])[0]
        with self.world.lock:
            issued = self.world.socket_tickets.pop(ticket, None)  # each ticket opens one link
        if issued is None or time.monotonic() - issued > TICKET_TTL_SECONDS:
            return connection.respond(HTTPStatus.UNAUTHORIZED, "invalid or expired ticket\n")
        return None

    def _serve_app(self, connection: ServerConnection) -> None:
        try:
            with self._changed:
                count = len(self._connections) + 1
            connection.send(json.dumps(self._hello(count)))
            with self._changed:
                self._connections.append(connection)
                self._opened += 1
                self._changed.notify_all()
            for message in connection:
                self._take_ack(message)
        except ConnectionClosed:
            pass  # the app dropped the socket without a close frame, as slack_sdk's client does
        finally:
            with self._changed:
                if connection in self._connections:
                    self._connections.remove(connection)
                self._changed.notify_all()

    def _take_ack(self, message: str | bytes) -> None:
        try:
            ack = json.loads(message)
        except ValueError:
            return
        if not isinstance(ack, dict):
            return
        with self._changed:
            acked = self._awaiting.get(str(ack.get("envelope_id")))
        if acked is not None and not acked.done():
            payload = ack.get("payload")
            acked.set_result(payload if isinstance(payload, dict) else {})

    def _hello(self, num_connections: int) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": num_connections,
            "debug_info": {**_debug_info(), "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.world.bot.app_id},
        }


def _debug_info() -> dict[str, Any]:
    return {"host": f"applink-sandbox-{secrets.token_hex(3)}", "build_number": 1}
