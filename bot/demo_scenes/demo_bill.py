"""A one-page text PDF phone bill for the demo, drawn by hand (the product ships no PDF writer)."""

from __future__ import annotations

import datetime as dt


def demo_bill(holder: str, line_number: str, issued: dt.date) -> bytes:
    """An eir-style bill naming `holder`, billing `line_number` (as printed), dated `issued`."""
    lines = [
        (40, 782, 22, "eir"),
        (40, 764, 10, "Your bill"),
        (40, 722, 10, holder),
        (40, 709, 10, "Unit 4, Sandyford Business Park"),
        (40, 696, 10, "Dublin 18"),
        (330, 722, 10, "Account number: 1234 5678 90"),
        (330, 709, 10, f"Bill date: {issued:%d/%m/%Y}"),
        (40, 650, 10, f"Your phone number: {line_number}"),
        (40, 620, 10, "Line rental        EUR 25.00"),
        (40, 607, 10, "Calls              EUR 12.40"),
        (40, 580, 8, "Eircom Limited, Registered in Ireland No. 98789"),
    ]
    text = "".join(
        f"BT /F1 {size} Tf {x} {y} Td ({_escape(words)}) Tj ET\n" for x, y, size, words in lines
    ).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(text)).encode() + b" >>\nstream\n" + text + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
