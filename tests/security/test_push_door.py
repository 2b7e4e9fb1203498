"""The registrar's push endpoint: an empty or short SIPDESK_PUSH_TOKEN never opens it, its answer
tells nobody which usernames exist, and JSON nested past the parser's stack is a 400."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.push_endpoint import PUSH_PATH, registrar_events
from bot.runtime import Runtime, start_runtime
from bot.settings import SettingsError, load_settings
from bot.web import HttpServer, make_wsgi
from slack_sandbox import SlackSandbox
from store.db import Database
from store.models import Customer, SipAccount

TOKEN = "k" * 32


def _settings(database: Database, redis_url: str, prefix: str, home: Path, token: str | None):
    sandbox_env = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret"}
    given = {} if token is None else {"SIPDESK_PUSH_TOKEN": token}
    return load_settings(
        _env_file=None, SIPDESK_HOME=home, DATABASE_URL=database.url, REDIS_URL=redis_url,
        SIPDESK_REDIS_PREFIX=prefix, SIPDESK_START_REDIS=False, SIPDESK_STAFF_CHANNEL="CSTAFF",
        **sandbox_env, **given,
    )  # fmt: skip


@pytest.mark.parametrize("token", ["", "   "])
def test_an_empty_token_leaves_the_endpoint_off(
    database: Database, redis_url: str, redis_prefix: str, tmp_path: Path, token: str
):
    settings = _settings(database, redis_url, redis_prefix, tmp_path, token)
    runtime = start_runtime(settings)
    try:
        assert registrar_events(runtime) is None
    finally:
        runtime.close()


@pytest.mark.parametrize("token", ["a", "x" * 31])
def test_a_short_token_stops_start_up_with_a_sentence(
    database: Database, redis_url: str, redis_prefix: str, tmp_path: Path, token: str
):
    with pytest.raises(SettingsError) as refused:
        _settings(database, redis_url, redis_prefix, tmp_path, token)
    assert "SIPDESK_PUSH_TOKEN: at least 32 characters" in str(refused.value)


@pytest.fixture
def push_url(
    database: Database, redis_url: str, redis_prefix: str, tmp_path: Path
) -> Iterator[tuple[str, Runtime]]:
    with database.session() as session:
        customer = Customer(
            external_ref="GLOBEX", name="Globex", holder_name="Globex", plan="p", country="GB",
            timezone="UTC",
        )  # fmt: skip
        customer.sip_accounts = [SipAccount(username="k3x9qq", label="Desk")]
        session.add(customer)
    with SlackSandbox() as sandbox:
        settings = _settings(database, redis_url, redis_prefix, tmp_path, TOKEN)
        settings = settings.model_copy(update={"slack_api_url": sandbox.api_url})
        runtime = start_runtime(settings)
        server = HttpServer(
            make_wsgi(runtime.app, runtime.health, signing_secret="secret",
                      push=registrar_events(runtime)),
            "127.0.0.1", 0,
        ).start()  # fmt: skip
        try:
            yield server.url + PUSH_PATH, runtime
        finally:
            server.stop()
            runtime.close()


def _push(url: str, content: bytes) -> httpx.Response:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    return httpx.post(url, content=content, headers=headers)


def test_the_answer_is_the_same_whatever_the_username(push_url):
    url, _ = push_url
    ours = _push(url, b'{"event": "deregistered", "username": "k3x9qq"}')
    stranger = _push(url, b'{"event": "deregistered", "username": "nobody1"}')
    assert (ours.status_code, ours.content) == (stranger.status_code, stranger.content)


@pytest.mark.parametrize("opening", [b"[", b'{"":'])
def test_deeply_nested_json_is_a_400_not_a_traceback(push_url, opening: bytes, caplog):
    url, _ = push_url
    body = opening * (4000 // len(opening))
    answer = _push(url, body)
    assert answer.status_code == 400 and answer.json() == {"error": "the body is not JSON"}
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text
