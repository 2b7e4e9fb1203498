"""`sipdesk run`: serve Slack in HTTP mode (or Socket Mode when SLACK_APP_TOKEN is set)."""

from __future__ import annotations

import errno

import click

from bot.cli.common import explained, settings_or_exit, stop_on_sigterm
from bot.runtime import Runtime, start_runtime


@click.command()
def run() -> None:
    """Run the bot: HTTP on HOST:PORT (POST /slack/events, GET /healthz), or Socket Mode.

    Needs Slack credentials (see README, "Create the Slack app"); `sipdesk demo` runs without.
    """
    settings = settings_or_exit()
    with stop_on_sigterm():
        with explained():
            runtime = start_runtime(settings)
        from bot.scheduler_process import start_in_process

        start_in_process(runtime)  # on the embedded defaults; stopped by runtime.close()
        try:
            if settings.socket_mode:
                _serve_socket_mode(runtime)
            else:
                _serve_http(runtime)
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM turned into one
            pass
        finally:
            runtime.close()
    click.echo("sipdesk: stopped")


def _serve_socket_mode(runtime: Runtime) -> None:
    from bot.socket_mode import socket_mode_handler

    with explained():
        handler = socket_mode_handler(runtime)
    click.echo(f"sipdesk: Socket Mode, linking through {runtime.settings.slack_api_url}")
    try:
        handler.start()  # type: ignore[no-untyped-call]  # blocks until interrupted
    finally:
        handler.close()  # type: ignore[no-untyped-call]  # its worker threads too


def _serve_http(runtime: Runtime) -> None:
    from bot.push_endpoint import registrar_events
    from bot.web import HttpServer, make_wsgi

    settings = runtime.settings
    try:
        server = HttpServer(
            make_wsgi(
                runtime.app,
                runtime.health,
                signing_secret=runtime.signing_secret,
                push=registrar_events(runtime),
            ),
            settings.host,
            settings.port,
            threads=settings.http_threads,
        )
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"Port {settings.port} on {settings.host} is already in use: stop what listens "
                "there or set PORT to another port."
            ) from None
        raise click.ClickException(
            f"Cannot listen on {settings.host}:{settings.port} ({error.strerror}): check HOST "
            "and PORT."
        ) from None
    click.echo(f"sipdesk: listening on {server.url}/slack/events, health at /healthz")
    server.serve_forever()
