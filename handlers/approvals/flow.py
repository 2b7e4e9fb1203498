"""Staff decide: the approval card, Approve / Reject / Ask for another bill / Retry.

Every step is one compare-and-set transition; whoever loses a race gets the sentence of
`TransitionRefused`, so ten clicks make one decision, one platform change and one message each.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.approvals.bill_checks import bill_facts
from handlers.approvals.blocks import BillFacts, Outcome, card_blocks, card_text
from handlers.approvals.credentials import UNDELIVERED
from handlers.attempts import tried_before
from handlers.callback.offer import proof_offer
from handlers.customer_thread import tell_customer
from handlers.job_runtime import job_queue
from handlers.notify import Block, Notifier, post_once
from handlers.refs import RequestRef
from handlers.request_facts import RequestFacts, load_facts
from handlers.services import Services
from handlers.sweeper import APPLY_JOB
from store import audit
from store.errors import UserFacingError
from store.evidence import customers_with_same_bill, latest_judged_bill
from store.models import Request, RequestState
from store.request_messages import remember_staff_card
from store.requests import transition

S = RequestState
log = logging.getLogger(__name__)

SYSTEM = "system:sipdesk"
CARD_CLAIM_SECONDS = 60


def send_to_staff(services: Services, notifier: Notifier, request_id: int) -> None:
    """Put the request before staff: pending approval, one card in the staff channel.

    Safe to call again (a retried job, the sweeper): the card of one version is posted once. The
    card counts as posted only once Slack took it (`card_version`): a failed post leaves the
    request owing its card, and the sweeper calls this again.
    """
    with services.db.session() as session:
        request = session.get(Request, request_id)
        if request is None:
            return
        if request.state in (S.AWAITING_CUSTOMER, S.CHECKING_EVIDENCE):
            transition(
                session,
                request_id,
                S.PENDING_APPROVAL,
                actor=SYSTEM,
                action="sent_to_staff",
                expected=request.state,
            )
        facts = load_facts(session, request_id)
        posted = session.scalar(select(Request.card_version).where(Request.id == request_id))
        bill, highlight = _bill_of(session, facts)
    if facts.state is not S.PENDING_APPROVAL or services.staff_channel is None:
        if services.staff_channel is None:
            log.warning("request #%s waits for staff, but no staff channel is set", request_id)
        return
    if posted == facts.version:
        return
    # One poster at a time (a listener and the sweeper's job may meet here); the claim is given
    # back if the post fails, and expires if its holder dies. The creation time tells this
    # request #N from one of a database since reset (the demo's).
    claim = (
        f"{services.redis_prefix}posting-card:{request_id}:"
        f"{facts.created_at.timestamp():.6f}:v{facts.version}"
    )
    if not services.redis.set(claim, b"1", nx=True, ex=CARD_CLAIM_SECONDS):
        return
    ref = RequestRef(facts.id, facts.version).encode()
    try:
        key = card_key(facts)
        ts = post_once(
            notifier,
            services.staff_channel,
            card_text(facts),
            card_blocks(facts, ref, bill, None),
            key=key,
            again=tried_before(services, key),
        )
        with services.db.session() as session:
            remember_staff_card(session, request_id, ts, version=facts.version)
    finally:
        services.redis.delete(claim)
    if highlight is not None:
        notifier.upload(
            services.staff_channel,
            f"request-{request_id}-highlight.png",
            highlight,
            thread_ts=ts,
            title="Where the number and the name are on the bill",
        )
    tell_customer(
        services,
        notifier,
        request_id,
        f":hourglass_flowing_sand: Your {facts.summary()} is with our support team for approval.",
    )


def card_key(facts: RequestFacts) -> str:
    """The staff card's key in its Slack metadata: a re-post after a crash adopts the card found
    with it (`post_once`). The creation time tells this request #N from one of a database since
    reset."""
    return f"card-{facts.id}-{facts.created_at.timestamp():.0f}-v{facts.version}"


def pending_card(session: Session, request_id: int) -> tuple[str, list[Block]]:
    """The card of a request pending approval, buttons and all (for reminders)."""
    facts = load_facts(session, request_id)
    bill, _ = _bill_of(session, facts)
    ref = RequestRef(facts.id, facts.version).encode()
    return card_text(facts), card_blocks(facts, ref, bill, None)


def refresh_card(services: Services, notifier: Notifier, request_id: int) -> None:
    """Redraw the card in place from the request's state: who decided, when, what came of it.

    A self-service change that failed had no card: staff get one now, with its Retry button.
    """
    with services.db.session() as session:
        facts = load_facts(session, request_id)
        bill, _ = _bill_of(session, facts)
        outcome = _outcome(session, facts)
    if services.staff_channel is None:
        return
    ref = RequestRef(facts.id, facts.version).encode()
    blocks = card_blocks(facts, ref, bill, outcome)
    if facts.staff_ts is not None:
        notifier.update(services.staff_channel, facts.staff_ts, card_text(facts), blocks)
    elif facts.state is S.FAILED:
        key = card_key(facts)
        again = tried_before(services, key)
        ts = post_once(
            notifier, services.staff_channel, card_text(facts), blocks, key=key, again=again
        )
        with services.db.session() as session:
            remember_staff_card(session, request_id, ts)


def approve(services: Services, notifier: Notifier, ref: RequestRef, actor: str) -> None:
    refuse_own_request(services, ref, actor, "approve")
    with services.db.session() as session:
        transition(
            session,
            ref.id,
            S.APPROVED,
            actor=actor,
            expected=S.PENDING_APPROVAL,
            version=ref.version,
            decided_by=actor,
        )
    # Queued after the customer is told: a free worker starts the job at once, and its "Applied"
    # must not come before "applying it now". A failed message still queues it.
    try:
        refresh_card(services, notifier, ref.id)
        tell_customer(
            services,
            notifier,
            ref.id,
            ":white_check_mark: Approved by our support team; applying it now.",
        )
    finally:
        job_queue(services).enqueue(APPLY_JOB, ref.id, job_id=f"apply-{ref.id}")


def reject(
    services: Services, notifier: Notifier, ref: RequestRef, actor: str, reason: str
) -> None:
    refuse_own_request(services, ref, actor, "reject")
    with services.db.session() as session:
        transition(
            session,
            ref.id,
            S.REJECTED,
            actor=actor,
            note=reason,
            expected=S.PENDING_APPROVAL,
            version=ref.version,
            decided_by=actor,
            decision_note=reason,
        )
    refresh_card(services, notifier, ref.id)
    tell_customer(
        services, notifier, ref.id, f":x: Our support team rejected this request: {reason}"
    )


def ask_for_another_bill(
    services: Services, notifier: Notifier, ref: RequestRef, actor: str
) -> None:
    refuse_own_request(services, ref, actor, "ask for another bill on")
    with services.db.session() as session:
        transition(
            session,
            ref.id,
            S.AWAITING_CUSTOMER,
            actor=actor,
            action="another_bill_asked",
            expected=S.PENDING_APPROVAL,
            version=ref.version,
        )
    refresh_card(services, notifier, ref.id)
    text = (
        ":page_facing_up: Our support team needs another bill for this request. Please share a "
        "current phone bill (PDF or photo) in this thread: it should show your company's name, "
        "the number as a line on the account, and a date within the last 90 days."
    )
    tell_customer(services, notifier, ref.id, text, proof_offer(services, ref.id, text))


def retry(services: Services, notifier: Notifier, ref: RequestRef, actor: str) -> None:
    with services.db.session() as session:
        transition(session, ref.id, S.APPROVED, actor=actor, action="retried", expected=S.FAILED)
    try:  # queued after the customer is told, as in approve()
        refresh_card(services, notifier, ref.id)
        tell_customer(services, notifier, ref.id, ":repeat: Our support team is trying again.")
    finally:
        job_queue(services).enqueue(APPLY_JOB, ref.id, job_id=f"apply-{ref.id}")


def refuse_own_request(services: Services, ref: RequestRef, actor: str, verb: str) -> None:
    with services.db.session() as session:
        request = session.get(Request, ref.id)
        if request is None:
            raise UserFacingError(f"Request #{ref.id} does not exist.")
        if request.requested_by != actor:
            return
        audit.record(session, ref.id, actor, "refused", f"tried to {verb} their own request")
    raise UserFacingError(
        f"You raised request #{ref.id}, so another member of the support team must decide it."
    )


def _bill_of(session: Session, facts: RequestFacts) -> tuple[BillFacts | None, bytes | None]:
    if not facts.has_bill:
        return None, None
    evidence = latest_judged_bill(session, facts.id)
    if evidence is None or evidence.report is None:
        return None, None
    with_customer = session.get(Request, facts.id)
    assert with_customer is not None
    reused = customers_with_same_bill(session, evidence.sha256 or "", with_customer.customer_id)
    number = str(facts.details.get("number") or "")
    return bill_facts(evidence.report, number, reused), evidence.highlight


def _outcome(session: Session, facts: RequestFacts) -> Outcome | None:
    decided = audit.last_step_to(
        session, facts.id, (S.APPROVED.value, S.REJECTED.value, S.AWAITING_CUSTOMER.value)
    )
    if decided is None:
        by = "staff"
    elif decided.actor.startswith("system:"):
        by = "sipdesk (self-service)"
    else:
        by = f"<@{decided.actor}>"
    when = _when(decided.at) if decided else ""
    if facts.state is S.PENDING_APPROVAL:
        return None
    if facts.state is S.APPROVED:
        return Outcome(f":white_check_mark: *Approved* by {by} at {when}; applying…")
    if facts.state is S.APPLIED:
        applied = audit.last_step_to(session, facts.id, (S.APPLIED.value,))
        at = _when(applied.at) if applied else ""
        line = f":white_check_mark: *Approved* by {by} at {when} · *applied* at {at}"
        if facts.details.get("credentials") == UNDELIVERED:
            line += (
                f"\n:warning: Slack would not show <@{facts.requested_by}> the link to the new "
                "account's password (not in the customer's channel?): nobody has it yet."
            )
            return Outcome(line, send_link=True)
        return Outcome(line)
    if facts.state is S.REJECTED:
        return Outcome(f":x: *Rejected* by {by} at {when}: {facts.decision_note or ''}")
    if facts.state is S.FAILED:
        failed = audit.last_step_to(session, facts.id, (S.FAILED.value,))
        why = failed.note if failed and failed.note else "the platform refused"
        return Outcome(
            f":warning: *Approved* by {by} at {when}, but *applying failed*: {why}", retry=True
        )
    if facts.state in (S.AWAITING_CUSTOMER, S.CHECKING_EVIDENCE):
        return Outcome(f":page_facing_up: {by} asked the customer for *another bill* at {when}")
    return Outcome(f"*{facts.state.value.replace('_', ' ').capitalize()}*")


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")
