"""Who owns what, in sipdesk's own tables: the part every adapter shares.

Kamailio has no notion of customers, so for every adapter the store says which customer has
which numbers and SIP accounts; an adapter keeps its own records in step with these rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from store.db import Database
from store.models import Customer, PhoneNumber, SipAccount
from telephony.errors import Conflict, InvalidValue, NotFound, PlatformUnavailable
from telephony.types import SipAccountInfo

LABEL_MAX = 120


def clean_label(label: str) -> str:
    """The label as stored: whitespace collapsed, at most 120 characters."""
    text = " ".join(label.split())
    if len(text) > LABEL_MAX:
        raise InvalidValue(f"The label is longer than {LABEL_MAX} characters.")
    return text


def info_of(account: SipAccount) -> SipAccountInfo:
    """The store row as the platform's value type."""
    return SipAccountInfo(
        username=account.username,
        label=account.label,
        customer_ref=account.customer.external_ref,
        pstn_caller_id=account.pstn_caller_id,
        pstn_anonymous=account.pstn_anonymous,
        voip_caller_id_name=account.voip_caller_id_name,
        voip_caller_id_number=account.voip_caller_id_number,
        mailbox=account.mailbox,
        mwi=account.mwi,
    )


class AccountBook:
    """Customers, numbers and SIP account rows in the store, read and written per unit of work."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def customer(self, session: Session, customer_ref: str) -> Customer:
        found = session.scalar(select(Customer).where(Customer.external_ref == customer_ref))
        if found is None:
            raise NotFound(f"There is no customer {customer_ref!r}.")
        return found

    def account(self, session: Session, username: str, *, lock: bool = False) -> SipAccount:
        query = (
            select(SipAccount)
            .where(SipAccount.username == username)
            .options(selectinload(SipAccount.customer))
        )
        if lock:
            query = query.with_for_update(of=SipAccount)
        found = session.scalar(query)
        if found is None:
            raise NotFound(f"There is no SIP account {username!r}.")
        return found

    def customer_locked(self, session: Session, customer_ref: str) -> Customer:
        """The customer, row-locked (PostgreSQL) so that two creations for it take turns."""
        found = session.scalar(
            select(Customer).where(Customer.external_ref == customer_ref).with_for_update()
        )
        if found is None:
            raise NotFound(f"There is no customer {customer_ref!r}.")
        return found

    def existing_of(self, session: Session, customer: Customer, username: str) -> bool:
        """True when the customer already has SIP account `username` (an earlier run made it);
        Conflict when another customer has it."""
        owner = session.scalar(
            select(SipAccount.customer_id).where(SipAccount.username == username)
        )
        if owner is None:
            return False
        if owner != customer.id:
            raise Conflict(f"SIP account {username} belongs to another customer.")
        return True

    def username_taken(self, session: Session, username: str) -> bool:
        return (
            session.scalar(select(SipAccount.id).where(SipAccount.username == username)) is not None
        )

    def adopt(
        self,
        session: Session,
        customer_ref: str,
        username: str,
        label: str,
        *,
        mailbox: bool,
        mwi: bool,
    ) -> tuple[SipAccount, bool]:
        """The store row of an imported SIP account, created or brought in line; and whether it
        changed. Conflict when another customer owns the username."""
        customer = self.customer(session, customer_ref)
        account = session.scalar(
            select(SipAccount).where(SipAccount.username == username).with_for_update()
        )
        if account is None:
            account = SipAccount(customer_id=customer.id, username=username, password_hash=None)
            session.add(account)
        elif account.customer_id != customer.id:
            raise Conflict(f"SIP account {username} belongs to another customer.")
        changed = account.id is None
        for name, value in (("label", clean_label(label)), ("mailbox", mailbox), ("mwi", mwi)):
            if getattr(account, name) != value:
                setattr(account, name, value)
                changed = True
        session.flush()
        return account, changed

    def numbers(self, customer_ref: str) -> tuple[str, ...]:
        with store_errors(), self.database.session() as session:
            customer = self.customer(session, customer_ref)
            rows = session.scalars(
                select(PhoneNumber.e164)
                .where(PhoneNumber.customer_id == customer.id)
                .order_by(PhoneNumber.e164)
            )
            return tuple(rows)

    def accounts(self, customer_ref: str) -> tuple[SipAccountInfo, ...]:
        with store_errors(), self.database.session() as session:
            customer = self.customer(session, customer_ref)
            rows = session.scalars(
                select(SipAccount)
                .where(SipAccount.customer_id == customer.id)
                .options(selectinload(SipAccount.customer))
                .order_by(SipAccount.id)
            )
            return tuple(info_of(row) for row in rows)

    def info(self, username: str) -> SipAccountInfo:
        with store_errors(), self.database.session() as session:
            return info_of(self.account(session, username))


@contextmanager
def store_errors() -> Iterator[None]:
    """Turn a store that does not answer into PlatformUnavailable."""
    try:
        yield
    except (sa_exc.OperationalError, sa_exc.InterfaceError) as exc:
        raise PlatformUnavailable(
            "sipdesk's database is not answering; the change is queued and will be retried.",
            detail=str(exc.orig),
        ) from exc
