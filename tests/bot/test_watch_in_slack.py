"""The watch through the real app and the local Slack: customers silence their own accounts,
staff anyone's; alerts, recoveries and a thousand-channel fan-out through the real notifier."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from running import RunningBot
from sqlalchemy import select

from bot.scheduler_process import notifier_of
from handlers.watch.flow import Watch
from handlers.watch.policy import WatchPolicy
from store.models import AlertMessage, ChannelLink, ChannelRole, Customer, Silence, SipAccount
from telephony.types import Contact, Registrations

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def link(bot: RunningBot, ref: str, channel: str, usernames: list[str], zone: str = "UTC") -> int:
    # The customer's people come from the team the channel is shared with.
    known = bot.sandbox.world.channels.get(channel)
    team = known.connected_team_ids[-1] if known is not None and known.is_ext_shared else None
    with bot.runtime.db.session() as session:
        customer = Customer(
            external_ref=ref, name=f"{ref} Ltd", holder_name=ref, plan="p", country="GB",
            timezone=zone,
        )  # fmt: skip
        customer.sip_accounts = [SipAccount(username=u, label=f"Desk {u}") for u in usernames]
        session.add(customer)
        session.flush()
        session.add(
            ChannelLink(
                channel_id=channel, role=ChannelRole.CUSTOMER, customer_id=customer.id, team_id=team
            )
        )
        return customer.id


def ephemeral_text(answer: Any) -> str:
    body = answer.json()
    assert body.get("response_type") == "ephemeral"
    return str(body["text"])


@pytest.fixture
def linked(running_bot: RunningBot) -> RunningBot:
    w = running_bot.world
    link(running_bot, "GLOBEX", w.globex_channel, ["glo0", "glo1"])
    link(running_bot, "INITECH", w.initech_channel, ["ini0"])
    return running_bot


def test_a_customer_silences_their_own_account_but_not_another_customers(
    linked: RunningBot,
) -> None:
    w, slack = linked.world, linked.slack
    said = ephemeral_text(
        slack.slash_command(
            "/sip", "silence glo0 2h moving desks", user=w.carol, channel=w.globex_channel
        )
    )
    assert "silenced until" in said and "`glo0`" in said
    refused = ephemeral_text(
        slack.slash_command("/sip", "silence ini0 2h", user=w.carol, channel=w.globex_channel)
    )
    assert "not one of your SIP accounts" in refused
    listed = ephemeral_text(
        slack.slash_command("/sip", "silences", user=w.carol, channel=w.globex_channel)
    )
    assert "`glo0`" in listed and "moving desks" in listed
    with linked.runtime.db.session() as session:
        (silence,) = session.scalars(select(Silence)).all()
        assert silence.created_by == w.carol and silence.reason == "moving desks"


def test_staff_silence_any_account_list_every_silence_and_end_one(linked: RunningBot) -> None:
    w, slack = linked.world, linked.slack
    assert "silenced" in ephemeral_text(
        slack.slash_command("/sip", "silence ini0 1d", user=w.alice, channel=w.staff_channel)
    )
    ephemeral_text(
        slack.slash_command("/sip", "silence all 30m lunch", user=w.carol, channel=w.globex_channel)
    )
    listed = ephemeral_text(
        slack.slash_command("/sip", "silences", user=w.alice, channel=w.staff_channel)
    )
    assert "INITECH Ltd" in listed and "GLOBEX Ltd" in listed and "all SIP accounts" in listed
    ended = ephemeral_text(
        slack.slash_command("/sip", "unsilence ini0", user=w.alice, channel=w.staff_channel)
    )
    assert "Ended 1 silence" in ended
    assert "ini0" not in ephemeral_text(
        slack.slash_command("/sip", "silences", user=w.alice, channel=w.staff_channel)
    )
    # a customer can't end what is not theirs
    assert "No silence" in ephemeral_text(
        slack.slash_command("/sip", "unsilence all", user=w.dave, channel=w.initech_channel)
    )


def test_quiet_hours_and_the_digest_schedule_are_set_per_channel(linked: RunningBot) -> None:
    w, slack = linked.world, linked.slack
    assert "Quiet hours 19:00-08:00" in ephemeral_text(
        slack.slash_command("/sip", "quiet 19:00-08:00", user=w.carol, channel=w.globex_channel)
    )
    assert "not a span of hours" in ephemeral_text(
        slack.slash_command("/sip", "quiet evenings", user=w.carol, channel=w.globex_channel)
    )
    assert "Digest at `30 8 * * 1-5`" in ephemeral_text(
        slack.slash_command("/sip", "digest 30 8 * * 1-5", user=w.carol, channel=w.globex_channel)
    )
    assert "not a cron line" in ephemeral_text(
        slack.slash_command("/sip", "digest every morning", user=w.carol, channel=w.globex_channel)
    )
    assert "No more digests" in ephemeral_text(
        slack.slash_command("/sip", "digest off", user=w.dave, channel=w.initech_channel)
    )
    assert "Digest at `0 8 * * 1`" in ephemeral_text(
        slack.slash_command("/sip", "digest 0 8 * * 1", user=w.alice, channel=w.staff_channel)
    )
    with linked.runtime.db.session() as session:
        links = {
            link.channel_id: link
            for link in session.scalars(
                select(ChannelLink).where(ChannelLink.customer_id.is_not(None))
            )
        }
    assert links[w.globex_channel].quiet_hours == "19:00-08:00"
    assert links[w.globex_channel].digest_cron == "30 8 * * 1-5"
    assert links[w.initech_channel].digest_cron == "off"
    with linked.runtime.db.session() as session:
        staff = session.scalar(select(ChannelLink).where(ChannelLink.channel_id == w.staff_channel))
        assert staff is not None and staff.role is ChannelRole.STAFF
        assert staff.digest_cron == "0 8 * * 1"


class Steered:
    def __init__(self) -> None:
        self.registered: dict[str, tuple[Contact, ...]] = {}

    def registrations(self) -> Registrations:
        return Registrations(dict(self.registered))


def device(username: str, port: int = 5060) -> Contact:
    return Contact(f"sip:{username}@192.0.2.1:{port}", "Polycom VVX", f"192.0.2.1:{port}", None)


def glo1_goes_quiet(linked: RunningBot) -> tuple[Watch, Steered]:
    """A watch over Globex's glo0 and glo1 and Initech's ini0, all registered at T0; glo1 stops
    registering 30 s later (Down once the debounce has passed, by T0 + 150 s)."""
    registrar = Steered()
    watch = Watch(
        linked.runtime.db, registrar, notifier_of(linked.runtime),  # type: ignore[arg-type]
        WatchPolicy(storm_share=1.0, staff_channel=linked.world.staff_channel),
    )  # fmt: skip
    registrar.registered = {u: (device(u),) for u in ("glo0", "glo1", "ini0")}
    watch.poll(T0)
    del registrar.registered["glo1"]
    watch.poll(T0 + timedelta(seconds=30))
    return watch, registrar


def test_a_down_alert_reaches_slack_and_recovery_edits_it_despite_a_429(
    linked: RunningBot,
) -> None:
    w, sandbox = linked.world, linked.sandbox
    watch, registrar = glo1_goes_quiet(linked)
    sandbox.fail_next("chat.postMessage", retry_after=1)
    watch.poll(T0 + timedelta(seconds=150))

    (alert,) = sandbox.messages(w.globex_channel)
    assert "A SIP account is Down" in alert["text"] and "glo1" in str(alert["blocks"])
    assert len(sandbox.messages(w.staff_channel)) == 1
    assert sandbox.messages(w.initech_channel) == []

    registrar.registered["glo1"] = (device("glo1"),)
    watch.poll(T0 + timedelta(seconds=400))
    edited = sandbox.message(w.globex_channel, alert["ts"])
    assert edited is not None and "Resolved" in edited["text"] and "edited" in edited
    replies = [m for m in sandbox.messages(w.globex_channel) if m.get("thread_ts") == alert["ts"]]
    assert len(replies) == 1 and "Back Up" in replies[0]["text"]


def test_a_recovery_in_a_channel_gone_for_good_is_given_up_not_retried_every_lease(
    linked: RunningBot,
) -> None:
    w, sandbox = linked.world, linked.sandbox
    watch, registrar = glo1_goes_quiet(linked)
    policy = watch.policy
    watch.poll(T0 + timedelta(seconds=150))
    (alert,) = sandbox.messages(w.globex_channel)

    registrar.registered["glo1"] = (device("glo1"),)
    sandbox.fail_next("chat.update", error="is_archived")  # Globex archived its channel
    watch.poll(T0 + timedelta(seconds=400))
    lease = policy.claim_lease
    for n in range(1, 4):
        watch.poll(T0 + timedelta(seconds=400) + n * (lease + timedelta(seconds=1)))

    refused = [c for c in sandbox.calls_to("chat.update") if c.args["channel"] == w.globex_channel]
    assert len(refused) == 1 and refused[0].error == "is_archived"  # tried once, given up
    assert [m for m in sandbox.messages(w.globex_channel) if m.get("thread_ts")] == []
    staff_alert = sandbox.messages(w.staff_channel)[0]
    replies = [m for m in sandbox.messages(w.staff_channel) if m.get("thread_ts")]
    assert len(replies) == 1 and replies[0]["thread_ts"] == staff_alert["ts"]  # staff still told
    assert alert["ts"] != staff_alert["ts"]


def test_a_down_alert_to_a_channel_gone_for_good_is_given_up_not_retried_every_lease(
    linked: RunningBot,
) -> None:
    w, sandbox = linked.world, linked.sandbox
    watch, _ = glo1_goes_quiet(linked)
    policy = watch.policy
    sandbox.fail_next("chat.postMessage", error="not_in_channel")  # the bot was removed
    watch.poll(T0 + timedelta(seconds=150))
    for n in range(1, 4):
        watch.poll(T0 + timedelta(seconds=150) + n * (policy.claim_lease + timedelta(seconds=1)))

    posts = sandbox.calls_to("chat.postMessage")
    to_globex = [c for c in posts if c.args["channel"] == w.globex_channel]
    assert [c.error for c in to_globex] == ["not_in_channel"]  # tried once, given up
    assert len([c for c in posts if c.args["channel"] == w.staff_channel and c.ok]) == 1
    with linked.runtime.db.session() as session:
        given_up = [m.channel_id for m in session.scalars(select(AlertMessage)) if m.given_up_at]
    assert given_up == [w.globex_channel]


@pytest.mark.slow
def test_a_thousand_alerts_fan_out_none_lost_none_faster_than_the_channel_limit(
    running_bot: RunningBot,
) -> None:
    sandbox, w = running_bot.sandbox, running_bot.world
    channels = [sandbox.add_channel(f"customer-{i}") for i in range(1000)]
    for i, channel in enumerate(channels):
        link(running_bot, f"C{i:04d}", channel, [f"acct{i:04d}"])
    registrar = Steered()
    registrar.registered = {f"acct{i:04d}": (device(f"acct{i:04d}"),) for i in range(1000)}
    watch = Watch(
        running_bot.runtime.db, registrar, notifier_of(running_bot.runtime),  # type: ignore[arg-type]
        WatchPolicy(storm_share=1.0, staff_channel=w.staff_channel, down_after=timedelta(0)),
    )  # fmt: skip
    watch.poll(T0)
    sandbox.fail_next("chat.postMessage", retry_after=1, times=3)
    registrar.registered = {}

    result = watch.poll(T0 + timedelta(seconds=30))

    assert result.went_down == 1000 and result.alerts_posted == 1001
    for channel in channels:
        assert len(sandbox.messages(channel)) == 1
    assert len(sandbox.messages(w.staff_channel)) == 1
    per_channel_second: dict[tuple[str, int], int] = defaultdict(int)
    for call in sandbox.calls_to("chat.postMessage"):
        if call.ok:
            per_channel_second[(call.args["channel"], int(call.at.timestamp()))] += 1
    assert max(per_channel_second.values()) <= 3  # the limiter's burst, never more
