"""`sipdesk run`: serve Slack in HTTP mode (or Socket Mode when SLACK_APP_TOKEN is set)."""

from __future__ import annotations

import click

from bot.cli.common import explained, settings_or_exit
from bot.runtime import start_runtime
from bot.socket_mode import socket_mode_handler
from bot.web import HttpServer, make_wsgi


@click.command()
def run() -> None:
    """Run the bot: HTTP on HOST:PORT (POST /slack/events, GET /healthz), or Socket Mode.

    With no Slack credentials set it talks to the built-in local Slack sandbox.
    """
    settings = settings_or_exit()
    with explained():
        runtime = start_runtime(settings)
    from bot.push_endpoint import registrar_events
    from bot.scheduler_process import start_in_process

    start_in_process(runtime)  # on the embedded defaults; stopped by runtime.close()
    try:
        if settings.socket_mode:
            with explained():
                handler = socket_mode_handler(runtime)
            click.echo(f"sipdesk: Socket Mode, linking through {settings.slack_api_url}")
            try:
                handler.start()  # type: ignore[no-untyped-call]  # blocks until interrupted
            finally:
                handler.close()  # type: ignore[no-untyped-call]  # its worker threads too
            return
        server = HttpServer(
            make_wsgi(runtime.app, runtime.health, registrar_events(runtime)),
            settings.host,
            settings.port,
            threads=settings.http_threads,
        )
        click.echo(f"sipdesk: listening on {server.url}/slack/events, health at /healthz")
        if runtime.sandbox is not None:
            click.echo(
                f"sipdesk: no Slack credentials set; using the local Slack sandbox at "
                f"{runtime.sandbox.api_url} (try `sipdesk demo`)"
            )
        server.serve_forever()
    finally:
        runtime.close()
