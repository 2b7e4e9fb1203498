"""What `/sip status` reports: the SIP accounts of the customer linked to the channel, as the
watch last saw them (sip_accounts.status and status_since)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from handlers.mrkdwn import quote
from store import channels
from store.account_status import AccountStatusLine, account_statuses
from store.errors import UserFacingError

NAME_LIMIT = 64  # a SIP account name a person types: a username or a label
SLACK_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,30}")


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
    lines = account_statuses(session, customer)
    wanted = plain(name)
    if wanted:
        lines = tuple(line for line in lines if _named(line, wanted))
        if not lines:
            raise NoSuchAccount(
                f"{customer.name} has no SIP account with the username or label "
                f"“{quote(wanted, NAME_LIMIT)}”. `/sip status` lists them all."
            )
    return CustomerStatus(customer.name, ZoneInfo(customer.timezone), lines, wanted or None)


def plain(text: str) -> str:
    """What someone typed, without control or invisible characters, whitespace collapsed."""
    kept = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Co", "Cs"))
    return " ".join(kept.split())


def _named(line: AccountStatusLine, wanted: str) -> bool:
    folded = wanted.casefold()
    return line.username.casefold() == folded or plain(line.label).casefold() == folded
