"""The staff card's bill checks: what the reader is unsure of is marked ⚠️ with its reason,
so staff know where to look; the operator's own number is a ❌."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ocr_checks"))

from freehand import Text, draw, eir_letterhead

from handlers.approvals.bill_checks import bill_facts
from ocr_checks import Claim, Limits, examine

AS_OF = dt.date(2026, 11, 26)


def card_lines(page: list, number: str, holder: str) -> list[str]:
    report = examine(draw([page]), Claim(number, holder, AS_OF), limits=Limits(isolate=False))
    facts = bill_facts(report.to_dict(), number, [])
    return [f"{c.icon} {c.text}" for c in facts.checks]


def test_a_sure_bill_shows_every_check_green() -> None:
    lines = card_lines(eir_letterhead(), "+35314960142", "Globex Dental Care Ltd")
    assert lines[:3] == [
        "✅ +35314960142 is billed as a line on this bill.",
        "✅ In the name of Globex Dental Care Limited (score 100).",
        "✅ Dated 2026-11-03, recent enough.",
    ]


def test_a_name_guessed_from_a_plain_line_is_marked_unsure_with_the_reason() -> None:
    page = [
        Text(40, 30, "Atlantic Telecom", 18, "Helvetica-Bold"),
        Text(40, 90, "Globex Dental Care Limited", 10),
        Text(40, 120, "Your phone number: 01 496 0142"),
        Text(40, 135, "Bill date: 03/11/2026"),
    ]
    lines = card_lines(page, "+35314960142", "Globex Dental Care Ltd")
    assert lines[1] == (
        "⚠️ In the name of Globex Dental Care Limited (score 100). Not sure: the name was not "
        "read from an address block or a name label."
    )


def test_a_date_not_labelled_as_the_bills_is_marked_unsure() -> None:
    page = [t for t in eir_letterhead() if t.text not in ("Invoice date", "03/11/2026")]
    page.append(Text(450, 30, "3 November 2026"))  # alone under the letterhead, no label
    lines = card_lines(page, "+35314960142", "Globex Dental Care Ltd")
    assert lines[2] == (
        "⚠️ Dated 2026-11-03, recent enough. Not sure: the date is not labelled as the bill's date."
    )


def test_the_operators_own_number_is_a_red_cross() -> None:
    lines = card_lines(eir_letterhead(), "+35316714444", "Globex Dental Care Ltd")
    assert lines[0] == "❌ +35316714444 is the operator's own number on this bill, not a line."
