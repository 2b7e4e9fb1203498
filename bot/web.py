"""HTTP mode: `POST /slack/events` for Slack, `GET /healthz` for the load balancer."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
HealthCheck = Callable[[], dict[str, str]]
Wsgi = Callable[[Environ, StartResponse], Iterable[bytes]]
# The largest body we take: a bill through the upload page (10 MB) with its form around it.
# Waitress refuses a larger Content-Length before reading any of the body.
MAX_REQUEST_BYTES = 16 * 1024 * 1024
PAGES_PREFIX = "/links/"


def make_wsgi(
    app: App, health: HealthCheck, pages: Wsgi | None = None
) -> Callable[[Environ, StartResponse], Iterable[bytes]]:
    slack = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        # The one-time pages (bot/pages) answer their own paths; everything else is Slack's.
        if pages is not None and str(environ.get("PATH_INFO", "")).startswith(PAGES_PREFIX):
            return pages(environ, start_response)
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") == "GET":
            checks = health()
            healthy = all(v == "ok" for v in checks.values())
            body = json.dumps({"status": "ok" if healthy else "degraded", **checks}).encode()
            start_response(
                "200 OK" if healthy else "503 Service Unavailable",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return slack(environ, start_response)

    return wsgi


class HttpServer:
    """A waitress server for the WSGI app; `start()` serves from a thread (tests, demo)."""

    def __init__(
        self,
        wsgi: Callable[[Environ, StartResponse], Iterable[bytes]],
        host: str,
        port: int,
        threads: int = 8,
        max_request_body_size: int = MAX_REQUEST_BYTES,
    ) -> None:
        self._server: Any = create_server(
            wsgi,
            host=host,
            port=port,
            threads=threads,
            max_request_body_size=max_request_body_size,
        )
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self._server.effective_host}:{self._server.effective_port}"

    def serve_forever(self) -> None:
        self._server.run()

    def start(self) -> HttpServer:
        self._thread = threading.Thread(target=self._server.run, name="sipdesk-http", daemon=True)
        self._thread.start()
        return self

    def serve_forever_in_foreground(self) -> None:
        """Block until interrupted while the server thread serves."""
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(timeout=1)
        except KeyboardInterrupt:
            pass

    def stop(self) -> None:
        self._server.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
