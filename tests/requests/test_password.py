"""A new password for a SIP account: asked for, confirmed (the device on it named), approved by
staff or applied at once, the password on the one-time page, the old one dead, Down held."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from desk import Desk, button_value, buttons, card_text
from desk_world import open_desk
from sqlalchemy import select, text, update

from slack_sandbox.threads import mention_in_thread, thread_replies
from store.db import Database
from store.models import AccountStatus, RequestState, Silence, SipAccount
from store.types import utcnow

RECEPTION = "k3x9q2m7ab"
OLD_PASSWORD = "OldPassword1234567890"


@pytest.fixture
def self_desk(
    pg_database: Database, redis_url: str, redis_prefix: str, tmp_path: Path
) -> Iterator[Desk]:
    opened = open_desk(
        pg_database, redis_url, redis_prefix, tmp_path, SIPDESK_PASSWORD_RESET="self"
    )
    try:
        yield opened
    finally:
        opened.close()


def with_a_phone(desk: Desk, username: str = RECEPTION) -> None:
    """The account has a known password and the watch saw a Yealink registered on it."""
    desk.runtime.services.telephony.set_password(username, OLD_PASSWORD)
    with desk.runtime.db.session() as session:
        session.execute(
            update(SipAccount)
            .where(SipAccount.username == username)
            .values(
                status=AccountStatus.UP,
                last_user_agent="Yealink SIP-T46U 108.86.0.20",
                last_source="198.51.100.7:5062",
            )
        )


def confirm_message(desk: Desk, request_id: int) -> dict[str, Any]:
    def find() -> dict[str, Any] | None:
        request = desk.request(request_id)
        if request.customer_message_ts is None:
            return None
        for message in thread_replies(
            desk.sandbox, request.channel_id, request.customer_message_ts
        ):
            if "password_confirm" in str(message.get("blocks")):
                return message
        return None

    found = desk.sandbox.eventually(find)
    assert found is not None, desk.thread(request_id)
    return found


def click_confirm(desk: Desk, request_id: int, user: str) -> None:
    offer = confirm_message(desk, request_id)
    desk.slack.block_action(
        "password_confirm",
        button_value(offer, "password_confirm"),
        user=user,
        channel=desk.request(request_id).channel_id,
        message_ts=str(offer["ts"]),
    )


def credentials_urls(desk: Desk, user: str) -> list[str]:
    return [
        str(element["url"])
        for shown in desk.sandbox.ephemerals(user=user)
        for block in shown["message"].get("blocks", []) or []
        for element in block.get("elements", []) or []
        if element.get("action_id") == "open_credentials_page"
    ]


def read_password(url: str) -> str:
    """What a person sees pressing Show the password on the page (bot/pages)."""
    with httpx.Client() as browser:
        intro = browser.get(url)
        csrf = re.search(r'name="csrf" value="([^"]+)"', intro.text)
        assert csrf, intro.text
        page = browser.post(url, data={"csrf": csrf[1]}).text
    assert "<h1>A new password for your SIP account</h1>" in page
    found = re.search(r'id="v-password" class="password">([^<]+)<', page)
    assert found, page
    return found[1]


def password_works(desk: Desk, username: str, password: str) -> bool:
    return bool(desk.runtime.services.telephony.check_password(username, password))  # type: ignore[attr-defined]


def ask(desk: Desk, user: str, channel: str, name: str = "Reception desk") -> int:
    before = {r.id for r in desk.requests()}
    desk.slack.slash_command("/sip", f"password {name}", user=user, channel=channel)
    found = desk.sandbox.eventually(lambda: [r for r in desk.requests() if r.id not in before])
    assert found, "no request was made"
    return found[0].id


def test_staff_approve_a_new_password_and_only_the_asker_sees_it(
    desk: Desk, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO)
    w = desk.world
    with_a_phone(desk)
    request_id = ask(desk, w.carol, w.globex_channel)

    offer = confirm_message(desk, request_id)
    said = card_text(offer)
    assert "Yealink SIP-T46U 108.86.0.20" in said and "198.51.100.7:5062" in said
    assert "stops working" in said and "*Down*" in said and "30 min" in said
    assert buttons(offer) == ["Confirm"]
    assert desk.request(request_id).state is RequestState.AWAITING_CUSTOMER
    assert desk.sandbox.messages(w.staff_channel) == []  # staff see it once confirmed

    click_confirm(desk, request_id, w.carol)
    card = desk.wait_card(request_id)
    assert "New password" in card_text(card) and RECEPTION in card_text(card)
    assert buttons(card) == ["Approve", "Reject"]
    assert password_works(desk, RECEPTION, OLD_PASSWORD)  # nothing changes before approval

    desk.click(w.alice, "approval_approve", request_id)
    desk.wait_state(request_id, "applied", 60)
    [url] = desk.sandbox.eventually(lambda: credentials_urls(desk, w.carol))
    password = read_password(url)
    assert len(password) == 20
    assert password_works(desk, RECEPTION, password)
    assert not password_works(desk, RECEPTION, OLD_PASSWORD)
    assert credentials_urls(desk, w.alice) == []
    desk.wait_thread(request_id, "has a new password")

    # Who asked, who confirmed, who approved, when; never the password, anywhere.
    trail = desk.trail(request_id)
    assert trail[:3] == [
        (w.carol, "created", "awaiting_customer"),
        (w.carol, "confirmed", "pending_approval"),
        (w.alice, "approved", "approved"),
    ]
    assert trail[-1] == ("system:apply", "applied", "applied")
    everything = [
        str(m) for c in (w.globex_channel, w.staff_channel) for m in desk.sandbox.history(c)
    ]
    assert not any(password in m for m in everything)
    assert not any(password in r.getMessage() for r in caplog.records)
    with desk.runtime.db.engine.connect() as conn:
        for table in ("requests", "audit_events", "sip_accounts", "one_time_links", "silences"):
            rows = conn.execute(text(f"SELECT * FROM {table}")).all()
            assert not any(password in str(row) for row in rows), table

    # The Down the customer expects is held: until the grace ends, or it registers again.
    with desk.runtime.db.session() as session:
        [hold] = session.scalars(select(Silence)).all()
        assert hold.until_registered and hold.sip_account_id == desk.account(RECEPTION).id
        assert timedelta(minutes=29) < hold.until - utcnow() <= timedelta(minutes=30)


def test_with_the_self_policy_it_is_applied_at_once_and_audited(self_desk: Desk):
    desk, w = self_desk, self_desk.world
    with_a_phone(desk)
    request_id = ask(desk, w.carol, w.globex_channel)
    assert "set it at once" in card_text(confirm_message(desk, request_id))
    click_confirm(desk, request_id, w.carol)

    desk.wait_state(request_id, "applied", 60)
    [url] = desk.sandbox.eventually(lambda: credentials_urls(desk, w.carol))
    assert password_works(desk, RECEPTION, read_password(url))
    assert [actor for actor, _, to in desk.trail(request_id) if to == "approved"] == [
        "system:self-service"
    ]
    assert desk.request(request_id).staff_message_ts is None  # no card to decide
    assert desk.sandbox.messages(w.staff_channel) == []


def test_only_the_asker_confirms(desk: Desk):
    w = desk.world
    request_id = ask(desk, w.carol, w.globex_channel)
    click_confirm(desk, request_id, w.alice)
    said = desk.sandbox.eventually(lambda: desk.sandbox.responses)
    assert "who asked, can confirm" in said[0].body["text"]
    assert desk.request(request_id).state is RequestState.AWAITING_CUSTOMER


def test_an_unknown_account_is_refused_and_nothing_is_made(desk: Desk):
    w = desk.world
    desk.slack.slash_command("/sip", "password Front door", user=w.carol, channel=w.globex_channel)
    said = desk.sandbox.eventually(lambda: desk.sandbox.responses)
    assert "no SIP account called “Front door”" in said[0].body["text"]
    assert "Reception desk (`k3x9q2m7ab`)" in said[0].body["text"]
    # Another customer's account is not one of yours either.
    desk.slack.slash_command("/sip", "password r2d5v7x9qk", user=w.carol, channel=w.globex_channel)
    said = desk.sandbox.eventually(lambda: desk.sandbox.responses[1:])
    assert "no SIP account called “r2d5v7x9qk”" in said[0].body["text"]
    assert desk.requests() == []


def test_three_new_passwords_a_day_then_a_clear_no(self_desk: Desk):
    desk, w = self_desk, self_desk.world
    for _ in range(3):
        request_id = ask(desk, w.carol, w.globex_channel)
        click_confirm(desk, request_id, w.carol)
        desk.wait_state(request_id, "applied", 60)
    desk.slack.slash_command(
        "/sip", "password Reception desk", user=w.carol, channel=w.globex_channel
    )
    said = desk.sandbox.eventually(
        lambda: [r for r in desk.sandbox.responses if "24 hours" in str(r.body.get("text"))]
    )
    assert "already had 3 new passwords in the last 24 hours" in said[0].body["text"]
    assert len(desk.requests()) == 3
    # Another account of the same customer is not limited by this one's resets.
    other = ask(desk, w.carol, w.globex_channel, "p8w4n6t1cz")
    assert desk.request(other).state is RequestState.AWAITING_CUSTOMER


def test_asking_again_before_confirming_replaces_the_first_ask(desk: Desk):
    w = desk.world
    first = ask(desk, w.carol, w.globex_channel)
    confirm_message(desk, first)
    second = ask(desk, w.carol, w.globex_channel)
    assert desk.request(first).state is RequestState.CANCELLED
    assert desk.request(second).state is RequestState.AWAITING_CUSTOMER
    click_confirm(desk, second, w.carol)
    desk.wait_card(second)
    # Once with staff, a third ask is told where the second stands.
    desk.slack.slash_command(
        "/sip", "password Reception desk", user=w.carol, channel=w.globex_channel
    )
    said = desk.sandbox.eventually(lambda: desk.sandbox.responses)
    assert f"Request #{second}" in said[-1].body["text"]
    assert "waits for our support team" in said[-1].body["text"]


def test_a_mention_asks_for_a_new_password_too(desk: Desk):
    w = desk.world
    mention = mention_in_thread(desk.slack, w.carol, w.globex_channel, "sip password k3x9q2m7ab")
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    confirm_message(desk, request_id)
    assert desk.request(request_id).customer_message_ts == mention["ts"]


def test_the_status_answer_of_one_account_has_a_new_password_button(desk: Desk):
    w = desk.world
    desk.slack.slash_command(
        "/sip", "status Reception desk", user=w.carol, channel=w.globex_channel
    )
    # The answer first; the devices the platform sees now follow it in a second message.
    answer = desk.sandbox.eventually(lambda: desk.sandbox.responses)[0]
    assert buttons(answer.body) == ["New password"]
    desk.slack.block_action(
        "status_new_password",
        button_value(answer.body, "status_new_password"),
        user=w.carol,
        channel=w.globex_channel,
    )
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    confirm_message(desk, request_id)
    assert desk.request(request_id).sip_account_id == desk.account(RECEPTION).id
    # The list of every account has no such button: which one would it be?
    desk.slack.slash_command("/sip", "status", user=w.carol, channel=w.globex_channel)
    every = desk.sandbox.eventually(lambda: desk.sandbox.responses[1:])
    assert buttons(every[0].body) == []


def test_the_menu_button_opens_a_form_that_asks_like_the_command(desk: Desk):
    w = desk.world
    desk.slack.block_action(
        "menu_new_password", "menu_new_password", user=w.carol, channel=w.globex_channel
    )
    modal = desk.sandbox.eventually(lambda: desk.sandbox.last_view(w.carol))
    assert modal is not None and modal["callback_id"] == "password_modal"
    assert "Dr. Byrne's surgery (p8w4n6t1cz)" in str(modal["blocks"])
    desk.slack.view_submission(
        "password_modal",
        {"account": {"input": {"type": "static_select", "selected_option": {"value": RECEPTION}}}},
        user=w.carol,
        private_metadata=modal["private_metadata"],
        view_id=modal["id"],
    )
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    confirm_message(desk, request_id)


def test_staff_reset_a_password_from_the_staff_channel(desk: Desk):
    w = desk.world
    with_a_phone(desk)
    desk.slack.slash_command("/sip", f"password {RECEPTION}", user=w.alice, channel=w.staff_channel)
    [offer] = desk.sandbox.eventually(lambda: desk.sandbox.responses)
    assert buttons(offer.body) == ["Reset password"]
    assert "Globex Dental" in card_text(offer.body) and "Yealink" in card_text(offer.body)
    value = button_value(offer.body, "password_staff_reset")

    # Only staff may press it.
    desk.slack.block_action("password_staff_reset", value, user=w.carol, channel=w.staff_channel)
    desk.sandbox.eventually(lambda: [r for r in desk.refusals() if r.actor == w.carol])
    assert desk.requests() == []

    desk.slack.block_action("password_staff_reset", value, user=w.alice, channel=w.staff_channel)
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    desk.wait_state(request_id, "applied", 60)
    [url] = desk.sandbox.eventually(lambda: credentials_urls(desk, w.alice))
    shown = [e for e in desk.sandbox.ephemerals(user=w.alice) if "open_credentials" in str(e)]
    assert shown[0]["channel"] == w.staff_channel
    assert password_works(desk, RECEPTION, read_password(url))
    assert credentials_urls(desk, w.carol) == []
    trail = desk.trail(request_id)
    assert trail[0][:2] == (w.alice, "created") and trail[1][:2] == (w.alice, "approved")
    # The customer's channel hears that support set a new password.
    desk.wait_thread(request_id, "Our support team is setting a new password")


def test_the_credentials_page_not_you_text_names_the_real_command(desk: Desk):
    w = desk.world
    request_id = ask(desk, w.carol, w.globex_channel)
    click_confirm(desk, request_id, w.carol)
    desk.wait_card(request_id)
    desk.click(w.alice, "approval_approve", request_id)
    [url] = desk.sandbox.eventually(lambda: credentials_urls(desk, w.carol))
    read_password(url)
    again = httpx.get(url)
    assert again.status_code == 410
    assert f"/sip password {RECEPTION}" in again.text
    assert f"@sipdesk sip password {RECEPTION}" in again.text


def test_in_the_staff_channel_the_new_password_button_offers_staff_their_reset(desk: Desk):
    w = desk.world
    desk.slack.block_action("status_new_password", RECEPTION, user=w.alice, channel=w.staff_channel)
    [offer] = desk.sandbox.eventually(lambda: desk.sandbox.responses)
    assert buttons(offer.body) == ["Reset password"]
    assert desk.requests() == []  # nothing asked yet: staff press Reset password to decide
