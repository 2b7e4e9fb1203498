"""The request state machine.

Every step is one compare-and-set UPDATE plus an audit row in one transaction, so double clicks,
retried events and concurrent replicas can never apply a step twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store import metrics
from store.errors import NotFound, TransitionRefused
from store.models import AuditEvent, Request, RequestKind, RequestState
from store.types import utcnow

S = RequestState

TRANSITIONS: Mapping[RequestState, frozenset[RequestState]] = {
    S.AWAITING_CUSTOMER: frozenset(
        {S.CHECKING_EVIDENCE, S.PENDING_APPROVAL, S.CANCELLED, S.EXPIRED}
    ),
    # An unreadable bill goes back to the customer for another one.
    S.CHECKING_EVIDENCE: frozenset(
        {S.PENDING_APPROVAL, S.AWAITING_CUSTOMER, S.REJECTED, S.CANCELLED, S.EXPIRED}
    ),
    # Staff may ask the customer for another bill instead of deciding.
    S.PENDING_APPROVAL: frozenset(
        {S.APPROVED, S.REJECTED, S.AWAITING_CUSTOMER, S.CANCELLED, S.EXPIRED}
    ),
    S.APPROVED: frozenset({S.APPLIED, S.FAILED}),
    S.FAILED: frozenset({S.APPROVED, S.CANCELLED}),  # staff retry, or give up
    S.APPLIED: frozenset(),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
}

TERMINAL = frozenset(state for state, nexts in TRANSITIONS.items() if not nexts)
OPEN = frozenset(RequestState) - TERMINAL

# Columns a transition may set together with the state, in the same UPDATE.
_SETTABLE = frozenset(
    {
        "decided_by",
        "decision_note",
        "customer_message_ts",
        "staff_message_ts",
        "expires_at",
        "sip_account_id",
        "details",
    }
)

_DONE_PHRASE = {
    S.APPROVED: "was already approved",
    S.APPLIED: "has already been applied",
    S.REJECTED: "was already rejected",
    S.CANCELLED: "was cancelled",
    S.EXPIRED: "has expired",
    S.FAILED: "could not be applied and is waiting for staff",
    S.PENDING_APPROVAL: "is waiting for a decision by staff",
    S.CHECKING_EVIDENCE: "is having its evidence checked",
    S.AWAITING_CUSTOMER: "is waiting for the customer",
}


_STEP = {
    S.APPROVED: "approved",
    S.REJECTED: "rejected",
    S.CANCELLED: "cancelled",
    S.EXPIRED: "expired",
    S.APPLIED: "applied",
}


# The steps `sipdesk_requests_total{outcome}` counts (besides "asked", at creation).
_OUTCOMES = frozenset({S.APPROVED, S.REJECTED, S.APPLIED, S.FAILED, S.CANCELLED, S.EXPIRED})


def is_allowed(current: RequestState, target: RequestState) -> bool:
    return target in TRANSITIONS[current]


def create(
    session: Session,
    *,
    kind: RequestKind,
    customer_id: int,
    channel_id: str,
    requested_by: str,
    state: RequestState = S.AWAITING_CUSTOMER,
    details: dict[str, Any] | None = None,
    sip_account_id: int | None = None,
    requester_team: str | None = None,
    expires_at: datetime | None = None,
) -> Request:
    """A new request in its first state, with the audit row that says who asked."""
    if state not in (S.AWAITING_CUSTOMER, S.CHECKING_EVIDENCE, S.PENDING_APPROVAL):
        raise ValueError(f"a request cannot start as {state}")
    now = utcnow()
    request = Request(
        kind=kind,
        state=state,
        version=1,
        customer_id=customer_id,
        channel_id=channel_id,
        requested_by=requested_by,
        requester_team=requester_team,
        details=details or {},
        sip_account_id=sip_account_id,
        created_at=now,
        updated_at=now,
        expires_at=expires_at,
    )
    session.add(request)
    session.flush()
    session.add(
        AuditEvent(
            request_id=request.id,
            actor=requested_by,
            action="created",
            from_state=None,
            to_state=state.value,
            at=now,
        )
    )
    session.flush()
    metrics.request_step(session, kind.value, "asked", now, now)
    return request


def transition(
    session: Session,
    request_id: int,
    target: RequestState,
    *,
    actor: str,
    action: str | None = None,
    note: str | None = None,
    expected: RequestState | Iterable[RequestState] | None = None,
    version: int | None = None,
    **changes: Any,
) -> Request:
    """Move a request to `target` if it is still where the caller saw it.

    `version` is the version the caller read (a card's button carries it): the step applies to
    that version only, so a stale card cannot decide a request that moved on. Without it the
    version read here is used. `expected` names the state(s) the caller acted on; without it the
    current state is used. Exactly one of several racing callers wins; the others get
    `TransitionRefused` with a sentence that says what happened instead.
    """
    unknown = set(changes) - _SETTABLE
    if unknown:
        raise ValueError(f"a transition cannot set {sorted(unknown)}")
    current, read_version = _state_and_version(session, request_id)
    froms = _expected_states(expected, current)
    legal = [s for s in froms if is_allowed(s, target)]
    if current not in froms or not legal:
        raise _refusal(request_id, current, target)
    if version is not None and version != read_version:
        raise _stale(request_id, current, target)
    now = utcnow()
    result = session.execute(
        update(Request)
        .where(Request.id == request_id, Request.version == read_version)
        .values(state=target, version=read_version + 1, updated_at=now, **changes)
        .returning(Request.version)
        .execution_options(synchronize_session=False)
    )
    if result.first() is None:  # someone else moved it between our read and our write
        now_state, _ = _state_and_version(session, request_id)
        if now_state == current and is_allowed(now_state, target):
            raise _stale(request_id, current, target)
        raise _refusal(request_id, now_state, target)
    session.add(
        AuditEvent(
            request_id=request_id,
            actor=actor,
            action=action or target.value,
            from_state=current.value,
            to_state=target.value,
            note=note,
            at=now,
        )
    )
    session.flush()
    request = session.get(Request, request_id, populate_existing=True)
    assert request is not None
    if target in _OUTCOMES:
        metrics.request_step(session, request.kind.value, target.value, request.created_at, now)
    return request


def remember_details(
    session: Session, request_id: int, state: RequestState, **values: Any
) -> dict[str, Any]:
    """Merge `values` into the details of a request still in `state`; returns the details.

    Progress a job records so that a re-run resumes instead of repeating (a chosen SIP username,
    credentials handed out): not a step, so no new version. The row is locked while merging.
    TransitionRefused when the request has left `state`.
    """
    row = session.execute(
        select(Request.details)
        .where(Request.id == request_id, Request.state == state)
        .with_for_update()
    ).first()
    if row is None:
        current, _ = _state_and_version(session, request_id)
        raise _refusal(request_id, current, state)
    details = {**(row[0] or {}), **values}
    session.execute(
        update(Request)
        .where(Request.id == request_id, Request.state == state)
        .values(details=details)
        .execution_options(synchronize_session=False)
    )
    return details


def audit_trail(session: Session, request_id: int) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.request_id == request_id).order_by(AuditEvent.id)
        )
    )


def _state_and_version(session: Session, request_id: int) -> tuple[RequestState, int]:
    row = session.execute(
        select(Request.state, Request.version)
        .where(Request.id == request_id)
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise NotFound(f"Request #{request_id} does not exist.")
    return row[0], row[1]


def _expected_states(
    expected: RequestState | Iterable[RequestState] | None, current: RequestState
) -> frozenset[RequestState]:
    if expected is None:
        return frozenset({current})
    if isinstance(expected, RequestState):
        return frozenset({expected})
    return frozenset(expected)


def _stale(request_id: int, current: RequestState, target: RequestState) -> TransitionRefused:
    message = (
        f"Request #{request_id} changed since this was shown to you; "
        "look at its latest message and try again."
    )
    return TransitionRefused(
        message, request_id=request_id, current=current.value, wanted=target.value
    )


def _refusal(request_id: int, current: RequestState, target: RequestState) -> TransitionRefused:
    if current == target:
        message = f"Request #{request_id} {_DONE_PHRASE[current]}; nothing more to do."
    else:
        step = _STEP.get(target, f"moved to {target.value.replace('_', ' ')}")
        message = f"Request #{request_id} {_DONE_PHRASE[current]}, so it cannot be {step} now."
    return TransitionRefused(
        message, request_id=request_id, current=current.value, wanted=target.value
    )
