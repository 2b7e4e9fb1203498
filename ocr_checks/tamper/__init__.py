"""Signs that a bill was edited after its issuer produced it.

``find_tamper_signals(data, document)`` looks at the file itself (through PDFium, which reports
what pdfplumber does not: render modes, fill colours, fonts per text run, drawing order) and at
what was read from it (``document``, for the OCR words of scanned pages). Each signal is a kind
and a sentence for the reviewer:

- ``online_editor``: Producer or Creator names a known online PDF editor (``ONLINE_EDITORS``).
  A telco's billing system never produces its bills with one of these.
- ``modified_later``: ModDate is more than ``MODIFIED_LATER_AFTER`` (one day) after CreationDate.
  Billing systems write a bill once; a later modification date means someone saved it again.
- ``incremental_update``: the file holds more than one revision and a later one changes what a
  page shows (its text or its drawing objects). Updates that only add annotations, form fields
  or a signature change no page content and are not flagged; a linearized file's first-page
  section (its extra ``%%EOF``) is not a revision. The first revision that opens on its own is
  compared with the final file, page by page (text, position and kind of every object).
- ``invisible_text``: text that is not seen (render mode 3 or 7, fully transparent, white fill
  with nothing dark drawn beneath it, or under a picture drawn after it) and that says
  something the visible page does not (its visible text, or our OCR of a scanned page). A
  scanner's invisible OCR layer matching the picture is normal.
- ``cover_up``: two different texts of like size drawn at one place (one run covering at least
  half of the other), or text that an opaque filled box drawn after it covers: what a box over
  old text, with or without new text on top, leaves in the text layer. Also a number that a
  picture or box drawn after it overlaps and whose digits, rendered and read by OCR, are not
  the text layer's (``overlays``: the page shows one number, the text layer says another).
  (Text wholly under a picture drawn after it is otherwise treated as a hidden layer, as some
  scanners write it.)
- ``font_mismatch``: a phone-number-like run drawn in a font family that no other text on its
  line uses (style variants such as Bold or Italic count as the same family).
- ``redrawn_digits`` (from the words read off the text layer, with their fonts and sizes): a
  phone number assembled from runs whose digits differ in font family,
  size or baseline, or a whole number off its line's baseline in its line's own size and font:
  digits redrawn by an editor. A number in bold, or larger than its label, is a style, not this.
- ``javascript`` and ``embedded_file``: a script run on open (or a launch action), or a file
  carried inside the PDF: operators' bills do neither (``active_content``).

Photos and screenshots (image files) have no file structure to inspect: nothing is returned
for them. Image-only PDFs still get the metadata and revision checks. Cost: a few milliseconds
per page, all in PDFium; a run's text is only read when a check needs it.

One module per check: ``metadata`` (online_editor, modified_later), ``revisions``
(incremental_update), ``hidden_text`` (invisible_text), ``cover_ups`` (cover_up),
``font_mismatch``, ``redrawn`` (redrawn_digits) and ``active_content`` (javascript,
embedded_file), all reading pages through ``drawing`` (and ``fonts`` for font families).
"""

from __future__ import annotations

import pypdfium2 as pdfium

from ocr_checks.document import Document, TamperSignal
from ocr_checks.tamper.active_content import active_content_signals
from ocr_checks.tamper.cover_ups import COVER_FRACTION, cover_up_signals
from ocr_checks.tamper.drawing import open_page
from ocr_checks.tamper.font_mismatch import font_mismatch_signals
from ocr_checks.tamper.fonts import font_family
from ocr_checks.tamper.hidden_text import invisible_text_signals
from ocr_checks.tamper.metadata import (
    MODIFIED_LATER_AFTER,
    ONLINE_EDITORS,
    metadata_signals,
    parse_pdf_date,
)
from ocr_checks.tamper.overlays import overlay_signals
from ocr_checks.tamper.redrawn import redrawn_digit_signals
from ocr_checks.tamper.revisions import incremental_update_signals, revision_ends

__all__ = [
    "COVER_FRACTION",
    "MODIFIED_LATER_AFTER",
    "ONLINE_EDITORS",
    "find_tamper_signals",
    "font_family",
    "parse_pdf_date",
    "revision_ends",
]


def find_tamper_signals(data: bytes, document: Document) -> list[TamperSignal]:
    """Every tamper signal found in a PDF's bytes, judged with what was read from it."""
    if b"%PDF-" not in data[:1024]:
        return []
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return []
    try:
        signals = metadata_signals(pdf.get_metadata_dict())
        signals += active_content_signals(pdf, data)
        ends = revision_ends(data)
        final_prints: list[tuple[object, ...]] = []
        page_signals: list[TamperSignal] = []
        ocr_pages = {p.number: p for p in document.pages if p.source == "ocr"}
        text_pages = {p.number: p for p in document.pages if p.source == "text"}
        # The pages judged (all when none were read), and every page when revisions compare.
        judged = {p.number for p in document.pages} or set(range(1, len(pdf) + 1))
        for index in range(len(pdf)):
            if index + 1 not in judged and len(ends) <= 1:
                continue
            with open_page(pdf, index) as view:
                if view.number in judged:
                    page_signals += invisible_text_signals(view, ocr_pages.get(view.number))
                    covered = cover_up_signals(view)
                    page_signals += covered or overlay_signals(view)
                    page_signals += font_mismatch_signals(view)
                    if view.number in text_pages:
                        page_signals += redrawn_digit_signals(text_pages[view.number])
                if len(ends) > 1:
                    final_prints.append(view.fingerprint())
        if len(ends) > 1:
            signals += incremental_update_signals(data, ends, final_prints)
        return signals + page_signals
    finally:
        pdf.close()
