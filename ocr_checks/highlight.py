"""A PNG crop of the bill around the billed number and the holder's name, boxes drawn, for the
staff approval card ("show the working")."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from ocr_checks.limits import Limits, run_guarded
from ocr_checks.pdf_text import open_image, sniff
from ocr_checks.report import Report

SCALE = 2.0  # render at 144 dpi: readable on a card, small as a file
MARGIN = 36.0  # points of context around the boxes
NUMBER_COLOUR = (220, 30, 30)
HOLDER_COLOUR = (30, 90, 220)


def render_highlight(data: bytes, report: Report, *, limits: Limits | None = None) -> bytes | None:
    """PNG bytes of the crop, or None when the bill shows neither the number nor the name.

    The page shown is the one with the number (its line role first); the holder's name is boxed
    too when it is on that page. Rendering runs under the same limits as reading.
    """
    limits = limits or Limits()
    numbers = sorted(report.matches, key=lambda m: m.role != "line")
    page = numbers[0].page if numbers else report.holder.page
    if page is None:
        return None
    boxes: list[tuple[list[float], tuple[int, int, int]]] = [
        (m.bbox, NUMBER_COLOUR) for m in numbers if m.page == page
    ]
    if report.holder.page == page and report.holder.bbox is not None:
        boxes.append((report.holder.bbox, HOLDER_COLOUR))
    width, height = report.page_sizes[page - 1]
    return run_guarded(limits, _draw, data, page, width, height, boxes)


def write_highlight(data: bytes, report: Report, out: Path) -> bool:
    """Write the crop to `out`; False (nothing written) when there is nothing to show."""
    png = render_highlight(data, report)
    if png is None:
        return False
    out.write_bytes(png)
    return True


def _draw(
    data: bytes,
    page: int,
    width: float,
    height: float,
    boxes: list[tuple[list[float], tuple[int, int, int]]],
) -> bytes:
    image = _page_image(data, page)
    # Boxes are in points; the image may be at any resolution (a photo, a render).
    sx, sy = image.width / width, image.height / height
    draw = ImageDraw.Draw(image)
    for (x0, top, x1, bottom), colour in boxes:
        draw.rectangle(
            (x0 * sx - 3, top * sy - 3, x1 * sx + 3, bottom * sy + 3), outline=colour, width=3
        )
    x0 = min(b[0][0] for b in boxes) - MARGIN
    top = min(b[0][1] for b in boxes) - MARGIN
    x1 = max(b[0][2] for b in boxes) + MARGIN
    bottom = max(b[0][3] for b in boxes) + MARGIN
    crop = image.crop(
        (
            max(0, int(x0 * sx)),
            max(0, int(top * sy)),
            min(image.width, int(x1 * sx)),
            min(image.height, int(bottom * sy)),
        )
    )
    out = io.BytesIO()
    crop.save(out, format="PNG")
    return out.getvalue()


def _page_image(data: bytes, page: int) -> Image.Image:
    if sniff(data) != "pdf":
        return open_image(data).convert("RGB")
    pdf = pdfium.PdfDocument(data)
    try:
        image: Image.Image = pdf[page - 1].render(scale=SCALE).to_pil()
        return image.convert("RGB")
    finally:
        pdf.close()
