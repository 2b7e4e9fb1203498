"""Reading a bill file into a `Document`: the PDF text layer where there is one, OCR elsewhere.

PDFium opens the file first: it counts pages at once (pdfplumber takes seconds on a file of
thousands) and tells a password-locked file from a damaged one. Then pdfplumber reads the
words of every page with visible text in one pass, with the font attributes later rules need.
Pages with no text, or whose only text is invisible (render mode 3, the layer an OCR tool puts
under a scan), are rendered and handed to OCR.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from statistics import fmean
from typing import TYPE_CHECKING, Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.utils.text import extract_words
from PIL import Image

from ocr_checks.document import Document, Page, Source, Word
from ocr_checks.errors import BillError
from ocr_checks.expansion import check_expansion
from ocr_checks.formats import ACCEPTED_NAMES, format_of
from ocr_checks.limits import Limits
from ocr_checks.ocr import text_of_object

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

OCR_DPI = 200  # the OCR reader works at about 200 dpi on A4 whatever it is given
# Text render modes that paint nothing: 3 "neither fill nor stroke", 7 "add to clip path only".
_INVISIBLE = (3, 7)


def sniff(data: bytes) -> str:
    """The kind of bill file (`formats.BILL_FORMATS`: "pdf", "jpeg", "png", "heic", "webp")
    from the file's first bytes; `BillError("unsupported")` else.

    An empty file is `unreadable`: it is a bill that did not arrive, not a file of another kind.
    """
    if not data.strip():
        raise BillError("unreadable", "the file is empty")
    found = format_of(data)
    if found is None:
        raise BillError("unsupported", f"not a {ACCEPTED_NAMES}")
    return found.kind


def read_bill(data: bytes, limits: Limits) -> Document:
    """Read any supported bill file (call inside `run_guarded`)."""
    if len(data) > limits.max_bytes:
        raise BillError("too_large", f"{len(data)} bytes > {limits.max_bytes}")
    kind = sniff(data)
    if kind == "pdf":
        return read_pdf(data, limits)
    return read_image(data, limits)


def open_pdf(data: bytes, limits: Limits) -> pdfium.PdfDocument:
    """Open with PDFium, telling locked, damaged and over-long files apart."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if e.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise BillError("encrypted", "needs a user password") from e
        raise BillError("unreadable", str(e)) from e
    pages = len(pdf)
    if pages > limits.max_pages:
        pdf.close()
        raise BillError("too_many_pages", f"{pages} pages > {limits.max_pages}")
    if pages == 0:
        pdf.close()
        raise BillError("unreadable", "no pages")
    return pdf


def read_pdf(data: bytes, limits: Limits) -> Document:
    """Words of the pages that can hold the billed line (`Limits.judged_pages`, of which at
    most `Limits.ocr_pages` scanned): text layer where a page shows text, OCR elsewhere."""
    check_expansion(data, limits)
    pdf = open_pdf(data, limits)
    try:
        judged = min(len(pdf), limits.judged_pages)
        seen = [_visible_and_hidden(pdf[i]) for i in range(judged)]
        needs_ocr = [not visible for visible, _ in seen]
        pages: list[Page | None] = [None] * judged
        if not all(needs_ocr):
            _read_text_pages(data, needs_ocr, pages, [hidden for _, hidden in seen])
        for i, page in enumerate(pages):
            if page is not None and _unreadable_text(page):
                needs_ocr[i] = True  # glyphs with no Unicode behind them: read what is shown
        scans = [i for i, ocr in enumerate(needs_ocr) if ocr][: limits.ocr_pages]
        for i in scans:
            pages[i] = _ocr_pdf_page(pdf[i], i + 1, limits)
    finally:
        pdf.close()
    done = [p for p in pages if p is not None]
    return _document(done)


# A text layer is unreadable when this share of its words are glyphs without text: "(cid:12)"
# (a font with no ToUnicode map), U+FFFD or control characters.
UNREADABLE_SHARE = 0.3
_GARBAGE = re.compile(r"\(cid:\d+\)|[\ufffd\x00-\x08\x0e-\x1f]")


def _unreadable_text(page: Page) -> bool:
    """The page shows text whose layer does not say what it shows (so OCR reads it instead)."""
    if not page.words:
        return False
    garbage = sum(1 for w in page.words if _GARBAGE.search(w.text))
    return garbage >= UNREADABLE_SHARE * len(page.words)


@dataclass(frozen=True)
class _HiddenRun:
    """Invisible text on a page that also shows text: its characters and where they are."""

    text: str  # without spaces
    box: tuple[float, float, float, float]  # x0, top, x1, bottom (top-left origin)


def _visible_and_hidden(page: pdfium.PdfPage) -> tuple[bool, list[_HiddenRun]]:
    """Whether the page shows text of its own, and its invisible runs when it does."""
    visible = False
    hidden_objects = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=2):
        if pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw) in _INVISIBLE:
            hidden_objects.append(obj)
        else:
            visible = True
    if not visible or not hidden_objects:
        return visible, []
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        runs = []
        for obj in hidden_objects:
            text = "".join(text_of_object(obj.raw, textpage.raw).split())
            if text:
                left, bottom, right, top = obj.get_bounds()
                runs.append(_HiddenRun(text, (left, height - top, right, height - bottom)))
        return True, runs
    finally:
        textpage.close()


def _without_hidden(chars: list[dict[str, Any]], hidden: list[_HiddenRun]) -> list[dict[str, Any]]:
    """The page's characters less those of its invisible runs.

    pdfminer keeps characters in drawing order, so each invisible run is a contiguous stretch
    of characters spelling its text inside its box. Dropping it keeps text laid invisibly over
    the printed number from garbling the number, which then reads as printed (the hidden layer
    itself is the tamper checks' business).
    """
    drop: set[int] = set()
    printing = [i for i, c in enumerate(chars) if c["text"].strip()]
    for run in hidden:
        n = len(run.text)
        for k in range(len(printing) - n + 1):
            stretch = printing[k : k + n]
            if any(i in drop for i in stretch):
                continue
            if "".join(chars[i]["text"] for i in stretch) == run.text and all(
                _inside(chars[i], run.box) for i in stretch
            ):
                drop.update(stretch)
                break
    return [c for i, c in enumerate(chars) if i not in drop]


def _inside(char: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    mid_x = (float(char["x0"]) + float(char["x1"])) / 2
    mid_y = (float(char["top"]) + float(char["bottom"])) / 2
    return x0 - 1 <= mid_x <= x1 + 1 and top - 1 <= mid_y <= bottom + 1


def _read_text_pages(
    data: bytes, needs_ocr: list[bool], out: list[Page | None], hidden: list[list[_HiddenRun]]
) -> None:
    try:
        with pdfplumber.open(io.BytesIO(data)) as doc:
            for i, plumber_page in enumerate(doc.pages[: len(needs_ocr)]):
                if needs_ocr[i]:
                    continue
                n = i + 1
                words = [
                    Word(
                        text=w["text"],
                        page=n,
                        x0=float(w["x0"]),
                        top=float(w["top"]),
                        x1=float(w["x1"]),
                        bottom=float(w["bottom"]),
                        fontname=w.get("fontname"),
                        size=float(w["size"]) if w.get("size") is not None else None,
                    )
                    for w in _words(plumber_page, hidden[i])
                ]
                out[i] = Page(n, float(plumber_page.width), float(plumber_page.height), words)
    except BillError:
        raise
    except MemoryError:
        raise
    except Exception as e:  # pdfminer raises many types on damaged files
        raise BillError("unreadable", f"text layer: {type(e).__name__}: {e}") from e


def _words(plumber_page: Any, hidden: list[_HiddenRun]) -> list[dict[str, Any]]:
    attrs = ["fontname", "size"]
    if not hidden:
        words: list[dict[str, Any]] = plumber_page.extract_words(extra_attrs=attrs)
        return words
    chars = _without_hidden(plumber_page.chars, hidden)
    found: list[dict[str, Any]] = extract_words(chars, extra_attrs=attrs)
    return found


def _ocr_pdf_page(page: pdfium.PdfPage, number: int, limits: Limits) -> Page:
    width, height = page.get_size()
    scale = OCR_DPI / 72
    if width * height * scale * scale > limits.max_pixels:
        raise BillError("image_too_large", f"page {number} is {width:.0f}x{height:.0f} pt")
    image = page.render(scale=scale).to_pil()
    return _ocr(image, number, 1 / scale)


def read_image(data: bytes, limits: Limits) -> Document:
    """A photo, scan or screenshot (JPEG, PNG, HEIC, WebP) as one OCR page (upright, its long
    side an A4 long side)."""
    try:
        image = open_image(data)
        width, height = image.size
    except Image.DecompressionBombError as e:
        raise BillError("image_too_large", str(e)) from e
    except Exception as e:
        raise BillError("unreadable", f"image: {e}") from e
    if width * height > limits.max_pixels:
        raise BillError("image_too_large", f"{width}x{height} pixels")
    try:
        image.load()
    except Exception as e:
        raise BillError("unreadable", f"image: {e}") from e
    # Imported here: the OCR reader loads what a text PDF never needs.
    from ocr_checks.ocr import ocr_photo

    return _document([ocr_photo(image, 1)])


def open_image(data: bytes) -> PILImage:
    """The picture in an image file, opened lazily (size known, pixels not yet decoded).

    HEIC needs libheif's opener, registered with Pillow on the first HEIC file (a text bill
    never loads it); JPEG, PNG and WebP are Pillow's own.
    """
    if data[4:8] == b"ftyp":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    return Image.open(io.BytesIO(data))


def _ocr(image: PILImage, number: int, scale: float) -> Page:
    from ocr_checks.ocr import ocr_image

    return ocr_image(image, number, scale)


def _document(pages: list[Page]) -> Document:
    kinds = {p.source for p in pages}
    source: Source = "mixed" if len(kinds) > 1 else ("ocr" if kinds == {"ocr"} else "text")
    confidences = [
        w.confidence
        for p in pages
        if p.source == "ocr"
        for w in p.words
        if w.confidence is not None
    ]
    return Document(pages, source, round(fmean(confidences), 1) if confidences else None)
