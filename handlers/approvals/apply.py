"""The decided change, made on the telephony platform."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.request_facts import RequestFacts
from handlers.services import Services
from store.models import SipAccount
from telephony.types import NewSipAccount


@dataclass(frozen=True)
class Applied:
    said: str  # what the customer's thread hears
    new_account: NewSipAccount | None = None


def apply_change(services: Services, facts: RequestFacts) -> Applied:
    """Raises TelephonyError (PlatformUnavailable among them) when the platform says no."""
    platform, details = services.telephony, facts.details
    if facts.kind.value == "pstn_caller_id":
        assert facts.username is not None
        number = details.get("number")
        platform.set_pstn_caller_id(facts.username, number)
        return Applied(f"{facts.account} now shows {number or 'no number (anonymous)'} on calls.")
    if facts.kind.value == "voip_caller_id":
        assert facts.username is not None
        platform.set_voip_caller_id(facts.username, details.get("name"), details.get("number"))
        return Applied(f"{facts.account} now shows {facts.new_value} on internal calls.")
    created = platform.create_sip_account(facts.customer_ref, str(details.get("label", "")))
    mailbox = bool(details.get("mailbox", True))
    with services.db.session() as session:
        row = session.scalar(select(SipAccount).where(SipAccount.username == created.username))
        if row is not None:
            row.mailbox = mailbox
    return Applied(
        f"The new SIP account “{created.label}” ({created.username}) is ready; "
        "its password was shown only to the person who asked.",
        created,
    )
