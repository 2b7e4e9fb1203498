"""Phone bills made to order for the ocr_checks tests (reportlab, text layer).

`make_bill()` draws a one- or two-page Irish/UK-style bill: issuer header, holder address block,
account/invoice/VAT numbers, bill date and billing period, "your phone number", a summary of
charges and an itemised call table. Keyword options bend it into the cases the rules must
handle (number split over runs or lines, another font, cover-up edits, invisible or white text,
editor metadata, encryption). Scans are made from these by rasterising (part B).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

PAGE_W, PAGE_H = A4


@dataclass(frozen=True)
class Call:
    """One row of the itemised call table."""

    date: str  # as printed, e.g. "03/02/2026"
    time: str  # "09:14"
    number: str  # the number dialled, as printed
    duration: str = "00:02:31"
    cost: str = "€0.12"


DEFAULT_CALLS: tuple[Call, ...] = (
    Call("03/02/2026", "09:14", "021 456 7890"),
    Call("05/02/2026", "17:40", "087 765 4321", "00:11:02", "€0.95"),
    Call("11/02/2026", "12:01", "+44 20 7946 0018", "00:04:10", "€0.40"),
)


def make_bill(
    path: Path | str | None = None,
    *,
    issuer: str = "eir",
    issuer_footer: str | None = "Eircom Limited, Registered in Ireland No. 98789",
    holder: str = "Acme Widgets Ltd",
    address: Sequence[str] = ("Unit 4, Sandyford Business Park", "Dublin 18", "D18 X2Y3"),
    line_number: str | None = "(01) 234 5678",
    line_label: str = "Your phone number:",
    issue_date: str | None = "12/03/2026",
    issue_date_label: str = "Bill date:",
    period: tuple[str, str] | None = ("01/02/2026", "28/02/2026"),
    calls: Sequence[Call] = DEFAULT_CALLS,
    calls_heading: str | None = "Itemised calls",
    account_number: str = "1234 5678 90",
    invoice_number: str = "INV 2026 0312 4471",
    vat_number: str = "IE 6388047V",
    split_number: bool = False,
    split_fonts: Sequence[str] = (),
    wrap_number: bool = False,
    number_font: str | None = None,
    cover_up: str | None = None,
    invisible_text: str | None = None,
    white_text: str | None = None,
    summary_numbers: Sequence[str] = (),
    extra_lines: Sequence[str] = (),
    producer: str | None = None,
    creator: str | None = None,
    user_password: str | None = None,
    owner_password: str | None = None,
    call_pages: int = 1,
) -> bytes:
    """Draw a bill and return its PDF bytes (also written to `path` when given).

    - `line_number=None` leaves out the "your phone number" line; `summary_numbers` lists
      numbers shown in a "Numbers on this bill" summary instead (or as well).
    - `split_number` draws the line number as three text runs with no gaps (cut between
      digits), in `split_fonts` in turn when given; `wrap_number`
      breaks it over two lines; `number_font` draws it in another font than its neighbours.
    - `cover_up="(01) 999 0000"` draws that number first, paints a white box over it and draws
      `line_number` on top (the text layer then holds both at one place).
    - `invisible_text` is drawn with render mode 3 near the line number; `white_text` in white.
    - `user_password` makes a PDF that needs a password to open; `owner_password` alone makes
      one that opens but carries permissions.
    - `call_pages` > 1 repeats the call table on further pages.
    """
    buf = io.BytesIO()
    encrypt = None
    if user_password is not None or owner_password is not None:
        encrypt = StandardEncryption(user_password or "", ownerPassword=owner_password or "owner")
    c = Canvas(buf, pagesize=A4, encrypt=encrypt, invariant=1)
    if producer is not None:
        c.setProducer(producer)
    if creator is not None:
        c.setCreator(creator)

    # Header: issuer and document title.
    c.setFont("Helvetica-Bold", 22)
    c.drawString(40, PAGE_H - 60, issuer)
    c.setFont("Helvetica", 10)
    c.drawString(40, PAGE_H - 78, "Your bill")

    # Holder address block (left) and account facts (right).
    c.setFont("Helvetica", 10)
    y = PAGE_H - 120
    for text in (holder, *address):
        c.drawString(40, y, text)
        y -= 13
    facts: list[tuple[str, str]] = [("Account number:", account_number)]
    facts.append(("Invoice number:", invoice_number))
    if issue_date is not None:
        facts.append((issue_date_label, issue_date))
    if period is not None:
        facts.append(("Billing period:", f"{period[0]} - {period[1]}"))
    y = PAGE_H - 120
    for label, value in facts:
        c.drawString(330, y, label)
        c.drawString(430, y, value)
        y -= 13

    # The billed line.
    y_line = PAGE_H - 200
    if line_number is not None:
        c.setFont("Helvetica", 10)
        c.drawString(40, y_line, line_label)
        x = 40 + c.stringWidth(line_label, "Helvetica", 10) + 8
        font = number_font or "Helvetica"
        if cover_up is not None:
            c.drawString(x, y_line, cover_up)
            c.setFillColorRGB(1, 1, 1)
            width = c.stringWidth(cover_up, "Helvetica", 10)
            c.rect(x - 1, y_line - 3, width + 2, 13, stroke=0, fill=1)
            c.setFillColorRGB(0, 0, 0)
        if wrap_number:
            head, tail = _halves(line_number)
            c.setFont(font, 10)
            c.drawString(x, y_line, head)
            c.drawString(40, y_line - 13, tail)
        elif split_number:
            for i, piece in enumerate(_thirds(line_number)):
                font = split_fonts[i % len(split_fonts)] if split_fonts else font
                c.setFont(font, 10)
                c.drawString(x, y_line, piece)
                x += c.stringWidth(piece, font, 10)
        else:
            c.setFont(font, 10)
            c.drawString(x, y_line, line_number)
        c.setFont("Helvetica", 10)
    if invisible_text is not None:
        t = c.beginText(300, y_line)
        t.setFont("Helvetica", 10)
        t.setTextRenderMode(3)
        t.textOut(invisible_text)
        t.setTextRenderMode(0)  # the mode outlives the text object: only this text is hidden
        c.drawText(t)
    if white_text is not None:
        c.setFillColorRGB(1, 1, 1)
        c.drawString(300, y_line - 13, white_text)
        c.setFillColorRGB(0, 0, 0)

    # Summary of charges.
    y = PAGE_H - 250
    c.setFont("Helvetica-Bold", 12)
    c.drawString(40, y, "Summary of charges")
    c.setFont("Helvetica", 10)
    y -= 18
    rows: list[tuple[str, str]] = []
    if summary_numbers:
        c.drawString(40, y, "Numbers on this bill")
        y -= 14
        rows.extend((n, "€25.00") for n in summary_numbers)
    rows += [("Line rental", "€25.00"), ("Calls", "€1.47"), ("VAT @ 23%", "€6.09")]
    rows.append(("Total due", "€32.56"))
    for label, amount in rows:
        c.drawString(40, y, label)
        c.drawString(480, y, amount)
        y -= 14
    for text in extra_lines:
        c.drawString(40, y, text)
        y -= 14

    # Itemised calls, possibly over several pages.
    y -= 16
    for page in range(call_pages):
        if page > 0:
            c.showPage()
            y = PAGE_H - 60
        y = _call_table(c, y, calls, calls_heading)

    c.setFont("Helvetica", 7)
    footer = f"VAT number: {vat_number}"
    if issuer_footer:
        footer = f"{issuer_footer}. {footer}"
    c.drawString(40, 30, footer)
    c.showPage()
    c.save()
    data = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def _call_table(c: Canvas, y: float, calls: Sequence[Call], heading: str | None) -> float:
    if heading is not None:
        c.setFont("Helvetica-Bold", 12)
        c.drawString(40, y, heading)
        y -= 18
    c.setFont("Helvetica-Bold", 9)
    for x, title in ((40, "Date"), (110, "Time"), (160, "Number called"), (330, "Duration")):
        c.drawString(x, y, title)
    c.drawString(480, y, "Cost")
    y -= 14
    c.setFont("Helvetica", 9)
    for call in calls:
        c.drawString(40, y, call.date)
        c.drawString(110, y, call.time)
        c.drawString(160, y, call.number)
        c.drawString(330, y, call.duration)
        c.drawString(480, y, call.cost)
        y -= 13
    return y


def _halves(text: str) -> tuple[str, str]:
    cut = text.rfind(" ", 0, len(text) // 2 + 2)
    cut = cut if cut > 0 else len(text) // 2
    return text[:cut], text[cut:].strip()


def _thirds(text: str) -> list[str]:
    """Cut between digits (never at a space) so each run holds part of a digit group."""
    cuts = [i for i in range(1, len(text)) if text[i].isdigit() and text[i - 1].isdigit()]
    a, b = cuts[len(cuts) // 3], cuts[2 * len(cuts) // 3]
    return [text[:a], text[a:b], text[b:]]


def many_page_pdf(pages: int) -> bytes:
    """A valid PDF of `pages` empty pages, written by hand so it is quick even for thousands."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{i + 3} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    return _assemble(objects)


def bomb_pdf(expanded_bytes: int) -> bytes:
    """A one-page PDF whose small Flate content stream expands to `expanded_bytes` of drawing."""
    import zlib

    chunk = b"0 0 m 1 1 l S\n" * 4096
    comp = zlib.compressobj(9)
    parts = [comp.compress(chunk) for _ in range(max(1, expanded_bytes // len(chunk)))]
    stream = b"".join(parts) + comp.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return _assemble(objects)


def _assemble(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()
