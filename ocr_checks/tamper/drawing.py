"""What a page draws, as PDFium sees it: text runs and shapes in drawing order.

PDFium reports what pdfplumber does not: render modes, fill colours, fonts per text run and
drawing order. Each run is marked hidden (invisible render mode, transparent, white on white,
or under a picture drawn after it) or painted over (under an opaque box drawn after it).
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ocr_checks.ocr import text_of_object
from ocr_checks.tamper.fonts import run_family

_HIDDEN_MODES = {pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE, pdfium_c.FPDF_TEXTRENDERMODE_CLIP}
_WHITE = 240  # a fill at least this light on every channel is white on paper


@dataclass
class Run:
    """One text object: a run of text in one font, one colour, one render mode."""

    raw: object  # the PDFium text object, valid while its page is open
    box: tuple[float, float, float, float]  # left, bottom, right, top (PDF user space)
    hidden: bool  # invisible render mode, transparent, white on white, or under a picture
    family: str | None
    order: int
    painted_over: bool = False  # a filled box drawn later covers it
    text: str | None = None  # read on demand: most checks never need most runs' text
    size: float = 0.0  # font size on the page, in points (0 when unknown)

    @property
    def shown(self) -> bool:
        return not self.hidden and not self.painted_over


@dataclass
class PageView:
    """What one page draws, in drawing order; text read lazily while the page is open."""

    number: int
    textpage: object
    runs: list[Run]
    shapes: list[tuple[str, tuple[float, float, float, float]]]  # (type, box) of non-text objects
    # Opaque boxes and pictures, (drawing order, "box" or "image", box): what can hide text.
    covers: list[tuple[int, str, tuple[float, float, float, float]]] = field(default_factory=list)
    page: pdfium.PdfPage | None = None  # open while the view is, for rendering a part of it

    def text(self, run: Run) -> str:
        """The run's text, read from PDFium the first time it is asked for."""
        if run.text is None:
            run.text = text_of_object(run.raw, self.textpage)
        return run.text

    def fingerprint(self) -> tuple[object, ...]:
        """Text, position and kind of every object: equal for pages that show the same."""
        runs = tuple((self.text(r), _rounded(r.box), r.hidden) for r in self.runs)
        return runs, tuple((kind, _rounded(box)) for kind, box in self.shapes)


def _rounded(box: tuple[float, float, float, float]) -> tuple[int, ...]:
    return tuple(round(v) for v in box)


@contextmanager
def open_page(pdf: pdfium.PdfDocument, index: int) -> Iterator[PageView]:
    """The view of page ``index`` (from 0), valid until the block ends."""
    page = pdf[index]
    textpage = page.get_textpage()
    try:
        runs: list[Run] = []
        shapes: list[tuple[str, tuple[float, float, float, float]]] = []
        dark_under: list[tuple[float, float, float, float]] = []
        covers: list[tuple[int, str, tuple[float, float, float, float]]] = []
        fonts: dict[int, str | None] = {}
        for order, raw in enumerate(_page_objects(page.raw)):
            kind = pdfium_c.FPDFPageObj_GetType(raw)
            box = _bounds(raw)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                hidden = _is_hidden(raw, box, dark_under)
                run = Run(raw, box, hidden, run_family(raw, fonts), order)
                run.size = _font_size(raw)
                runs.append(run)
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                shapes.append(("image", box))
                dark_under.append(box)
                covers.append((order, "image", box))
            elif kind != pdfium_c.FPDF_PAGEOBJ_FORM:
                shapes.append(("path", box))
                colour = _path_fill(raw)
                if colour is not None and colour[3] > 0 and min(colour[:3]) < _WHITE:
                    dark_under.append(box)
                if colour is not None and colour[3] == 255:
                    covers.append((order, "box", box))
        _mark_covered(runs, covers)
        yield PageView(index + 1, textpage.raw, runs, shapes, covers, page)
    finally:
        textpage.close()
        page.close()


def _page_objects(page: object, depth: int = 4) -> Iterator[object]:
    """Every object a page draws, in drawing order, into form XObjects ``depth`` deep."""
    for i in range(pdfium_c.FPDFPage_CountObjects(page)):
        raw = pdfium_c.FPDFPage_GetObject(page, i)
        yield raw
        if depth and pdfium_c.FPDFPageObj_GetType(raw) == pdfium_c.FPDF_PAGEOBJ_FORM:
            yield from _form_objects(raw, depth - 1)


def _form_objects(form: object, depth: int) -> Iterator[object]:
    for i in range(pdfium_c.FPDFFormObj_CountObjects(form)):
        raw = pdfium_c.FPDFFormObj_GetObject(form, i)
        yield raw
        if depth and pdfium_c.FPDFPageObj_GetType(raw) == pdfium_c.FPDF_PAGEOBJ_FORM:
            yield from _form_objects(raw, depth - 1)


def _bounds(raw: object) -> tuple[float, float, float, float]:
    left, bottom, right, top = (
        ctypes.c_float(),
        ctypes.c_float(),
        ctypes.c_float(),
        ctypes.c_float(),
    )
    ok = pdfium_c.FPDFPageObj_GetBounds(
        raw, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)
    )
    if not ok:
        return (0.0, 0.0, 0.0, 0.0)
    return (left.value, bottom.value, right.value, top.value)


def _font_size(raw: object) -> float:
    """The run's font size on the page (its own size scaled by its matrix), 0 when unknown."""
    matrix = pdfium_c.FS_MATRIX()
    size = ctypes.c_float()
    if not pdfium_c.FPDFPageObj_GetMatrix(raw, ctypes.byref(matrix)):
        return 0.0
    if not pdfium_c.FPDFTextObj_GetFontSize(raw, ctypes.byref(size)):
        return 0.0
    return size.value * float(np.hypot(matrix.c, matrix.d))


def _fill(raw: object) -> tuple[int, int, int, int] | None:
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    ok = pdfium_c.FPDFPageObj_GetFillColor(
        raw, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)
    )
    return (r.value, g.value, b.value, a.value) if ok else None


def _path_fill(raw: object) -> tuple[int, int, int, int] | None:
    """The fill colour of a filled path, None for a path that is only stroked."""
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(raw, ctypes.byref(fill_mode), ctypes.byref(stroke)):
        return None
    if fill_mode.value == pdfium_c.FPDF_FILLMODE_NONE:
        return None
    return _fill(raw)


def _mark_covered(
    runs: list[Run], covers: list[tuple[int, str, tuple[float, float, float, float]]]
) -> None:
    """Mark text that an opaque box or picture drawn after it covers (mostly) from view."""
    if not runs or not covers:
        return
    boxes = np.array([r.box for r in runs], dtype=np.float64)
    orders = np.array([r.order for r in runs])
    areas = np.maximum((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]), 1e-6)
    for order, kind, (left, bottom, right, top) in covers:
        width = np.minimum(boxes[:, 2], right) - np.maximum(boxes[:, 0], left)
        height = np.minimum(boxes[:, 3], top) - np.maximum(boxes[:, 1], bottom)
        covered = (orders < order) & (
            np.clip(width, 0, None) * np.clip(height, 0, None) >= 0.8 * areas
        )
        for i in np.flatnonzero(covered):
            # Under a picture it is a hidden layer (a scan's OCR text); under a box, painted out.
            if kind == "image":
                runs[i].hidden = True
            else:
                runs[i].painted_over = True


def _is_hidden(
    raw: object,
    box: tuple[float, float, float, float],
    dark_under: Sequence[tuple[float, float, float, float]],
) -> bool:
    """Text no reader sees: invisible render mode, transparent, or white on a white page."""
    if pdfium_c.FPDFTextObj_GetTextRenderMode(raw) in _HIDDEN_MODES:
        return True
    colour = _fill(raw)
    if colour is None:
        return False
    if colour[3] == 0:
        return True
    if min(colour[:3]) < _WHITE:
        return False
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    on_dark = any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in dark_under)
    return not on_dark
