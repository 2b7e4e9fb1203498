"""Which customer a Slack channel belongs to, and who may act for it there.

A customer's channel is linked with the Slack team the customer's people come from
(`ChannelLink.team_id`). Every request made in a customer's channel passes `customer_for_member`:
the person must belong to that team (as Slack's signed payload says), or be staff. Links are made
by `link_customer_channel` only, so each one names its team."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.errors import UserFacingError
from store.models import ChannelLink, ChannelRole, Customer


class ChannelNotLinked(UserFacingError):
    def __init__(self) -> None:
        super().__init__(
            "This channel is not linked to a customer account, so I cannot take requests here. "
            "Our support team can link it (`sipdesk link-channel`)."
        )


class NotThisChannelsTeam(UserFacingError):
    def __init__(self) -> None:
        super().__init__(
            "Requests in this channel are taken from its customer's own Slack workspace only, "
            "and I cannot tell that you belong to it. Ask in your company's support channel."
        )


def customer_for_channel(session: Session, channel_id: str) -> Customer | None:
    """The customer linked to a shared channel; None for the staff channel or an unknown one.
    Who asks is not checked here: a request goes through `customer_for_member`."""
    return session.scalar(
        select(Customer)
        .join(ChannelLink, ChannelLink.customer_id == Customer.id)
        .where(ChannelLink.channel_id == channel_id, ChannelLink.role == ChannelRole.CUSTOMER)
    )


def customer_for_member(
    session: Session, channel_id: str, user_team: str | None, *, is_staff: bool
) -> Customer:
    """The channel's customer, for a person of `user_team` (as Slack said it) acting there;
    staff (proven by the staff directory) act in any customer's channel.

    A link whose team was never recorded takes requests from staff only: fail closed."""
    link = session.scalar(select(ChannelLink).where(ChannelLink.channel_id == channel_id))
    if link is None or link.role != ChannelRole.CUSTOMER or link.customer is None:
        raise ChannelNotLinked()
    if not (is_staff or is_member(link, user_team)):
        raise NotThisChannelsTeam()
    return link.customer


def is_member(link: ChannelLink, user_team: str | None) -> bool:
    """Whether a person of `user_team` is one of the linked customer's people."""
    return user_team is not None and link.team_id is not None and user_team == link.team_id


def link_customer_channel(
    session: Session,
    channel_id: str,
    customer_id: int,
    team_id: str | None,
    linked_by: str,
    *,
    move: bool = False,
) -> ChannelLink:
    """Link `channel_id` to the customer whose people come from the Slack team `team_id`.

    A channel linked to another customer (or the staff channel's link) is refused unless `move`
    (an operator re-linking it); re-linking to the same customer without a team keeps its team."""
    link = session.scalar(select(ChannelLink).where(ChannelLink.channel_id == channel_id))
    theirs = link is not None and (
        link.role != ChannelRole.CUSTOMER or link.customer_id != customer_id
    )
    if theirs and not move:
        raise UserFacingError(
            f"Channel {channel_id} is already linked to another customer or is the staff channel."
        )
    if link is None or theirs:
        if link is None:
            link = ChannelLink(channel_id=channel_id)
            session.add(link)
        link.role, link.customer_id, link.linked_by = ChannelRole.CUSTOMER, customer_id, linked_by
        link.team_id = team_id
    elif team_id is not None:
        link.team_id = team_id
    return link
