"""A bill's report (ocr_checks' JSON) as the checks staff read on the card: ✅ ⚠️ ❌ and why.

A check the reader is unsure of (its confidence below `ocr_checks.policy.SURE`, e.g. a name
not read from the address block, a date not labelled as the bill's) is marked ⚠️ with the
reason, even when it found what it looked for, so staff know where to look.
"""

from __future__ import annotations

from typing import Any

from handlers.approvals.blocks import BillCheck, BillFacts
from ocr_checks.policy import SURE

OK, WARN, BAD = "✅", "⚠️", "❌"


def bill_facts(report: dict[str, Any], number: str, reused_by: list[str]) -> BillFacts:
    checks = [
        _sure(_number(report, number), report, "number"),
        _sure(_holder(report), report, "holder"),
        _sure(_date(report), report, "date"),
        _issuer(report),
    ]
    checks += _tamper(report)
    if reused_by:
        checks.append(
            BillCheck(BAD, f"The same file (SHA-256) was already sent by {', '.join(reused_by)}.")
        )
    return BillFacts(
        verdict=str(report.get("verdict", "review")),
        checks=checks,
        bill_date=report.get("bill_date"),
        issuer=report.get("issuer"),
    )


def _sure(check: BillCheck, report: dict[str, Any], name: str) -> BillCheck:
    """The check marked ⚠️ with the reader's reason when the reader is unsure of it."""
    found = next((c for c in report.get("checks") or [] if c.get("name") == name), None)
    if found is None or float(found.get("confidence", 1.0)) >= SURE:
        return check
    why = found.get("unsure_because") or "the reader is not sure of this"
    icon = WARN if check.icon == OK else check.icon
    return BillCheck(icon, f"{check.text} Not sure: {why}.")


def _number(report: dict[str, Any], number: str) -> BillCheck:
    matches = report.get("matches") or []
    if report.get("number_on_bill_as_line"):
        return BillCheck(OK, f"{number} is billed as a line on this bill.")
    if any(m.get("role") == "operator" for m in matches):
        return BillCheck(BAD, f"{number} is the operator's own number on this bill, not a line.")
    if matches:
        return BillCheck(WARN, f"{number} appears on the bill, but not as a billed line.")
    return BillCheck(BAD, f"{number} is not on the bill.")


def _holder(report: dict[str, Any]) -> BillCheck:
    holder = report.get("holder") or {}
    found, score = holder.get("on_bill"), holder.get("score", 0)
    if holder.get("match"):
        return BillCheck(OK, f"In the name of {found} (score {score:g}).")
    if found:
        return BillCheck(WARN, f"In the name of {found}, which does not match (score {score:g}).")
    return BillCheck(BAD, "No holder name found on the bill.")


def _date(report: dict[str, Any]) -> BillCheck:
    date = report.get("bill_date")
    if date and report.get("recent"):
        return BillCheck(OK, f"Dated {date}, recent enough.")
    if date:
        return BillCheck(WARN, f"Dated {date}, which is not recent.")
    return BillCheck(BAD, "No bill date found.")


def _issuer(report: dict[str, Any]) -> BillCheck:
    issuer = report.get("issuer")
    if issuer:
        return BillCheck(OK, f"Issued by {issuer}.")
    return BillCheck(WARN, "The issuer is not one we recognise.")


def _tamper(report: dict[str, Any]) -> list[BillCheck]:
    signals = report.get("tamper_signals") or []
    if not signals:
        return [BillCheck(OK, "No signs of editing.")]
    return [
        BillCheck(WARN, f"Possible editing ({s.get('kind')}): {s.get('detail')}") for s in signals
    ]
