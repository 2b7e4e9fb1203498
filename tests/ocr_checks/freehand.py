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

from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
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


def rows(x: float, top: float, lines: Sequence[str], size: float = 9.0, **kw: object) -> list[Text]:
    """Lines of text one under another, `size * 1.45` apart."""
    return [Text(x, top + i * size * 1.45, s, size, **kw) for i, s in enumerate(lines)]  # type: ignore[arg-type]
