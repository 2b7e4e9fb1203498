"""The approvals job: apply a decision to the telephony platform, then tell the people.

A job gets the request id only and reloads the request. Every step may be run again after a
crash or a failed call at any point, and a re-run ends where one run ends (one account, one
message): what the step will create is stored first (the new account's username), the platform
calls are "make it so" (handlers/approvals/apply.py), the `applied` transition and the
credentials link are one database transaction, and what is still owed once applied (the link
shown to the requester, the customer told) is recorded as it is done. The sweeper re-queues a
request `approved`, or `applied` and not yet told.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from handlers.approvals.apply import applied_sentence, apply_change
from handlers.approvals.credentials import DUE, SENT, UNDELIVERED, fresh_link, link_for, show_link
from handlers.approvals.flow import refresh_card, send_to_staff
from handlers.approvals.new_password import LinkNotShown, apply_new_password, new_password_said
from handlers.customer_thread import tell_customer
from handlers.job_runtime import current
from handlers.notify import Notifier
from handlers.request_facts import RequestFacts, load_facts
from handlers.services import Services
from store.errors import TransitionRefused
from store.models import Request, RequestKind, RequestState, SipAccount
from store.request_messages import remember_applied_told
from store.requests import remember_details, transition
from store.run_lock import one_run
from telephony.credentials import new_username
from telephony.errors import TelephonyError

S = RequestState
log = logging.getLogger(__name__)
JOB_ACTOR = "system:apply"
USERNAME_ATTEMPTS = 5


def apply_request(request_id: int) -> str:
    tools = current()
    services, notifier = tools.services, tools.notifier
    # One run at a time per request: a sweeper's re-queue must not race the original; the lock
    # lapses within seconds of its runner's death, so the re-run is not held back.
    with one_run(services.redis, services.redis_prefix, f"applying:{request_id}") as mine:
        if not mine:
            return "busy"
        with services.db.session() as session:
            facts = load_facts(session, request_id)
        url: str | None = None
        if facts.state is S.APPROVED:
            try:
                url = _apply(services, notifier, facts)
            except (TelephonyError, LinkNotShown) as refused:
                _failed(services, notifier, request_id, refused)
                return "failed"
            except TransitionRefused as moved:  # a decision overtook this run
                return f"nothing to do ({moved.current})"
        elif facts.state is not S.APPLIED:
            return f"nothing to do ({facts.state.value})"
        return _follow_up(services, notifier, request_id, url)


def post_card(request_id: int) -> str:
    """The staff card of a pending request that has none yet (its post failed): the sweeper's."""
    tools = current()
    send_to_staff(tools.services, tools.notifier, request_id)
    return "card"


def _apply(services: Services, notifier: Notifier, facts: RequestFacts) -> str | None:
    """Make the change, then record `applied`; the credentials link's URL for a new account."""
    if facts.kind is RequestKind.PASSWORD_RESET:
        # Decided, set and delivered there, before `applied`: a re-run makes one live link.
        apply_new_password(services, notifier, facts)
        with services.db.session() as session:
            transition(session, facts.id, S.APPLIED, actor=JOB_ACTOR, expected=S.APPROVED)
        return None
    if facts.kind is RequestKind.NEW_SIP_ACCOUNT and not facts.details.get("username"):
        facts = _with_username(services, facts)
    credentials = apply_change(services, facts)
    details = dict(facts.details)
    if credentials is not None:
        details["credentials"] = DUE
    with services.db.session() as session:
        transition(
            session, facts.id, S.APPLIED, actor=JOB_ACTOR, expected=S.APPROVED, details=details
        )
        # In the same transaction: an `applied` request always has its password behind a link.
        return None if credentials is None else link_for(session, services, facts.id, credentials)


def _with_username(services: Services, facts: RequestFacts) -> RequestFacts:
    """Choose the new account's username and store it on the request before any platform call."""
    with services.db.session() as session:
        for _ in range(USERNAME_ATTEMPTS):
            username = new_username()
            taken = session.scalar(select(SipAccount.id).where(SipAccount.username == username))
            if taken is None:
                break
        remember_details(session, facts.id, S.APPROVED, username=username)
        return load_facts(session, facts.id)


def _follow_up(services: Services, notifier: Notifier, request_id: int, url: str | None) -> str:
    """What an applied request still owes: the link to the requester, the card, the thread."""
    with services.db.session() as session:
        facts = load_facts(session, request_id)
        request = session.get(Request, request_id)
        assert request is not None
        told = request.applied_told_at is not None
    if facts.details.get("credentials") == DUE:
        # Without the URL in hand (a re-run) the earlier link was never seen: replace it.
        url = url or fresh_link(services, facts)
        shown = show_link(services, notifier, facts, url, facts.requested_by)
        with services.db.session() as session:
            remember_details(
                session, request_id, S.APPLIED, credentials=SENT if shown else UNDELIVERED
            )
            facts = load_facts(session, request_id)
    refresh_card(services, notifier, request_id)
    if not told:
        shown = facts.details.get("credentials") != UNDELIVERED
        sentence = (
            new_password_said(services, facts)
            if facts.kind is RequestKind.PASSWORD_RESET
            else applied_sentence(facts, link_shown=shown)
        )
        said = f":white_check_mark: Applied. {sentence}"
        # Keyed: a worker killed between Slack's answer and the record below left its reply,
        # and the re-run adopts it rather than saying "Applied" twice.
        key = f"applied-{request_id}-{facts.created_at.timestamp():.0f}"
        tell_customer(services, notifier, request_id, said, key=key)
        with services.db.session() as session:
            remember_applied_told(session, request_id)
    return "applied"


def _failed(
    services: Services,
    notifier: Notifier,
    request_id: int,
    refused: TelephonyError | LinkNotShown,
) -> None:
    log.warning("request #%s not applied: %s", request_id, refused)
    with services.db.session() as session:
        transition(
            session,
            request_id,
            S.FAILED,
            actor=JOB_ACTOR,
            note=refused.sentence,
            expected=S.APPROVED,
        )
    refresh_card(services, notifier, request_id)
    tell_customer(
        services,
        notifier,
        request_id,
        f":warning: This could not be applied yet: {refused.sentence} "
        "Our support team has been told and will retry.",
    )
