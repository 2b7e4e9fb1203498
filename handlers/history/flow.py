"""Whose history may be read, and what it holds: a customer's own accounts in their channel,
any customer's in the staff channel (by username, or customer ref and label)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from handlers.mrkdwn import quote
from handlers.status.flow import SLACK_CHANNEL_ID, ChannelNotLinked, plain
from store.account_status import customer_by_ref, customer_of_account
from store.channels import customer_for_channel
from store.customers import sip_account_named
from store.errors import UserFacingError
from store.history import HistoryEntry, account_history
from store.models import Customer, SipAccount

DEFAULT_ENTRIES = 10
MAX_ENTRIES = 50
USAGE = "`/sip history ACCOUNT [N]` (a username or label, and how many of the latest, up to 50)"
STAFF_USAGE = (
    "`/sip history USERNAME [N]` or `/sip history CUSTOMER-REF LABEL [N]` (up to 50 entries)"
)


@dataclass(frozen=True)
class AccountHistory:
    customer_name: str
    customer_ref: str | None  # shown to staff
    username: str
    label: str
    timezone: ZoneInfo
    entries: list[HistoryEntry]
    asked: int


def parse(text: str) -> tuple[str, int]:
    """`ACCOUNT [N]` -> (the account as typed, N); a trailing number is N."""
    words = plain(text).split(" ")
    count = DEFAULT_ENTRIES
    if len(words) > 1 and words[-1].isdigit():
        count = int(words.pop())
        if not 1 <= count <= MAX_ENTRIES:
            raise UserFacingError(f"Ask for 1 to {MAX_ENTRIES} entries: {USAGE}.")
    return " ".join(w for w in words if w), count


def history_in_channel(session: Session, channel_id: str, text: str) -> AccountHistory:
    customer = (
        customer_for_channel(session, channel_id)
        if SLACK_CHANNEL_ID.fullmatch(channel_id)
        else None
    )
    if customer is None:
        raise ChannelNotLinked()
    whole = plain(text)
    # A label may end in a number ("Desk 2"): the whole text names an account before N does.
    account = sip_account_named(session, customer.id, whole) if whole else None
    if account is not None:
        return _history(session, customer, account, DEFAULT_ENTRIES, staff=False)
    name, count = parse(text)
    if not name:
        raise UserFacingError(f"Name the SIP account: {USAGE}.")
    account = sip_account_named(session, customer.id, name)
    if account is None:
        raise UserFacingError(
            f"{customer.name} has no SIP account with the username or label "
            f"“{quote(name, 64)}”. `/sip status` lists them all."
        )
    return _history(session, customer, account, count, staff=False)


def history_for_staff(session: Session, text: str) -> AccountHistory:
    name, count = parse(text)
    if not name:
        raise UserFacingError(f"In the staff channel, name the account: {STAFF_USAGE}.")
    owner = customer_of_account(session, name)
    if owner is not None:
        account = sip_account_named(session, owner.id, name)
        assert account is not None
        return _history(session, owner, account, count, staff=True)
    words = name.split(" ")
    for ref, label in ((words[0], words[1:]), (words[-1], words[:-1])):
        customer = customer_by_ref(session, ref) if label else None
        if customer is None:
            continue
        account = sip_account_named(session, customer.id, " ".join(label))
        if account is None:
            raise UserFacingError(
                f"{customer.name} ({customer.external_ref}) has no SIP account with the "
                f"username or label “{quote(' '.join(label), 64)}”."
            )
        return _history(session, customer, account, count, staff=True)
    raise UserFacingError(
        f"No SIP account has the username “{quote(name, 64)}”. Name one: {STAFF_USAGE}."
    )


def _history(
    session: Session, customer: Customer, account: SipAccount, count: int, *, staff: bool
) -> AccountHistory:
    return AccountHistory(
        customer_name=customer.name,
        customer_ref=customer.external_ref if staff else None,
        username=account.username,
        label=account.label,
        timezone=ZoneInfo(customer.timezone),
        entries=account_history(session, account.id, count),
        asked=count,
    )
