"""What a customer owns, by the names people type: SIP accounts, plans."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Plan, SipAccount


def sip_account_named(session: Session, customer_id: int, name: str) -> SipAccount | None:
    """A customer's SIP account by its username, else by its label (case and spaces ignored)."""
    wanted = " ".join(name.split())
    by_username = session.scalar(
        select(SipAccount).where(
            SipAccount.customer_id == customer_id, SipAccount.username == wanted
        )
    )
    if by_username is not None:
        return by_username
    return session.scalar(
        select(SipAccount)
        .where(
            SipAccount.customer_id == customer_id,
            func.lower(SipAccount.label) == wanted.lower(),
        )
        .order_by(SipAccount.id)
        .limit(1)
    )


def plan_named(session: Session, name: str) -> Plan | None:
    return session.get(Plan, name)
