"""A new password over the real Kamailio: asked for in Slack, approved, read once from the page;
the phone registered with the old password is dropped, the old password is refused (401/403)
and the new one registers (sipsak as the phone); the watch sees it Down and back Up, and the
customer's channel hears no alert about it."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from desk import Desk
from desk_world import REPO, open_desk
from sqlalchemy import select
from test_password import RECEPTION, ask, click_confirm, credentials_urls, read_password

from bot.scheduler_process import notifier_of, watch_policy
from handlers.watch.flow import Watch
from store.db import Database
from store.models import AccountStatus, Outage, OutageAlert, Silence
from store.types import utcnow

sys.path.append(str(REPO / "tests" / "telephony"))
from telephony_world import SIP_DOMAIN, KamailioServer, Phone, kamailio

pytestmark = [pytest.mark.kamailio, pytest.mark.postgres]
__all__ = ["kamailio"]  # the session's Kamailio, as the telephony tests start it

OLD = "OldKamailioPassw0rd123"


@pytest.fixture
def kamailio_desk(
    kamailio: KamailioServer, pg_database: Database, redis_url: str, redis_prefix: str,
    tmp_path: Path,
) -> Iterator[Desk]:  # fmt: skip
    opened = open_desk(
        pg_database, redis_url, redis_prefix, tmp_path,
        SIPDESK_TELEPHONY="kamailio", KAMAILIO_DB_URL=kamailio.db_url,
        KAMAILIO_JSONRPC_URL=kamailio.jsonrpc_url, SIPDESK_SIP_DOMAIN=SIP_DOMAIN,
    )  # fmt: skip
    try:
        yield opened
    finally:
        opened.close()


def test_a_new_password_asked_in_slack_works_on_kamailio_and_the_old_one_does_not(
    kamailio_desk: Desk, kamailio: KamailioServer
) -> None:
    desk, w, phone = kamailio_desk, kamailio_desk.world, Phone(kamailio)
    platform = desk.runtime.services.telephony
    platform.set_password(RECEPTION, OLD)
    assert phone.register(RECEPTION, OLD, contact_port=44101).ok
    assert platform.registrations().is_up(RECEPTION)

    watch = Watch(
        desk.runtime.db,
        platform,
        notifier_of(desk.runtime),
        replace(watch_policy(desk.runtime.settings), down_after=timedelta(0), storm_share=1.0),
    )
    watch.poll(utcnow())  # the watch sees the phone Up, sipsak's user agent and all

    request_id = ask(desk, w.carol, w.globex_channel)
    click_confirm(desk, request_id, w.carol)
    desk.wait_card(request_id)
    desk.click(w.alice, "approval_approve", request_id)
    desk.wait_state(request_id, "applied", 60)
    [url] = desk.sandbox.eventually(lambda: credentials_urls(desk, w.carol))
    password = read_password(url)

    deadline = time.monotonic() + 10
    while platform.registrations().is_up(RECEPTION) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not platform.registrations().is_up(RECEPTION)  # the old phone is Down at once
    old = phone.register(RECEPTION, OLD, contact_port=44101)
    assert not old.ok
    assert "401 Unauthorized" in old.output or "403" in old.output
    watch.poll(utcnow())
    reception = desk.account(RECEPTION).id
    assert desk.account(RECEPTION).status is AccountStatus.DOWN
    watch.poll(utcnow())  # held: the customer expects this Down

    assert phone.register(RECEPTION, password, contact_port=44101).ok
    assert platform.registrations().is_up(RECEPTION)
    watch.poll(utcnow())
    assert desk.account(RECEPTION).status is AccountStatus.UP
    with desk.runtime.db.session() as session:
        told = select(OutageAlert).join(Outage).where(Outage.sip_account_id == reception)
        assert session.scalars(told).all() == []  # no Down alert, so no "back Up" either
        (outage,) = session.scalars(select(Outage).where(Outage.sip_account_id == reception))
        assert outage.silenced and outage.ended_at is not None  # Down, held, and over
        assert all(hold.until <= utcnow() for hold in session.scalars(select(Silence)))
