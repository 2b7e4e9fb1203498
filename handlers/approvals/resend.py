"""Send the link again: a new account's password that reached nobody goes, behind a fresh
one-time link, to the requester or another member of the customer's channel."""

from __future__ import annotations

from handlers.approvals.apply import new_label
from handlers.approvals.credentials import SENT, fresh_link, show_link
from handlers.approvals.flow import refresh_card
from handlers.customer_thread import tell_customer
from handlers.notify import Notifier
from handlers.refs import RequestRef
from handlers.request_facts import load_facts
from handlers.services import Services
from store import audit, links
from store.errors import UserFacingError
from store.models import LinkKind, RequestKind, RequestState
from store.requests import remember_details


def send_link_again(
    services: Services, notifier: Notifier, ref: RequestRef, actor: str, recipient: str
) -> None:
    """A new password and link shown to `recipient` in the customer's channel; the thread hears.

    UserFacingError when the request has no new account, or Slack will not show them the link.
    """
    with services.db.session() as session:
        facts = load_facts(session, ref.id)
    username = facts.details.get("username")
    if (
        facts.kind is not RequestKind.NEW_SIP_ACCOUNT
        or facts.state is not RequestState.APPLIED
        or not username
    ):
        raise UserFacingError(f"Request #{ref.id} has no new SIP account whose link to send.")
    url = fresh_link(services, facts)
    if not show_link(services, notifier, facts, url, recipient):
        with services.db.session() as session:  # nobody holds that link: it goes
            links.revoke_unviewed(session, ref.id, LinkKind.CREDENTIALS)
        raise UserFacingError(
            f"Slack would not show <@{recipient}> the link: they are not in the customer's "
            f"channel <#{facts.channel_id}>. Choose someone who is; nothing was sent."
        )
    with services.db.session() as session:
        remember_details(
            session, ref.id, RequestState.APPLIED, credentials=SENT, credentials_to=recipient
        )
        audit.record(session, ref.id, actor, "link_sent_again", f"to {recipient}")
    refresh_card(services, notifier, ref.id)
    tell_customer(
        services,
        notifier,
        ref.id,
        f":key: Our support team sent <@{recipient}> a new one-time link to the password of "
        f"“{new_label(facts)}” ({username}); any earlier link no longer works.",
    )
