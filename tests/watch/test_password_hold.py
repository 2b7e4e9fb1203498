"""After a new password the account's Down is expected: its alerts are held for the grace, or
until a device registers again, whichever comes first; then the watch alerts as usual."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from watch_world import STAFF, Customers, RecordingNotifier, Registrar, at

from handlers.watch.flow import Watch
from store.db import Database
from store.models import Outage, Silence
from store.password_resets import hold_down_alerts


def hold(database: Database, account_id: int, minutes: int) -> None:
    with database.session() as session:
        hold_down_alerts(session, account_id, timedelta(minutes=minutes), at(0))


def test_the_expected_down_is_silent_and_the_hold_ends_when_the_phone_registers(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
    database: Database,
) -> None:  # fmt: skip
    registrar.up(*customers.accounts)
    watch.poll(at(0))
    hold(database, customers.accounts["glo0"], 30)
    registrar.down("glo0")  # the old password no longer registers
    watch.poll(at(30))
    watch.poll(at(150))
    assert notifier.posts(customers.globex_channel) == []
    assert notifier.posts(STAFF) == []

    registrar.up("glo0")  # given the new password
    watch.poll(at(300))
    with database.session() as session:
        (held,) = session.scalars(select(Silence)).all()
        (outage,) = session.scalars(select(Outage)).all()
    assert held.until == at(300)  # ended by the registration, not by the clock
    assert outage.ended_at == at(300) and outage.silenced
    assert notifier.posts() == []  # no alert, so no "back Up" either

    # A Down after that is a real one, well inside the 30 minutes: it alerts.
    registrar.down("glo0")
    watch.poll(at(330))
    watch.poll(at(480))
    assert len(notifier.posts(customers.globex_channel)) == 1


def test_still_down_when_the_grace_ends_the_alert_comes(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
    database: Database,
) -> None:  # fmt: skip
    registrar.up(*customers.accounts)
    watch.poll(at(0))
    hold(database, customers.accounts["glo0"], 10)
    registrar.down("glo0")
    watch.poll(at(30))
    watch.poll(at(570))
    assert notifier.posts(customers.globex_channel) == []
    watch.poll(at(630))
    assert len(notifier.posts(customers.globex_channel)) == 1


def test_another_account_of_the_customer_is_not_held(
    watch: Watch, registrar: Registrar, notifier: RecordingNotifier, customers: Customers,
    database: Database,
) -> None:  # fmt: skip
    registrar.up(*customers.accounts)
    watch.poll(at(0))
    hold(database, customers.accounts["glo0"], 30)
    registrar.down("glo1")
    watch.poll(at(30))
    watch.poll(at(150))
    (alert,) = notifier.posts(customers.globex_channel)
    assert "glo1" in str(alert.blocks)
