"""Who asks, where: the customer is always the one linked to the channel, whatever is typed, and
the person asking must belong to that customer's Slack team, or be staff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from handlers.mrkdwn import clip, escape
from handlers.refs import ChannelRef
from handlers.services import Services
from handlers.staff_only import home_team_of
from store.channels import ChannelNotLinked, customer_for_member
from store.customers import sip_account_named
from store.errors import UserFacingError
from store.models import Customer, SipAccount

__all__ = [
    "Asker",
    "ChannelNotLinked",
    "account_named",
    "asker_for",
    "customer_here",
    "modal_asker",
]


@dataclass(frozen=True)
class Asker:
    user_id: str
    team_id: str | None  # the user's own team, as Slack said it
    channel_id: str
    thread_ts: str | None = None  # a mention is answered in its thread; None starts one
    is_staff: bool = False  # proven by the staff directory, never by the payload


def asker_for(
    services: Services,
    client: WebClient,
    context: BoltContext,
    user_id: str,
    team_id: str | None,
    channel_id: str,
    thread_ts: str | None = None,
) -> Asker:
    """The asker of a signed request; a team the payload does not give is asked of Slack."""
    actor = services.staff.actor(client, user_id, team_id, home_team_of(context))
    return Asker(user_id, actor.team_id, channel_id, thread_ts, actor.is_staff)


def customer_here(session: Session, asker: Asker) -> Customer:
    """The channel's customer, for this asker: the one check every request in a customer's
    channel passes (store.channels.customer_for_member)."""
    return customer_for_member(session, asker.channel_id, asker.team_id, is_staff=asker.is_staff)


def modal_asker(
    services: Services,
    client: WebClient,
    context: BoltContext,
    view: dict[str, Any],
    user: dict[str, Any],
) -> Asker:
    """The asker of a modal's submission: the channel its sealed metadata names (ChannelRef),
    checked for this user before anything is taken; a refusal is a UserFacingError."""
    channel = ChannelRef.decode(view.get("private_metadata")).channel_id
    asker = asker_for(services, client, context, str(user["id"]), user.get("team_id"), channel)
    with services.db.session() as session:
        customer_here(session, asker)
    return asker


def account_named(session: Session, customer: Customer, name: str) -> SipAccount:
    """The customer's SIP account by the username or label the asker typed; else a sentence
    naming the accounts they have."""
    account = sip_account_named(session, customer.id, name)
    if account is not None:
        return account
    known = ", ".join(f"{a.label} (`{a.username}`)" for a in customer.sip_accounts) or "none"
    raise UserFacingError(
        f"{escape(customer.name)} has no SIP account called “{escape(clip(name, 60))}”. "
        f"Yours: {known}."
    )
