"""A small world for store tests: one customer with a number and a SIP account."""

from __future__ import annotations

from sqlalchemy.orm import Session

from store.models import Customer, PhoneNumber, SipAccount


def make_customer(session: Session, ref: str = "ACME-1", number: str = "+35312345678") -> Customer:
    customer = Customer(
        external_ref=ref,
        name="Acme",
        holder_name="Acme Widgets Ltd",
        plan="business",
        country="IE",
        timezone="Europe/Dublin",
        numbers=[PhoneNumber(e164=number)],
        sip_accounts=[
            SipAccount(username=f"u{ref.lower().replace('-', '')}x7k2", label="Reception")
        ],
    )
    session.add(customer)
    session.flush()
    return customer
