"""The App Home tab: an agent sees what waits for a decision, oldest first, with its age; a
customer sees their own open requests; Refresh shows the clicker's own tab, whoever is named."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from customers import load_example_customers
from running import RunningBot
from sqlalchemy import select, update

from store import requests
from store.models import Customer, Request, RequestKind, RequestState
from store.types import utcnow


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    load_example_customers(running_bot.runtime, running_bot.world)
    return running_bot


def _ask(
    bot: RunningBot, ref: str, kind: RequestKind, state: RequestState, by: str, ago: timedelta
) -> int:
    with bot.runtime.db.session() as session:
        customer = session.scalars(select(Customer).where(Customer.external_ref == ref)).one()
        request = requests.create(
            session,
            kind=kind,
            customer_id=customer.id,
            channel_id="C0TEST",
            requested_by=by,
            state=state,
        )
        session.execute(
            update(Request).where(Request.id == request.id).values(created_at=utcnow() - ago)
        )
        return request.id


def _home_text(bot: RunningBot, user: str, after: int = 0) -> str:
    def published() -> dict[str, Any] | None:
        calls = bot.sandbox.calls_to("views.publish")
        return bot.sandbox.home_of(user) if len(calls) > after else None

    home = bot.sandbox.eventually(published)
    assert home is not None
    return "\n".join(
        str(b["text"]["text"]) for b in home["blocks"] if isinstance(b.get("text"), dict)
    )


def test_an_agent_sees_pending_approvals_oldest_first_with_their_age(bot: RunningBot):
    w = bot.world
    newer = _ask(
        bot,
        "INITECH-042",
        RequestKind.NEW_SIP_ACCOUNT,
        RequestState.PENDING_APPROVAL,
        w.dave,
        timedelta(minutes=5),
    )
    older = _ask(
        bot,
        "GLOBEX-001",
        RequestKind.PSTN_CALLER_ID,
        RequestState.PENDING_APPROVAL,
        w.carol,
        timedelta(hours=2, minutes=30),
    )
    _ask(
        bot,
        "GLOBEX-001",
        RequestKind.VOIP_CALLER_ID,
        RequestState.AWAITING_CUSTOMER,
        w.carol,
        timedelta(minutes=1),
    )
    bot.slack.app_home_opened(w.alice)
    shown = _home_text(bot, w.alice)
    assert "Waiting for approval: 2" in shown
    first = shown.index(f"#{older}")
    assert first < shown.index(f"#{newer}")
    assert (
        f"*#{older}* Globex Dental — PSTN caller ID — asked by <@{w.carol}> — waiting 2 h 30 min"
        in shown
    )
    assert f"*#{newer}* Initech Logistics — New SIP account — asked by <@{w.dave}>" in shown
    assert "Open requests: 3" in shown and "Waiting for the customer: *1*" in shown


def test_a_customer_sees_their_own_open_requests_and_not_others(bot: RunningBot):
    w = bot.world
    mine = _ask(
        bot,
        "GLOBEX-001",
        RequestKind.PSTN_CALLER_ID,
        RequestState.AWAITING_CUSTOMER,
        w.carol,
        timedelta(minutes=40),
    )
    theirs = _ask(
        bot,
        "INITECH-042",
        RequestKind.NEW_SIP_ACCOUNT,
        RequestState.PENDING_APPROVAL,
        w.dave,
        timedelta(minutes=3),
    )
    done = _ask(
        bot,
        "GLOBEX-001",
        RequestKind.VOIP_CALLER_ID,
        RequestState.PENDING_APPROVAL,
        w.carol,
        timedelta(minutes=9),
    )
    with bot.runtime.db.session() as session:
        requests.transition(session, done, RequestState.REJECTED, actor=w.alice)
    bot.slack.app_home_opened(w.carol)
    shown = _home_text(bot, w.carol)
    assert "Your open requests: 1" in shown and f"#{done}" not in shown
    assert f"*#{mine}* PSTN caller ID for Globex Dental — waiting for you" in shown
    assert "asked 40 min ago" in shown
    assert f"#{theirs}" not in shown and "Waiting for approval" not in shown
    usages = [line.split("`")[1] for line in shown.splitlines() if line.startswith("*`")]
    assert "/sip status" in usages and "/callerid SIP_ACCOUNT NUMBER|anonymous" in usages
    assert len(usages) == len(set(usages))  # each command once


def test_refresh_shows_the_clickers_own_tab_whatever_the_payload_says(bot: RunningBot):
    w = bot.world
    _ask(
        bot,
        "GLOBEX-001",
        RequestKind.PSTN_CALLER_ID,
        RequestState.PENDING_APPROVAL,
        w.carol,
        timedelta(minutes=2),
    )
    # A forged value and extra fields naming an agent: only the envelope's user counts.
    bot.slack.block_action("home_refresh", w.alice, user=w.carol, view=None, channel=None)
    shown = _home_text(bot, w.carol)
    assert "Your open requests: 1" in shown and "Waiting for approval" not in shown
    assert bot.sandbox.home_of(w.alice) is None
    assert [c.args["user_id"] for c in bot.sandbox.calls_to("views.publish")] == [w.carol]
