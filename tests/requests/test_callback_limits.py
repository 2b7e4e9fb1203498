"""The call-back must not become a way to ring anyone: whom it calls, how often, and when.

The clock of these stories is set (`press(..., now=...)`), on the real database and Redis of a
running desk; the refusals reach the person as the sentences checked here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from callback_world import open_callback_desk
from desk import Desk
from sqlalchemy import select

from handlers.callback import flow
from store import requests
from store.db import Database
from store.errors import UserFacingError
from store.models import AuditEvent, CallBack, ChannelLink, RequestKind, RequestState

NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # Dublin is on UTC in December


@pytest.fixture
def desk(
    pg_database: Database, redis_url: str, redis_prefix: str, tmp_path: Path
) -> Iterator[Desk]:
    opened = open_callback_desk(
        pg_database,
        redis_url,
        redis_prefix,
        tmp_path,
        SIPDESK_CALLBACK_QUIET_HOURS="21:00-08:00",
        SIPDESK_CALLBACK_DAILY=4,
        SIPDESK_CALLBACK_COUNTRIES="GB",
    )
    try:
        yield opened
    finally:
        opened.close()


def bill_request(desk: Desk, number: str) -> int:
    """A request waiting for proof that `number` is Globex's (as /callerid makes it)."""
    with desk.runtime.db.session() as session:
        link = session.scalar(
            select(ChannelLink).where(ChannelLink.channel_id == desk.world.globex_channel)
        )
        assert link is not None and link.customer_id is not None
        request = requests.create(
            session,
            kind=RequestKind.PSTN_CALLER_ID,
            customer_id=link.customer_id,
            channel_id=desk.world.globex_channel,
            requested_by=desk.world.carol,
            state=RequestState.AWAITING_CUSTOMER,
            details={"number": number, "old": "anonymous", "path": "bill"},
        )
        return request.id


def refusal(desk: Desk, request_id: int, now: datetime) -> str:
    with pytest.raises(UserFacingError) as refused:
        flow.press(desk.runtime.services, request_id, desk.world.carol, now=now)
    return refused.value.message


def past_call(desk: Desk, request_id: int, number: str, at: datetime, entries: int = 0) -> None:
    with desk.runtime.db.session() as session:
        customer_id = desk.request(request_id).customer_id
        session.add(
            CallBack(
                request_id=request_id,
                customer_id=customer_id,
                number=number,
                requested_by=desk.world.carol,
                code_hash="0" * 64,
                code_expires_at=at + timedelta(minutes=10),
                state="ended",
                outcome="wrong_code" if entries else "no_answer",
                entries=entries,
                created_at=at,
            )
        )


def test_callback_never_calls_at_night_on_the_numbers_clock_and_says_when_it_can(desk: Desk):
    request_id = bill_request(desk, "+35317654330")
    said = refusal(desk, request_id, NOON.replace(hour=22, minute=40))
    assert said == (
        "It is 22:40 where +35317654330 rings (Europe/Dublin), and I do not call between "
        "21:00 and 08:00 there: I can call from 08:00 tomorrow. A bill works at any time."
    )
    said = refusal(desk, request_id, NOON.replace(hour=6, minute=5))
    assert "I can call from 08:00 today" in said
    # A UK mobile (allowed by SIPDESK_CALLBACK_COUNTRIES) at 21:30 London time is quiet too.
    uk = bill_request(desk, "+447400123456")
    assert "It is 21:30 where +447400123456 rings, and I do not call" in refusal(
        desk, uk, NOON.replace(hour=21, minute=30)
    )
    with desk.runtime.db.session() as session:
        refused = session.scalars(select(AuditEvent.action).where(AuditEvent.request_id == uk))
        assert "callback_refused" in list(refused)


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("+3531800123456", "is a freephone number"),
        ("+3531530123456", "is a premium-rate number"),
        ("+33612345678", "I do not call numbers in FR (only GB, IE)"),
        ("+353112", "is not a number I can call"),  # an emergency short code
    ],
)
def test_callback_only_calls_geographic_and_mobile_numbers_of_allowed_countries(
    desk: Desk, number: str, why: str
):
    request_id = bill_request(desk, number)
    assert why in refusal(desk, request_id, NOON)


def test_callback_makes_at_most_three_calls_per_request(desk: Desk):
    number = "+35317654331"
    request_id = bill_request(desk, number)
    for minutes in (50, 40, 30):
        past_call(desk, request_id, number, NOON - timedelta(minutes=minutes))
    said = refusal(desk, request_id, NOON)
    assert said.startswith(f"I have called {number} 3 times for this request")
    assert said.endswith("please share a bill.")


def test_callback_takes_at_most_three_codes_per_request(desk: Desk):
    number = "+35317654332"
    request_id = bill_request(desk, number)
    past_call(desk, request_id, number, NOON - timedelta(minutes=50), entries=3)
    assert "please share a bill" in refusal(desk, request_id, NOON)


def test_callback_a_customer_gets_its_daily_calls_and_no_more(desk: Desk):
    earlier = bill_request(desk, "+35317654333")
    for n in range(4):  # SIPDESK_CALLBACK_DAILY=4, spent this morning on other numbers
        past_call(desk, earlier, f"+3531765434{n}", NOON - timedelta(hours=3, minutes=n))
    request_id = bill_request(desk, "+35317654339")
    said = refusal(desk, request_id, NOON)
    assert said == (
        "Globex Dental has had its 4 call-backs for today; I can call again tomorrow "
        "(from midnight, Europe/Dublin). A bill works at any time."
    )
    # Yesterday's calls do not count today.
    tomorrow = NOON + timedelta(days=1)
    assert "Your code is" in flow.press(
        desk.runtime.services, request_id, desk.world.carol, now=tomorrow
    )


def test_callback_an_expired_code_is_not_called(desk: Desk):
    number = "+35317654334"
    request_id = bill_request(desk, number)
    shown = flow.press(desk.runtime.services, request_id, desk.world.carol, now=NOON)
    assert "Your code is" in shown
    # The job runs long after the press (a queue that was down for a while): no call.
    desk.sandbox.eventually(lambda: desk.trail(request_id)[-1][1] == "callback_expired")
    with desk.runtime.db.session() as session:
        call = session.scalar(select(CallBack).where(CallBack.request_id == request_id))
        assert call is not None and call.outcome == "expired" and call.started_at is None
