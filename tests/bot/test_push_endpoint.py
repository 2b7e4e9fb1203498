"""The registrar's push endpoint: only a caller with the token is heard, a malformed event is
refused with a reason, and an expiry starts the account's debounce and asks for a poll now."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import select

from bot.push_endpoint import PUSH_PATH, registrar_events
from bot.runtime import start_runtime
from bot.settings import load_settings
from bot.web import HttpServer, make_wsgi
from slack_sandbox import SlackSandbox
from store.db import Database
from store.keys import watch_poll_key
from store.models import Customer, SipAccount

TOKEN = "s3cret-push-token-of-at-least-32-characters"


@pytest.fixture
def push_url(
    database: Database, redis_url: str, redis_prefix: str, tmp_path: Path
) -> Iterator[str]:
    with database.session() as session:
        customer = Customer(
            external_ref="GLOBEX", name="Globex", holder_name="Globex", plan="p", country="GB",
            timezone="UTC",
        )  # fmt: skip
        customer.sip_accounts = [SipAccount(username="k3x9qq", label="Desk")]
        session.add(customer)
    sandbox = SlackSandbox().start()
    settings = load_settings(
        _env_file=None, SIPDESK_HOME=tmp_path, DATABASE_URL=database.url, REDIS_URL=redis_url,
        SIPDESK_REDIS_PREFIX=redis_prefix, SIPDESK_START_REDIS=False, SIPDESK_PUSH_TOKEN=TOKEN,
        SIPDESK_STAFF_CHANNEL="CSTAFF", **sandbox.bot_env(),
    )  # fmt: skip
    runtime = start_runtime(settings)
    server = HttpServer(
        make_wsgi(
            runtime.app,
            runtime.health,
            signing_secret=runtime.signing_secret,
            push=registrar_events(runtime),
        ),
        "127.0.0.1",
        0,
    ).start()
    try:
        yield server.url + PUSH_PATH
    finally:
        server.stop()
        runtime.close()
        sandbox.stop()


def push(url: str, body: object, token: str | None = TOKEN) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(url, json=body, headers=headers)


def test_without_the_token_nobody_is_heard(push_url: str) -> None:
    event = {"event": "expired", "aor": "sip:k3x9qq@sip.example.net"}
    assert push(push_url, event, token=None).status_code == 401
    assert push(push_url, event, token="guess").status_code == 401
    assert httpx.get(push_url).status_code == 405


def test_a_malformed_event_is_refused_with_a_reason(push_url: str) -> None:
    unknown = push(push_url, {"event": "exploded", "aor": "sip:k3x9qq@x"})
    assert unknown.status_code == 400 and "event must be one of" in unknown.json()["error"]
    odd = push(push_url, {"event": "expired", "aor": "sip:'; rm -rf /@x"})
    assert odd.status_code == 400
    not_json = httpx.post(push_url, content=b"{nope", headers={"Authorization": f"Bearer {TOKEN}"})
    assert not_json.status_code == 400
    huge = push(push_url, {"event": "expired", "aor": "sip:k3x9qq@x", "pad": "x" * 5000})
    assert huge.status_code == 413


def test_an_expiry_starts_the_debounce_and_asks_the_scheduler_to_poll_now(
    push_url: str, database: Database, redis_client: redis.Redis, redis_prefix: str
) -> None:
    answer = push(push_url, {"event": "expired", "aor": "sip:k3x9qq@sip.example.net"})
    assert answer.status_code == 202 and answer.json() == {"accepted": True}
    with database.session() as session:
        account = session.scalar(select(SipAccount).where(SipAccount.username == "k3x9qq"))
        assert account is not None and account.unregistered_since is not None
    assert redis_client.get(watch_poll_key(redis_prefix)) == b"1"
    # A username that is not ours gets the same answer: the endpoint lists no accounts.
    stranger = push(push_url, {"event": "deregistered", "username": "nobody1"})
    assert (stranger.status_code, stranger.json()) == (202, {"accepted": True})
