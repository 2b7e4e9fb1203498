"""The bill check job: read the newest bill of a request with ocr_checks, and say what it shows.

`fail` goes back to the customer with the reasons and an invitation to send another bill;
`pass` and `review` go to staff, with the highlight crop for the card.
"""

from __future__ import annotations

import logging
import time

from handlers.approvals.flow import send_to_staff
from handlers.callback.offer import proof_offer
from handlers.customer_thread import tell_customer
from handlers.files import FileSource
from handlers.job_runtime import current
from handlers.notify import Notifier
from handlers.services import Services
from ocr_checks import BillError, Claim, Report, examine
from ocr_checks.highlight import render_highlight
from store import metrics
from store.errors import UserFacingError
from store.evidence import fill_bill, record_verdict, unjudged_bill
from store.models import Evidence, Request, RequestState
from store.requests import transition

S = RequestState
log = logging.getLogger(__name__)
JOB_ACTOR = "system:bill-check"
ANOTHER = "Please share another bill in this thread (PDF, or a clear photo of its first page)."


def check_bill(request_id: int) -> str:
    tools = current()
    services, notifier = tools.services, tools.notifier
    with services.db.session() as session:
        request = session.get(Request, request_id)
        if request is None or request.state is not S.CHECKING_EVIDENCE:
            return "nothing to do"
        evidence = unjudged_bill(session, request_id)
        if evidence is None:
            return "no bill"
        evidence_id, content, source = evidence.id, evidence.content, evidence.slack_file_id
        claim = Claim(
            number=str(request.details["number"]),
            holder=request.customer.holder_name,
            region=request.customer.country,
        )
    if content is None:
        try:
            content = _fetch(tools.files, services, evidence_id, source)
        except UserFacingError as refused:
            _refuse(services, notifier, request_id, evidence_id, refused.message)
            return "refused"
    highlight: bytes | None = None
    started = time.monotonic()
    try:
        report = examine(content, claim)
        verdict, facts, reasons = report.verdict, report.to_dict(), list(report.reasons)
        if verdict != "fail":
            highlight = _highlight(content, report)
    except BillError as unreadable:
        log.info("bill of request #%s cannot be judged: %s", request_id, unreadable)
        verdict, reasons = "fail", [unreadable.message]
        facts = {"verdict": "fail", "error": unreadable.kind, "reasons": reasons}
    except Exception:
        # A bill that breaks the reader must not come back with every sweep: it fails, once.
        log.exception("bill of request #%s could not be read", request_id)
        verdict, reasons = "fail", ["We could not read this file."]
        facts = {"verdict": "fail", "error": "unreadable", "reasons": reasons}
    metrics.bill_checked(verdict, time.monotonic() - started)
    with services.db.session() as session:
        evidence = session.get(Evidence, evidence_id)
        assert evidence is not None
        record_verdict(evidence, verdict, facts, highlight)
        if verdict == "fail":
            transition(
                session,
                request_id,
                S.AWAITING_CUSTOMER,
                actor=JOB_ACTOR,
                action="bill_failed",
                note="; ".join(reasons),
                expected=S.CHECKING_EVIDENCE,
            )
    if verdict == "fail":
        why = "\n".join(f"• {r}" for r in reasons)
        text = f":x: This bill does not prove the number is yours:\n{why}\n{ANOTHER}"
        # A new upload link (the last one was used for this bill), and the call-back.
        blocks = proof_offer(services, request_id, text)
        tell_customer(services, notifier, request_id, text, blocks)
        return "fail"
    label = "checks out" if verdict == "pass" else "needs a closer look by our support team"
    tell_customer(
        services, notifier, request_id, f":mag: Bill checked: it {label}. Sending it to staff."
    )
    send_to_staff(services, notifier, request_id)
    return verdict


def _fetch(files: FileSource, services: Services, evidence_id: int, source: str) -> bytes:
    """The bytes of a file shared in Slack (files.info, type and size, download), stored."""
    shared = files.fetch(source.removeprefix("slack:"))
    with services.db.session() as session:
        evidence = session.get(Evidence, evidence_id)
        assert evidence is not None
        fill_bill(evidence, filename=shared.name, mimetype=shared.mimetype, content=shared.content)
    return shared.content


def _refuse(
    services: Services, notifier: Notifier, request_id: int, evidence_id: int, why: str
) -> None:
    """A file that is no bill: back to the customer, who is told why at once."""
    with services.db.session() as session:
        evidence = session.get(Evidence, evidence_id)
        assert evidence is not None
        record_verdict(evidence, "fail", {"verdict": "fail", "reasons": [why]}, None)
        transition(
            session,
            request_id,
            S.AWAITING_CUSTOMER,
            actor=JOB_ACTOR,
            action="bill_refused",
            note=why,
            expected=S.CHECKING_EVIDENCE,
        )
    text = f":warning: {why}"
    # Slack's file would not do: offer the page (and the call-back).
    tell_customer(services, notifier, request_id, text, proof_offer(services, request_id, text))


def _highlight(content: bytes, report: Report) -> bytes | None:
    try:
        return render_highlight(content, report)
    except BillError:
        return None
