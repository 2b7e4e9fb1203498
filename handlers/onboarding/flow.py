"""Onboarding, as plain functions over the store: offer a new channel to staff, link, unlink,
say whose a channel is. Slack's facts about the channel come in as `ChannelFacts`."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from handlers.mrkdwn import escape
from handlers.notify import Notifier
from handlers.onboarding.blocks import channel_card, customer_options, welcome_blocks
from handlers.services import Services
from store.channels import (
    customer_by_ref,
    customer_for_channel,
    link_channel,
    link_of,
    search_customers,
    unlink_channel,
)
from store.errors import UserFacingError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelFacts:
    """What Slack says of a channel: its name and the external workspace sharing it, if any."""

    channel_id: str
    name: str
    shared: bool
    external_team_id: str | None = None
    external_team_name: str | None = None

    def describe(self) -> str:
        if not self.shared:
            return f"#{escape(self.name)} is a channel of our own workspace (not shared)."
        workspace = self.external_team_name or "an external workspace"
        team = f" (`{escape(self.external_team_id)}`)" if self.external_team_id else ""
        return f"#{escape(self.name)} is shared with *{escape(workspace)}*{team}."


class NotLinked(UserFacingError):
    def __init__(self) -> None:
        super().__init__("This channel is not linked to a customer.")


def offer(services: Services, notifier: Notifier, facts: ChannelFacts) -> bool:
    """Post the staff channel's card for a channel that is linked to no customer. False when
    there is nothing to offer (the staff channel, a linked one, no staff channel set)."""
    if facts.channel_id == services.staff_channel:
        return False
    with services.db.session() as session:
        if link_of(session, facts.channel_id) is not None:
            return False
    if services.staff_channel is None:
        log.warning("added to %s, but no staff channel is set to offer it", facts.channel_id)
        return False
    notifier.post(
        services.staff_channel,
        f"sipdesk was added to #{facts.name}, which is not linked to a customer.",
        channel_card(facts.channel_id, facts.describe()),
    )
    return True


def customers_matching(services: Services, typed: str) -> list[dict[str, object]]:
    with services.db.session() as session:
        found = [(c.name, c.external_ref) for c in search_customers(session, typed)]
    return customer_options(found)


def check_customer(services: Services, customer_ref: str) -> None:
    """A customer picked in the card must exist (a stale or forged choice gets a sentence)."""
    with services.db.session() as session:
        customer_by_ref(session, customer_ref)


def link(
    services: Services, notifier: Notifier, facts: ChannelFacts, customer_ref: str, by: str
) -> str:
    """Link the channel to the customer, welcome the channel, and say what was done."""
    if facts.channel_id == services.staff_channel:
        raise UserFacingError(
            "This is the staff channel: it is never linked to a customer (SIPDESK_STAFF_CHANNEL)."
        )
    with services.db.session() as session:
        customer = customer_by_ref(session, customer_ref)
        made = link_channel(
            session, facts.channel_id, customer, team_id=facts.external_team_id, by=by
        )
        name, ref = customer.name, customer.external_ref
    if not made:
        return f"<#{facts.channel_id}> is already linked to *{escape(name)}* ({escape(ref)})."
    notifier.post(facts.channel_id, f"sipdesk is set up here for {name}.", welcome_blocks(name))
    return f"<#{facts.channel_id}> is now linked to *{escape(name)}* ({escape(ref)})."


def unlink(services: Services, channel_id: str, by: str) -> str:
    with services.db.session() as session:
        customer = unlink_channel(session, channel_id, by=by)
        if customer is None:
            raise NotLinked()
        return f"<#{channel_id}> is no longer linked to *{escape(customer.name)}*."


def linked_customer_name(services: Services, channel_id: str) -> str:
    with services.db.session() as session:
        customer = customer_for_channel(session, channel_id)
        if customer is None:
            raise NotLinked()
        return customer.name


def whois(services: Services, channel_id: str) -> str:
    """To which customer this channel is linked, in a sentence anyone in it may read."""
    if channel_id == services.staff_channel:
        return "This is the support team's staff channel; it is linked to no customer."
    with services.db.session() as session:
        customer = customer_for_channel(session, channel_id)
        if customer is None:
            return (
                "This channel is not linked to a customer, so sipdesk takes no requests here "
                "yet. Our support team can link it."
            )
        return (
            f"This channel is linked to *{escape(customer.name)}* "
            f"(account `{escape(customer.external_ref)}`)."
        )


def linked_record(facts: ChannelFacts, sentence: str, by: str) -> list[dict[str, object]]:
    """The staff card once linked: what was done, by whom."""
    return channel_card(facts.channel_id, facts.describe(), linked_to=f"{sentence} (by <@{by}>)")
