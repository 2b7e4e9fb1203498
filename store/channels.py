"""Which customer a Slack channel belongs to, and linking a channel to one (audited)."""

from __future__ import annotations

from rapidfuzz import fuzz, process
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from store.audit import record
from store.errors import UserFacingError
from store.models import ChannelLink, ChannelRole, Customer

# A typo is matched against this many customers at most (the picker answers within Slack's 3 s).
FUZZY_CANDIDATES = 5000


def customer_for_channel(session: Session, channel_id: str) -> Customer | None:
    """The customer linked to a shared channel; None for the staff channel or an unknown one."""
    return session.scalar(
        select(Customer)
        .join(ChannelLink, ChannelLink.customer_id == Customer.id)
        .where(ChannelLink.channel_id == channel_id, ChannelLink.role == ChannelRole.CUSTOMER)
    )


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
    """Link `channel_id` to `customer`, recording the external workspace `team_id` (None for a
    channel of our own workspace). True when this made a link; False when it was already there.
    A channel linked to another customer, or the staff channel, is refused."""
    link = link_of(session, channel_id)
    if link is not None and link.role == ChannelRole.STAFF:
        raise StaffChannelNotLinkable()
    if link is not None and link.customer_id not in (None, customer.id):
        other = session.get(Customer, link.customer_id)
        if other is not None:
            raise AlreadyLinked(other)
    if link is not None and link.customer_id == customer.id and team_id in (None, link.team_id):
        return False
    if link is None:
        link = ChannelLink(channel_id=channel_id, role=ChannelRole.CUSTOMER)
        session.add(link)
    link.role, link.customer_id, link.linked_by = ChannelRole.CUSTOMER, customer.id, by[:32]
    link.team_id = team_id or link.team_id
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
