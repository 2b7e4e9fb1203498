"""A bill reaches a request: the one way in for every entry point (a Slack thread, a web page).

`receive_bill` takes the bytes (a web upload has them); `receive_shared_file` takes a Slack file
id, whose bytes the check job fetches (files.info, type and size, then the download), so nothing
slow runs where Slack's requests are answered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.orm import Session

from handlers.customer_thread import tell_customer
from handlers.job_runtime import job_queue
from handlers.mrkdwn import escape
from handlers.notify import Notifier
from handlers.services import Services
from handlers.sweeper import CHECK_JOB
from store.errors import UserFacingError
from store.evidence import add_bill, add_pending_file
from store.models import Evidence, Request, RequestState
from store.requests import transition

S = RequestState
log = logging.getLogger(__name__)


def receive_bill(
    services: Services,
    notifier: Notifier,
    request_id: int,
    *,
    filename: str,
    mimetype: str | None,
    content: bytes,
    source: str,
) -> int:
    """Store the bill, queue its check, tell the thread; returns the evidence id.

    `source` names where it came from ("web:<upload id>", "slack:F0123"): the same source twice
    is one bill (Slack re-sends), so nothing is checked or said twice.
    """

    def store(session: Session) -> tuple[Evidence, bool]:
        return add_bill(
            session,
            request_id,
            source=source,
            filename=filename,
            mimetype=mimetype,
            content=content,
        )

    return _accept(services, notifier, request_id, store, f"*{escape(filename)}*")


def receive_shared_file(
    services: Services, notifier: Notifier, request_id: int, *, file_id: str
) -> int:
    """A file shared in the request's Slack thread: noted now, fetched and judged by the job."""

    def store(session: Session) -> tuple[Evidence, bool]:
        return add_pending_file(session, request_id, source=f"slack:{file_id}")

    return _accept(services, notifier, request_id, store, "your file")


def _accept(
    services: Services,
    notifier: Notifier,
    request_id: int,
    store: Callable[[Session], tuple[Evidence, bool]],
    what: str,
) -> int:
    with services.db.session() as session:
        request = session.get(Request, request_id)
        if request is None or request.details.get("path") != "bill":
            raise UserFacingError(f"Request #{request_id} does not take a bill.")
        evidence, new = store(session)
        if not new:
            return int(evidence.id)
        if request.state is not S.AWAITING_CUSTOMER:
            raise UserFacingError(_not_waiting(request_id, request.state))
        transition(
            session,
            request_id,
            S.CHECKING_EVIDENCE,
            actor="system:sipdesk",
            action="bill_received",
            note=f"{evidence.filename} ({evidence.size or 'size not known yet'} bytes)",
            expected=S.AWAITING_CUSTOMER,
        )
        evidence_id = int(evidence.id)
    # The bill is stored and the request checking it: what follows may fail without undoing
    # that (the sweeper queues a lost check; the check's verdict reaches the thread anyway).
    try:
        job_queue(services).enqueue(CHECK_JOB, request_id, job_id=f"check-{request_id}")
    except Exception:
        log.warning("request #%s: bill stored, check not queued yet", request_id, exc_info=True)
    try:
        tell_customer(
            services, notifier, request_id, f":page_facing_up: Got {what}; checking the bill now."
        )
    except Exception:
        log.warning("request #%s: bill stored, the thread not told", request_id, exc_info=True)
    return evidence_id


def _not_waiting(request_id: int, state: RequestState) -> str:
    if state is S.CHECKING_EVIDENCE:
        return f"Request #{request_id} is still checking the bill you sent; one moment."
    return f"Request #{request_id} is not waiting for a bill any more."
