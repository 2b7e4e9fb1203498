"""Where a request is talked about in Slack: its customer thread and its staff card.

Remembering a message is not a step of the request, so it changes no state and no version.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store.models import Request
from store.types import utcnow


def remember_customer_thread(session: Session, request_id: int, ts: str) -> None:
    """The first thread root wins: a request is talked about in one thread."""
    session.execute(
        update(Request)
        .where(Request.id == request_id, Request.customer_message_ts.is_(None))
        .values(customer_message_ts=ts)
        .execution_options(synchronize_session=False)
    )


def remember_staff_card(
    session: Session, request_id: int, ts: str, *, version: int | None = None
) -> None:
    """The staff card's ts; with `version`, the card of that version is posted (none is owed)."""
    values: dict[str, object] = {"staff_message_ts": ts}
    if version is not None:
        values["card_version"] = version
    session.execute(
        update(Request)
        .where(Request.id == request_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def remember_applied_told(session: Session, request_id: int) -> None:
    """The customer's thread heard "Applied": the apply job owes nothing more."""
    session.execute(
        update(Request)
        .where(Request.id == request_id, Request.applied_told_at.is_(None))
        .values(applied_told_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def request_of_thread(session: Session, channel_id: str, thread_ts: str) -> Request | None:
    """The request a customer thread is about, if it is one."""
    return session.scalar(
        select(Request)
        .where(Request.channel_id == channel_id, Request.customer_message_ts == thread_ts)
        .order_by(Request.id.desc())
        .limit(1)
    )
