"""What the Home tab shows: for staff, the requests waiting for a decision (oldest first) and the
desk's counts; for anyone else, their own open requests."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, UnaryExpression, func, select
from sqlalchemy.orm import Session

from store.models import ChannelLink, Customer, Request, RequestKind, RequestState
from store.requests import OPEN

SHOWN = 25  # rows per list; the rest are counted
SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,30}")


@dataclass(frozen=True)
class RequestLine:
    id: int
    kind: RequestKind
    state: RequestState
    customer: str
    requested_by: str
    created_at: datetime


@dataclass(frozen=True)
class Desk:
    pending: tuple[RequestLine, ...]  # oldest first, at most SHOWN
    pending_total: int
    open_by_state: dict[str, int]
    customers: int
    linked_channels: int


@dataclass(frozen=True)
class OwnRequests:
    lines: tuple[RequestLine, ...]  # newest first, at most SHOWN
    total: int


def desk(session: Session) -> Desk:
    pending = _lines(
        session,
        Request.state == RequestState.PENDING_APPROVAL,
        order=(Request.created_at.asc(), Request.id.asc()),
    )
    rows = session.execute(
        select(Request.state, func.count()).where(Request.state.in_(OPEN)).group_by(Request.state)
    ).all()
    counts = Counter({state.value: int(n) for state, n in rows})
    return Desk(
        pending=pending,
        pending_total=counts[RequestState.PENDING_APPROVAL.value],
        open_by_state={s.value: counts[s.value] for s in RequestState if s in OPEN},
        customers=session.scalar(select(func.count()).select_from(Customer)) or 0,
        linked_channels=session.scalar(select(func.count()).select_from(ChannelLink)) or 0,
    )


def own_requests(session: Session, user_id: str) -> OwnRequests:
    if not SLACK_USER_ID.fullmatch(user_id):
        return OwnRequests((), 0)  # no request was ever raised by such an id (a bent payload)
    mine = (Request.requested_by == user_id, Request.state.in_(OPEN))
    lines = _lines(session, *mine, order=(Request.created_at.desc(), Request.id.desc()))
    total = session.scalar(select(func.count()).select_from(Request).where(*mine)) or 0
    return OwnRequests(lines, total)


def _lines(
    session: Session, *where: ColumnElement[bool], order: tuple[UnaryExpression[Any], ...]
) -> tuple[RequestLine, ...]:
    rows = session.execute(
        select(
            Request.id,
            Request.kind,
            Request.state,
            Customer.name,
            Request.requested_by,
            Request.created_at,
        )
        .join(Customer, Customer.id == Request.customer_id)
        .where(*where)
        .order_by(*order)
        .limit(SHOWN)
    ).all()
    return tuple(RequestLine(*row) for row in rows)
