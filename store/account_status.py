"""Whether each SIP account of a customer is Up or Down, and since when, as the watch last saw
it (sip_accounts.status and status_since); shared by everything that shows status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import AccountStatus, Customer, SipAccount


@dataclass(frozen=True)
class AccountStatusLine:
    username: str
    label: str
    status: AccountStatus  # UNKNOWN until the watch has seen the account
    since: datetime


def account_statuses(session: Session, customer: Customer) -> tuple[AccountStatusLine, ...]:
    """The customer's SIP accounts, oldest first."""
    rows = session.execute(
        select(SipAccount.username, SipAccount.label, SipAccount.status, SipAccount.status_since)
        .where(SipAccount.customer_id == customer.id)
        .order_by(SipAccount.id)
    ).all()
    return tuple(AccountStatusLine(*row) for row in rows)
