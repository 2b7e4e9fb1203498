"""The Prometheus metrics of every process, and the small calls that record them.

Defined once here, the lowest layer every recorder may import (the request state machine, the
jobs, the watch, the Slack client), and served by `bot/metrics_server.py` on
SIPDESK_METRICS_ADDR. Names and labels are a contract with the operators' dashboards and alert
rules (docs/prometheus-rules.yml): change them only with those.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import event
from sqlalchemy.orm import Session

# Seconds from a click or a command to its answer: Slack's budget is 3 s.
_ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
# Asked -> decided / applied: minutes to days (a bill, then staff on their own time).
_REQUEST_BUCKETS = (1, 10, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400)
# A bill read: a text PDF in well under a second, a photo through Tesseract in several.
_BILL_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 40.0, 80.0)
# Registration lost -> alert posted: the debounce (SIPDESK_DOWN_AFTER) plus up to one poll.
_ALERT_BUCKETS = (10, 30, 60, 120, 180, 300, 600, 1200, 3600)

REQUESTS = Counter(
    "sipdesk_requests",
    "Requests by kind and what became of them (asked, approved, rejected, applied, failed, ...).",
    ["kind", "outcome"],
)
REQUEST_DECISION = Histogram(
    "sipdesk_request_decision_seconds",
    "From a request being asked to staff deciding it (approved or rejected).",
    buckets=_REQUEST_BUCKETS,
)
REQUEST_APPLIED = Histogram(
    "sipdesk_request_applied_seconds",
    "From a request being asked to its change being applied to the platform.",
    buckets=_REQUEST_BUCKETS,
)
BILL_CHECKS = Counter(
    "sipdesk_bill_checks", "Phone bills judged, by verdict (pass, review, fail).", ["verdict"]
)
BILL_CHECK_SECONDS = Histogram(
    "sipdesk_bill_check_seconds", "Time to read and judge one phone bill.", buckets=_BILL_BUCKETS
)
ACCOUNTS_DOWN = Gauge(
    "sipdesk_accounts_down",
    "SIP accounts Down at the watch's last poll, per telephony platform (sum() for the total).",
    ["platform"],
)
ALERT_LATENCY = Histogram(
    "sipdesk_alert_latency_seconds",
    "From a SIP account's registration being lost to its Down alert being posted.",
    buckets=_ALERT_BUCKETS,
)
SLACK_API_CALLS = Counter(
    "sipdesk_slack_api_calls",
    "Slack Web API calls by method and result (ok, ratelimited, error, unreachable).",
    ["method", "result"],
)
JOBS_QUEUED = Gauge("sipdesk_jobs_queued", "Jobs waiting in the queue, as the worker last saw it.")
JOBS_FAILED = Counter("sipdesk_jobs_failed", "Jobs that ended with an error.")
ACK_SECONDS = Histogram(
    "sipdesk_ack_seconds",
    "From a Slack request reaching the app to its answer (ack) leaving.",
    buckets=_ACK_BUCKETS,
)

_recording = True


def set_recording(on: bool) -> None:
    """Switch every recorder off or on (the ack bench measures what the metrics cost)."""
    global _recording
    _recording = on


def ack_answered(seconds: float) -> None:
    if _recording:
        ACK_SECONDS.observe(seconds)


def slack_call(method: str, result: str) -> None:
    if _recording:
        SLACK_API_CALLS.labels(method=method, result=result).inc()


def bill_checked(verdict: str, seconds: float) -> None:
    if _recording:
        BILL_CHECKS.labels(verdict=verdict).inc()
        BILL_CHECK_SECONDS.observe(seconds)


def accounts_down(platform: str, count: int) -> None:
    if _recording:
        ACCOUNTS_DOWN.labels(platform=platform).set(count)


def alert_posted(lost_at: datetime, posted_at: datetime) -> None:
    if _recording:
        ALERT_LATENCY.observe(max(0.0, (posted_at - lost_at).total_seconds()))


def jobs_queued(count: int) -> None:
    if _recording:
        JOBS_QUEUED.set(count)


def job_failed() -> None:
    if _recording:
        JOBS_FAILED.inc()


# Request outcomes are counted once their transaction commits: a rolled-back step (a lost race)
# never happened, and must not be counted.
_PENDING = "sipdesk_metrics_after_commit"


def request_step(
    session: Session,
    kind: str,
    outcome: str,
    asked_at: datetime,
    at: datetime,
) -> None:
    """Count a request reaching `outcome` (and time it from `asked_at`) when `session` commits."""
    if not _recording:
        return
    seconds = max(0.0, (at - asked_at).total_seconds())

    def record() -> None:
        REQUESTS.labels(kind=kind, outcome=outcome).inc()
        if outcome in ("approved", "rejected"):
            REQUEST_DECISION.observe(seconds)
        elif outcome == "applied":
            REQUEST_APPLIED.observe(seconds)

    _after_commit(session, record)


def _after_commit(session: Session, record: Callable[[], None]) -> None:
    session.info.setdefault(_PENDING, []).append(record)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    for record in session.info.pop(_PENDING, []):
        record()


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)
