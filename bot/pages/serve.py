"""Wire the pages to a running sipdesk: its services, a Slack notifier, the one way bills enter."""

from __future__ import annotations

from bot.pages.app import PagesApp
from bot.runtime import Runtime
from bot.web import HttpServer
from handlers.caller_id.evidence import receive_bill
from handlers.notifiers import slack_notifier


def pages_app(runtime: Runtime) -> PagesApp:
    notifier = slack_notifier(runtime.services, runtime.app.client)
    return PagesApp(runtime.services, notifier, receive_bill)


def serve_pages(runtime: Runtime) -> HttpServer:
    """Socket Mode has no HTTP server of its own: the pages get one on SIPDESK_PAGES_PORT."""
    settings = runtime.settings
    server = HttpServer(
        pages_app(runtime), settings.host, settings.pages_port, threads=settings.http_threads
    )
    return server.start()
