"""Wire the pages to a running sipdesk: its services, a Slack notifier, the one way bills enter."""

from __future__ import annotations

from bot.pages.app import MAX_BODY_BYTES, PagesApp
from bot.runtime import Runtime
from bot.web import DoorLimits, HttpServer
from handlers.caller_id.evidence import receive_bill
from handlers.notifiers import slack_notifier


def pages_app(runtime: Runtime) -> PagesApp:
    notifier = slack_notifier(runtime.services, runtime.app.client)
    return PagesApp(runtime.services, notifier, receive_bill)


# A bill of 10 MB must arrive whole within the door's request time: at 60 s that needs about
# 1.4 Mbit/s. Slack's own bodies stay capped at bot.web.MAX_BODY_BYTES by the door itself.
PAGES_REQUEST_SECONDS = 60.0
PAGES_BODY_CAP = 16 * 1024 * 1024  # waitress refuses more from Content-Length, unread


def door_limits(threads: int) -> DoorLimits:
    """The door's limits for a server that also takes bill uploads."""
    assert PAGES_BODY_CAP > MAX_BODY_BYTES
    return DoorLimits(
        threads=threads, max_body_bytes=PAGES_BODY_CAP, request_seconds=PAGES_REQUEST_SECONDS
    )


def serve_pages(runtime: Runtime) -> HttpServer:
    """Socket Mode has no HTTP server of its own: the pages get one on SIPDESK_PAGES_PORT."""
    settings = runtime.settings
    server = HttpServer(
        pages_app(runtime),
        settings.host,
        settings.pages_port,
        limits=door_limits(settings.http_threads),
    )
    return server.start()
