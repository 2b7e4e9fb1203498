"""A clean 300 dpi scan reads as well as the text PDF it was printed from: the same billed
line, holder and date, and the same verdict.

Each bill is drawn with the second bill maker in a layout of its own, printed to pictures at
300 dpi (no grain, no skew: a good office scanner) and saved as an image-only PDF.
"""

from __future__ import annotations

import io
from dataclasses import replace

import pypdfium2 as pdfium
import pytest
from billmaker2 import draw_bill
from PIL import Image
from test_scans_and_photos import CLAIM, SPEC

from ocr_checks import Report, examine

SCAN_DPI = 300


def clean_scan(pdf: bytes) -> bytes:
    doc = pdfium.PdfDocument(pdf)
    try:
        pages: list[Image.Image] = [
            doc[i].render(scale=SCAN_DPI / 72, grayscale=True).to_pil().convert("L")
            for i in range(len(doc))
        ]
    finally:
        doc.close()
    out = io.BytesIO()
    pages[0].save(out, format="PDF", resolution=SCAN_DPI, save_all=True, append_images=pages[1:])
    return out.getvalue()


def what_it_shows(report: Report) -> tuple[object, ...]:
    return (report.verdict, report.line_numbers, report.holder.match, report.bill_date)


@pytest.mark.parametrize(
    ("layout", "font"),
    [
        ("stacked", "Helvetica"),
        ("services_table", "Helvetica"),
        # Serif digits once had Tesseract box "(091)" over "524 611": the number went unread.
        ("label_column", "Times-Roman"),
    ],
)
def test_a_clean_300_dpi_scan_reads_like_its_text_pdf(layout: str, font: str) -> None:
    pdf = draw_bill(replace(SPEC, layout=layout, font=font, call_pages=0, calls=()))
    as_text = examine(pdf, CLAIM)
    as_scan = examine(clean_scan(pdf), CLAIM)
    assert as_text.source == "text" and as_scan.source == "ocr"
    assert as_text.verdict == "pass", as_text.reasons
    assert what_it_shows(as_scan) == what_it_shows(as_text), as_scan.reasons
