"""The decided change, made on the telephony platform: every call safe to make again.

A re-run after a crash at any point must end where one run ends, so each change is "make it so"
rather than "do it": a caller ID is set only if the platform does not show it already, and a new
SIP account is created under the username stored on the request before the call, if absent.
"""

from __future__ import annotations

from sqlalchemy import select

from handlers.request_facts import RequestFacts
from handlers.services import Services
from store.links import Credentials
from store.models import RequestKind, SipAccount
from telephony.accounts import clean_label
from telephony.caller_ids import e164, voip_name, voip_number


def apply_change(services: Services, facts: RequestFacts) -> Credentials | None:
    """The new account's credentials (a password nobody has seen), or None for a caller ID.

    Raises TelephonyError (PlatformUnavailable among them) when the platform says no.
    """
    platform, details = services.telephony, facts.details
    if facts.kind is RequestKind.PSTN_CALLER_ID:
        assert facts.username is not None
        number = details.get("number")
        wanted = None if number is None else e164(number)
        shown = platform.sip_account(facts.username)
        if (shown.pstn_caller_id, shown.pstn_anonymous) != (wanted, wanted is None):
            platform.set_pstn_caller_id(facts.username, number)
        return None
    if facts.kind is RequestKind.VOIP_CALLER_ID:
        assert facts.username is not None
        name, number = details.get("name"), details.get("number")
        wanted_name = None if name is None else voip_name(name)
        wanted_number = None if number is None else voip_number(number)
        shown = platform.sip_account(facts.username)
        if (shown.voip_caller_id_name, shown.voip_caller_id_number) != (
            wanted_name,
            wanted_number,
        ):
            platform.set_voip_caller_id(facts.username, name, number)
        return None
    username = str(details["username"])  # chosen and stored by the job before this call
    created = platform.ensure_sip_account(facts.customer_ref, username, new_label(facts))
    # Made by an earlier run that died before handing out its password: nobody saw it.
    password = created.password if created is not None else platform.reset_password(username)
    mailbox = bool(details.get("mailbox", True))
    with services.db.session() as session:
        row = session.scalar(select(SipAccount).where(SipAccount.username == username))
        if row is not None and row.mailbox != mailbox:
            row.mailbox = mailbox
    return Credentials(platform.sip_domain, username, password)


def new_label(facts: RequestFacts) -> str:
    return clean_label(str(facts.details.get("label", "")))


def applied_sentence(facts: RequestFacts) -> str:
    """What the customer's thread hears once the change is on the platform."""
    details = facts.details
    if facts.kind is RequestKind.PSTN_CALLER_ID:
        number = details.get("number")
        return f"{facts.account} now shows {number or 'no number (anonymous)'} on calls."
    if facts.kind is RequestKind.VOIP_CALLER_ID:
        return f"{facts.account} now shows {facts.new_value} on internal calls."
    return (
        f"The new SIP account “{new_label(facts)}” ({details.get('username')}) is ready; "
        "its password was shown only to the person who asked."
    )
