"""Whether each SIP account of a customer is Up or Down, and since when, as the watch last saw
it (sip_accounts.status and status_since); shared by everything that shows status."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import AccountStatus, Customer, SipAccount


@dataclass(frozen=True)
class LastDevice:
    """The last device the watch saw registered on an account."""

    user_agent: str | None
    source: str | None
    seen_at: datetime | None


@dataclass(frozen=True)
class AccountStatusLine:
    username: str
    label: str
    status: AccountStatus  # UNKNOWN until the watch has seen the account
    since: datetime
    # True when the status was read from the platform just now (the watch had not polled yet)
    read_live: bool = False
    last_device: LastDevice | None = None

    def as_read_live(self, up: bool) -> AccountStatusLine:
        return replace(self, status=AccountStatus.UP if up else AccountStatus.DOWN, read_live=True)


_COLUMNS = (
    SipAccount.username,
    SipAccount.label,
    SipAccount.status,
    SipAccount.status_since,
    SipAccount.last_user_agent,
    SipAccount.last_source,
    SipAccount.last_seen_at,
)


def account_statuses(session: Session, customer: Customer) -> tuple[AccountStatusLine, ...]:
    """The customer's SIP accounts, oldest first."""
    rows = session.execute(
        select(*_COLUMNS).where(SipAccount.customer_id == customer.id).order_by(SipAccount.id)
    ).all()
    return tuple(_line(*row) for row in rows)


def customer_of_account(session: Session, username: str) -> Customer | None:
    """The customer owning the SIP account `username` (exact), whoever they are."""
    return session.scalar(
        select(Customer)
        .join(SipAccount, SipAccount.customer_id == Customer.id)
        .where(SipAccount.username == username)
    )


def customer_by_ref(session: Session, ref: str) -> Customer | None:
    """A customer by their reference (GLOBEX-001), case ignored."""
    return session.scalar(select(Customer).where(func.lower(Customer.external_ref) == ref.lower()))


def _line(
    username: str,
    label: str,
    status: AccountStatus,
    since: datetime,
    agent: str | None,
    source: str | None,
    seen_at: datetime | None,
) -> AccountStatusLine:
    last = LastDevice(agent, source, seen_at) if (agent or source or seen_at) else None
    return AccountStatusLine(username, label, status, since, last_device=last)
