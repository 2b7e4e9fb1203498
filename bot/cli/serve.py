"""`sipdesk run`: serve Slack in HTTP mode (or Socket Mode when SLACK_APP_TOKEN is set)."""

from __future__ import annotations

import click

from bot.cli.common import explained, settings_or_exit
from bot.pages.serve import pages_app, serve_pages
from bot.runtime import start_runtime
from bot.socket_mode import socket_mode_handler
from bot.web import HttpServer, make_wsgi
from bot.worker import JobWorker


@click.command()
def run() -> None:
    """Run the bot: HTTP on HOST:PORT (POST /slack/events, GET /healthz), or Socket Mode.

    With no Slack credentials set it talks to the built-in local Slack sandbox.
    """
    settings = settings_or_exit()
    with explained():
        runtime = start_runtime(settings)
    # On the embedded defaults (no DATABASE_URL) one process is the whole product, jobs included.
    jobs = JobWorker(runtime).start() if settings.database_url is None else None
    try:
        if settings.socket_mode:
            with explained():
                handler = socket_mode_handler(runtime)
            click.echo(f"sipdesk: Socket Mode, linking through {settings.slack_api_url}")
            pages = serve_pages(runtime)
            click.echo(f"sipdesk: one-time pages on {pages.url}/links/")
            try:
                handler.start()  # type: ignore[no-untyped-call]  # blocks until interrupted
            finally:
                handler.close()  # type: ignore[no-untyped-call]  # its worker threads too
                pages.stop()
            return
        server = HttpServer(
            make_wsgi(runtime.app, runtime.health, pages_app(runtime)),
            settings.host,
            settings.port,
            threads=settings.http_threads,
        )
        click.echo(
            f"sipdesk: listening on {server.url}/slack/events, health at /healthz, "
            f"one-time pages at {settings.effective_public_url}/links/"
        )
        if runtime.sandbox is not None:
            click.echo(
                f"sipdesk: no Slack credentials set; using the local Slack sandbox at "
                f"{runtime.sandbox.api_url} (try `sipdesk demo`)"
            )
        server.serve_forever()
    finally:
        if jobs is not None:
            jobs.stop()
        runtime.close()
