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
from telephony.errors import NotFound


def apply_change(services: Services, facts: RequestFacts) -> Credentials | None:
    """The new account's credentials (a password nobody has seen), or None for a caller ID.

    Raises TelephonyError (PlatformUnavailable among them) when the platform says no.
    """
    platform, details = services.telephony, facts.details
    if facts.kind is RequestKind.PSTN_CALLER_ID:
        assert facts.username is not None
        number = details.get("number")
        wanted = None if number is None else e164(number)
        if _pstn_of(services, facts.username) != {(wanted, wanted is None)}:
            platform.set_pstn_caller_id(facts.username, number)
        return None
    if facts.kind is RequestKind.VOIP_CALLER_ID:
        assert facts.username is not None
        name, number = details.get("name"), details.get("number")
        wanted_voip = (
            None if name is None else voip_name(name),
            None if number is None else voip_number(number),
        )
        if _voip_of(services, facts.username) != {wanted_voip}:
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


# "Already set" means on the platform and in sipdesk's mirror of it alike: a run that died between
# the two writes (Kamailio's row, then the store's) is completed, not skipped.


def _pstn_of(services: Services, username: str) -> set[tuple[str | None, bool]]:
    shown = services.telephony.sip_account(username)
    row = _store_row(services, username)
    return {(shown.pstn_caller_id, shown.pstn_anonymous), (row.pstn_caller_id, row.pstn_anonymous)}


def _voip_of(services: Services, username: str) -> set[tuple[str | None, str | None]]:
    shown = services.telephony.sip_account(username)
    row = _store_row(services, username)
    return {
        (shown.voip_caller_id_name, shown.voip_caller_id_number),
        (row.voip_caller_id_name, row.voip_caller_id_number),
    }


def _store_row(services: Services, username: str) -> SipAccount:
    with services.db.session() as session:
        row = session.scalar(select(SipAccount).where(SipAccount.username == username))
        if row is None:
            raise NotFound(f"There is no SIP account {username!r}.")
        session.expunge(row)
        return row


def new_label(facts: RequestFacts) -> str:
    return clean_label(str(facts.details.get("label", "")))


def applied_sentence(facts: RequestFacts, *, link_shown: bool = True) -> str:
    """What the customer's thread hears once the change is on the platform."""
    details = facts.details
    if facts.kind is RequestKind.PSTN_CALLER_ID:
        number = details.get("number")
        return f"{facts.account} now shows {number or 'no number (anonymous)'} on calls."
    if facts.kind is RequestKind.VOIP_CALLER_ID:
        return f"{facts.account} now shows {facts.new_value} on internal calls."
    ready = f"The new SIP account “{new_label(facts)}” ({details.get('username')}) is ready"
    if link_shown:
        return f"{ready}; its password was shown only to the person who asked."
    return (
        f"{ready}. :warning: Slack would not show <@{facts.requested_by}> the link to its "
        "password here (are they still in this channel?); our support team can send it again, "
        "to them or to someone else in this channel."
    )
