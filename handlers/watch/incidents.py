"""Staff-channel incidents (the registrations source failing, a storm of Down accounts) and
other one-off alerts: claimed by a unique `open_key` before posting, resolved once."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from handlers.notify import Notifier, gone_for_good, post_once
from handlers.watch import blocks
from store.claims import won
from store.db import Database
from store.models import AlertKind, AlertMessage

log = logging.getLogger(__name__)

SOURCE_TITLE = "Status source unavailable"
STORM_TITLE = "Platform incident: many SIP accounts Down at once"


def claim(
    db: Database,
    kind: AlertKind,
    channel: str,
    now: datetime,
    *,
    open_key: str | None = None,
    customer_id: int | None = None,
    sip_account_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> int | None:
    """Claim a message before posting it; None when someone already holds that `open_key`."""
    try:
        with db.session() as session:
            message = AlertMessage(
                kind=kind,
                channel_id=channel,
                open_key=open_key,
                customer_id=customer_id,
                sip_account_id=sip_account_id,
                claimed_at=now,
                details=details or {},
            )
            session.add(message)
            session.flush()
            return message.id
    except IntegrityError:
        return None


def post_claimed(
    db: Database,
    notifier: Notifier,
    message_id: int,
    text: str,
    payload: list[blocks.Block],
    now: datetime,
    *,
    again: bool = False,
) -> str | None:
    """Post a claimed message and store its ts; a failure leaves the claim for a retry.

    `again` on a retry of a claim whose poster died or failed: the message may have reached
    Slack before the ts was stored, so one carrying its key is adopted instead of a second post.
    """
    with db.session() as session:
        channel = session.get_one(AlertMessage, message_id).channel_id
    try:
        ts = post_once(notifier, channel, text, payload, key=f"alert-{message_id}", again=again)
    except Exception as error:
        reason = gone_for_good(error)
        if reason is None:
            log.warning(
                "could not post alert %s to %s; will retry", message_id, channel, exc_info=True
            )
            return None
        # Archived, or the bot removed: no retry will reach it, so it is not tried every lease.
        log.warning("cannot post alert %s to %s (%s): giving up", message_id, channel, reason)
        with db.session() as session:
            session.execute(
                update(AlertMessage).where(AlertMessage.id == message_id).values(given_up_at=now)
            )
        return None
    with db.session() as session:
        session.execute(
            update(AlertMessage).where(AlertMessage.id == message_id).values(ts=ts, posted_at=now)
        )
    return ts


def open_incident(
    db: Database,
    notifier: Notifier,
    staff_channel: str | None,
    kind: AlertKind,
    text: str,
    now: datetime,
) -> bool:
    """Tell staff once about an incident of `kind`; False when it is open already."""
    if staff_channel is None:
        log.warning("incident %s but no staff channel is set: %s", kind.value, text)
        return False
    title = SOURCE_TITLE if kind is AlertKind.SOURCE else STORM_TITLE
    message_id = claim(
        db, kind, staff_channel, now, open_key=kind.value, details={"title": title, "text": text}
    )
    if message_id is None:
        return False
    summary, payload = blocks.incident(title, text, resolved=False)
    post_claimed(db, notifier, message_id, summary, payload, now)
    return True


def is_open(db: Database, kind: AlertKind) -> bool:
    with db.session() as session:
        return (
            session.scalar(select(AlertMessage.id).where(AlertMessage.open_key == kind.value))
            is not None
        )


def resolve_incident(
    db: Database, notifier: Notifier, open_key: str, text: str, now: datetime
) -> bool:
    """Close the open incident: its message turns resolved and a thread reply says so."""
    with db.session() as session:
        message = session.scalar(select(AlertMessage).where(AlertMessage.open_key == open_key))
        if message is None:
            return False
        claimed = won(
            session,
            update(AlertMessage)
            .where(AlertMessage.id == message.id, AlertMessage.open_key == open_key)
            .values(open_key=None, resolved_at=now),
        )
        if not claimed:
            return False
        channel, ts, details = message.channel_id, message.ts, dict(message.details)
        kind = message.kind
    if ts is None:
        return True
    if kind is AlertKind.FLAPPING:
        summary, payload = blocks.incident(str(details.get("title", "")), text, resolved=True)
    else:
        summary, payload = blocks.incident(
            str(details.get("title", "")), f"{details.get('text', '')}\n{text}", resolved=True
        )
    try:
        notifier.update(channel, ts, summary, payload)
        notifier.post(channel, f":large_green_circle: {text}", thread_ts=ts)
    except Exception:
        log.warning("could not tell %s that %s is over", channel, open_key, exc_info=True)
    return True
