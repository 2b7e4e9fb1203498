"""Down alerts: grouped per channel per poll, claimed per (outage, channel) before posting,
updated to resolved on recovery with a reply in their thread."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from handlers.notify import Notifier, gone_for_good, post_once
from handlers.watch import blocks
from handlers.watch.incidents import post_claimed
from handlers.watch.mutes import active_silences, quiet_now
from handlers.watch.policy import WatchPolicy
from store import metrics
from store.claims import won
from store.db import Database
from store.models import (
    AlertKind,
    AlertMessage,
    ChannelLink,
    ChannelRole,
    Customer,
    Outage,
    OutageAlert,
    SipAccount,
)

log = logging.getLogger(__name__)

# A message's lines with their accounts and customers in four queries, however many there are.
_WITH_LINES = [
    selectinload(AlertMessage.outages)
    .selectinload(OutageAlert.outage)
    .selectinload(Outage.sip_account)
    .selectinload(SipAccount.customer)
]


@dataclass(frozen=True)
class Audience:
    """A channel that hears about outages: a customer's (their own) or staff (everyone's)."""

    channel_id: str
    customer_id: int | None  # None: the staff channel
    zone: str
    quiet_hours: str | None


def line_of(outage: Outage) -> blocks.OutageLine:
    account = outage.sip_account
    return blocks.OutageLine(
        label=account.label,
        username=account.username,
        customer=account.customer.name,
        started_at=outage.started_at,
        ended_at=outage.ended_at,
        user_agent=account.last_user_agent,
        source=account.last_source,
        last_seen_at=account.last_seen_at,
    )


def audiences(session: Session, policy: WatchPolicy) -> list[Audience]:
    rows = session.execute(
        select(ChannelLink, Customer.timezone)
        .join(Customer, Customer.id == ChannelLink.customer_id, isouter=True)
        .where(ChannelLink.role == ChannelRole.CUSTOMER),
    ).all()
    found = [
        Audience(link.channel_id, link.customer_id, zone, link.quiet_hours) for link, zone in rows
    ]
    if policy.alert_staff and policy.staff_channel:
        staff = session.scalar(
            select(ChannelLink).where(ChannelLink.channel_id == policy.staff_channel)
        )
        quiet = staff.quiet_hours if staff is not None else None
        found.append(Audience(policy.staff_channel, None, policy.staff_timezone, quiet))
    return found


def alert_pending(db: Database, notifier: Notifier, policy: WatchPolicy, now: datetime) -> int:
    """Tell every channel about its open outages nobody told it of yet, one message each."""
    groups: dict[Audience, list[int]] = defaultdict(list)
    with db.session() as session:
        rows = session.execute(
            select(Outage.id, Outage.sip_account_id, SipAccount.customer_id)
            .join(SipAccount, SipAccount.id == Outage.sip_account_id)
            .where(Outage.ended_at.is_(None), Outage.storm.is_(False), Outage.flapping.is_(False))
        ).all()
        if not rows:
            return 0
        told = set(
            session.execute(
                select(OutageAlert.outage_id, OutageAlert.channel_id)
                .join(Outage, Outage.id == OutageAlert.outage_id)
                .where(Outage.ended_at.is_(None))
            ).all()
        )
        every = [(int(o), int(a), int(c)) for o, a, c in rows]
        by_customer: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for row in every:
            by_customer[row[2]].append(row)
        silenced_customers, silenced_accounts = active_silences(session, now)
        muted: set[int] = set()
        for audience in audiences(session, policy):
            if audience.customer_id is None:
                mine = every
            else:
                mine = by_customer.get(audience.customer_id, [])
            if not mine or quiet_now(audience.quiet_hours, audience.zone, now):
                continue
            for outage_id, account_id, customer_id in mine:
                if (outage_id, audience.channel_id) in told:
                    continue
                if customer_id in silenced_customers or account_id in silenced_accounts:
                    muted.add(outage_id)
                    continue
                groups[audience].append(outage_id)
        if muted:
            session.execute(update(Outage).where(Outage.id.in_(muted)).values(silenced=True))
    posted = 0
    for audience, outage_ids in groups.items():
        message_id = _claim_group(db, audience, outage_ids, now)
        if message_id is not None:
            posted += _post_alert(db, notifier, message_id, now)
    return posted


def _claim_group(
    db: Database, audience: Audience, outage_ids: list[int], now: datetime
) -> int | None:
    try:
        with db.session() as session:
            message = AlertMessage(
                kind=AlertKind.DOWN,
                channel_id=audience.channel_id,
                customer_id=audience.customer_id,
                claimed_at=now,
                details={"zone": audience.zone, "staff": audience.customer_id is None},
            )
            session.add(message)
            session.flush()
            session.add_all(
                OutageAlert(
                    outage_id=o, alert_message_id=message.id, channel_id=audience.channel_id
                )
                for o in outage_ids
            )
            session.flush()
            return message.id
    except IntegrityError:
        # Another process claimed one of these for this channel first: it tells them.
        log.info("outages %s in %s already claimed elsewhere", outage_ids, audience.channel_id)
        return None


def _render(
    session: Session, message: AlertMessage, now: datetime
) -> tuple[str, list[blocks.Block]]:
    lines = [line_of(alert.outage) for alert in message.outages]
    zone = str(message.details.get("zone", "UTC"))
    return blocks.down_alert(lines, zone, now, staff=bool(message.details.get("staff")))


def _post_alert(
    db: Database, notifier: Notifier, message_id: int, now: datetime, *, again: bool = False
) -> int:
    with db.session() as session:
        message = session.get_one(AlertMessage, message_id, options=_WITH_LINES)
        text, payload = _render(session, message, now)
        lost_at = [alert.outage.started_at for alert in message.outages]
    if post_claimed(db, notifier, message_id, text, payload, now, again=again) is None:
        return 0
    for started_at in lost_at:
        metrics.alert_posted(started_at, now)
    return 1


def retry_unposted(db: Database, notifier: Notifier, policy: WatchPolicy, now: datetime) -> int:
    """Post the Down alerts whose claim got no ts within the lease (the poster died or failed)."""
    stale_before = now - policy.claim_lease
    with db.session() as session:
        stale = session.execute(
            select(AlertMessage.id, AlertMessage.claimed_at).where(
                AlertMessage.kind == AlertKind.DOWN,
                AlertMessage.ts.is_(None),
                AlertMessage.given_up_at.is_(None),
                AlertMessage.claimed_at < stale_before,
            )
        ).all()
    posted = 0
    for message_id, claimed_at in stale:
        with db.session() as session:
            claimed = won(
                session,
                update(AlertMessage)
                .where(AlertMessage.id == message_id, AlertMessage.claimed_at == claimed_at)
                .values(claimed_at=now),
            )
        if claimed:
            posted += _post_alert(db, notifier, message_id, now, again=True)
    return posted


def tell_recoveries(db: Database, notifier: Notifier, policy: WatchPolicy, now: datetime) -> int:
    """Each ended outage once per channel: its message updated, a thread reply that it is back.

    A recovery is claimed before it is told and marked told only once Slack accepted the reply;
    one Slack refused, or whose teller died, is claimed again after the lease. Its reply carries
    a key, so a retry adopts one that reached Slack instead of saying it twice.
    """
    stale_before = now - policy.claim_lease
    with db.session() as session:
        fresh = session.scalars(
            select(OutageAlert.alert_message_id)
            .distinct()
            .join(Outage, Outage.id == OutageAlert.outage_id)
            .join(AlertMessage, AlertMessage.id == OutageAlert.alert_message_id)
            .where(
                Outage.ended_at.is_not(None),
                OutageAlert.recovered_at.is_(None),
                AlertMessage.ts.is_not(None),
            )
        ).all()
        stale = session.execute(
            select(OutageAlert.alert_message_id, OutageAlert.recovered_at)
            .distinct()
            .where(
                OutageAlert.recovered_at < stale_before,
                OutageAlert.recovery_told_at.is_(None),
            )
        ).all()
    told = 0
    for message_id in fresh:
        claimed = _claim_recoveries(db, message_id, None, now)
        told += _tell_recovered(db, notifier, message_id, claimed, now, again=False)
    for message_id, claimed_at in stale:
        claimed = _claim_recoveries(db, message_id, claimed_at, now)
        told += _tell_recovered(db, notifier, message_id, claimed, now, again=True)
    return told


def _claim_recoveries(
    db: Database, message_id: int, claimed_at: datetime | None, now: datetime
) -> list[int]:
    """Claim, in one statement, the recoveries of one alert message that are due: those never
    claimed (`claimed_at` None) or those of one stale claim. Two replicas: each row goes to one."""
    claim = update(OutageAlert).where(OutageAlert.alert_message_id == message_id)
    if claimed_at is None:
        ended = select(Outage.id).where(Outage.ended_at.is_not(None))
        claim = claim.where(OutageAlert.recovered_at.is_(None), OutageAlert.outage_id.in_(ended))
    else:
        claim = claim.where(
            OutageAlert.recovered_at == claimed_at, OutageAlert.recovery_told_at.is_(None)
        )
    with db.session() as session:
        return list(
            session.scalars(
                claim.values(recovered_at=now)
                .returning(OutageAlert.id)
                .execution_options(synchronize_session=False)
            ).all()
        )


def _tell_recovered(
    db: Database,
    notifier: Notifier,
    message_id: int,
    alert_ids: list[int],
    now: datetime,
    *,
    again: bool,
) -> int:
    if not alert_ids:
        return 0
    with db.session() as session:
        message = session.get_one(AlertMessage, message_id, options=_WITH_LINES)
        text, payload = _render(session, message, now)
        back = [line_of(a.outage) for a in message.outages if a.id in alert_ids]
        channel, ts = message.channel_id, message.ts
        resolved = all(a.outage.ended_at is not None for a in message.outages)
    assert ts is not None
    # The same claimed recoveries keep their key: their first id within their alert message.
    key = f"back-{message_id}-{min(alert_ids)}"
    told = len(alert_ids)
    try:
        notifier.update(channel, ts, text, payload)  # the same text again is harmless
        post_once(
            notifier, channel, blocks.back_up_reply(back), None, key=key, again=again, thread_ts=ts
        )
    except Exception as error:
        reason = gone_for_good(error)
        if reason is None:
            log.warning("could not tell %s about recoveries; will retry", channel, exc_info=True)
            return 0
        # The channel or the alert is gone (archived, the bot removed, deleted): no retry will
        # reach it, so it is marked told rather than tried every lease for ever.
        log.warning("cannot tell %s about recoveries (%s): giving up", channel, reason)
        told = 0
    with db.session() as session:
        session.execute(
            update(OutageAlert)
            .where(OutageAlert.id.in_(alert_ids))
            .values(recovery_told_at=now)
            .execution_options(synchronize_session=False)
        )
        if resolved:
            session.execute(
                update(AlertMessage)
                .where(AlertMessage.id == message_id, AlertMessage.resolved_at.is_(None))
                .values(resolved_at=now)
            )
    return told
