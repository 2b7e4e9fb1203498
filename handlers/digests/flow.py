"""Digests on each channel's cron, on its customer's clock: each (channel, slot) claimed in the
database before it is posted, so replicas never post one twice and a new leader catches up."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers.digests import blocks
from handlers.digests.chart import down_chart
from handlers.digests.report import Outages
from handlers.digests.slots import CATCH_UP, OFF, due_slot
from handlers.notify import Notifier, gone_for_good, post_once
from store.claims import won
from store.db import Database
from store.models import ChannelLink, ChannelRole, Customer, DigestRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestPolicy:
    default_cron: str = "0 9 * * 1-5"  # SIPDESK_DIGEST_CRON
    staff_channel: str | None = None
    staff_timezone: str = "UTC"
    claim_lease: timedelta = timedelta(seconds=60)


@dataclass(frozen=True)
class Recipient:
    channel_id: str
    customer_id: int | None  # None: the staff digest
    zone: str
    cron: str | None  # None: digests are off in this channel


def recipients(session: Session, policy: DigestPolicy) -> list[Recipient]:
    found: list[Recipient] = []
    rows = session.execute(
        select(
            ChannelLink.channel_id,
            ChannelLink.customer_id,
            ChannelLink.digest_cron,
            Customer.timezone,
        )
        .join(Customer, Customer.id == ChannelLink.customer_id)
        .where(ChannelLink.role == ChannelRole.CUSTOMER)
    ).all()
    for channel, customer_id, cron, zone in rows:
        found.append(Recipient(channel, customer_id, zone, _cron(cron, policy)))
    if policy.staff_channel:
        cron = session.scalar(
            select(ChannelLink.digest_cron).where(ChannelLink.channel_id == policy.staff_channel)
        )
        found.append(
            Recipient(policy.staff_channel, None, policy.staff_timezone, _cron(cron, policy))
        )
    return found


def _cron(stored: str | None, policy: DigestPolicy) -> str | None:
    if stored == OFF:
        return None
    return stored or policy.default_cron


def last_slots(session: Session) -> dict[str, datetime]:
    rows = session.execute(
        select(DigestRun.channel_id, func.max(DigestRun.slot)).group_by(DigestRun.channel_id)
    ).all()
    return {channel: slot for channel, slot in rows}


def run_due(db: Database, notifier: Notifier, policy: DigestPolicy, now: datetime) -> int:
    """Post every digest whose slot has come (at most the latest missed one per channel)."""
    with db.session() as session:
        last = last_slots(session)
        due = []
        for recipient in recipients(session, policy):
            if recipient.cron is None:
                continue
            slot = due_slot(recipient.cron, recipient.zone, now, last.get(recipient.channel_id))
            if slot is not None:
                due.append((recipient, slot))
    sent = _send(db, notifier, due, last, now)
    return sent + retry_unposted(db, notifier, policy, now)


def send_now(
    db: Database,
    notifier: Notifier,
    policy: DigestPolicy,
    now: datetime,
    channel: str | None = None,
) -> int:
    """`sipdesk digest --now [CHANNEL]`: every channel's digest (or one), whatever the cron."""
    with db.session() as session:
        last = last_slots(session)
        chosen = [
            r for r in recipients(session, policy) if channel is None or r.channel_id == channel
        ]
    slot = now.replace(microsecond=0)
    return _send(db, notifier, [(r, slot) for r in chosen], last, now)


@dataclass(frozen=True)
class Built:
    """A digest ready to post: its channel and slot, text, blocks, and the staff chart."""

    channel_id: str
    slot: datetime
    text: str
    blocks: list[blocks.Block]
    chart: bytes | None


def build(
    db: Database, due: list[tuple[Recipient, datetime]], last: dict[str, datetime], now: datetime
) -> list[Built]:
    """Every due digest, read from the store in a few queries (nothing is claimed or posted)."""
    if not due:
        return []
    floor = min([last.get(r.channel_id, now - CATCH_UP) for r, _ in due] + [now - CATCH_UP])
    with db.session() as session:
        outages = Outages(session, floor)
        return [
            _render(session, outages, recipient, slot, last.get(recipient.channel_id), now)
            for recipient, slot in due
        ]


def _render(
    session: Session,
    outages: Outages,
    recipient: Recipient,
    slot: datetime,
    since: datetime | None,
    now: datetime,
) -> Built:
    if recipient.customer_id is None:
        staff = outages.staff(session, since, now)
        text, payload = blocks.staff_digest(staff, recipient.zone, now)
        return Built(recipient.channel_id, slot, text, payload, down_chart(staff.down_per_day))
    digest = outages.customer(recipient.customer_id, since)
    text, payload = blocks.customer_digest(digest, recipient.zone, now)
    return Built(recipient.channel_id, slot, text, payload, None)


def _send(
    db: Database,
    notifier: Notifier,
    due: list[tuple[Recipient, datetime]],
    last: dict[str, datetime],
    now: datetime,
) -> int:
    sent = 0
    for digest in build(db, due, last, now):
        run_id = _claim(db, digest.channel_id, digest.slot, now)
        if run_id is not None and _post(db, notifier, run_id, digest, now):
            sent += 1
    return sent


def _claim(db: Database, channel: str, slot: datetime, now: datetime) -> int | None:
    try:
        with db.session() as session:
            run = DigestRun(channel_id=channel, slot=slot, claimed_at=now)
            session.add(run)
            session.flush()
            return run.id
    except IntegrityError:
        return None  # another process has this slot


def _post(
    db: Database,
    notifier: Notifier,
    run_id: int,
    digest: Built,
    now: datetime,
    *,
    again: bool = False,
) -> bool:
    """Post a claimed digest and store its ts; `again` adopts one a dead poster got to Slack."""
    channel, chart = digest.channel_id, digest.chart
    try:
        key = f"digest-{run_id}"
        ts = post_once(notifier, channel, digest.text, digest.blocks, key=key, again=again)
    except Exception as error:
        reason = gone_for_good(error)
        if reason is None:
            log.warning("could not post the digest to %s; will retry", channel, exc_info=True)
            return False
        # Archived, or the bot removed: no retry will reach it, so it is not tried every lease.
        log.warning("cannot post the digest to %s (%s): giving up", channel, reason)
        with db.session() as session:
            session.execute(update(DigestRun).where(DigestRun.id == run_id).values(given_up_at=now))
        return False
    with db.session() as session:
        session.execute(
            update(DigestRun).where(DigestRun.id == run_id).values(ts=ts, posted_at=now)
        )
    if chart is not None:
        try:
            notifier.upload(
                channel, "down-accounts.png", chart, thread_ts=ts, title="SIP accounts Down per day"
            )
        except Exception:
            log.warning("could not upload the digest chart to %s", channel, exc_info=True)
    return True


def retry_unposted(db: Database, notifier: Notifier, policy: DigestPolicy, now: datetime) -> int:
    """A claimed slot left without a ts past the lease (its poster died): post it now, once."""
    with db.session() as session:
        stale = session.execute(
            select(DigestRun.id, DigestRun.channel_id, DigestRun.slot, DigestRun.claimed_at).where(
                DigestRun.ts.is_(None),
                DigestRun.given_up_at.is_(None),
                DigestRun.claimed_at < now - policy.claim_lease,
            )
        ).all()
        if not stale:
            return 0
        by_channel = {r.channel_id: r for r in recipients(session, policy)}
    sent = 0
    for run_id, channel, slot, claimed_at in stale:
        recipient = by_channel.get(channel)
        if recipient is None:
            continue
        with db.session() as session:
            if not won(
                session,
                update(DigestRun)
                .where(DigestRun.id == run_id, DigestRun.claimed_at == claimed_at)
                .values(claimed_at=now),
            ):
                continue
            previous = session.scalar(
                select(func.max(DigestRun.slot)).where(
                    DigestRun.channel_id == channel, DigestRun.slot < slot
                )
            )
            outages = Outages(session, previous or now - CATCH_UP)
            digest = _render(session, outages, recipient, slot, previous, now)
        if _post(db, notifier, run_id, digest, now, again=True):
            sent += 1
    return sent
