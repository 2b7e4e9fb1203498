"""Housekeeping on the scheduler's timer: remind staff of approvals waiting too long, expire
requests the customer never answered (no bill, a cost never accepted, a new password never
confirmed; telling them), purge bills kept past their time, wipe the sealed credentials of
one-time links that expired unviewed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from handlers.approvals.flow import pending_card
from handlers.notify import Notifier
from store import links, requests
from store.db import Database
from store.errors import TransitionRefused
from store.models import Customer, Evidence, Reminder, Request, RequestKind, RequestState

log = logging.getLogger(__name__)

ACTOR = "system:housekeeping"
_KIND = {
    RequestKind.PSTN_CALLER_ID: "PSTN caller ID",
    RequestKind.VOIP_CALLER_ID: "VoIP caller ID",
    RequestKind.NEW_SIP_ACCOUNT: "new SIP account",
    RequestKind.PASSWORD_RESET: "new password",
}


@dataclass(frozen=True)
class HousekeepingPolicy:
    remind_after: timedelta = timedelta(hours=24)  # SIPDESK_REMIND_AFTER
    bill_wait: timedelta = timedelta(days=14)  # SIPDESK_BILL_WAIT_DAYS
    confirm_wait: timedelta = timedelta(days=7)  # SIPDESK_CONFIRM_WAIT_DAYS
    bill_keep: timedelta = timedelta(days=90)  # SIPDESK_BILL_KEEP_DAYS
    staff_channel: str | None = None


@dataclass(frozen=True)
class Swept:
    reminded: int
    expired: int
    purged: int
    wiped: int = 0


def sweep(db: Database, notifier: Notifier, policy: HousekeepingPolicy, now: datetime) -> Swept:
    return Swept(
        remind_pending(db, notifier, policy, now),
        expire_unanswered(db, notifier, policy, now),
        purge_old_bills(db, policy, now),
        wipe_expired_links(db, now),
    )


def remind_pending(
    db: Database, notifier: Notifier, policy: HousekeepingPolicy, now: datetime
) -> int:
    """One reminder per request pending approval longer than `remind_after`."""
    if policy.staff_channel is None:
        return 0
    with db.session() as session:
        waiting = session.execute(
            select(
                Request.id,
                Request.kind,
                Request.updated_at,
                Request.staff_message_ts,
                Customer.name,
            )
            .join(Customer, Customer.id == Request.customer_id)
            .outerjoin(Reminder, Reminder.request_id == Request.id)
            .where(
                Request.state == RequestState.PENDING_APPROVAL,
                Request.updated_at < now - policy.remind_after,
                Reminder.id.is_(None),
            )
        ).all()
    reminded = 0
    for request_id, kind, since, staff_ts, customer in waiting:
        try:
            with db.session() as session:
                session.add(Reminder(request_id=request_id, claimed_at=now))
        except IntegrityError:
            continue  # another process reminded them
        hours = int((now - since).total_seconds() // 3600)
        text = (
            f":hourglass: Request #{request_id} ({_KIND[kind]}) from {customer} has waited "
            f"{hours} h for a decision."
        )
        with db.session() as session:
            card_text, card = pending_card(session, request_id)
        # The card's buttons come along: staff decide from the reminder, even if the card
        # itself never made it to the channel.
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}, *card]
        try:
            ts = notifier.post(
                policy.staff_channel, f"{text} {card_text}", blocks, thread_ts=staff_ts
            )
        except Exception:
            log.warning("could not remind staff of request %s", request_id, exc_info=True)
            with db.session() as session:  # not reminded after all: the next sweep tries again
                session.execute(delete(Reminder).where(Reminder.request_id == request_id))
            continue
        with db.session() as session:
            session.execute(update(Reminder).where(Reminder.request_id == request_id).values(ts=ts))
        reminded += 1
    return reminded


# What a request waiting for its customer waits for, and what they are told when it expires
# ({id}, {days}).
_UNANSWERED = {
    RequestKind.PSTN_CALLER_ID: (
        "no bill",
        ":calendar: Request #{id} has expired: no phone bill arrived within {days} days. Ask "
        "again with `/callerid` whenever you have a current bill.",
    ),
    RequestKind.NEW_SIP_ACCOUNT: (
        "cost not accepted",
        ":calendar: Request #{id} has expired: the cost was not accepted within {days} days, so "
        "no account was made. Ask again with `/sip new LABEL` whenever you need it.",
    ),
    RequestKind.PASSWORD_RESET: (
        "not confirmed",
        ":calendar: Request #{id} has expired: the new password was not confirmed within {days} "
        "days, so the old one still works. Ask again with `/sip password SIP_ACCOUNT` if you "
        "need a new one.",
    ),
}


def expire_unanswered(
    db: Database, notifier: Notifier, policy: HousekeepingPolicy, now: datetime
) -> int:
    """Requests still waiting for their customer expire: a caller ID's bill after `bill_wait`,
    a new account's *Accept* and a new password's *Confirm* after `confirm_wait`. The customer
    hears in the request's thread."""
    waits = {
        RequestKind.PSTN_CALLER_ID: policy.bill_wait,
        RequestKind.NEW_SIP_ACCOUNT: policy.confirm_wait,
        RequestKind.PASSWORD_RESET: policy.confirm_wait,
    }
    with db.session() as session:
        stale = session.execute(
            select(Request.id, Request.version, Request.kind).where(
                Request.state == RequestState.AWAITING_CUSTOMER,
                or_(*(
                    and_(Request.kind == kind, Request.updated_at < now - wait)
                    for kind, wait in waits.items()
                )),
            )
        ).all()  # fmt: skip
    expired = 0
    for request_id, version, kind in stale:
        days = int(waits[kind].total_seconds() // 86400)
        reason, sentence = _UNANSWERED[kind]
        try:
            with db.session() as session:
                request = requests.transition(
                    session, request_id, RequestState.EXPIRED, actor=ACTOR,
                    expected=RequestState.AWAITING_CUSTOMER, version=version,
                    note=f"{reason} within {days} days",
                )  # fmt: skip
                channel, thread = request.channel_id, request.customer_message_ts
        except TransitionRefused:
            continue  # answered just now, or someone else expired it first
        expired += 1
        try:
            notifier.post(channel, sentence.format(id=request_id, days=days), thread_ts=thread)
        except Exception:
            log.warning("could not tell %s that request %s expired", channel, request_id)
    return expired


def purge_old_bills(db: Database, policy: HousekeepingPolicy, now: datetime) -> int:
    """Delete the file and extracted text of bills decided over `bill_keep` ago; the SHA-256 and
    the verdict stay, so a decision can still be explained and a re-upload recognised."""
    with db.session() as session:
        decided = select(Request.id).where(
            Request.state.in_(requests.TERMINAL), Request.updated_at < now - policy.bill_keep
        )
        result = session.execute(
            update(Evidence)
            .where(Evidence.request_id.in_(decided), Evidence.purged_at.is_(None))
            .values(content=None, report=None, purged_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def wipe_expired_links(db: Database, now: datetime) -> int:
    """A password nobody came for does not outlive its link: expired unviewed links lose it."""
    with db.session() as session:
        return links.wipe_expired(session, now=now)
