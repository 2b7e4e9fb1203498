"""The watch as a customer and staff live it: a phone that stops registering is Down only after
the debounce, accounts Down together make one message, and a recovery updates that message."""

from __future__ import annotations

from sqlalchemy import select
from watch_world import STAFF, Customers, RecordingNotifier, Registrar, at

from handlers.watch.flow import Watch
from store.db import Database
from store.models import AccountStatus, Outage, SipAccount


def status(db: Database, username: str) -> AccountStatus:
    with db.session() as session:
        account = session.scalar(select(SipAccount).where(SipAccount.username == username))
        assert account is not None
        return account.status


def outages(db: Database) -> list[Outage]:
    with db.session() as session:
        return list(session.scalars(select(Outage).order_by(Outage.id)))


def test_a_phone_re_registering_within_the_debounce_is_no_outage(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
    database: Database,
) -> None:  # fmt: skip
    registrar.up(*customers.accounts)
    watch.poll(at(0))
    registrar.down("glo0")
    watch.poll(at(30))
    watch.poll(at(119))
    registrar.up("glo0")
    watch.poll(at(149))

    assert status(database, "glo0") is AccountStatus.UP
    assert outages(database) == []
    assert notifier.said == []


def test_down_after_the_debounce_with_what_to_check_and_the_last_device(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
    database: Database,
) -> None:  # fmt: skip
    registrar.up(*customers.accounts)
    watch.poll(at(0))
    registrar.down("glo0")
    watch.poll(at(30))  # first seen gone
    watch.poll(at(120))
    assert notifier.posts() == []
    result = watch.poll(at(150))  # 120 s since first seen gone

    assert result.went_down == 1
    assert status(database, "glo0") is AccountStatus.DOWN
    (alert,) = notifier.posts(customers.globex_channel)
    body = str(alert.blocks)
    assert "Desk 0" in body and "`glo0`" in body and "Down since" in body
    assert "Yealink T46U" in body and "198.51.100.7:5060" in body
    assert "powered on" in body and "One device per SIP account" in body
    assert notifier.posts(customers.initech_channel) == []
    (staff,) = notifier.posts(STAFF)
    assert "Globex Dental" in str(staff.blocks)
    (outage,) = outages(database)
    assert outage.started_at == at(30) and outage.ended_at is None


def test_accounts_down_in_one_poll_make_one_message_per_channel_and_recovery_updates_it(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
    database: Database,
) -> None:  # fmt: skip
    registrar.up(*customers.accounts)
    watch.poll(at(0))
    registrar.down("glo0", "glo1")
    watch.poll(at(30))
    watch.poll(at(150))
    watch.poll(at(180))  # nothing new: nothing posted twice

    (alert,) = notifier.posts(customers.globex_channel)
    assert "2 SIP accounts are Down" in alert.text
    assert "glo0" in str(alert.blocks) and "glo1" in str(alert.blocks)
    assert len(notifier.posts(STAFF)) == 1

    registrar.up("glo0")
    watch.poll(at(300))
    assert alert.ts is not None
    (first_update,) = notifier.updates(alert.ts)
    assert "Down" in first_update.text and "back Up" in str(first_update.blocks)
    (reply,) = notifier.replies(alert.ts)
    assert "Back Up" in reply.text and "glo0" in reply.text and "4 min" in reply.text

    registrar.up("glo1")
    watch.poll(at(330))
    assert "Resolved" in notifier.updates(alert.ts)[-1].text
    assert len(notifier.replies(alert.ts)) == 2
    assert [o.ended_at for o in outages(database)] == [at(300), at(330)]
    assert notifier.posts(customers.globex_channel) == [alert]


def test_an_account_that_flaps_gets_one_flapping_alert_not_one_per_change(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
    database: Database,
) -> None:  # fmt: skip
    registrar.up(*customers.accounts)
    watch.poll(at(0))
    t = 0
    for _ in range(5):
        registrar.down("glo0")
        watch.poll(at(t := t + 30))
        watch.poll(at(t := t + 120))
        registrar.up("glo0")
        watch.poll(at(t := t + 30))

    channel = notifier.posts(customers.globex_channel)
    down_alerts = [p for p in channel if "Down" in p.text]
    flapping = [p for p in channel if "flapping" in p.text]
    assert len(down_alerts) == 2  # the third outage in the window is the flapping one
    assert len(flapping) == 1
    assert "5 outages" not in flapping[0].text
    assert len(outages(database)) == 5  # every outage still recorded
    assert t < 3600
    watch.poll(at(t + 3600))  # an hour without dropping off: stable again
    assert flapping[0].ts is not None
    (calm,) = notifier.updates(flapping[0].ts)
    assert "Resolved" in calm.text
    assert "stable again" in notifier.replies(flapping[0].ts)[0].text


def test_the_second_device_on_one_account_warns_once_with_a_new_sip_account_button(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
) -> None:  # fmt: skip
    from watch_world import contact

    registrar.up(*customers.accounts)
    registrar.registered["glo1"] = (contact("glo1", 5060), contact("glo1", 5062, ua="Snom D785"))
    watch.poll(at(0))
    watch.poll(at(30))

    (warning,) = notifier.posts(customers.globex_channel)
    assert "Two devices" in warning.text
    assert warning.blocks is not None
    (button,) = warning.blocks[1]["elements"]
    assert button["action_id"] == "watch_new_sip_account"
    assert button["value"] == "glo1"
    assert button["text"]["text"] == "New SIP account"
    assert "Snom D785" in str(warning.blocks)
