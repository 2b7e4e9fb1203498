"""What `/sip status` reports: the SIP accounts of the customer linked to the channel, as the
watch last saw them (sip_accounts.status and status_since); in the staff channel, any customer's,
named by username, customer ref and label, or customer ref alone."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from handlers.mrkdwn import quote
from store import channels
from store.account_status import (
    AccountStatusLine,
    account_statuses,
    customer_by_ref,
    customer_of_account,
)
from store.errors import UserFacingError
from store.models import Customer

NAME_LIMIT = 64  # a SIP account name a person types: a username or a label
SLACK_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,30}")
STAFF_FORMS = (
    "`/sip status USERNAME`, `/sip status CUSTOMER-REF LABEL`, or a whole customer with "
    "`/sip status CUSTOMER-REF`"
)


class ChannelNotLinked(UserFacingError):
    def __init__(self) -> None:
        super().__init__(
            "This channel is not linked to a customer, so I can't tell whose SIP accounts to "
            "show. Ask the support team to link it."
        )


class NoSuchAccount(UserFacingError):
    pass


@dataclass(frozen=True)
class CustomerStatus:
    customer_name: str
    timezone: ZoneInfo
    accounts: tuple[AccountStatusLine, ...]
    asked_for: str | None = None  # the one account asked about, as typed
    customer_ref: str | None = None  # shown to staff, who see every customer

    @property
    def one_account(self) -> AccountStatusLine | None:
        """The account asked about by name: its answer gets the platform's live details."""
        return self.accounts[0] if self.asked_for and len(self.accounts) == 1 else None

    def with_accounts(self, accounts: tuple[AccountStatusLine, ...]) -> CustomerStatus:
        return replace(self, accounts=accounts)


def status_of_channel(
    session: Session,
    channel_id: str,
    name: str = "",
    *,
    user_team: str | None,
    is_staff: bool,
) -> CustomerStatus:
    """The status of every SIP account of the channel's customer, or of the one named `name`,
    for a person of `user_team` (store.channels.customer_for_member decides)."""
    # A bent payload's channel (a NUL byte, 5,000 characters) is linked to no one: not even asked.
    if not SLACK_CHANNEL_ID.fullmatch(channel_id):
        raise ChannelNotLinked()
    try:
        customer = channels.customer_for_member(session, channel_id, user_team, is_staff=is_staff)
    except channels.ChannelNotLinked:
        raise ChannelNotLinked() from None
    wanted = plain(name)
    lines = _named_lines(session, customer, wanted)
    if wanted and not lines:
        raise NoSuchAccount(
            f"{customer.name} has no SIP account with the username or label "
            f"“{quote(wanted, NAME_LIMIT)}”. `/sip status` lists them all."
        )
    return _report(customer, lines, wanted)


def status_for_staff(session: Session, name: str) -> CustomerStatus:
    """Any customer's account for staff: by username, by customer ref and label (either order),
    or every account of a customer by ref alone."""
    wanted = plain(name)
    if not wanted:
        raise UserFacingError(f"In the staff channel, name an account: {STAFF_FORMS}.")
    owner = customer_of_account(session, wanted)
    if owner is not None:
        lines = tuple(a for a in account_statuses(session, owner) if a.username == wanted)
        return _report(owner, lines, wanted, staff=True)
    customer = customer_by_ref(session, wanted)
    if customer is not None:
        return _report(customer, account_statuses(session, customer), "", staff=True)
    words = wanted.split(" ")
    if len(words) > 1:
        for ref, label in ((words[0], words[1:]), (words[-1], words[:-1])):
            customer = customer_by_ref(session, ref)
            if customer is None:
                continue
            lines = _named_lines(session, customer, " ".join(label))
            if not lines:
                raise NoSuchAccount(
                    f"{customer.name} ({customer.external_ref}) has no SIP account with the "
                    f"username or label “{quote(' '.join(label), NAME_LIMIT)}”. "
                    f"`/sip status {customer.external_ref}` lists them all."
                )
            return _report(customer, lines, " ".join(label), staff=True)
    raise NoSuchAccount(
        f"No SIP account has the username “{quote(wanted, NAME_LIMIT)}” and no customer has "
        f"that ref. Name an account: {STAFF_FORMS}."
    )


def plain(text: str) -> str:
    """What someone typed, without control or invisible characters, whitespace collapsed."""
    kept = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Co", "Cs"))
    return " ".join(kept.split())


def _named_lines(
    session: Session, customer: Customer, wanted: str
) -> tuple[AccountStatusLine, ...]:
    lines = account_statuses(session, customer)
    return tuple(line for line in lines if _named(line, wanted)) if wanted else lines


def _report(
    customer: Customer, lines: tuple[AccountStatusLine, ...], wanted: str, *, staff: bool = False
) -> CustomerStatus:
    return CustomerStatus(
        customer.name,
        ZoneInfo(customer.timezone),
        lines,
        wanted or None,
        customer.external_ref if staff else None,
    )


def _named(line: AccountStatusLine, wanted: str) -> bool:
    folded = wanted.casefold()
    return line.username.casefold() == folded or plain(line.label).casefold() == folded
