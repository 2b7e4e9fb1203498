"""A new password over the real Kamailio: asked for in Slack, approved, read once from the page;
the phone registered with the old password is dropped, the old password is refused (401/403)
and the new one registers (sipsak as the phone)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from desk import Desk
from desk_world import REPO, open_desk
from test_password import RECEPTION, ask, click_confirm, credentials_urls, read_password

from store.db import Database

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
    assert phone.register(RECEPTION, password, contact_port=44101).ok
    assert platform.registrations().is_up(RECEPTION)
