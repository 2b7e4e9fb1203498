"""Audit rows for what was refused or done outside a state change (a click by the wrong person)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import AuditEvent
from store.types import utcnow


def record(
    session: Session, request_id: int | None, actor: str, action: str, note: str | None = None
) -> None:
    session.add(
        AuditEvent(request_id=request_id, actor=actor, action=action, note=note, at=utcnow())
    )
    session.flush()


def last_step_to(session: Session, request_id: int, states: tuple[str, ...]) -> AuditEvent | None:
    """The most recent transition of the request into one of `states`."""
    return session.scalar(
        select(AuditEvent)
        .where(AuditEvent.request_id == request_id, AuditEvent.to_state.in_(states))
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
