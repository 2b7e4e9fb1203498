"""Bills drawn freehand, text by text, for layouts the other bill makers do not draw: an
operator letterhead with its care lines and PO box, two columns with the customer's box on the
right, promo boxes with the operator's sales numbers, DDI ranges, numbers split over two runs,
odd spaces, owner-only encryption.

A bill is a list of `Text` items placed from the page's top-left; `draw()` returns the PDF.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas


@dataclass(frozen=True)
class Text:
    """One run of text: where its top-left is (points from the page's top-left), its size,
    font and whether it is drawn right-aligned at `x`."""

    x: float
    top: float
    text: str
    size: float = 9.0
    font: str = "Helvetica"
    right: bool = False


@dataclass(frozen=True)
class Box:
    """A framed rectangle (a promo box, the customer's box), from the top-left."""

    x: float
    top: float
    width: float
    height: float


def draw(
    pages: Sequence[Sequence[Text | Box]],
    *,
    size: tuple[float, float] = A4,
    user_password: str | None = None,
    owner_password: str | None = None,
) -> bytes:
    """The PDF of `pages`. An `owner_password` alone encrypts it with an empty user password:
    the file opens without asking (the /Encrypt dictionary is there all the same)."""
    buf = io.BytesIO()
    encrypt = None
    if user_password is not None or owner_password is not None:
        encrypt = StandardEncryption(user_password or "", ownerPassword=owner_password or "owner")
    c = Canvas(buf, pagesize=size, encrypt=encrypt, invariant=1)
    c.setProducer("Billing Platform 9 (freehand)")
    height = size[1]
    for items in pages:
        for item in items:
            if isinstance(item, Box):
                c.setLineWidth(0.6)
                c.rect(item.x, height - item.top - item.height, item.width, item.height)
                continue
            c.setFont(item.font, item.size)
            y = height - item.top - item.size
            if item.right:
                c.drawRightString(item.x, y, item.text)
            else:
                c.drawString(item.x, y, item.text)
        c.showPage()
    c.save()
    return buf.getvalue()


def rows(
    x: float,
    top: float,
    lines: Sequence[str],
    size: float = 9.0,
    *,
    font: str = "Helvetica",
    right: bool = False,
) -> list[Text]:
    """Lines of text one under another, `size * 1.45` apart."""
    return [Text(x, top + i * size * 1.45, s, size, font, right) for i, s in enumerate(lines)]


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian's fonts-dejavu-core


def unicode_font() -> str:
    """A TrueType font with every kind of space (non-breaking, thin, narrow), registered once."""
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(DEJAVU)))
    return "DejaVuSans"


def eir_letterhead(
    *,
    holder: Sequence[str] = ("Globex Dental Care Limited",),
    line: str = "(01) 496 0142",
    line_label: str = "Your phone number",
    issued: str = "03/11/2026",
    font: str = "Helvetica",
) -> list[Text | Box]:
    """A plain eir-style first page: the logo, the operator's care lines and PO box under it,
    the addressee block below at the left, account facts at the right, the registered office
    in the footer."""
    address = [*holder, "Unit 7, Sandyford Business Park", "Dublin 18", "D18 K2X4"]
    return [
        Text(40, 30, "eir", 26, "Helvetica-Bold"),
        *rows(
            40,
            64,
            [
                "eir Customer Care, PO Box 1234, Dublin 1",
                "Call 1901 from your eir phone, +353 1 671 4444 from abroad",
                "www.eir.ie",
            ],
            7.5,
        ),
        *rows(40, 130, address),
        *rows(330, 130, ["Account number", "Invoice date", line_label]),
        *rows(450, 130, ["1234567890", issued, line], font=font),
        Text(40, 260, "Summary of charges", 11, "Helvetica-Bold"),
        *rows(40, 280, ["Line rental", "Calls", "Total due"]),
        *rows(520, 280, ["€25.00", "€4.12", "€29.12"], right=True),
        Text(
            40,
            800,
            "Eircom Limited, Registered in Ireland No. 98789. Registered office: 2022 Bianconi "
            "Avenue, Citywest Business Campus, Dublin 24",
            6,
        ),
    ]


def uk_two_column(
    *,
    customer: Sequence[str] = ("Mr Sean Murphy", "Harbour Insurance Brokers Ltd"),
    lines: Sequence[str] = ("0044 28 9049 6011",),
    issued: str = "3 November 2026",
) -> list[Text | Box]:
    """A UK business bill in two columns: the account facts and "Number(s) on this bill" at
    the left, the customer's box at the right, a promo box with the sales and fax numbers below
    it, the registered office in the footer."""
    left = [
        "Account number  GP 1234 5678",
        f"Bill date  {issued}",
        "Billing period  1 Oct 2026 to 31 Oct 2026",
        "Number(s) on this bill",
        *lines,
    ]
    return [
        Text(40, 30, "BT", 24, "Helvetica-Bold"),
        Text(40, 60, "Your BT Business bill", 12),
        *rows(40, 100, left),
        Box(330, 95, 220, 80),
        *rows(340, 100, [*customer, "12 Donegall Square", "Belfast", "BT1 5GS"]),
        Text(40, 100 + len(left) * 13 + 30, "Need help? Call us on 0800 800 150", 8),
        Box(330, 250, 220, 60),
        *rows(
            340,
            255,
            [
                "Upgrade to Halo for Business",
                "Call our sales team free on 0800 783 0223",
                "Fax 0800 328 8844",
            ],
            8,
        ),
        *rows(40, 280, ["Line rental", "Calls", "Total"]),
        *rows(300, 280, ["£24.00", "£3.10", "£27.10"], right=True),
        Text(
            40,
            800,
            "British Telecommunications plc, Registered office: 1 Braham Street, London E1 8EE. "
            "Registered in England No. 1800000",
            6,
        ),
    ]
