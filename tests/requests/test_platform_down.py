"""The telephony platform does not answer: the request is `failed`, the card offers Retry, the
customer is told; once it is back, Retry applies the change once."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from desk import Desk, buttons, card_text
from desk_world import REPO, open_desk
from pg_drops import drop_at_session_end
from sqlalchemy import create_engine, text
from tcp_switch import TcpSwitch
from test_approvals import ask_international

from store.db import Database

sys.path.append(str(REPO / "tests" / "telephony"))
from telephony_world import POSTGRES_ADMIN_DSN, create_kamailio_database


@pytest.fixture
def kamailio_db() -> Iterator[str]:
    name = f"sipdesk_kam_{uuid.uuid4().hex[:10]}"
    url = create_kamailio_database(name)
    yield url
    drop_at_session_end(POSTGRES_ADMIN_DSN, name)


@pytest.fixture
def switch() -> Iterator[TcpSwitch]:
    forwarder = TcpSwitch(("127.0.0.1", 5432))
    forwarder.up()
    yield forwarder
    forwarder.down()


@pytest.fixture
def kamailio_desk(
    pg_database: Database,
    redis_url: str,
    redis_prefix: str,
    tmp_path: Path,
    kamailio_db: str,
    switch: TcpSwitch,
) -> Iterator[Desk]:
    name = kamailio_db.rsplit("/", 1)[1]
    through_switch = f"postgresql+psycopg://postgres@127.0.0.1:{switch.port}/{name}"
    opened = open_desk(
        pg_database,
        redis_url,
        redis_prefix,
        tmp_path,
        SIPDESK_TELEPHONY="kamailio",
        KAMAILIO_DB_URL=through_switch,
        KAMAILIO_REGISTRATIONS_SOURCE="location_table",
        SIPDESK_TELEPHONY_TIMEOUT=2,
    )
    try:
        yield opened
    finally:
        opened.close()


def caller_id_in_kamailio(kamailio_db: str) -> list[str]:
    engine = create_engine(kamailio_db.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT value FROM usr_preferences WHERE username = 'k3x9q2m7ab'")
        ).scalars()
        found = [str(v) for v in rows]
    engine.dispose()
    return found


def test_a_platform_down_fails_the_request_with_retry_and_retry_applies_it_once(
    kamailio_desk: Desk, switch: TcpSwitch, kamailio_db: str
):
    desk, w = kamailio_desk, kamailio_desk.world
    request_id = ask_international(desk)
    switch.down()
    desk.click(w.alice, "approval_approve", request_id)
    desk.wait_state(request_id, "failed", seconds=30)
    said = desk.wait_thread(request_id, "could not be applied yet")
    assert any("will retry" in t for t in said)
    card = desk.sandbox.eventually(
        lambda: "Retry" in buttons(desk.card(request_id)) and desk.card(request_id)
    )
    assert "applying failed" in card_text(card)

    switch.up()
    desk.click(w.bob, "approval_retry", request_id)
    desk.wait_state(request_id, "applied", seconds=30)
    assert "+442079460123" in caller_id_in_kamailio(kamailio_db)
    card = desk.sandbox.eventually(
        lambda: "applied" in card_text(desk.card(request_id)) and desk.card(request_id)
    )
    assert buttons(card) == []
    steps = [step[1] for step in desk.trail(request_id)]
    assert steps == ["created", "approved", "failed", "retried", "applied"]
    desk.wait_thread(request_id, "Applied")


def test_a_self_service_change_that_fails_gets_a_card_with_retry(
    kamailio_desk: Desk, switch: TcpSwitch, kamailio_db: str
):
    desk, w = kamailio_desk, kamailio_desk.world
    switch.down()
    desk.slack.slash_command(
        "/callerid", "k3x9q2m7ab +35312345679", user=w.carol, channel=w.globex_channel
    )
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    desk.wait_state(request_id, "failed", seconds=30)
    desk.wait_thread(request_id, "could not be applied yet")
    card = desk.wait_card(request_id)
    assert buttons(card) == ["Retry"]
    switch.up()
    desk.click(w.alice, "approval_retry", request_id)
    desk.wait_state(request_id, "applied", seconds=30)
    assert "+35312345679" in caller_id_in_kamailio(kamailio_db)
