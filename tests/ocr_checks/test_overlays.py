"""A number whose text layer says one thing while the page shows another (a picture or an
opaque box laid over it) is a tamper signal and never passes; a picture that shows the same
digits, or a see-through highlight, is not.

Bills are drawn here with reportlab; the pictures laid over them are rendered here too.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pypdfium2 as pdfium
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from test_redrawn_digits import CLAIM, LABEL, X, Y, bill

from ocr_checks import examine
from ocr_checks.document import Document
from ocr_checks.tamper import find_tamper_signals

NUMBER = "01 234 5678"
FONT, SIZE = "Helvetica", 10


def picture_of(text: str) -> Image.Image:
    """``text`` in Helvetica 10 on white, as a 300 dpi picture one text line tall."""
    width = Canvas(io.BytesIO()).stringWidth(text, FONT, SIZE)
    out = io.BytesIO()
    c = Canvas(out, pagesize=(width + 2, SIZE * 1.3))
    c.setFont(FONT, SIZE)
    c.drawString(1, SIZE * 0.3, text)
    c.showPage()
    c.save()
    doc = pdfium.PdfDocument(out.getvalue())
    try:
        image: Image.Image = doc[0].render(scale=300 / 72).to_pil().convert("RGB")
        return image
    finally:
        doc.close()


def number_then(over: Callable[[Canvas, float], None]) -> Callable[[Canvas], None]:
    """The billed line drawn as text, then ``over(canvas, x of the number)`` on top of it."""

    def draw(c: Canvas) -> None:
        c.setFont(FONT, SIZE)
        c.drawString(X, Y, LABEL + NUMBER)
        over(c, X + c.stringWidth(LABEL, FONT, SIZE))
        c.setFillColorRGB(0, 0, 0)

    return draw


def picture_over(text: str, skip: str = "") -> Callable[[Canvas, float], None]:
    """A picture of ``text`` laid over the number, starting after its ``skip`` characters."""

    def over(c: Canvas, x: float) -> None:
        image = picture_of(text)
        left = x + c.stringWidth(skip, FONT, SIZE) - 1
        width = c.stringWidth(text, FONT, SIZE) + 2
        c.drawImage(ImageReader(image), left, Y - SIZE * 0.3, width, SIZE * 1.3)

    return over


def cover_kinds(data: bytes) -> list[str]:
    return [
        s.detail for s in find_tamper_signals(data, Document([], "text")) if s.kind == "cover_up"
    ]


def test_a_picture_of_other_digits_over_the_last_digits_is_flagged_and_never_passes() -> None:
    data = bill(number_then(picture_over("9999", skip="01 234 ")))
    details = cover_kinds(data)
    assert len(details) == 1 and "01 234 5678" in details[0] and "9999" in details[0], details
    assert examine(data, CLAIM).verdict == "review"


def test_a_picture_of_another_number_over_the_whole_number_is_flagged() -> None:
    data = bill(number_then(picture_over("01 234 9999")))
    assert examine(data, CLAIM).verdict != "pass"
    assert cover_kinds(data) or any(
        s.kind == "invisible_text" for s in find_tamper_signals(data, Document([], "text"))
    )


def test_a_white_box_over_some_digits_is_flagged() -> None:
    def white_box(c: Canvas, x: float) -> None:
        c.setFillColorRGB(1, 1, 1)
        left = x + c.stringWidth("01 234 ", FONT, SIZE)
        c.rect(left, Y - 2, c.stringWidth("5678", FONT, SIZE), SIZE + 1, stroke=0, fill=1)

    data = bill(number_then(white_box))
    assert examine(data, CLAIM).verdict != "pass"
    assert cover_kinds(data)


def test_a_picture_that_shows_the_same_digits_is_not_flagged_and_passes() -> None:
    data = bill(number_then(picture_over("5678", skip="01 234 ")))
    assert cover_kinds(data) == []
    assert examine(data, CLAIM).verdict == "pass"


def test_a_see_through_highlight_over_the_number_is_not_flagged_and_passes() -> None:
    def highlight(c: Canvas, x: float) -> None:
        c.setFillColorRGB(1, 0.9, 0)
        c.setFillAlpha(0.35)
        c.rect(x - 2, Y - 3, c.stringWidth(NUMBER, FONT, SIZE) + 4, SIZE + 4, stroke=0, fill=1)
        c.setFillAlpha(1)

    data = bill(number_then(highlight))
    assert cover_kinds(data) == []
    assert examine(data, CLAIM).verdict == "pass"
