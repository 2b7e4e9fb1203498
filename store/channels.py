"""Which customer a Slack channel belongs to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import ChannelLink, ChannelRole, Customer


def customer_for_channel(session: Session, channel_id: str) -> Customer | None:
    """The customer linked to a shared channel; None for the staff channel or an unknown one."""
    return session.scalar(
        select(Customer)
        .join(ChannelLink, ChannelLink.customer_id == Customer.id)
        .where(ChannelLink.channel_id == channel_id, ChannelLink.role == ChannelRole.CUSTOMER)
    )
