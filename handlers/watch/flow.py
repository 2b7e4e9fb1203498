"""One poll of the watch: read registrations, debounce, record Up/Down and outages, then tell
the right channels once. Plain functions over the store, the platform and a Notifier."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from handlers.notify import Notifier
from handlers.watch import alerts, blocks, incidents, mutes
from handlers.watch.policy import WatchPolicy
from handlers.watch.snapshot import Changes, Known, compare
from store import metrics
from store.claims import won
from store.db import Database
from store.models import (
    AccountStatus,
    AlertKind,
    AlertMessage,
    ChannelLink,
    ChannelRole,
    Outage,
    SipAccount,
)
from telephony import TelephonyPlatform, platform_name
from telephony.types import Registrations

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollResult:
    source_ok: bool
    went_down: int = 0
    came_up: int = 0
    storm: bool = False
    alerts_posted: int = 0
    recoveries: int = 0


@dataclass
class Watch:
    """The watch of one scheduler process; `last_read_at` is what it saw last (or None)."""

    db: Database
    platform: TelephonyPlatform
    notifier: Notifier
    policy: WatchPolicy
    last_read_at: datetime | None = None
    source_failing: bool = False  # the last read failed: early polls wait for the interval

    def poll(self, now: datetime) -> PollResult:
        try:
            registrations = self.platform.registrations()
            if not isinstance(registrations.by_username, Mapping):
                raise TypeError("registrations are not keyed by username")
        except Exception as error:
            self.source_failing = True
            return self._source_failed(error, now)
        self.source_failing = False
        if incidents.is_open(self.db, AlertKind.SOURCE):
            incidents.resolve_incident(
                self.db, self.notifier, AlertKind.SOURCE.value,
                "The registrations source answers again; the watch is back.", now,
            )  # fmt: skip
        result = self.apply(registrations, now)
        self.last_read_at = now
        return result

    def apply(self, registrations: Registrations, now: datetime) -> PollResult:
        """Record what `registrations` say, then send what is due."""
        with self.db.session() as session:
            known = known_accounts(session)
            changes = compare(known, registrations, at=now, down_after=self.policy.down_after)
            storm = bool(known) and len(changes.went_down) / len(known) > self.policy.storm_share
            flapping = record(
                session, changes, registrations, now, self.policy, self.last_read_at, storm
            )
        if storm:
            incidents.open_incident(
                self.db, self.notifier, self.policy.staff_channel, AlertKind.INCIDENT,
                f"{len(changes.went_down)} of {len(known)} SIP accounts went Down in one poll. "
                "Customers are not alerted one by one; their outages are recorded.", now,
            )  # fmt: skip
        elif known and changes.down_now / len(known) <= self.policy.storm_share:
            incidents.resolve_incident(
                self.db, self.notifier, AlertKind.INCIDENT.value,
                f"Down accounts are back to {changes.down_now} of {len(known)}.", now,
            )  # fmt: skip
        metrics.accounts_down(platform_name(self.platform), changes.down_now)
        self._flapping(flapping, now)
        self._two_devices(changes.two_devices, registrations, now)
        posted = alerts.alert_pending(self.db, self.notifier, self.policy, now)
        posted += alerts.retry_unposted(self.db, self.notifier, self.policy, now)
        recovered = alerts.tell_recoveries(self.db, self.notifier, self.policy, now)
        self._flapping_over(now)
        return PollResult(
            True, len(changes.went_down), len(changes.came_up), storm, posted, recovered
        )

    def _source_failed(self, error: Exception, now: datetime) -> PollResult:
        log.warning("registrations source failed: %s", error)
        incidents.open_incident(
            self.db, self.notifier, self.policy.staff_channel, AlertKind.SOURCE,
            "The registrations source is not answering (or answers garbage), so no SIP "
            "account is being marked Down until it is back.", now,
        )  # fmt: skip
        return PollResult(False)

    def _flapping(self, account_ids: list[tuple[int, int]], now: datetime) -> None:
        for account_id, count in account_ids:
            with self.db.session() as session:
                account = session.get_one(SipAccount, account_id)
                line = blocks.OutageLine(
                    account.label, account.username, account.customer.name, now, None,
                    account.last_user_agent, account.last_source, account.last_seen_at,
                )  # fmt: skip
                channels = _customer_channels(session, account.customer_id)
                customer_id = account.customer_id
            text, payload = blocks.flapping_alert(line, count, self.policy.flap_window)
            for channel in channels:
                message_id = incidents.claim(
                    self.db, AlertKind.FLAPPING, channel, now,
                    open_key=f"flap:{account_id}:{channel}", customer_id=customer_id,
                    sip_account_id=account_id, details={"title": text},
                )  # fmt: skip
                if message_id is not None:
                    incidents.post_claimed(self.db, self.notifier, message_id, text, payload, now)

    def _flapping_over(self, now: datetime) -> None:
        with self.db.session() as session:
            calm = session.execute(
                select(AlertMessage.open_key, SipAccount.username)
                .join(SipAccount, SipAccount.id == AlertMessage.sip_account_id)
                .where(
                    AlertMessage.kind == AlertKind.FLAPPING,
                    AlertMessage.open_key.is_not(None),
                    SipAccount.status == AccountStatus.UP,
                    SipAccount.flapping_until < now,
                ),
            ).all()
        for open_key, username in calm:
            assert open_key is not None
            incidents.resolve_incident(
                self.db, self.notifier, open_key, f"`{username}` has been stable again.", now
            )

    def _two_devices(
        self, account_ids: list[int], registrations: Registrations, now: datetime
    ) -> None:
        for account_id in account_ids:
            with self.db.session() as session:
                claimed = won(
                    session,
                    update(SipAccount)
                    .where(SipAccount.id == account_id, SipAccount.multi_device_warned_at.is_(None))
                    .values(multi_device_warned_at=now),
                )
                account = session.get_one(SipAccount, account_id)
                channels = _customer_channels(session, account.customer_id)
                label, username, customer_id = account.label, account.username, account.customer_id
            if not claimed:
                continue
            devices = [
                f"{c.user_agent or 'unknown device'} from {c.source or c.contact_uri}"
                for c in registrations.live_contacts(username)
            ]
            text, payload = blocks.two_devices_warning(label, username, devices)
            for channel in channels:
                message_id = incidents.claim(
                    self.db, AlertKind.TWO_DEVICES, channel, now,
                    customer_id=customer_id, sip_account_id=account_id,
                )  # fmt: skip
                if message_id is not None:
                    incidents.post_claimed(self.db, self.notifier, message_id, text, payload, now)


def known_accounts(session: Session) -> list[Known]:
    rows = session.execute(
        select(
            SipAccount.id,
            SipAccount.username,
            SipAccount.status,
            SipAccount.unregistered_since,
            SipAccount.last_user_agent,
            SipAccount.last_source,
            SipAccount.multi_device_warned_at.is_not(None),
        )
    ).all()
    return [Known(*row) for row in rows]


def record(
    session: Session,
    changes: Changes,
    registrations: Registrations,
    now: datetime,
    policy: WatchPolicy,
    last_read_at: datetime | None,
    storm: bool,
) -> list[tuple[int, int]]:
    """Write the changes of one poll; return the accounts that started flapping (id, count)."""
    up, down = AccountStatus.UP, AccountStatus.DOWN
    rows: dict[int, dict[str, object]] = {}

    def row(account_id: int) -> dict[str, object]:
        return rows.setdefault(account_id, {"id": account_id})

    for account_id in changes.registered_again:
        row(account_id)["unregistered_since"] = None
    for account_id in changes.came_up:
        row(account_id).update(status=up, status_since=now, unregistered_since=None)
    seen_before = last_read_at or now - policy.interval
    for account_id in changes.went_unregistered:
        row(account_id).update(unregistered_since=now, last_seen_at=seen_before)
    for account_id, contact in changes.device_seen:
        row(account_id).update(
            last_user_agent=(contact.user_agent or "")[:255] or None,
            last_source=(contact.source or "")[:64] or None,
            last_seen_at=now,
        )
    flapping: list[tuple[int, int]] = []
    recent = _recent_outages(session, [a for a, _ in changes.went_down], now - policy.flap_window)
    flap_until = now + policy.flap_window
    new_outages: list[Outage] = []
    for account_id, since in changes.went_down:
        row(account_id).update(status=down, status_since=since, unregistered_since=since)
        count = recent.get(account_id, 0) + 1
        is_flapping = count >= policy.flap_count
        if is_flapping:
            row(account_id)["flapping_until"] = flap_until
            flapping.append((account_id, count))
        new_outages.append(
            Outage(
                sip_account_id=account_id,
                started_at=since,
                open_for=account_id,
                storm=storm,
                flapping=is_flapping,
            )
        )
    if changes.came_up:
        session.execute(
            update(Outage)
            .where(Outage.open_for.in_(changes.came_up))
            .values(ended_at=now, open_for=None)
        )
    if rows:
        session.execute(update(SipAccount), list(rows.values()))
    session.add_all(new_outages)
    # A device registered after a new password: the Down alerts held for it go out again.
    mutes.end_holds_on_register(session, [*changes.came_up, *changes.registered_again], now)
    return flapping


def _recent_outages(session: Session, account_ids: list[int], since: datetime) -> dict[int, int]:
    if not account_ids:
        return {}
    counts = session.execute(
        select(Outage.sip_account_id, func.count())
        .where(Outage.sip_account_id.in_(account_ids), Outage.started_at >= since)
        .group_by(Outage.sip_account_id)
    ).all()
    return {int(a): int(n) for a, n in counts}


def _customer_channels(session: Session, customer_id: int) -> list[str]:
    return list(
        session.scalars(
            select(ChannelLink.channel_id).where(
                ChannelLink.customer_id == customer_id, ChannelLink.role == ChannelRole.CUSTOMER
            )
        )
    )


def poll_is_due(db: Database, now: datetime, policy: WatchPolicy) -> bool:
    """Some account's debounce has run out (a push started it): poll now, not at the interval."""
    with db.session() as session:
        due = session.scalar(
            select(SipAccount.id)
            .where(
                SipAccount.unregistered_since <= now - policy.down_after,
                SipAccount.status != AccountStatus.DOWN,
            )
            .limit(1)
        )
    return due is not None
