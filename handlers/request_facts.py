"""A request as people read it: who asked, for which SIP account, from what to what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from store.errors import NotFound
from store.models import Request, RequestKind, RequestState, SipAccount

KIND_TITLE = {
    RequestKind.PSTN_CALLER_ID: "PSTN caller ID",
    RequestKind.VOIP_CALLER_ID: "VoIP caller ID",
    RequestKind.NEW_SIP_ACCOUNT: "New SIP account",
    RequestKind.PASSWORD_RESET: "New password",
}


@dataclass(frozen=True)
class RequestFacts:
    id: int
    version: int
    kind: RequestKind
    state: RequestState
    customer_name: str
    customer_ref: str
    channel_id: str
    requested_by: str
    thread_ts: str | None
    staff_ts: str | None
    account: str | None  # "Reception desk (k3x9q2m7ab)"
    username: str | None
    old_value: str
    new_value: str
    details: dict[str, Any]
    decided_by: str | None
    decision_note: str | None
    created_at: datetime
    customer_country: str = ""  # ISO 3166 alpha-2: which numbers are national

    @property
    def title(self) -> str:
        return KIND_TITLE[self.kind]

    @property
    def has_bill(self) -> bool:
        return self.details.get("path") == "bill"

    def summary(self) -> str:
        """One line: what changes, for the customer's thread and the card's fallback text."""
        if self.kind is RequestKind.NEW_SIP_ACCOUNT:
            return f"request #{self.id}: a new SIP account {self.new_value}"
        if self.kind is RequestKind.PASSWORD_RESET:
            return f"request #{self.id}: a new password for {self.account}"
        return (
            f"request #{self.id}: {self.title} of {self.account}: "
            f"{self.old_value} → {self.new_value}"
        )


def pstn_value(number: str | None) -> str:
    return number if number else "anonymous"


def voip_value(name: str | None, number: str | None) -> str:
    if not name and not number:
        return "not set"
    return " ".join(part for part in (name or "", f"({number})" if number else "") if part)


def load_facts(session: Session, request_id: int) -> RequestFacts:
    request = session.get(Request, request_id, populate_existing=True)
    if request is None:
        raise NotFound(f"Request #{request_id} does not exist.")
    details = dict(request.details or {})
    account = session.get(SipAccount, request.sip_account_id) if request.sip_account_id else None
    if request.kind is RequestKind.PSTN_CALLER_ID:
        old, new = str(details.get("old", "")), pstn_value(details.get("number"))
    elif request.kind is RequestKind.VOIP_CALLER_ID:
        old = voip_value(details.get("old_name"), details.get("old_number"))
        new = voip_value(details.get("name"), details.get("number"))
    elif request.kind is RequestKind.PASSWORD_RESET:
        # Never a password here: the card says what happens, not what it is.
        old = "the current password (stops working at once)"
        new = "a new random password, shown once to the person who asked"
    else:
        mailbox = "with mailbox" if details.get("mailbox", True) else "without mailbox"
        old, new = "none", f"“{details.get('label', '')}” ({mailbox})"
    return RequestFacts(
        id=request.id,
        version=request.version,
        kind=request.kind,
        state=request.state,
        customer_name=request.customer.name,
        customer_ref=request.customer.external_ref,
        channel_id=request.channel_id,
        requested_by=request.requested_by,
        thread_ts=request.customer_message_ts,
        staff_ts=request.staff_message_ts,
        account=f"{account.label or account.username} ({account.username})" if account else None,
        username=account.username if account else None,
        old_value=old,
        new_value=new,
        details=details,
        decided_by=request.decided_by,
        decision_note=request.decision_note,
        created_at=request.created_at,
        customer_country=request.customer.country,
    )
