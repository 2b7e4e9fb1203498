"""What every command does first: read settings, and turn start-up problems into one message."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click

from bot.logs import configure_logging
from bot.metrics_server import MetricsServer, serve_metrics
from bot.runtime import Runtime, StartupError, start_runtime
from bot.settings import Settings, SettingsError, load_settings
from store.errors import UserFacingError
from telephony.errors import TelephonyError

# A process asked to stop (SIGTERM, Ctrl-C) finishes the job at hand (bot/worker.py gives it
# STOP_SECONDS) and closes its parts; past STOP_DEADLINE_SECONDS it exits anyway, with status 1,
# so a hung part never keeps it alive. A job cut short is queued again once its heartbeat lapses.
STOP_DEADLINE_SECONDS = 30.0


def exit_by_deadline(seconds: float = STOP_DEADLINE_SECONDS) -> None:
    """From now on, the process is gone within `seconds`, whatever is still running."""
    global _deadline_set
    if _deadline_set:
        return
    _deadline_set = True

    def force() -> None:
        sys.stderr.write(f"sipdesk: not stopped within {seconds:.0f} s; exiting now\n")
        sys.stderr.flush()
        os._exit(1)

    timer = threading.Timer(seconds, force)
    timer.daemon = True
    timer.start()


_deadline_set = False


def settings_or_exit() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as error:
        raise click.ClickException(error.message) from None
    configure_logging(settings.log_level, settings.log_format.value)
    return settings


@contextmanager
def explained() -> Iterator[None]:
    """Known problems end the command with their sentence, not a traceback."""
    try:
        yield
    except (StartupError, UserFacingError) as error:
        raise click.ClickException(str(error)) from None
    except TelephonyError as error:
        raise click.ClickException(error.sentence) from None


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """`kill -TERM` ends the command as Ctrl-C does, so its clean-up runs (the private Redis)."""

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        exit_by_deadline()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def start_with_metrics(settings: Settings) -> tuple[MetricsServer | None, Runtime]:
    """This process's /metrics first (a taken address stops start-up at once), then its
    runtime; known problems end the command with their sentence."""
    with explained():
        metrics = serve_metrics(settings)
        try:
            return metrics, start_runtime(settings)
        except BaseException:
            if metrics is not None:
                metrics.stop()
            raise
