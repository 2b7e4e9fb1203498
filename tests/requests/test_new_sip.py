"""A new SIP account: the plan's cost accepted (free plans skip it), staff approve, the platform
creates it with a random username, and the password reaches the requester alone."""

from __future__ import annotations

import logging
import re

import httpx
import pytest
from desk import Desk, card_text
from sqlalchemy import select, text

from slack_sandbox.threads import mention_in_thread, thread_replies
from store.models import SipAccount


def cost_message(desk: Desk, request_id: int) -> dict[str, object]:
    def find() -> dict[str, object] | None:
        request = desk.request(request_id)
        if request.customer_message_ts is None:
            return None
        for message in thread_replies(
            desk.sandbox, request.channel_id, request.customer_message_ts
        ):
            if "costs" in str(message.get("text")):
                return message
        return None

    found = desk.sandbox.eventually(find)
    assert found is not None
    return found


def _password_from_the_credentials_page(desk: Desk, user: str) -> str:
    """The ephemeral links to a page that shows the password once (bot/pages)."""
    [shown] = [e["message"] for e in desk.sandbox.ephemerals(user=user)]
    [url] = [
        str(element["url"])
        for block in shown.get("blocks", [])
        for element in block.get("elements", []) or []
        if element.get("action_id") == "open_credentials_page"
    ]
    with httpx.Client() as browser:
        intro = browser.get(url)
        csrf = re.search(r'name="csrf" value="([^"]+)"', intro.text)
        assert csrf, intro.text
        page = browser.post(url, data={"csrf": csrf[1]}).text
    found = re.search(r'id="v-password" class="password">([^<]+)<', page)
    assert found, page
    return found[1]


def test_on_a_paid_plan_the_cost_is_accepted_before_staff_see_it(
    desk: Desk, caplog: pytest.LogCaptureFixture
):
    # sipdesk logs at INFO, and keeps slack_sdk (which logs request bodies at DEBUG) there too.
    caplog.set_level(logging.INFO)
    w = desk.world
    desk.slack.slash_command("/sip", "new Front desk", user=w.carol, channel=w.globex_channel)
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    said = desk.wait_thread(request_id, "One device per SIP account")
    assert any("“Front desk”" in t for t in said)
    offer = cost_message(desk, request_id)
    assert "5.00 EUR per month" in str(offer["text"])
    assert desk.request(request_id).state.value == "awaiting_customer"
    assert desk.sandbox.messages(w.staff_channel) == []  # staff see it only once accepted

    desk.slack.block_action(
        "new_sip_accept",
        _value(offer),
        user=w.carol,
        channel=w.globex_channel,
        message_ts=str(offer["ts"]),
    )
    card = desk.wait_card(request_id)
    assert "5.00 EUR per month" in card_text(card) and "Front desk" in card_text(card)
    accepted = desk.sandbox.message(w.globex_channel, str(offer["ts"]))
    assert accepted is not None and "accepted" in str(accepted["blocks"])

    desk.click(w.alice, "approval_approve", request_id)
    applied = desk.wait_state(request_id, "applied")
    username = applied.details["username"]
    with desk.runtime.db.session() as session:
        account = session.scalar(select(SipAccount).where(SipAccount.username == username))
        assert account is not None and account.label == "Front desk" and account.mailbox
    secrets = desk.sandbox.eventually(lambda: desk.ephemerals_to(w.carol))
    assert len(secrets) == 1 and username in secrets[0]
    password = _password_from_the_credentials_page(desk, w.carol)
    assert len(password) == 20 and password not in secrets[0]
    # Nowhere else: no channel message, no log line, no plain-text column.
    desk.wait_thread(request_id, "Applied")
    everything = [
        str(m) for c in (w.globex_channel, w.staff_channel) for m in desk.sandbox.history(c)
    ]
    assert not any(password in m for m in everything)
    assert not any(password in r.getMessage() for r in caplog.records)
    with desk.runtime.db.engine.connect() as conn:
        for table in ("requests", "audit_events", "sip_accounts", "one_time_links"):
            rows = conn.execute(text(f"SELECT * FROM {table}")).all()
            assert not any(password in str(row) for row in rows), table


def test_on_a_free_plan_there_is_no_accept_step(desk: Desk):
    w = desk.world
    desk.slack.slash_command("/sip", "new Loading bay", user=w.dave, channel=w.initech_channel)
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    desk.wait_state(request_id, "pending_approval")
    desk.wait_card(request_id)
    assert not any("costs" in t for t in desk.thread(request_id))


def test_only_the_requester_accepts_the_cost(desk: Desk):
    w = desk.world
    desk.slack.slash_command("/sip", "new Front desk", user=w.carol, channel=w.globex_channel)
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    offer = cost_message(desk, request_id)
    desk.slack.block_action(
        "new_sip_accept",
        _value(offer),
        user=w.alice,
        channel=w.globex_channel,
        message_ts=str(offer["ts"]),
    )
    said = desk.sandbox.eventually(lambda: desk.sandbox.responses)
    assert "who asked, can accept" in said[0].body["text"]
    assert desk.request(request_id).state.value == "awaiting_customer"


def test_a_mention_asks_for_a_new_sip_account_too(desk: Desk):
    w = desk.world
    mention = mention_in_thread(desk.slack, w.dave, w.initech_channel, "sip new Loading bay")
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    desk.wait_card(request_id)
    assert desk.request(request_id).customer_message_ts == mention["ts"]


def _value(message: dict[str, object]) -> str:
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    return str(blocks[1]["elements"][0]["value"])
