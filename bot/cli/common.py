"""What every command does first: read settings, and turn start-up problems into one message."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import click

from bot.runtime import StartupError
from bot.settings import Settings, SettingsError, load_settings
from store.errors import UserFacingError


def settings_or_exit() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as error:
        raise click.ClickException(error.message) from None
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # One line per request is noise; slack_sdk at DEBUG would log message bodies (credentials).
    for chatty in ("httpx", "alembic.runtime.migration", "slack_sdk"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, logging.getLogger().level))
    return settings


@contextmanager
def explained() -> Iterator[None]:
    """Known problems end the command with their sentence, not a traceback."""
    try:
        yield
    except (StartupError, UserFacingError) as error:
        raise click.ClickException(str(error)) from None
