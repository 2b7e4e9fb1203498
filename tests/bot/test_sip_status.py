"""`/sip status`: a customer asks which of their SIP accounts are Up, through the real app."""

from __future__ import annotations

from datetime import timedelta

import pytest
from customers import load_example_customers
from running import RunningBot
from sqlalchemy import select

from slack_sandbox import RecordedResponse
from store.models import AccountStatus, SipAccount
from store.types import utcnow


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    load_example_customers(running_bot.runtime, running_bot.world)
    return running_bot


def _mark(bot: RunningBot, username: str, status: AccountStatus, ago: timedelta) -> None:
    with bot.runtime.db.session() as session:
        account = session.scalars(select(SipAccount).where(SipAccount.username == username)).one()
        account.status, account.status_since = status, utcnow() - ago


def _ask(
    bot: RunningBot, text: str, *, user: str, channel: str, answers: int = 1
) -> RecordedResponse:
    """The first answer; one account named gets a second (the devices seen now) after it."""
    before = len(bot.sandbox.responses)
    answer = bot.slack.slash_command("/sip", text, user=user, channel=channel)
    assert answer.status_code == 200
    assert answer.content.strip() == b""  # acked before any database read
    said = bot.sandbox.eventually(lambda: bot.sandbox.responses[before:][answers - 1 :])
    said = bot.sandbox.responses[before:]
    assert len(said) == answers
    return said[0]


def _text(response: RecordedResponse) -> str:
    return "\n".join(
        str(b["text"]["text"]) if "text" in b else str(b["elements"][0]["text"])
        for b in response.body.get("blocks", [])
    )


def test_a_customer_sees_each_account_up_or_down_and_since_when(bot: RunningBot):
    w = bot.world
    _mark(bot, "k3x9q2m7ab", AccountStatus.UP, timedelta(hours=3, minutes=20))
    _mark(bot, "p8w4n6t1cz", AccountStatus.DOWN, timedelta(minutes=12))
    said = _ask(bot, "status", user=w.carol, channel=w.globex_channel)
    assert said.response_type == "ephemeral"
    assert said.channel == w.globex_channel and said.user == w.carol
    shown = _text(said)
    assert "SIP accounts of Globex Dental" in shown
    reception, surgery = (line for line in shown.splitlines() if "`" in line)
    assert "*Reception desk* `k3x9q2m7ab`" in reception and "*Up* since" in reception
    assert "(3 h 20 min)" in reception
    assert "Dr. Byrne's surgery" in surgery and "*Down* since" in surgery and "(12 min)" in surgery
    assert "Times in Europe/Dublin" in shown
    assert "Reception desk: Up" in said.body["text"]


def test_an_account_the_watch_never_saw_is_unknown(bot: RunningBot):
    w = bot.world
    said = _ask(bot, "status", user=w.dave, channel=w.initech_channel)
    shown = _text(said)
    assert "Initech Logistics" in shown and "Globex" not in shown
    assert "*Warehouse office* `r2d5v7x9qk` — status unknown" in shown


def test_one_account_asked_for_by_label_or_username(bot: RunningBot):
    w = bot.world
    by_label = _text(
        _ask(bot, "status reception DESK", user=w.carol, channel=w.globex_channel, answers=2)
    )
    assert "k3x9q2m7ab" in by_label and "p8w4n6t1cz" not in by_label
    by_name = _text(
        _ask(bot, "status p8w4n6t1cz", user=w.carol, channel=w.globex_channel, answers=2)
    )
    assert "p8w4n6t1cz" in by_name and "k3x9q2m7ab" not in by_name


def test_another_customers_account_is_not_found_in_this_channel(bot: RunningBot):
    w = bot.world
    said = _ask(bot, "status r2d5v7x9qk", user=w.carol, channel=w.globex_channel)
    assert "Globex Dental has no SIP account" in said.body["text"]
    assert "r2d5v7x9qk" in said.body["text"] and "Warehouse" not in said.body["text"]


def test_an_unlinked_channel_gets_a_clear_answer(bot: RunningBot):
    w = bot.world
    lonely = bot.sandbox.add_channel("random", members=[w.alice])
    said = _ask(bot, "status", user=w.alice, channel=lonely)
    assert "not linked to a customer" in said.body["text"]
    assert "blocks" not in said.body
