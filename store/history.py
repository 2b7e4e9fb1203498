"""An account's history and the audit trail, as people and compliance read them.

`account_history`: one entry per request on a SIP account, newest first (what was asked, by
whom, who decided, what was applied, when, the bill verdict). `audit_trail_rows`: every audit
row with its request's customer and account, oldest first, streamed for an export. Neither
carries a password or a token: request details are copied field by field from a list of what
is safe, and notes have URL passwords masked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import AuditEvent, Customer, Evidence, Request, RequestKind, SipAccount
from store.redact import redact

# The request details safe to show or export (never a password, a token or a link).
SAFE_DETAILS = ("number", "old", "name", "old_name", "old_number", "label", "mailbox", "path")
_DECIDED = ("approved", "rejected")
YIELD_ROWS = 500  # rows fetched at a time: an export of years streams in constant memory


@dataclass(frozen=True)
class HistoryEntry:
    request_id: int
    kind: RequestKind
    state: str
    details: dict[str, Any]
    asked_by: str
    asked_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision: str | None  # "approved" / "rejected"
    decision_note: str | None
    applied_at: datetime | None
    bill_verdict: str | None


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    request_id: int | None
    kind: str | None
    customer_ref: str | None
    account: str | None
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    note: str | None
    details: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "request_id": self.request_id,
            "kind": self.kind,
            "customer_ref": self.customer_ref,
            "account": self.account,
            "actor": self.actor,
            "action": self.action,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "note": self.note,
            "details": self.details,
        }


def safe_details(details: dict[str, Any] | None) -> dict[str, Any]:
    return {k: details[k] for k in SAFE_DETAILS if details and k in details}


def account_history(session: Session, sip_account_id: int, limit: int) -> list[HistoryEntry]:
    """The account's requests, newest first, at most `limit`."""
    requests = list(
        session.scalars(
            select(Request)
            .where(Request.sip_account_id == sip_account_id)
            .order_by(Request.created_at.desc(), Request.id.desc())
            .limit(limit)
        )
    )
    ids = [r.id for r in requests]
    steps: dict[int, list[AuditEvent]] = {i: [] for i in ids}
    for event in session.scalars(
        select(AuditEvent).where(AuditEvent.request_id.in_(ids)).order_by(AuditEvent.id)
    ):
        steps[event.request_id or 0].append(event)
    verdicts: dict[int, str | None] = {}
    for request_id, verdict in session.execute(
        select(Evidence.request_id, Evidence.verdict)
        .where(Evidence.request_id.in_(ids), Evidence.verdict.is_not(None))
        .order_by(Evidence.id)
    ):
        verdicts[request_id] = verdict  # the newest bill's verdict wins
    return [_entry(r, steps[r.id], verdicts.get(r.id)) for r in requests]


def _entry(request: Request, steps: list[AuditEvent], verdict: str | None) -> HistoryEntry:
    decided = next((e for e in reversed(steps) if e.to_state in _DECIDED), None)
    applied = next((e for e in reversed(steps) if e.to_state == "applied"), None)
    return HistoryEntry(
        request_id=request.id,
        kind=request.kind,
        state=request.state.value,
        details=safe_details(request.details),
        asked_by=request.requested_by,
        asked_at=request.created_at,
        decided_by=decided.actor if decided else request.decided_by,
        decided_at=decided.at if decided else None,
        decision=decided.to_state if decided else None,
        decision_note=redact(request.decision_note) if request.decision_note else None,
        applied_at=applied.at if applied else None,
        bill_verdict=verdict,
    )


def audit_trail_rows(
    session: Session,
    *,
    customer_id: int | None = None,
    sip_account_id: int | None = None,
    since: datetime | None = None,
) -> Iterator[AuditRow]:
    """Every audit row (oldest first) with its request's customer and account, filtered."""
    query = (
        select(AuditEvent, Request, Customer.external_ref, SipAccount.username)
        .outerjoin(Request, Request.id == AuditEvent.request_id)
        .outerjoin(Customer, Customer.id == Request.customer_id)
        .outerjoin(SipAccount, SipAccount.id == Request.sip_account_id)
        .order_by(AuditEvent.at, AuditEvent.id)
        .execution_options(yield_per=YIELD_ROWS)
    )
    if customer_id is not None:
        query = query.where(Request.customer_id == customer_id)
    if sip_account_id is not None:
        query = query.where(Request.sip_account_id == sip_account_id)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    for event, request, ref, username in session.execute(query):
        yield AuditRow(
            at=event.at,
            request_id=event.request_id,
            kind=request.kind.value if request is not None else None,
            customer_ref=ref,
            account=username,
            actor=event.actor,
            action=event.action,
            from_state=event.from_state,
            to_state=event.to_state,
            note=redact(event.note) if event.note else None,
            details=safe_details(request.details if request is not None else None),
        )
