"""A stand-in for the bot's /slack/events: records what the driver sends, answers as told."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: bytes

    def form_payload(self) -> dict[str, Any]:
        return dict(json.loads(parse_qs(self.body.decode())["payload"][0]))


@dataclass
class BotEndpoint:
    """Whatever answers at /slack/events: records each request, answers with `answer`."""

    url: str
    received: list[ReceivedRequest] = field(default_factory=list)
    answer: Callable[[ReceivedRequest], tuple[int, bytes]] = lambda _: (200, b"")


@contextmanager
def running_bot_endpoint() -> Iterator[BotEndpoint]:
    endpoint = BotEndpoint(url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = ReceivedRequest(
                self.path, dict(self.headers.items()), self.rfile.read(length)
            )
            endpoint.received.append(request)
            status, body = endpoint.answer(request)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    endpoint.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield endpoint
    finally:
        server.shutdown()
        server.server_close()
