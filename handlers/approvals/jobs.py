"""The approvals job: apply a decision to the telephony platform.

A job gets the request id only and reloads the request: if it is no longer `approved`, someone
(another run of the same job) already did the work, so it does nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from handlers.approvals.apply import apply_change
from handlers.approvals.flow import refresh_card
from handlers.approvals.new_password import LinkNotShown, apply_new_password
from handlers.customer_thread import tell_customer
from handlers.job_runtime import current
from handlers.links import issue_credentials_link
from handlers.links.blocks import credentials_message
from handlers.request_facts import load_facts
from store.links import Credentials
from store.models import RequestKind, RequestState
from store.requests import transition
from telephony.errors import TelephonyError

S = RequestState
log = logging.getLogger(__name__)
LOCK_SECONDS = 120
JOB_ACTOR = "system:apply"


def apply_request(request_id: int) -> str:
    tools = current()
    services, notifier = tools.services, tools.notifier
    lock = f"{services.redis_prefix}applying:{request_id}"
    # One run at a time per request: a sweeper's re-queue must not race the original.
    if not services.redis.set(lock, b"1", nx=True, ex=LOCK_SECONDS):
        return "busy"
    try:
        with services.db.session() as session:
            facts = load_facts(session, request_id)
        if facts.state is not S.APPROVED:
            return f"nothing to do ({facts.state.value})"
        try:
            if facts.kind is RequestKind.PASSWORD_RESET:
                # Decided, set and delivered there, before `applied`: a re-run makes one link.
                applied = apply_new_password(services, notifier, facts)
            else:
                applied = apply_change(services, facts)
        except (TelephonyError, LinkNotShown) as refused:
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
            return "failed"
        changes: dict[str, Any] = {}
        if applied.new_account is not None:
            changes["details"] = {**facts.details, "username": applied.new_account.username}
        with services.db.session() as session:
            transition(
                session, request_id, S.APPLIED, actor=JOB_ACTOR, expected=S.APPROVED, **changes
            )
        if applied.new_account is not None:
            account = applied.new_account
            # The password goes to no Slack message, log or plain column: a page shows it once.
            url = issue_credentials_link(
                services,
                request_id,
                Credentials(account.sip_domain, account.username, account.password),
            )
            text, blocks = credentials_message(
                url, account.label, account.username, account.sip_domain, services.link_ttl
            )
            notifier.ephemeral(
                facts.channel_id, facts.requested_by, text, blocks, thread_ts=facts.thread_ts
            )
        refresh_card(services, notifier, request_id)
        tell_customer(services, notifier, request_id, f":white_check_mark: Applied. {applied.said}")
        return "applied"
    finally:
        services.redis.delete(lock)
