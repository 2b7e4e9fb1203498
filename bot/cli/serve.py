"""`sipdesk run`: serve Slack in HTTP mode (or Socket Mode when SLACK_APP_TOKEN is set)."""

from __future__ import annotations

import errno

import click

import ocr_checks
from bot.cli.common import (
    exit_by_deadline,
    explained,
    settings_or_exit,
    start_with_metrics,
    stop_on_sigterm,
)
from bot.runtime import Runtime
from bot.worker import JobWorker


@click.command()
def run() -> None:
    """Run the bot: HTTP on HOST:PORT (POST /slack/events, GET /healthz), or Socket Mode.

    Needs Slack credentials (see README, "Create the Slack app"); `sipdesk demo` runs without.
    """
    settings = settings_or_exit()
    # Before any thread: the bill reader host is up for the first bill, nothing forks later.
    ocr_checks.start_reader()
    with stop_on_sigterm():
        metrics, runtime = start_with_metrics(settings)
        from bot.scheduler_process import start_in_process

        start_in_process(runtime)  # on the embedded defaults; stopped by runtime.close()
        # On the embedded defaults (no DATABASE_URL) one process is the whole product, jobs too.
        jobs = JobWorker(runtime).start() if settings.database_url is None else None
        try:
            shown = f"sipdesk: metrics at {metrics.url}" if metrics is not None else None
            if settings.socket_mode:
                _serve_socket_mode(runtime, shown)
            else:
                _serve_http(runtime, shown)
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM turned into one
            pass
        finally:
            exit_by_deadline()  # the job at hand finishes, a hung part does not hold the exit
            if jobs is not None:
                jobs.stop()
            runtime.close()
            if metrics is not None:
                metrics.stop()
    click.echo("sipdesk: stopped")


def _serve_socket_mode(runtime: Runtime, metrics_line: str | None) -> None:
    from bot.pages.serve import serve_pages
    from bot.socket_mode import socket_mode_handler

    with explained():
        handler = socket_mode_handler(runtime)
    click.echo(f"sipdesk: Socket Mode, linking through {runtime.settings.slack_api_url}")
    pages = serve_pages(runtime)  # Socket Mode has no HTTP server: the pages get their own
    click.echo(f"sipdesk: one-time pages on {pages.url}/links/")
    if metrics_line:
        click.echo(metrics_line)
    try:
        handler.start()  # type: ignore[no-untyped-call]  # blocks until interrupted
    finally:
        handler.close()  # type: ignore[no-untyped-call]  # its worker threads too
        pages.stop()


def _serve_http(runtime: Runtime, metrics_line: str | None) -> None:
    from bot.pages.serve import door_limits, pages_app
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
                pages=pages_app(runtime),
            ),
            settings.host,
            settings.port,
            limits=door_limits(settings.http_threads),
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
    click.echo(
        f"sipdesk: listening on {server.url}/slack/events, health at /healthz, "
        f"one-time pages at {settings.effective_public_url}/links/"
    )
    if metrics_line:
        click.echo(metrics_line)
    server.serve_forever()
