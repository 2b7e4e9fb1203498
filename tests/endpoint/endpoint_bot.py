"""A running sipdesk on the parts a test chooses (its own PostgreSQL or Redis, or the shared
ones), and a trap: an HTTP server that records anything the bot sends where it should not."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from bot.runtime import Runtime, start_runtime
from bot.settings import load_settings
from bot.web import DoorLimits, HttpServer, make_wsgi
from slack_sandbox import DemoWorld, SlackDriver, SlackSandbox


@dataclass
class Bot:
    sandbox: SlackSandbox
    world: DemoWorld
    runtime: Runtime
    server: HttpServer
    slack: SlackDriver

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def events_url(self) -> str:
        return f"{self.server.url}/slack/events"

    def timed_help(self, client: httpx.Client | None = None) -> tuple[float, httpx.Response]:
        """How long a signed `/sip help` takes to be acknowledged, and the answer."""
        w = self.world
        started = time.monotonic()
        answer = self.slack.slash_command("/sip", "help", user=w.carol, channel=w.globex_channel)
        return time.monotonic() - started, answer

    def timed_health(self) -> tuple[float, httpx.Response]:
        started = time.monotonic()
        answer = httpx.get(f"{self.url}/healthz", timeout=10)
        return time.monotonic() - started, answer


@contextmanager
def running_bot(
    tmp_path: Path,
    *,
    database_url: str,
    redis_url: str,
    redis_prefix: str,
    limits: DoorLimits | None = None,
) -> Iterator[Bot]:
    sandbox = SlackSandbox().start()
    world = sandbox.seed_demo_world()
    settings = load_settings(
        _env_file=None,
        SIPDESK_HOME=tmp_path,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SIPDESK_REDIS_PREFIX=redis_prefix,
        SIPDESK_START_REDIS=False,
        SIPDESK_STAFF_CHANNEL=world.staff_channel,
        SIPDESK_STAFF_USERGROUP=world.staff_group,
        **sandbox.bot_env(),
    )
    runtime = start_runtime(settings)
    wsgi = make_wsgi(runtime.app, runtime.health, signing_secret=runtime.signing_secret)
    server = HttpServer(wsgi, "127.0.0.1", 0, limits=limits).start()
    slack = SlackDriver(server.url, sandbox.signing_secret, sandbox, timeout=15)
    try:
        yield Bot(sandbox, world, runtime, server, slack)
    finally:
        slack.close()
        server.stop()
        runtime.close()
        sandbox.stop()


@dataclass
class Trap:
    """Records every request it gets: a response_url of an attacker's choosing points here."""

    server: ThreadingHTTPServer
    hits: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hook"


@contextmanager
def trap() -> Iterator[Trap]:
    hits: list[str] = []

    class Record(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            hits.append(f"POST {self.path}")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Record)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield Trap(server, hits)
    finally:
        server.shutdown()
        server.server_close()


def worst(samples: list[float]) -> float:
    return max(samples) if samples else 0.0


def until(probe: Callable[[], Any], seconds: float = 15.0) -> Any:
    """The first truthy answer of `probe` within `seconds` (a condition, not a fixed sleep)."""
    deadline = time.monotonic() + seconds
    while True:
        found = probe()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def tracebacks(records: list[logging.LogRecord]) -> list[str]:
    """The log lines that carry a traceback (there should be none)."""
    return [
        r.getMessage()[:200]
        for r in records
        if r.exc_info is not None or "Traceback" in r.getMessage()
    ]
