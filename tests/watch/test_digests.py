"""Digests arrive on each customer's own morning, once per slot however often the scheduler
ticks, catch up a missed slot once, and staff get theirs with a chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from watch_world import STAFF, RecordingNotifier

from handlers.digests.flow import DigestPolicy, run_due, send_now
from store.db import Database
from store.models import (
    AccountStatus,
    ChannelLink,
    ChannelRole,
    Customer,
    DigestRun,
    Outage,
    SipAccount,
)

POLICY = DigestPolicy(default_cron="0 9 * * 1-5", staff_channel=STAFF, staff_timezone="UTC")
TUESDAY = datetime(2026, 12, 1, tzinfo=UTC)  # a Tuesday


def world(db: Database) -> dict[str, str]:
    """Three customers in three zones, one channel each; Dublin has an account Down."""
    channels = {}
    with db.session() as session:
        for ref, zone in (
            ("DUB", "Europe/Dublin"),
            ("NYC", "America/New_York"),
            ("TYO", "Asia/Tokyo"),
        ):
            customer = Customer(
                external_ref=ref, name=f"{ref} Ltd", holder_name=ref, plan="p", country="IE",
                timezone=zone,
            )  # fmt: skip
            customer.sip_accounts = [SipAccount(username=f"{ref.lower()}0", label="Reception")]
            session.add(customer)
            session.flush()
            channel = f"C{ref}"
            session.add(
                ChannelLink(channel_id=channel, role=ChannelRole.CUSTOMER, customer_id=customer.id)
            )
            channels[ref] = channel
            if ref == "DUB":
                account = customer.sip_accounts[0]
                account.status = AccountStatus.DOWN
                session.add(
                    Outage(
                        sip_account_id=account.id, open_for=account.id,
                        started_at=TUESDAY - timedelta(hours=5),
                    )
                )  # fmt: skip
    return channels


def ticks(db: Database, notifier: RecordingNotifier, start: datetime, hours: int) -> None:
    for minute in range(0, hours * 60, 10):
        run_due(db, notifier, POLICY, start + timedelta(minutes=minute))


def test_each_customer_gets_the_digest_at_nine_on_their_own_clock_once(
    database: Database,
) -> None:
    channels = world(database)
    run_due(database, RecordingNotifier(), POLICY, TUESDAY - timedelta(hours=2))  # Monday's
    notifier = RecordingNotifier()

    ticks(database, notifier, TUESDAY - timedelta(hours=1), 24)

    posted = {p.channel: p for p in notifier.posts()}
    assert set(posted) == {channels["DUB"], channels["NYC"], channels["TYO"], STAFF}
    assert len(notifier.posts()) == 4  # one each, though the scheduler ticked 144 times
    assert "Down now (1)" in str(posted[channels["DUB"]].blocks)
    assert "Down for 14 h" in str(posted[channels["DUB"]].blocks)
    assert "All clear" in str(posted[channels["NYC"]].blocks)
    when = {p.channel: i for i, p in enumerate(notifier.posts())}
    # Tokyo's 09:00 is 00:00 UTC, Dublin's 09:00 UTC, New York's 14:00 UTC
    assert when[channels["TYO"]] < when[channels["DUB"]] < when[channels["NYC"]]


def test_no_digest_at_the_weekend_or_when_turned_off(database: Database) -> None:
    channels = world(database)
    with database.session() as session:
        session.execute(
            update(ChannelLink)
            .where(ChannelLink.channel_id == channels["NYC"])
            .values(digest_cron="off")
        )
    notifier = RecordingNotifier()
    friday = TUESDAY + timedelta(days=3)
    ticks(database, notifier, friday - timedelta(hours=1), 72)  # to Sunday night
    by_channel = sorted(p.channel for p in notifier.posts())
    # Thursday's (caught up at the first tick) and Friday's; none at the weekend, none for NYC
    assert by_channel == sorted([channels["DUB"], channels["TYO"], STAFF] * 2)


def test_a_missed_slot_is_caught_up_once_by_the_next_leader(database: Database) -> None:
    channels = world(database)
    run_due(database, RecordingNotifier(), POLICY, TUESDAY - timedelta(hours=2))  # Monday's
    notifier = RecordingNotifier()
    run_due(database, notifier, POLICY, TUESDAY + timedelta(hours=8))  # Tokyo's only
    # the leader died at 08:59 UTC; a new one starts at 11:30
    run_due(database, notifier, POLICY, TUESDAY + timedelta(hours=11, minutes=30))
    run_due(database, notifier, POLICY, TUESDAY + timedelta(hours=11, minutes=31))
    dublin = notifier.posts(channels["DUB"])
    assert len(dublin) == 1


def test_a_digest_posted_by_a_leader_killed_before_storing_its_ts_is_adopted(
    database: Database,
) -> None:
    channels = world(database)
    run_due(database, RecordingNotifier(), POLICY, TUESDAY - timedelta(hours=2))  # Monday's
    notifier = RecordingNotifier(lose_answers=1)  # Tokyo's reaches Slack; its leader dies
    run_due(database, notifier, POLICY, TUESDAY + timedelta(minutes=1))
    (tokyo,) = notifier.posts(channels["TYO"])
    assert tokyo.key is not None and tokyo.key.startswith("digest-")
    # A new leader, past the claim lease: it finds the digest by its key and posts nothing.
    run_due(database, notifier, POLICY, TUESDAY + timedelta(minutes=3))
    assert notifier.posts(channels["TYO"]) == [tokyo]
    with database.session() as session:
        stored = session.scalar(
            select(DigestRun.ts)
            .where(DigestRun.channel_id == channels["TYO"])
            .order_by(DigestRun.slot.desc())
            .limit(1)
        )
    assert stored == tokyo.ts


def test_a_digest_to_a_channel_gone_for_good_is_given_up_not_retried_every_lease(
    database: Database,
) -> None:
    channels = world(database)
    run_due(database, RecordingNotifier(), POLICY, TUESDAY - timedelta(hours=2))  # Monday's
    notifier = RecordingNotifier(gone={channels["TYO"]})  # Tokyo archived its channel
    run_due(database, notifier, POLICY, TUESDAY + timedelta(minutes=1))
    for minutes in (3, 5, 7):  # past the claim lease, again and again
        run_due(database, notifier, POLICY, TUESDAY + timedelta(minutes=minutes))

    assert notifier.refused == [channels["TYO"]]  # tried once, given up
    with database.session() as session:
        tokyo = session.scalars(
            select(DigestRun)
            .where(DigestRun.channel_id == channels["TYO"])
            .order_by(DigestRun.slot.desc())
        ).first()
    assert tokyo is not None and tokyo.ts is None and tokyo.given_up_at is not None


def test_the_staff_digest_carries_counts_the_longest_outages_and_a_chart(
    database: Database,
) -> None:
    world(database)
    notifier = RecordingNotifier()
    send_now(database, notifier, POLICY, TUESDAY + timedelta(hours=10), channel=STAFF)

    (digest,) = notifier.posts(STAFF)
    assert "1 of 3 SIP accounts Down" in digest.text
    body = str(digest.blocks)
    assert "Longest outages" in body and "DUB Ltd" in body and "still Down" in body
    assert "Customers with most Down" in body
    (upload,) = [s for s in notifier.said if s.method == "upload"]
    assert upload.text == "down-accounts.png" and upload.thread_ts == digest.ts
