"""Screenshots of an operator's app, as customers send them: a tall phone screen (1170 x 2532
pixels, an iPhone's), status bar, a coloured header, cards with a small grey label above a large
value, and nothing of a printed page's layout (no address window, no letterhead).

Drawn with reportlab on a page the screen's size in points and rasterised at the phone's 3x.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pypdfium2 as pdfium
from PIL import Image
from reportlab.lib.colors import HexColor, white
from reportlab.pdfgen.canvas import Canvas

SCREEN_PT = (390.0, 844.0)  # logical points of a phone screen
PIXEL_RATIO = 3


def app_screenshot(
    *,
    operator: str = "eir",
    holder: str = "Acme Widgets Ltd",
    number: str = "01 234 5678",
    number_label: str = "Your number",
    bill_date: str = "12 Mar 2026",
    date_label: str = "Bill date",
    amount: str = "€61.17",
    extra: Sequence[tuple[str, str]] = (("Account number", "1234 5678 90"),),
    dark_header: str = "#5b2a86",
) -> bytes:
    """PNG bytes of the operator's app showing the latest bill."""
    width, height = SCREEN_PT
    out = io.BytesIO()
    c = Canvas(out, pagesize=SCREEN_PT)
    c.setFillColor(HexColor("#f2f2f7"))
    c.rect(0, 0, width, height, stroke=0, fill=1)
    # Status bar and header.
    c.setFillColor(HexColor(dark_header))
    c.rect(0, height - 150, width, 150, stroke=0, fill=1)
    c.setFillColor(white)
    c.setFont("Helvetica-Bold", 15)
    c.drawString(28, height - 30, "9:41")
    c.drawRightString(width - 28, height - 30, "5G  87%")
    c.setFont("Helvetica-Bold", 28)
    c.drawString(24, height - 90, operator)
    c.setFont("Helvetica", 15)
    c.drawString(24, height - 120, "My bills")

    cards = [
        (number_label, number, 24),
        ("Account holder", holder, 19),
        (date_label, bill_date, 19),
        ("Amount due", amount, 19),
        *((label, value, 17) for label, value in extra),
    ]
    top = height - 175
    for label, value, size in cards:
        c.setFillColor(white)
        c.roundRect(16, top - 74, width - 32, 70, 12, stroke=0, fill=1)
        c.setFillColor(HexColor("#6e6e73"))
        c.setFont("Helvetica", 13)
        c.drawString(32, top - 26, label)
        c.setFillColor(HexColor("#1c1c1e"))
        c.setFont("Helvetica-Bold", size)
        c.drawString(32, top - 58, value)
        top -= 86
    c.setFillColor(HexColor(dark_header))
    c.roundRect(16, top - 60, width - 32, 48, 24, stroke=0, fill=1)
    c.setFillColor(white)
    c.setFont("Helvetica-Bold", 16)
    c.drawCentredString(width / 2, top - 42, "Download bill (PDF)")
    c.showPage()
    c.save()

    doc = pdfium.PdfDocument(out.getvalue())
    try:
        screen: Image.Image = doc[0].render(scale=PIXEL_RATIO).to_pil().convert("RGB")
    finally:
        doc.close()
    png = io.BytesIO()
    screen.save(png, format="PNG")
    return png.getvalue()
