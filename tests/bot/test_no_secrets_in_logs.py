"""No secrets in logs or reprs: passwords in database and Redis URLs are masked wherever printed."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import QuietLibraries, RedactingFormatter, configure_logging
from bot.settings import load_settings
from store.db import Database
from store.redact import mask_url, redact


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    out = io.StringIO()
    configure_logging("INFO")
    root.handlers[0].stream = out  # type: ignore[attr-defined]
    yield out
    root.handlers[:] = saved
    root.setLevel(level)


def test_a_url_with_a_password_is_masked():
    assert mask_url("postgresql+psycopg://sipdesk:s3cret@db:5432/sipdesk") == (
        "postgresql+psycopg://sipdesk:***@db:5432/sipdesk"
    )
    assert mask_url("redis://:r3dis@cache:6379/0") == "redis://:***@cache:6379/0"
    assert mask_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"  # nothing to hide
    assert redact("at postgres://u:p@h/db and redis://:q@r/0") == (
        "at postgres://u:***@h/db and redis://:***@r/0"
    )


def test_the_settings_repr_masks_every_url_password():
    settings = load_settings(
        _env_file=None,
        DATABASE_URL="postgresql+psycopg://sipdesk:s3cret@db/sipdesk",
        REDIS_URL="redis://:r3dis@cache:6379/0",
        SIPDESK_TELEPHONY="kamailio",
        KAMAILIO_DB_URL="postgres://kamailio:k4m@db/kamailio",
        KAMAILIO_JSONRPC_URL="http://127.0.0.1:5071/RPC",
    )
    shown = repr(settings)
    assert "s3cret" not in shown and "r3dis" not in shown and "k4m" not in shown
    assert "postgresql+psycopg://sipdesk:***@db/sipdesk" in shown
    assert settings.database_url == "postgresql+psycopg://sipdesk:s3cret@db/sipdesk"  # usable
    assert "s3cret" not in repr(Database("postgresql+psycopg://sipdesk:s3cret@db/sipdesk"))


def test_a_log_line_carrying_a_url_shows_it_masked(captured: io.StringIO):
    log = logging.getLogger("sipdesk.test")
    log.warning("Redis at %s does not answer", "redis://:r3dis@cache:6379/0")
    try:
        raise RuntimeError("cannot reach postgresql://u:s3cret@db/x")
    except RuntimeError:
        log.exception("failed")
    text = captured.getvalue()
    assert "r3dis" not in text and "s3cret" not in text
    assert "redis://:***@cache:6379/0" in text and "postgresql://u:***@db/x" in text


def test_a_refused_requests_body_is_not_logged_at_info(captured: io.StringIO):
    # What Bolt logs when a signature does not verify: the whole body, at INFO
    bolt = logging.getLogger("slack_bolt.RequestVerification")
    bolt.setLevel(logging.INFO)
    bolt.info("Invalid request signature detected (signature: v0=x, body: token=abc&text=hi)")
    logging.getLogger("sipdesk.test").info("a line of ours")
    text = captured.getvalue()
    assert "body: token=abc" not in text
    assert "a line of ours" in text
    assert QuietLibraries(verbose=True).filter(
        logging.LogRecord("slack_bolt.X", logging.INFO, "", 0, "debugging", None, None)
    )
    assert isinstance(logging.getLogger().handlers[0].formatter, RedactingFormatter)
