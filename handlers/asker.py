"""Who asks, where: the customer is always the one linked to the channel, whatever is typed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from store.channels import customer_for_channel
from store.errors import UserFacingError
from store.models import Customer


@dataclass(frozen=True)
class Asker:
    user_id: str
    team_id: str | None
    channel_id: str
    thread_ts: str | None = None  # a mention is answered in its thread; None starts one


class ChannelNotLinked(UserFacingError):
    def __init__(self) -> None:
        super().__init__(
            "This channel is not linked to a customer account, so I cannot take requests here. "
            "Our support team can link it (`/sip link CUSTOMER_REF`)."
        )


def customer_here(session: Session, channel_id: str) -> Customer:
    customer = customer_for_channel(session, channel_id)
    if customer is None:
        raise ChannelNotLinked()
    return customer
