"""`/sip history ACCOUNT [N]`: a customer reads what was asked and changed on their account,
newest first; staff read any customer's. Through the real app and the sandbox."""

from __future__ import annotations

import json

import pytest
from customers import load_example_customers
from running import RunningBot
from sqlalchemy import update

from slack_sandbox import RecordedResponse
from store.models import SipAccount
from tests.history_story import write_history


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    load_example_customers(running_bot.runtime, running_bot.world)
    w = running_bot.world
    write_history(running_bot.runtime.db, carol=w.carol, alice=w.alice, bob=w.bob, dave=w.dave)
    return running_bot


def _ask(bot: RunningBot, text: str, *, user: str, channel: str) -> RecordedResponse:
    before = len(bot.sandbox.responses)
    answer = bot.slack.slash_command("/sip", text, user=user, channel=channel)
    assert answer.status_code == 200 and answer.content.strip() == b""
    said = bot.sandbox.eventually(lambda: bot.sandbox.responses[before:])
    assert len(said) == 1 and said[0].response_type == "ephemeral"
    return said[0]


def _sections(response: RecordedResponse) -> list[str]:
    return [b["text"]["text"] for b in response.body.get("blocks", []) if b["type"] == "section"]


def test_a_customer_reads_their_accounts_history_newest_first(bot: RunningBot):
    w = bot.world
    said = _ask(bot, "history Reception desk", user=w.carol, channel=w.globex_channel)
    heading, rejected, billed, own = _sections(said)
    assert "History of Reception desk* `k3x9q2m7ab` · Globex Dental" in heading
    assert "GLOBEX-001" not in heading  # the ref is for staff
    assert "VoIP caller ID*: Front (200) (was Reception (100)) — _rejected_" in rejected
    assert f"asked by <@{w.carol}>" in rejected and f"rejected by <@{w.bob}>" in rejected
    assert "Reason: 200 is the fax line" in rejected
    assert "PSTN caller ID*: +35317654321 (was +35312345679) — _applied_" in billed
    assert f"approved by <@{w.alice}>" in billed and "applied " in billed
    assert "bill: pass" in billed
    assert "self-service (a number on the account): no approval needed" in own
    assert "bill:" not in own
    assert said.body["text"] == "History of k3x9q2m7ab: 3 requests"


def test_the_latest_n_only(bot: RunningBot):
    w = bot.world
    said = _ask(bot, "history k3x9q2m7ab 1", user=w.carol, channel=w.globex_channel)
    _, latest = _sections(said)
    assert "VoIP caller ID" in latest
    assert "Ask for more" in json.dumps(said.body["blocks"])


def test_a_customer_cannot_read_another_customers_account(bot: RunningBot):
    w = bot.world
    said = _ask(bot, "history r2d5v7x9qk", user=w.carol, channel=w.globex_channel)
    assert (
        "Globex Dental has no SIP account with the username or label “r2d5v7x9qk”"
        in (said.body["text"])
    )
    assert "Loading bay" not in json.dumps(said.body, ensure_ascii=False)


def test_staff_read_any_account_and_never_a_password(bot: RunningBot):
    w = bot.world
    said = _ask(bot, "history r2d5v7x9qk", user=w.alice, channel=w.staff_channel)
    shown = json.dumps(said.body, ensure_ascii=False)
    assert "Initech Logistics (INITECH-042)" in shown
    assert "a new SIP account “Loading bay”" in shown and "approved by" in shown
    assert "hunter2" not in shown and "tok3n" not in shown
    said = _ask(bot, "history GLOBEX-001 reception desk 2", user=w.bob, channel=w.staff_channel)
    assert len(_sections(said)) == 3  # the heading and the latest two


def test_bad_asks_get_a_sentence(bot: RunningBot):
    w = bot.world
    said = _ask(bot, "history", user=w.carol, channel=w.globex_channel)
    assert "Name the SIP account: `/sip history ACCOUNT [N]`" in said.body["text"]
    said = _ask(bot, "history k3x9q2m7ab 500", user=w.carol, channel=w.globex_channel)
    assert "Ask for 1 to 50 entries" in said.body["text"]
    said = _ask(bot, "history nobody", user=w.alice, channel=w.staff_channel)
    assert "No SIP account has the username “nobody”" in said.body["text"]


def test_an_account_with_no_past_says_so(bot: RunningBot):
    w = bot.world
    said = _ask(bot, "history p8w4n6t1cz", user=w.carol, channel=w.globex_channel)
    assert "Nothing was asked or changed on this SIP account yet." in said.body["text"] + (
        json.dumps(said.body["blocks"])
    )


def test_a_label_ending_in_a_number_is_the_account_not_a_count(bot: RunningBot):
    w = bot.world
    with bot.runtime.db.session() as session:
        session.execute(
            update(SipAccount).where(SipAccount.username == "p8w4n6t1cz").values(label="Desk 2")
        )
    said = _ask(bot, "history Desk 2", user=w.carol, channel=w.globex_channel)
    assert "*History of Desk 2* `p8w4n6t1cz`" in json.dumps(said.body["blocks"])
