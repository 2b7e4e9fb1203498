"""Which customer a Slack channel belongs to, who may act for it there, and linking (audited).

A customer's channel is linked with the Slack team the customer's people come from
(`ChannelLink.team_id`). Every request made in a customer's channel passes `customer_for_member`:
the person must belong to that team (as Slack's signed payload says), or be staff. Links are made
by `link_customer_channel` only, so each one names its team."""

from __future__ import annotations

from rapidfuzz import fuzz, process
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from store.audit import record
from store.errors import UserFacingError
from store.models import ChannelLink, ChannelRole, Customer

# A typo is matched against this many customers at most (the picker answers within Slack's 3 s).
FUZZY_CANDIDATES = 5000


class ChannelNotLinked(UserFacingError):
    def __init__(self) -> None:
        super().__init__(
            "This channel is not linked to a customer account, so I cannot take requests here. "
            "Our support team can link it (`/sip link CUSTOMER_REF`)."
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
        other = session.get(Customer, link.customer_id) if link and link.customer_id else None
        raise AlreadyLinked(other) if other is not None else StaffChannelNotLinkable()
    if link is None or theirs:
        if link is None:
            link = ChannelLink(channel_id=channel_id)
            session.add(link)
        link.role, link.customer_id, link.linked_by = ChannelRole.CUSTOMER, customer_id, linked_by
        link.team_id = team_id
    elif team_id is not None:
        link.team_id = team_id
    return link


def link_of(session: Session, channel_id: str) -> ChannelLink | None:
    return session.scalar(select(ChannelLink).where(ChannelLink.channel_id == channel_id))


class AlreadyLinked(UserFacingError):
    def __init__(self, customer: Customer) -> None:
        super().__init__(
            f"This channel is already linked to {customer.name} ({customer.external_ref}). "
            "Unlink it first (`/sip unlink`) if that is wrong."
        )
        self.customer_ref = customer.external_ref


class StaffChannelNotLinkable(UserFacingError):
    def __init__(self) -> None:
        super().__init__(
            "This is the staff channel: it is never linked to a customer (SIPDESK_STAFF_CHANNEL)."
        )


def customer_by_ref(session: Session, ref: str) -> Customer:
    customer = session.scalar(select(Customer).where(Customer.external_ref == ref))
    if customer is None:
        raise UserFacingError(f"No customer {ref[:64]!r}; import accounts first.")
    return customer


def link_channel(
    session: Session,
    channel_id: str,
    customer: Customer,
    *,
    team_id: str | None,
    by: str,
) -> bool:
    """Link `channel_id` to `customer` from Slack, recording the external workspace `team_id`;
    audited. True when this made or changed the link; False when it was already so."""
    link = link_of(session, channel_id)
    before = (link.customer_id, link.team_id) if link is not None else None
    link = link_customer_channel(session, channel_id, customer.id, team_id, by[:32])
    if before == (link.customer_id, link.team_id):
        return False
    record(
        session, None, by, "channel_linked",
        f"{channel_id} linked to {customer.external_ref}"
        + (f" (external workspace {team_id})" if team_id else ""),
    )  # fmt: skip
    return True


def unlink_channel(session: Session, channel_id: str, *, by: str) -> Customer | None:
    """Unlink a customer's channel; the customer it was linked to, or None if it was not."""
    link = link_of(session, channel_id)
    if link is None or link.role != ChannelRole.CUSTOMER or link.customer_id is None:
        return None
    customer = session.get(Customer, link.customer_id)
    session.delete(link)
    record(
        session, None, by, "channel_unlinked",
        f"{channel_id} unlinked from {customer.external_ref if customer else '?'}",
    )  # fmt: skip
    return customer


def search_customers(session: Session, typed: str, limit: int = 20) -> list[Customer]:
    """Customers whose name or ref contains what was typed, else the closest names (a typo);
    the first ones by name when nothing was typed."""
    words = " ".join(typed.split()).lower()
    query = select(Customer).order_by(Customer.name)
    if not words:
        return list(session.scalars(query.limit(limit)))
    pattern = f"%{words.replace('%', '').replace('_', '')}%"
    found = list(
        session.scalars(
            query.where(
                or_(
                    func.lower(Customer.name).like(pattern),
                    func.lower(Customer.external_ref).like(pattern),
                )
            ).limit(limit)
        )
    )
    if found:
        return found
    candidates = list(session.scalars(query.limit(FUZZY_CANDIDATES)))
    ranked = process.extract(
        words,
        {c.id: f"{c.name} {c.external_ref}".lower() for c in candidates},
        scorer=fuzz.WRatio,
        score_cutoff=70,
        limit=limit,
    )
    by_id = {c.id: c for c in candidates}
    return [by_id[key] for _, _, key in ranked]
