"""A number whose digits were redrawn by an editor (another font, size or baseline than the rest
of the number or of its line) is a tamper signal and never passes; the styles billing systems
really use (a number in bold, bold then regular, larger than its label) are not.

Each bill is drawn here with reportlab: an operator's header, the addressee, the billed line
drawn by the case, the bill date.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from conftest import read_text_bill
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from ocr_checks import Claim, examine
from ocr_checks.tamper import find_tamper_signals

CLAIM = Claim("01 234 5678", "Acme Widgets Ltd", dt.date(2026, 3, 20))
LABEL = "Your phone number: "
X, Y = 72.0, 640.0  # where the billed line's label starts

DrawLine = Callable[[Canvas], None]


def bill(draw_line: DrawLine) -> bytes:
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4)
    c.setFont("Helvetica-Bold", 20)
    c.drawString(X, 780, "eir")
    c.setFont("Helvetica", 8)
    c.drawString(X, 766, "eir Customer Care, PO Box 1000, Dublin 1. Care 1800 000 000")
    c.setFont("Helvetica", 10)
    for i, text in enumerate(("Acme Widgets Ltd", "Unit 4, Sandyford Business Park", "Dublin 18")):
        c.drawString(X, 720 - 13 * i, text)
    draw_line(c)
    c.drawString(X, 620, "Bill date: 12/03/2026")
    c.drawString(X, 606, "Billing period: 01/02/2026 - 28/02/2026")
    c.drawString(X, 580, "Monthly line rental                                  €25.00")
    c.showPage()
    c.save()
    return out.getvalue()


def pieces(*parts: tuple[str, str, float, float]) -> DrawLine:
    """The label in Helvetica 10, then each (text, font, size, rise) run right after the last."""

    def draw(c: Canvas) -> None:
        text = c.beginText(X, Y)
        text.setFont("Helvetica", 10)
        text.textOut(LABEL)
        for part, font, size, rise in parts:
            text.setFont(font, size)
            text.setRise(rise)
            text.textOut(part)
        c.drawText(text)

    return draw


def redrawn(data: bytes) -> list[str]:
    signals = find_tamper_signals(data, read_text_bill(data))
    return [s.detail for s in signals if s.kind == "redrawn_digits"]


HONEST = {
    "one run": pieces(("01 234 5678", "Helvetica", 10, 0)),
    "the whole number in bold": pieces(("01 234 5678", "Helvetica-Bold", 10, 0)),
    "bold then regular, as some templates draw it": pieces(
        ("01 234 ", "Helvetica-Bold", 10, 0), ("5678", "Helvetica", 10, 0)
    ),
    "the whole number larger than its label": pieces(("01 234 5678", "Helvetica-Bold", 13, 0)),
    "three runs of one font": pieces(
        ("01 2", "Helvetica", 10, 0), ("34 56", "Helvetica", 10, 0), ("78", "Helvetica", 10, 0)
    ),
}

EDITED = {
    "the last digits in another font": (
        pieces(("01 234 ", "Helvetica", 10, 0), ("5678", "Times-Roman", 10, 0)),
        "different fonts",
    ),
    "the last digits a size off": (
        pieces(("01 234 ", "Helvetica", 10, 0), ("5678", "Helvetica", 10.6, 0)),
        "different sizes",
    ),
    "the last digits a point high": (
        pieces(("01 234 ", "Helvetica", 10, 0), ("5678", "Helvetica", 10, 1.0)),
        "one baseline",
    ),
    "the middle digits in another font": (
        pieces(
            ("01 ", "Helvetica", 10, 0), ("234", "Courier", 10, 0), (" 5678", "Helvetica", 10, 0)
        ),
        "different fonts",
    ),
    "the whole number a point below its label": (
        pieces(("01 234 5678", "Helvetica", 10, -1.2)),
        "off the baseline",
    ),
}


@pytest.mark.parametrize("draw", HONEST.values(), ids=HONEST.keys())
def test_a_number_drawn_in_one_style_or_a_templates_styles_passes(draw: DrawLine) -> None:
    data = bill(draw)
    assert redrawn(data) == []
    report = examine(data, CLAIM)
    assert report.verdict == "pass", report.reasons


@pytest.mark.parametrize("case", EDITED.values(), ids=EDITED.keys())
def test_digits_redrawn_unlike_their_number_or_line_are_flagged_and_never_pass(
    case: tuple[DrawLine, str],
) -> None:
    draw, why = case
    data = bill(draw)
    details = redrawn(data)
    assert len(details) == 1 and why in details[0], details
    assert "01 234" in details[0]
    report = examine(data, CLAIM)
    assert report.verdict == "review", report.reasons
    assert any("redrawn_digits" in r for r in report.reasons)


def test_a_number_on_a_line_of_its_own_in_a_bigger_size_is_not_flagged() -> None:
    def draw(c: Canvas) -> None:
        c.setFont("Helvetica", 8)
        c.drawString(X, Y + 14, "Your phone number")
        c.setFont("Helvetica-Bold", 16)
        c.drawString(X, Y - 4, "01 234 5678")

    assert redrawn(bill(draw)) == []


def test_numbers_in_neighbouring_columns_on_slightly_different_lines_are_not_flagged() -> None:
    # A two-column header: the right column's lines fall between the left column's.
    def draw(c: Canvas) -> None:
        c.setFont("Helvetica", 9)
        c.drawString(X, Y, "Ireland")
        c.drawString(X + 380, Y + 3, "Calls from 01 234 5678")

    assert redrawn(bill(draw)) == []
