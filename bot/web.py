"""HTTP mode: `POST /slack/events` for Slack, `GET /healthz` for the load balancer.

The door takes a request in this order, and stops at the first step that fails: the path and
method (404/405), the size (413 over `MAX_BODY_BYTES`, before a byte is read), the signature on
the raw bytes (401), the shape of the payload (400). Only then does Bolt see it. A refusal is
logged in one line that never holds the body.
"""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer

from bot import inbound
from bot.signature import VERIFIED_KEY, refusal

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
HealthCheck = Callable[[], dict[str, str]]
Wsgi = Callable[[Environ, StartResponse], Iterable[bytes]]

EVENTS_PATH = "/slack/events"
PAGES_PREFIX = "/links/"
# Slack's payloads are a few kilobytes; a view with every block filled stays far below this.
MAX_BODY_BYTES = 1024 * 1024


def make_wsgi(
    app: App,
    health: HealthCheck,
    *,
    signing_secret: str | None,
    push: Wsgi | None = None,
    pages: Wsgi | None = None,
) -> Wsgi:
    """The WSGI app: the door in front of Bolt, the health check, the registrar's push and the
    one-time pages."""

    def wsgi(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if push is not None and is_registrar_push(environ):
            return push(environ, start_response)
        # The one-time pages (bot/pages) answer their own paths, with their own checks.
        if pages is not None and str(path or "").startswith(PAGES_PREFIX):
            return pages(environ, start_response)
        if path == "/healthz" and method == "GET":
            checks = health()
            healthy = all(v == "ok" for v in checks.values())
            body = json.dumps({"status": "ok" if healthy else "degraded", **checks}).encode()
            return _answer(start_response, 200 if healthy else 503, body, "application/json")
        if path != EVENTS_PATH:
            return _answer(start_response, 404, b"Not Found")
        if method != "POST":
            return _answer(start_response, 405, b"Method Not Allowed", extra=[("Allow", "POST")])
        status, body, headers = _events(app, signing_secret, environ)
        return _answer(start_response, status, body, extra=headers)

    return wsgi


def is_registrar_push(environ: Environ) -> bool:
    """`/watch/registrar-events`: the registrar's pushes (bot/push_endpoint.py answers them)."""
    return environ.get("PATH_INFO") == "/watch/registrar-events"


def _events(
    app: App, signing_secret: str | None, environ: Environ
) -> tuple[int, bytes, list[tuple[str, str]]]:
    peer = environ.get("REMOTE_ADDR", "?")
    length_text = environ.get("CONTENT_LENGTH") or ""
    if not length_text.isdigit():
        _refused(peer, 411, "no Content-Length", 0)
        return 411, b"Length Required", []
    length = int(length_text)
    if length > MAX_BODY_BYTES:
        _refused(peer, 413, f"body over {MAX_BODY_BYTES} bytes", length)
        return 413, b"Payload Too Large", []
    raw = environ["wsgi.input"].read(length) if length else b""
    why = refusal(
        signing_secret,
        environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
        environ.get("HTTP_X_SLACK_SIGNATURE"),
        raw,
    )
    if why is not None:
        _refused(peer, 401, why, len(raw))
        return 401, b'{"error":"invalid request"}', [("Content-Type", "application/json")]
    content_type = environ.get("CONTENT_TYPE")
    try:
        typed = inbound.parse(inbound.decode(raw, content_type))
        request = BoltRequest(
            body=raw.decode("utf-8"),
            query=environ.get("QUERY_STRING", ""),
            headers=_headers(environ),
            context={inbound.CONTEXT_KEY: typed, VERIFIED_KEY: True},
        )
    except inbound.Malformed as error:
        _refused(peer, 400, f"signed but malformed: {error.reason}", len(raw))
        return 400, b'{"error":"malformed request"}', [("Content-Type", "application/json")]
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        # Bolt reads more of the payload than we check; a shape it trips on is still ours to 400.
        _refused(peer, 400, f"signed but unreadable ({type(error).__name__})", len(raw))
        return 400, b'{"error":"malformed request"}', [("Content-Type", "application/json")]
    response = app.dispatch(request)
    return _bolt_answer(response)


def _refused(peer: str, status: int, reason: str, size: int) -> None:
    log.info("refused %s %s from %s: %s (%d bytes)", status, EVENTS_PATH, peer, reason, size)


def _headers(environ: Environ) -> dict[str, str | Sequence[str]]:
    headers: dict[str, str | Sequence[str]] = {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = str(environ[key])
    return headers


def _bolt_answer(response: BoltResponse) -> tuple[int, bytes, list[tuple[str, str]]]:
    headers = [
        (name, value)
        for name, values in response.headers.items()
        if name.lower() != "content-length"
        for value in values
    ]
    return response.status, response.body.encode("utf-8"), headers


def _answer(
    start_response: StartResponse,
    status: int,
    body: bytes,
    content_type: str = "text/plain; charset=utf-8",
    *,
    extra: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    headers = list(extra or [])
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", content_type))
    headers.append(("Content-Length", str(len(body))))
    start_response(f"{status} {HTTPStatus(status).phrase}", headers)
    return [body]


@dataclass(frozen=True)
class DoorLimits:
    """What one replica lets clients hold (docs/operations.md explains each)."""

    threads: int = 8
    connection_limit: int = 1000  # open sockets; waitress stops accepting beyond
    idle_seconds: float = 10.0  # a connection with nothing arriving is closed
    request_seconds: float = 10.0  # a request must arrive whole within this (slow clients)
    max_header_bytes: int = 64 * 1024
    max_body_bytes: int = MAX_BODY_BYTES
    cleanup_interval: float = 1.0  # how often the limits above are enforced


class _TimedChannel(HTTPChannel):
    """A connection that remembers when its unfinished request began to arrive."""

    request_started: float | None = None

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.request_started = time.monotonic()
        done: bool = super().received(data)
        if self.request is None:
            self.request_started = None
        return done


class _DoorServer(TcpWSGIServer):
    channel_class = _TimedChannel
    request_seconds = DoorLimits.request_seconds

    def maintenance(self, now: int) -> None:
        super().maintenance(now)  # the idle timeout
        cutoff = time.monotonic() - self.request_seconds
        channels: dict[int, Any] = self.active_channels  # type: ignore[assignment]
        for channel in list(channels.values()):
            started = getattr(channel, "request_started", None)
            if started is not None and started < cutoff and not channel.requests:
                log.info("closing a connection whose request took over %ss", self.request_seconds)
                channel.will_close = True


class HttpServer:
    """A waitress server for the WSGI app; `start()` serves from a thread (tests, demo)."""

    def __init__(
        self,
        wsgi: Wsgi,
        host: str,
        port: int,
        threads: int = 8,
        *,
        limits: DoorLimits | None = None,
    ) -> None:
        limits = limits or DoorLimits(threads=threads)
        adjustments = Adjustments(
            host=host,
            port=port,
            threads=limits.threads,
            connection_limit=limits.connection_limit,
            channel_timeout=limits.idle_seconds,
            cleanup_interval=limits.cleanup_interval,
            max_request_header_size=limits.max_header_bytes,
            max_request_body_size=limits.max_body_bytes,
            asyncore_use_poll=True,  # select() stops at 1024 sockets
            ident="sipdesk",
        )
        self._server: Any = _DoorServer(wsgi, adj=adjustments)
        self._server.request_seconds = limits.request_seconds
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self._server.effective_host}:{self._server.effective_port}"

    def serve_forever(self) -> None:
        # Everything loaded by now lives as long as the process: kept out of the collector's
        # full passes, which otherwise walk it all while holding the GIL, acks waiting.
        gc.freeze()
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
        self._server.task_dispatcher.shutdown(timeout=2)
        wasyncore.close_all(self._server._map)  # open connections end the serving loop too
        if self._thread is not None:
            self._thread.join(timeout=5)
