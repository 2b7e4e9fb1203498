"""Lost jobs are found again: the database says what is due, the queue is told once more.

A crash (a worker killed mid-job, a Redis restart) can lose a queued job, never a request: a
request `approved` is due an apply, one `applied` whose thread was not told yet the rest of it
(the credentials link, the message), one `pending_approval` whose card Slack never took its
card, one `checking_evidence` a bill check. Enqueuing under the
same job id is a no-op while that job waits or runs, and a job re-run finds the state moved on.
"""

from __future__ import annotations

import logging

from sqlalchemy import and_, or_, select

from handlers.job_runtime import job_queue
from handlers.services import Services
from store.models import Request, RequestState

log = logging.getLogger(__name__)
APPLY_JOB = "handlers.approvals.jobs.apply_request"
CHECK_JOB = "handlers.caller_id.jobs.check_bill"
CARD_JOB = "handlers.approvals.jobs.post_card"
DUE = {
    RequestState.APPROVED: ("apply", APPLY_JOB),
    RequestState.APPLIED: ("apply", APPLY_JOB),  # only those not told yet (see sweep)
    RequestState.CHECKING_EVIDENCE: ("check", CHECK_JOB),
    RequestState.PENDING_APPROVAL: ("card", CARD_JOB),  # only those owing their card
}


def sweep(services: Services) -> int:
    """Queue the due work that has no job waiting or running; returns how many were queued."""
    due = [
        Request.state.in_((RequestState.APPROVED, RequestState.CHECKING_EVIDENCE)),
        and_(Request.state == RequestState.APPLIED, Request.applied_told_at.is_(None)),
    ]
    if services.staff_channel is not None:
        card_owed = or_(Request.card_version.is_(None), Request.card_version != Request.version)
        due.append(and_(Request.state == RequestState.PENDING_APPROVAL, card_owed))
    with services.db.session() as session:
        rows = session.execute(select(Request.id, Request.state).where(or_(*due))).all()
    queue = job_queue(services)
    queue.requeue_orphans()  # jobs of dead workers stop counting as running: queued again
    queued = 0
    for request_id, state in rows:
        prefix, func = DUE[state]
        try:
            queued += int(queue.enqueue(func, request_id, job_id=f"{prefix}-{request_id}").created)
        except Exception:  # one broken job record must not keep the others from their turn
            log.warning("could not queue %s-%s again", prefix, request_id, exc_info=True)
    return queued
