"""What keeps the watch from crying wolf: a broken registrations source marks nobody Down, a
storm is one incident for staff, silences and quiet hours mute without forgetting."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update
from watch_world import POLICY, STAFF, Customers, RecordingNotifier, Registrar, Said, at

from handlers.watch.flow import Watch
from store.db import Database
from store.models import (
    AccountStatus,
    AlertMessage,
    ChannelLink,
    Outage,
    OutageAlert,
    Silence,
    SipAccount,
)
from telephony.builtin import BuiltinPlatform
from telephony.feed import RegistrationsFeed


def down_count(db: Database) -> int:
    with db.session() as session:
        return len(
            list(session.scalars(select(SipAccount).where(SipAccount.status == AccountStatus.DOWN)))
        )


def test_a_failing_source_marks_nobody_down_and_tells_staff_once_then_once_more_when_back(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
    database: Database,
) -> None:  # fmt: skip
    registrar.up(*customers.accounts)
    watch.poll(at(0))
    registrar.broken = True
    for t in range(30, 600, 30):
        assert not watch.poll(at(t)).source_ok

    assert down_count(database) == 0
    (alert,) = notifier.posts()
    assert alert.channel == STAFF and "Status source unavailable" in alert.text
    registrar.broken = False
    watch.poll(at(600))
    watch.poll(at(630))
    assert alert.ts is not None
    assert "Resolved" in notifier.updates(alert.ts)[0].text
    assert len(notifier.replies(alert.ts)) == 1
    assert notifier.posts() == [alert]


def test_a_storm_is_one_incident_for_staff_and_customers_are_not_flooded(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
    database: Database,
) -> None:  # fmt: skip
    registrar.up(*customers.accounts)
    watch.poll(at(0))
    registrar.down("glo0", "glo1", "ini0", "ini1")  # 4 of 10 > 0.3
    watch.poll(at(30))
    result = watch.poll(at(150))

    assert result.storm and result.went_down == 4
    (incident,) = notifier.posts()
    assert incident.channel == STAFF and "Platform incident" in incident.text
    assert "4 of 10" in str(incident.blocks)
    with database.session() as session:
        assert all(o.storm for o in session.scalars(select(Outage)))
    registrar.up("glo0", "glo1", "ini0", "ini1")
    watch.poll(at(180))
    assert incident.ts is not None and "Resolved" in notifier.updates(incident.ts)[0].text
    assert notifier.posts() == [incident]


def test_a_silenced_account_is_recorded_not_alerted_and_alerts_when_the_silence_ends(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
    database: Database,
) -> None:  # fmt: skip
    with database.session() as session:
        session.add(
            Silence(
                customer_id=customers.globex, sip_account_id=customers.accounts["glo0"],
                until=at(600), reason="moving office", created_by="UCAROL",
            )
        )  # fmt: skip
    registrar.up(*customers.accounts)
    watch.poll(at(0))
    registrar.down("glo0")
    watch.poll(at(30))
    watch.poll(at(150))

    assert notifier.posts() == []
    with database.session() as session:
        (outage,) = session.scalars(select(Outage)).all()
    assert outage.silenced and outage.ended_at is None
    watch.poll(at(630))
    assert len(notifier.posts(customers.globex_channel)) == 1


def test_quiet_hours_hold_a_customer_alert_until_morning_in_their_zone(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
    database: Database,
) -> None:  # fmt: skip
    with database.session() as session:
        session.execute(
            update(ChannelLink)
            .where(ChannelLink.channel_id == customers.globex_channel)
            .values(quiet_hours="11:00-13:00")  # UTC customers; T0 is 12:00
        )
    registrar.up(*customers.accounts)
    watch.poll(at(0))
    registrar.down("glo0")
    watch.poll(at(30))
    watch.poll(at(150))

    assert notifier.posts(customers.globex_channel) == []
    assert len(notifier.posts(STAFF)) == 1  # staff have no quiet hours here
    watch.poll(at(3600))  # 13:00
    assert len(notifier.posts(customers.globex_channel)) == 1


def test_a_failed_post_is_retried_after_the_claim_lease_and_told_once(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
) -> None:  # fmt: skip
    registrar.up(*customers.accounts)
    watch.poll(at(0))
    registrar.down("glo0")
    watch.poll(at(30))
    notifier.fail_posts = 2  # both channels' first tries
    watch.poll(at(150))
    assert notifier.posts() == []
    watch.poll(at(180))
    assert notifier.posts() == []  # within the lease: nobody re-posts yet
    watch.poll(at(150 + watch.policy.claim_lease.total_seconds() + 1))
    assert len(notifier.posts(customers.globex_channel)) == 1
    assert len(notifier.posts(STAFF)) == 1
    assert timedelta(0) < watch.policy.claim_lease


def test_an_alert_that_reached_slack_before_its_poster_died_is_adopted_not_posted_again(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
    database: Database,
) -> None:  # fmt: skip
    registrar.up(*customers.accounts)
    watch.poll(at(0))
    registrar.down("glo0")
    watch.poll(at(30))
    notifier.lose_answers = 2  # both channels: Slack has the alert, the leader dies before the ts
    watch.poll(at(150))
    first = notifier.posts()
    assert len(first) == 2 and all(p.key and p.key.startswith("alert-") for p in first)

    watch.poll(at(150 + watch.policy.claim_lease.total_seconds() + 1))  # a new leader retries
    assert notifier.posts() == first  # found by its key in the channel's history, adopted
    assert [s.method for s in notifier.said].count("history") == 2
    with database.session() as session:
        stored = {m.channel_id: m.ts for m in session.scalars(select(AlertMessage))}
    assert stored == {p.channel: p.ts for p in first}

    registrar.up("glo0")
    watch.poll(at(600))  # the recovery edits the adopted message, one reply in its thread
    assert {u.ts for u in notifier.said if u.method == "update"} == {p.ts for p in first}
    assert all(len(notifier.replies(p.ts or "")) == 1 for p in first)


def alerted_down(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
    *usernames: str,
) -> list[Said]:  # fmt: skip
    """Everyone registered at 0 s, `usernames` gone at 30 s: Down and alerted at 150 s."""
    registrar.up(*customers.accounts)
    watch.poll(at(0))
    registrar.down(*usernames)
    watch.poll(at(30))
    watch.poll(at(150))
    return notifier.posts()


def test_a_recovery_slack_refused_is_told_after_the_lease_and_only_once(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
    database: Database,
) -> None:  # fmt: skip
    alerts = alerted_down(watch, registrar, notifier, customers, "glo0")
    assert len(alerts) == 2

    registrar.up("glo0")
    notifier.fail_posts = 2  # both channels' "Back Up" replies refused
    watch.poll(at(300))
    assert all(notifier.replies(a.ts or "") == [] for a in alerts)
    with database.session() as session:
        assert all(a.recovery_told_at is None for a in session.scalars(select(OutageAlert)))
        assert all(m.resolved_at is None for m in session.scalars(select(AlertMessage)))
    watch.poll(at(330))  # within the lease: nobody tells it again yet
    assert all(notifier.replies(a.ts or "") == [] for a in alerts)

    lease = watch.policy.claim_lease.total_seconds()
    watch.poll(at(300 + lease + 1))
    watch.poll(at(300 + 2 * lease + 2))  # told: never again
    for alert in alerts:
        (reply,) = notifier.replies(alert.ts or "")
        assert "Back Up" in reply.text and "glo0" in reply.text
        assert "Resolved" in notifier.updates(alert.ts or "")[-1].text
    with database.session() as session:
        assert all(a.recovery_told_at is not None for a in session.scalars(select(OutageAlert)))
        assert all(m.resolved_at is not None for m in session.scalars(select(AlertMessage)))


def test_a_recovery_that_reached_slack_before_its_teller_died_is_adopted_not_told_twice(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
) -> None:  # fmt: skip
    alerts = alerted_down(watch, registrar, notifier, customers, "glo0", "glo1")

    registrar.up("glo0", "glo1")
    notifier.lose_answers = 2  # Slack has both replies; the teller dies before marking them
    watch.poll(at(300))
    replies = [r for a in alerts for r in notifier.replies(a.ts or "")]
    assert len(replies) == 2 and all(r.key and r.key.startswith("back-") for r in replies)

    watch.poll(at(300 + watch.policy.claim_lease.total_seconds() + 1))
    assert [r for a in alerts for r in notifier.replies(a.ts or "")] == replies
    looked = [s for s in notifier.said if s.method == "history"]
    assert {s.thread_ts for s in looked} == {a.ts for a in alerts}  # searched in each thread


def test_a_feed_answering_garbage_is_a_source_failure_not_an_outage(
    database: Database, notifier: RecordingNotifier, customers: Customers, tmp_path: Path
) -> None:
    feed_file = tmp_path / "registrations.json"
    platform = BuiltinPlatform(
        database, sip_domain="sip.example.net",
        registrations_source=RegistrationsFeed(str(feed_file)),
    )  # fmt: skip
    watch = Watch(database, platform, notifier, POLICY)
    feed_file.write_text(
        json.dumps([{"username": u, "contact": f"sip:{u}@192.0.2.1"} for u in customers.accounts])
    )
    watch.poll(at(0))
    feed_file.write_text('{"registrations": "all fine, trust me"}')
    for t in (30, 150, 300):
        assert not watch.poll(at(t)).source_ok

    assert down_count(database) == 0
    (alert,) = notifier.posts()
    assert "Status source unavailable" in alert.text
