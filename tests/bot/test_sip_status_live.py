"""`/sip status` with what the platform sees now: the devices on one account, the accounts the
watch has not polled yet, and staff naming any customer's account from the staff channel.
Through the real app, with the built-in platform reading its registrations feed."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from customers import load_example_customers
from running import RunningBot
from sqlalchemy import select

from slack_sandbox import RecordedResponse
from store.models import AccountStatus, SipAccount
from store.types import utcnow


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "registrations.json"
    path.write_text("[]")
    return path


@pytest.fixture
def bot_settings(feed: Path) -> dict[str, object]:
    return {"SIPDESK_REGISTRATIONS_FEED": str(feed)}


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    load_example_customers(running_bot.runtime, running_bot.world)
    return running_bot


def _register(feed: Path, username: str, agent: str, source: str, expires: int = 600) -> None:
    entries = json.loads(feed.read_text())
    entries.append(
        {
            "username": username,
            "contact": f"sip:{username}@{source}",
            "user_agent": agent,
            "source": source,
            "expires": expires,
            "registered_at": (utcnow() - timedelta(minutes=5)).isoformat(),
        }
    )
    feed.write_text(json.dumps(entries))


def _ask(
    bot: RunningBot, text: str, *, user: str, channel: str, answers: int
) -> list[RecordedResponse]:
    before = len(bot.sandbox.responses)
    answer = bot.slack.slash_command("/sip", text, user=user, channel=channel)
    assert answer.status_code == 200 and answer.content.strip() == b""  # the ack waits for none
    bot.sandbox.eventually(lambda: bot.sandbox.responses[before:][answers - 1 :])
    said = bot.sandbox.responses[before:]
    assert len(said) == answers, [s.body.get("text") for s in said]
    return said


def _shown(response: RecordedResponse) -> str:
    return json.dumps(response.body.get("blocks", []), ensure_ascii=False)


def _mark(bot: RunningBot, username: str, **values: object) -> None:
    with bot.runtime.db.session() as session:
        account = session.scalars(select(SipAccount).where(SipAccount.username == username)).one()
        for name, value in values.items():
            setattr(account, name, value)


def test_a_customer_sees_the_status_first_then_the_device_registered_now(
    bot: RunningBot, feed: Path
):
    w = bot.world
    _mark(bot, "k3x9q2m7ab", status=AccountStatus.UP, status_since=utcnow() - timedelta(hours=2))
    _register(feed, "k3x9q2m7ab", "Yealink SIP-T46U 108.86.0.45", "198.51.100.7:5062")
    first, details = _ask(
        bot, "status Reception desk", user=w.carol, channel=w.globex_channel, answers=2
    )
    assert "*Up* since" in _shown(first) and "Asking the platform" in _shown(first)
    shown = _shown(details)
    assert details.response_type == "ephemeral" and details.user == w.carol
    assert "What the platform sees now" in shown
    assert "*Yealink SIP-T46U 108.86.0.45* from `198.51.100.7:5062`" in shown
    assert "registered " in shown and "expires " in shown and "(in 9 min)" in shown
    assert details.body["text"] == "k3x9q2m7ab: 1 device registered now"


def test_no_device_registered_names_the_last_one_seen(bot: RunningBot):
    w = bot.world
    seen = utcnow() - timedelta(hours=1)
    _mark(
        bot, "p8w4n6t1cz", status=AccountStatus.DOWN, status_since=seen,
        last_user_agent="Grandstream GXP2170", last_source="203.0.113.9:5060", last_seen_at=seen,
    )  # fmt: skip
    _, details = _ask(bot, "status p8w4n6t1cz", user=w.carol, channel=w.globex_channel, answers=2)
    shown = _shown(details)
    assert "No device registered. Last one seen: Grandstream GXP2170 from `203.0.113.9:5060`" in (
        shown
    )
    assert details.body["text"] == "p8w4n6t1cz: no devices registered now"


def test_two_devices_on_one_account_are_both_shown_with_the_rule(bot: RunningBot, feed: Path):
    w = bot.world
    _register(feed, "k3x9q2m7ab", "Yealink T46U", "198.51.100.7:5062")
    _register(feed, "k3x9q2m7ab", "Zoiper 5", "192.0.2.44:61000")
    _, details = _ask(bot, "status k3x9q2m7ab", user=w.carol, channel=w.globex_channel, answers=2)
    shown = _shown(details)
    assert "Yealink T46U" in shown and "Zoiper 5" in shown
    assert "2 devices share this SIP account" in shown


def test_before_the_first_poll_status_reads_the_platform_instead_of_unknown(
    bot: RunningBot, feed: Path
):
    w = bot.world
    _register(feed, "k3x9q2m7ab", "Yealink T46U", "198.51.100.7:5062")
    (said,) = _ask(bot, "status", user=w.carol, channel=w.globex_channel, answers=1)
    reception, surgery = (line for line in _shown(said).split("\\n") if "`" in line)
    assert "`k3x9q2m7ab` — *Up* now (a device is registered" in reception
    assert "`p8w4n6t1cz` — *Down* now (no device" in surgery
    assert "unknown" not in _shown(said)


def test_a_platform_that_cannot_answer_is_said_in_the_details(bot: RunningBot, feed: Path):
    w = bot.world
    feed.write_text("{not json")
    first, details = _ask(
        bot, "status k3x9q2m7ab", user=w.carol, channel=w.globex_channel, answers=2
    )
    assert "status unknown" in _shown(first)  # the watch never saw it, the platform can't say
    assert "The registrations feed is unreadable" in _shown(details)
    assert "Try again in a moment" in _shown(details)


def test_staff_name_any_customers_account_by_username_ref_and_label_or_ref(
    bot: RunningBot, feed: Path
):
    w = bot.world
    _register(feed, "r2d5v7x9qk", "Cisco SPA504G", "192.0.2.10:5060")
    _, details = _ask(bot, "status r2d5v7x9qk", user=w.alice, channel=w.staff_channel, answers=2)
    assert "Cisco SPA504G" in _shown(details)
    first, _ = _ask(
        bot, "status GLOBEX-001 reception desk", user=w.bob, channel=w.staff_channel, answers=2
    )
    assert "Globex Dental (GLOBEX-001)" in _shown(first) and "k3x9q2m7ab" in _shown(first)
    first, _ = _ask(
        bot, "status Warehouse office initech-042", user=w.bob, channel=w.staff_channel, answers=2
    )
    assert "r2d5v7x9qk" in _shown(first)
    (whole,) = _ask(bot, "status GLOBEX-001", user=w.alice, channel=w.staff_channel, answers=1)
    assert "SIP accounts of Globex Dental (GLOBEX-001)" in _shown(whole)
    assert "k3x9q2m7ab" in _shown(whole) and "p8w4n6t1cz" in _shown(whole)


def test_staff_get_a_sentence_for_a_name_that_is_nothing(bot: RunningBot):
    w = bot.world
    (said,) = _ask(bot, "status nosuch", user=w.alice, channel=w.staff_channel, answers=1)
    assert (
        "No SIP account has the username “nosuch” and no customer has that ref"
        in (said.body["text"])
    )
    (said,) = _ask(bot, "status GLOBEX-001 Loft", user=w.alice, channel=w.staff_channel, answers=1)
    assert (
        "Globex Dental (GLOBEX-001) has no SIP account with the username or label “Loft”"
        in (said.body["text"])
    )
    (said,) = _ask(bot, "status", user=w.alice, channel=w.staff_channel, answers=1)
    assert "In the staff channel, name an account" in said.body["text"]


def test_a_customer_cannot_reach_another_customers_account_by_its_ref(bot: RunningBot):
    w = bot.world
    (said,) = _ask(bot, "status INITECH-042", user=w.carol, channel=w.globex_channel, answers=1)
    assert "Globex Dental has no SIP account" in said.body["text"]
    assert "Warehouse" not in json.dumps(said.body)
