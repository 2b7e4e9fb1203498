"""Call-back calls in the database: the counts the limits read, and the one-call-at-a-time claim.

A call is claimed by inserting its row with `active_for` = the request id (unique), inside a
transaction that holds the customer's row locked (PostgreSQL `FOR UPDATE`), so concurrent
presses see each other's calls: twenty presses at once make one call.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store.models import CallBack, Customer
from store.types import utcnow

QUEUED, CALLING, ENDED = "queued", "calling", "ended"
# A call still "calling" this long after it began was lost (its worker died mid-call): a real
# call rings for under a minute and takes the code in less.
STALE_CALL = timedelta(minutes=5)


def lock_customer(session: Session, customer_id: int) -> None:
    """Serialise the call-back decisions of one customer until the transaction ends."""
    session.execute(select(Customer.id).where(Customer.id == customer_id).with_for_update())


def active_call(session: Session, request_id: int) -> CallBack | None:
    return session.scalar(select(CallBack).where(CallBack.active_for == request_id))


def calls_of_request(session: Session, request_id: int) -> list[CallBack]:
    return list(
        session.scalars(
            select(CallBack).where(CallBack.request_id == request_id).order_by(CallBack.id)
        )
    )


def last_call_to(session: Session, number: str) -> CallBack | None:
    return session.scalar(
        select(CallBack)
        .where(CallBack.number == number)
        .order_by(CallBack.created_at.desc(), CallBack.id.desc())
        .limit(1)
    )


def calls_since(session: Session, customer_id: int, since: datetime) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(CallBack)
            .where(CallBack.customer_id == customer_id, CallBack.created_at >= since)
        )
        or 0
    )


def start(session: Session, call_id: int) -> bool:
    """Queued → calling, once: a job that runs again finds the call already placed."""
    result = session.execute(
        update(CallBack)
        .where(CallBack.id == call_id, CallBack.state == QUEUED)
        .values(state=CALLING, started_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def end(
    session: Session,
    call_id: int,
    outcome: str,
    *,
    entries: int = 0,
    detail: str | None = None,
    answered_at: datetime | None = None,
) -> bool:
    """Record how the call ended and free the request for another; False if already ended."""
    result = session.execute(
        update(CallBack)
        .where(CallBack.id == call_id, CallBack.state != ENDED)
        .values(
            state=ENDED,
            outcome=outcome,
            entries=entries,
            detail=(detail or None) and detail[:200],
            answered_at=answered_at,
            ended_at=utcnow(),
            active_for=None,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def waiting_calls(session: Session) -> list[int]:
    """Calls claimed and not yet placed: their job may have been lost with a worker or Redis."""
    return list(session.scalars(select(CallBack.id).where(CallBack.state == QUEUED)))


def lost_calls(session: Session, now: datetime) -> list[int]:
    """Calls begun so long ago that nobody is placing them any more."""
    return list(
        session.scalars(
            select(CallBack.id).where(
                CallBack.state == CALLING, CallBack.started_at < now - STALE_CALL
            )
        )
    )


def end_lost(session: Session, call_id: int, now: datetime) -> bool:
    """Calling → ended as lost, once, and only if it is still stale (a sweep may be late)."""
    result = session.execute(
        update(CallBack)
        .where(
            CallBack.id == call_id,
            CallBack.state == CALLING,
            CallBack.started_at < now - STALE_CALL,
        )
        .values(
            state=ENDED,
            outcome="lost",
            detail="lost: its worker stopped",
            ended_at=now,
            active_for=None,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
