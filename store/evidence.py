"""Bills attached to requests: stored once per source, judged once, and compared by SHA-256."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Customer, Evidence, Request
from store.names import plain_file_name


def add_bill(
    session: Session,
    request_id: int,
    *,
    source: str,
    filename: str,
    mimetype: str | None,
    content: bytes,
) -> tuple[Evidence, bool]:
    """The evidence row for this source (a Slack file id, an upload id) and whether it is new."""
    found = session.scalar(
        select(Evidence).where(Evidence.request_id == request_id, Evidence.slack_file_id == source)
    )
    if found is not None:
        return found, False
    evidence = Evidence(
        request_id=request_id,
        slack_file_id=source[:32],
        filename=plain_file_name(filename)[:255],
        mimetype=mimetype,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    session.add(evidence)
    session.flush()
    return evidence, True


def has_source(session: Session, request_id: int, source: str) -> bool:
    """True when the request holds the evidence of this source (it was stored)."""
    found = session.scalar(
        select(Evidence.id).where(
            Evidence.request_id == request_id, Evidence.slack_file_id == source[:32]
        )
    )
    return found is not None


def add_pending_file(session: Session, request_id: int, *, source: str) -> tuple[Evidence, bool]:
    """A file shared in Slack, before its bytes are fetched (the check job fetches them)."""
    found = session.scalar(
        select(Evidence).where(Evidence.request_id == request_id, Evidence.slack_file_id == source)
    )
    if found is not None:
        return found, False
    evidence = Evidence(request_id=request_id, slack_file_id=source[:32], filename=source[:255])
    session.add(evidence)
    session.flush()
    return evidence, True


def fill_bill(evidence: Evidence, *, filename: str, mimetype: str | None, content: bytes) -> None:
    evidence.filename = plain_file_name(filename)[:255]
    evidence.mimetype = mimetype
    evidence.size = len(content)
    evidence.sha256 = hashlib.sha256(content).hexdigest()
    evidence.content = content


def unjudged_bill(session: Session, request_id: int) -> Evidence | None:
    """The newest bill of the request that has no verdict yet."""
    return session.scalar(
        select(Evidence)
        .where(Evidence.request_id == request_id, Evidence.verdict.is_(None))
        .order_by(Evidence.id.desc())
        .limit(1)
    )


def latest_judged_bill(session: Session, request_id: int) -> Evidence | None:
    return session.scalar(
        select(Evidence)
        .where(Evidence.request_id == request_id, Evidence.verdict.is_not(None))
        .order_by(Evidence.id.desc())
        .limit(1)
    )


def record_verdict(
    evidence: Evidence, verdict: str, report: dict[str, Any], highlight: bytes | None
) -> None:
    evidence.verdict = verdict
    evidence.report = report
    evidence.highlight = highlight


def customers_with_same_bill(session: Session, sha256: str, customer_id: int) -> list[str]:
    """Names of other customers who already sent a bill with these exact bytes."""
    rows = session.scalars(
        select(Customer.name)
        .join(Request, Request.customer_id == Customer.id)
        .join(Evidence, Evidence.request_id == Request.id)
        .where(Evidence.sha256 == sha256, Customer.id != customer_id)
        .distinct()
    )
    return sorted(rows)
