"""Applying a new password, so that a re-run after a crash still ends with one password, one
live link that shows it, and one message (the principle of handlers/approvals/jobs.py).

The password is decided and sealed into its one-time link before the platform hears of it, and
the run is counted on the request (`attempt`). The link's token lives only in this run's memory,
so a re-run cannot hand out the link an earlier run made: it revokes the request's unviewed links
as it makes its own, and setting a password is a plain overwrite. Whatever step a crash
interrupted, the end state is the last run's password on the platform behind the last run's
link, the only one that opens. The narrow gap left: a run killed between its message and the
`applied` step means a second message on the re-run; the first link then says it has expired.
A message Slack refuses (the asker left the channel) is no crash: the link is withdrawn and the
request fails with a Retry for staff, rather than a new password every sweep.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from handlers.ages import describe
from handlers.links import credentials_url
from handlers.links.blocks import new_password_message
from handlers.mrkdwn import escape
from handlers.notify import NotDelivered, Notifier
from handlers.request_facts import RequestFacts
from handlers.services import Services
from store import links
from store.links import Credentials
from store.models import LinkKind, Request, RequestState
from store.password_resets import hold_down_alerts
from store.requests import remember_details
from telephony.credentials import new_password


class LinkNotShown(Exception):
    """Slack would not show the asker the link: the apply fails, staff may retry."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


def apply_new_password(services: Services, notifier: Notifier, facts: RequestFacts) -> None:
    """Raises TelephonyError when the platform says no (the link made for it is revoked)."""
    assert facts.username is not None
    platform = services.telephony
    password = new_password()
    # One transaction: the earlier runs' links end (their tokens died with them), this run's
    # link holds the password, and the run is counted; all before the platform hears of it.
    with services.db.session() as session:
        links.revoke_unviewed(session, facts.id, LinkKind.CREDENTIALS)
        token = links.issue(
            session,
            facts.id,
            LinkKind.CREDENTIALS,
            ttl=services.link_ttl,
            credentials=Credentials(platform.sip_domain, facts.username, password),
        )
        attempt = int(facts.details.get("attempt", 0)) + 1
        remember_details(session, facts.id, RequestState.APPROVED, attempt=attempt)
    url = credentials_url(services, token)
    try:
        platform.set_password(facts.username, password)
    except Exception:
        _withdraw(services, facts.id)  # a password the platform never took
        raise
    with services.db.session() as session:
        request = session.get(Request, facts.id)
        if request is not None and request.sip_account_id is not None:
            hold_down_alerts(session, request.sip_account_id, services.reset_grace)
        label = facts.account.rsplit(" (", 1)[0] if facts.account else facts.username
    text, blocks = new_password_message(
        url, label, facts.username, platform.sip_domain, services.link_ttl
    )
    # The requester alone; staff who started it get it in the staff channel.
    deliver_to = facts.details.get("deliver_to")
    try:
        if deliver_to:
            notifier.ephemeral(str(deliver_to), facts.requested_by, text, blocks)
        else:
            notifier.ephemeral(
                facts.channel_id, facts.requested_by, text, blocks, thread_ts=facts.thread_ts
            )
    except (SlackApiError, NotDelivered) as refused:
        _withdraw(services, facts.id)
        reason = (
            refused.reason
            if isinstance(refused, NotDelivered)
            else str(refused.response.get("error", "refused"))
        )
        raise LinkNotShown(
            f"Slack would not show <@{escape(facts.requested_by)}> the link to the new password "
            f"({escape(reason)}), so it was withdrawn."
        ) from None


def new_password_said(services: Services, facts: RequestFacts) -> str:
    """What the customer's thread hears once the new password is set."""
    return (
        f"{facts.account} has a new password, shown only to the person who asked; the old one "
        f"no longer works. Its Down alerts are held for {describe(services.reset_grace)} or "
        "until its device registers with the new password, whichever comes first."
    )


def _withdraw(services: Services, request_id: int) -> None:
    with services.db.session() as session:
        links.revoke_unviewed(session, request_id, LinkKind.CREDENTIALS)
