"""Reading a bill file into a `Document`: the PDF text layer where there is one, OCR elsewhere.

PDFium opens the file first: it counts pages at once (pdfplumber takes seconds on a file of
thousands) and tells a password-locked file from a damaged one. Then pdfplumber reads the
words of every page with visible text in one pass, with the font attributes later rules need.
Pages with no text, or whose only text is invisible (render mode 3, the layer an OCR tool puts
under a scan), are rendered and handed to OCR.
"""

from __future__ import annotations

import io
from statistics import fmean
from typing import TYPE_CHECKING

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from ocr_checks.document import Document, Page, Source, Word
from ocr_checks.errors import BillError
from ocr_checks.limits import Limits

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

OCR_DPI = 200  # the OCR reader works at about 200 dpi on A4 whatever it is given
_INVISIBLE = 3  # PDF text render mode "neither fill nor stroke"


def sniff(data: bytes) -> str:
    """ "pdf", "jpeg" or "png" from the file's first bytes; `BillError("unsupported")` else."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    raise BillError("unsupported", "not a PDF, JPEG or PNG")


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
    """Words of every page: text layer for pages with visible text, OCR for the others."""
    pdf = open_pdf(data, limits)
    try:
        needs_ocr = [not _has_visible_text(pdf[i]) for i in range(len(pdf))]
        pages: list[Page | None] = [None] * len(pdf)
        if not all(needs_ocr):
            _read_text_pages(data, needs_ocr, pages)
        for i, ocr in enumerate(needs_ocr):
            if ocr:
                pages[i] = _ocr_pdf_page(pdf[i], i + 1, limits)
    finally:
        pdf.close()
    done = [p for p in pages if p is not None]
    return _document(done)


def _has_visible_text(page: pdfium.PdfPage) -> bool:
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=2):
        if pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw) != _INVISIBLE:
            return True
    return False


def _read_text_pages(data: bytes, needs_ocr: list[bool], out: list[Page | None]) -> None:
    try:
        with pdfplumber.open(io.BytesIO(data)) as doc:
            for i, plumber_page in enumerate(doc.pages):
                if i >= len(needs_ocr) or needs_ocr[i]:
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
                    for w in plumber_page.extract_words(extra_attrs=["fontname", "size"])
                ]
                out[i] = Page(n, float(plumber_page.width), float(plumber_page.height), words)
    except BillError:
        raise
    except MemoryError:
        raise
    except Exception as e:  # pdfminer raises many types on damaged files
        raise BillError("unreadable", f"text layer: {type(e).__name__}: {e}") from e


def _ocr_pdf_page(page: pdfium.PdfPage, number: int, limits: Limits) -> Page:
    width, height = page.get_size()
    scale = OCR_DPI / 72
    if width * height * scale * scale > limits.max_pixels:
        raise BillError("image_too_large", f"page {number} is {width:.0f}x{height:.0f} pt")
    image = page.render(scale=scale).to_pil()
    return _ocr(image, number, 1 / scale)


def read_image(data: bytes, limits: Limits) -> Document:
    """A photo or scan (JPEG/PNG) as one OCR page (upright, its long side an A4 long side)."""
    try:
        image = Image.open(io.BytesIO(data))
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
