"""Secrets stay out of what is printed: one-time link URLs and tokens in the logs at every level
(slack_sdk logs the bodies it sends at DEBUG), and every credential a database URL can carry in
`migrate`'s output and the settings' errors."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sipdesk_env import clean_env
from slack_sdk import WebClient

from bot.logs import configure_logging
from bot.settings import SettingsError, load_settings
from slack_sandbox import SlackSandbox
from store.redact import redact

SIPDESK = str(Path(sys.executable).parent / "sipdesk")
LINK_TOKEN = "hdIoTrQ3x9Vb7nP2sLk8wZ4yC6mF1gJ5aE0uR_-tY"


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    out = io.StringIO()
    configure_logging("DEBUG")
    root.handlers[0].stream = out  # type: ignore[attr-defined]
    yield out
    root.handlers[:] = saved
    root.setLevel(level)


def test_a_link_sent_to_slack_is_not_in_the_debug_log(debug_log: io.StringIO):
    with SlackSandbox() as sandbox:
        world = sandbox.seed_demo_world()
        client = WebClient(token=sandbox.bot_token, base_url=sandbox.api_url)
        client.logger.setLevel(logging.DEBUG)
        url = f"https://sipdesk.example.com/links/credentials/{LINK_TOKEN}"
        client.chat_postEphemeral(
            channel=world.globex_channel, user=world.carol, text=f"Your password: <{url}|open>"
        )
    text = debug_log.getvalue()
    assert "chat.postEphemeral" in text  # slack_sdk did log the request at DEBUG
    assert LINK_TOKEN not in text
    assert sandbox.bot_token not in text
    assert "/links/credentials/***" in text


def test_every_level_and_traceback_is_redacted(debug_log: io.StringIO):
    log = logging.getLogger("sipdesk.test")
    log.debug("posting %s", {"text": f"http://h/links/upload/{LINK_TOKEN}"})
    try:
        raise RuntimeError("token xoxb-1234567890-abcdefghij refused")
    except RuntimeError:
        log.exception("Slack said no")
    text = debug_log.getvalue()
    assert LINK_TOKEN not in text and "abcdefghij" not in text
    assert "Traceback" in text  # the traceback itself is kept, masked


@pytest.mark.parametrize(
    ("shown", "secret"),
    [
        ("postgresql+psycopg://sipdesk@db/x?password=s3cret&sslmode=require", "s3cret"),
        ("postgresql://db/x?sslpassword=s3cret", "s3cret"),
        ("postgresql://u:s3cret@db/x", "s3cret"),
        ("host=db user=u password=s3cret", "s3cret"),
        ("https://api.example/?access_token=s3cret", "s3cret"),
        ("Authorization: Bearer s3cret-bearer-token", "s3cret-bearer-token"),
    ],
)
def test_every_credential_a_url_can_carry_is_masked(shown: str, secret: str):
    masked = redact(shown)
    assert secret not in masked and "***" in masked


def _sipdesk(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = clean_env()
    clean.pop("DATABASE_URL", None)
    clean.update(env)
    return subprocess.run([SIPDESK, *args], capture_output=True, text=True, env=clean, timeout=120)


def test_migrate_masks_a_password_in_the_query():
    result = _sipdesk(
        "migrate", DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:1/none?password=hunter2"
    )
    assert result.returncode == 1
    assert "hunter2" not in result.stdout + result.stderr
    assert "password=***" in result.stderr


def test_a_bad_kamailio_db_url_is_echoed_masked():
    with pytest.raises(SettingsError) as refused:
        load_settings(
            _env_file=None,
            SIPDESK_TELEPHONY="kamailio",
            KAMAILIO_DB_URL="mongodb://kam:hunter2@db/kamailio?password=hunter3",
            KAMAILIO_JSONRPC_URL="http://127.0.0.1:5071/RPC",
        )
    shown = str(refused.value)
    assert "KAMAILIO_DB_URL" in shown
    assert "hunter2" not in shown and "hunter3" not in shown
