"""A bill's report (ocr_checks' JSON) as the checks staff read on the card: ✅ ⚠️ ❌ and why."""

from __future__ import annotations

from typing import Any

from handlers.approvals.blocks import BillCheck, BillFacts

OK, WARN, BAD = "✅", "⚠️", "❌"


def bill_facts(report: dict[str, Any], number: str, reused_by: list[str]) -> BillFacts:
    checks = [_number(report, number), _holder(report), _date(report), _issuer(report)]
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


def _number(report: dict[str, Any], number: str) -> BillCheck:
    if report.get("number_on_bill_as_line"):
        return BillCheck(OK, f"{number} is billed as a line on this bill.")
    if report.get("matches"):
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
