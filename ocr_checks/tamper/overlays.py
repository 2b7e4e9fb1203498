"""A number whose text layer says one thing while the page shows another (``cover_up``): a
picture or an opaque box laid over part or all of it after it was drawn.

Only numbers that something drawn later overlaps are looked at, so an ordinary bill costs
nothing here. For each, the page is rendered around the number and read by OCR: when the
picture shows the same digits (a scanner's picture over its own text layer, a stamp that leaves
the digits readable) nothing is said; when the digits shown differ from the text layer's, or
cannot be read at all, the reviewer is told what each says.
"""

from __future__ import annotations

import re

from PIL import Image

from ocr_checks.document import TamperSignal
from ocr_checks.ocr import OcrUnavailable, read_line
from ocr_checks.tamper.drawing import PageView, Run

MIN_HEIGHT_COVERED = 0.5  # of a run's height, for something drawn later to hide a glyph
MIN_DIGITS = 7
SCAN_FRACTION = 0.5  # of the page: a picture this large is a scanned page
RENDER_DPI = 300
MAX_READ_PER_PAGE = 4  # each read is a Tesseract run (a tenth of a second or so)
_PAD = 3.0  # points around the number's box


def overlay_signals(view: PageView) -> list[TamperSignal]:
    """A ``cover_up`` signal for the first number whose rendered digits differ from its text."""
    if view.page is None:
        return []
    width, height = view.page.get_size()
    # A picture over most of the page is a scan over its own text layer: the hidden-text check
    # compares that layer with our OCR of the whole page.
    covers = [
        c for c in view.covers if c[1] != "image" or _area(c[2]) < SCAN_FRACTION * width * height
    ]
    if not covers:
        return []
    read = 0
    for run in view.runs:
        if run.painted_over or read >= MAX_READ_PER_PAGE:
            continue  # a box over all of it is the cover_ups check's (the text is painted out)
        if not _overlapped(run, covers):
            continue
        text = view.text(run)
        digits = re.sub(r"\D", "", text)
        if len(digits) < MIN_DIGITS:
            continue
        read += 1
        try:
            shown = read_line(_render_around(view, run))
        except OcrUnavailable:
            return []  # nothing to compare with: no claim either way
        if digits not in re.sub(r"\D", "", shown):
            seen = f"“{shown}”" if shown else "nothing readable"
            return [
                TamperSignal(
                    "cover_up",
                    f"On page {view.number}, the text layer says “{text.strip()}” but the page "
                    f"shows {seen} there: something is drawn over it.",
                )
            ]
    return []


def _overlapped(run: Run, covers: list[tuple[int, str, tuple[float, float, float, float]]]) -> bool:
    """Something drawn after the run covers at least one of its glyphs: most of the line's
    height over at least half a character's width (a rule under the line or a box touching its
    edge covers no glyph)."""
    left, bottom, right, top = run.box
    glyph = 0.3 * (run.size or (top - bottom))
    for order, _kind, (c_left, c_bottom, c_right, c_top) in covers:
        if order <= run.order:
            continue
        width = min(right, c_right) - max(left, c_left)
        height = min(top, c_top) - max(bottom, c_bottom)
        if width >= glyph and height >= MIN_HEIGHT_COVERED * (top - bottom):
            return True
    return False


def _area(box: tuple[float, float, float, float]) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _render_around(view: PageView, run: Run) -> Image.Image:
    """The page around the run, rendered at RENDER_DPI, in grey."""
    assert view.page is not None
    width, height = view.page.get_size()
    left, bottom, right, top = run.box
    crop = (
        max(0.0, left - _PAD),
        max(0.0, bottom - _PAD),
        max(0.0, width - right - _PAD),
        max(0.0, height - top - _PAD),
    )
    bitmap = view.page.render(scale=RENDER_DPI / 72, crop=crop, grayscale=True)
    image: Image.Image = bitmap.to_pil().convert("L")
    return image
