"""A new SIP account's password reaches a person through a one-time link, never a message.

The link is the only copy of the password: when it cannot be handed out (Slack refused the
ephemeral, or a run died before sending it) a fresh password and link replace it, and the older
unviewed links stop working.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from handlers.approvals.apply import new_label
from handlers.links.blocks import credentials_message
from handlers.links.issue import CREDENTIALS_PATH
from handlers.notify import NotDelivered, Notifier
from handlers.request_facts import RequestFacts
from handlers.services import Services
from store import links
from store.links import Credentials
from store.models import LinkKind

log = logging.getLogger(__name__)

# details["credentials"] of a new SIP account request once applied.
DUE = "due"  # the link is still to be shown to the requester
SENT = "sent"
UNDELIVERED = "undelivered"  # Slack refused it: staff may send it again


def link_for(
    session: Session, services: Services, request_id: int, credentials: Credentials
) -> str:
    """A one-time link to these credentials; the request's older unviewed links end."""
    links.revoke_unviewed(session, request_id, LinkKind.CREDENTIALS)
    token = links.issue(
        session, request_id, LinkKind.CREDENTIALS, ttl=services.link_ttl, credentials=credentials
    )
    return f"{services.public_url}{CREDENTIALS_PATH}{token}"


def fresh_link(services: Services, facts: RequestFacts) -> str:
    """A new password for the request's account, behind a new one-time link."""
    username = str(facts.details["username"])
    password = services.telephony.reset_password(username)
    credentials = Credentials(services.telephony.sip_domain, username, password)
    with services.db.session() as session:
        return link_for(session, services, facts.id, credentials)


def show_link(
    services: Services, notifier: Notifier, facts: RequestFacts, url: str, user: str
) -> bool:
    """Show `user` the link in the customer's channel; False when Slack says they cannot see it."""
    text, blocks = credentials_message(
        url,
        new_label(facts),
        str(facts.details["username"]),
        services.telephony.sip_domain,
        services.link_ttl,
    )
    try:
        notifier.ephemeral(facts.channel_id, user, text, blocks, thread_ts=facts.thread_ts)
    except NotDelivered as refused:
        log.warning("request #%s: credentials link not shown (%s)", facts.id, refused.reason)
        return False
    return True
