"""Lost jobs are found again: the database says what is due, the queue is told once more.

A crash (a worker killed mid-job, a Redis restart) can lose a queued job, never a request: a
request `approved` is due an apply, one `applied` whose thread was not told yet the rest of it
(the credentials link, the message), one `pending_approval` whose card Slack never took its
card, one `checking_evidence` a bill check; a call-back claimed and not placed is placed, one whose
worker died while it rang is ended as lost and its requester told. Enqueuing under the
same job id is a no-op while that job waits or runs, and a job re-run finds the state moved on.
"""

from __future__ import annotations

import logging

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from handlers.job_runtime import job_queue
from handlers.services import Services
from store import callbacks
from store.models import Request, RequestState
from store.types import utcnow

log = logging.getLogger(__name__)
APPLY_JOB = "handlers.approvals.jobs.apply_request"
CHECK_JOB = "handlers.caller_id.jobs.check_bill"
CARD_JOB = "handlers.approvals.jobs.post_card"
CALL_JOB = "handlers.callback.jobs.place_call"
LOST_CALL_JOB = "handlers.callback.jobs.end_lost"
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
        jobs = [(DUE[state][1], f"{DUE[state][0]}-{rid}", rid) for rid, state in rows]
        jobs += _call_jobs(session)
    queue = job_queue(services)
    queue.requeue_orphans()  # jobs of dead workers stop counting as running: queued again
    queued = 0
    for func, job_id, argument in jobs:
        try:
            queued += int(queue.enqueue(func, argument, job_id=job_id).created)
        except Exception:  # one broken job record must not keep the others from their turn
            log.warning("could not queue %s again", job_id, exc_info=True)
    return queued


def _call_jobs(session: Session) -> list[tuple[str, str, int]]:
    # The press's own job has the same id: queuing it again is a no-op while it waits or runs.
    placing = [(CALL_JOB, f"callback-{c}", c) for c in callbacks.waiting_calls(session)]
    stale = callbacks.lost_calls(session, utcnow())
    lost = [(LOST_CALL_JOB, f"callback-lost-{c}", c) for c in stale]
    return placing + lost
