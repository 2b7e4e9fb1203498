"""What an operator's bill never carries: scripts that run on open, and files inside the file.

- ``javascript``: document-level scripts (the Names tree, counted by PDFium) or a JavaScript
  or Launch action anywhere in the file's objects (an /OpenAction, a page's or a field's
  additional actions). Billing systems write static documents; a script is there to do
  something to the reader, or to change what the page shows after it was issued.
- ``embedded_file``: embedded files (the EmbeddedFiles tree, counted by PDFium) or a file
  attachment annotation. A bill is a statement, not a carrier of other files.

Objects inside compressed object streams are only seen through PDFium's counts, which cover the
Names trees wherever they are stored.
"""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ocr_checks.document import TamperSignal

_SCRIPT = re.compile(rb"/S\s*/(JavaScript|Launch)\b|/JS\s*[(<\[]|/JS\s+\d+\s+\d+\s+R")
_ATTACHMENT = re.compile(rb"/Subtype\s*/FileAttachment\b|/Type\s*/EmbeddedFile\b")


def active_content_signals(pdf: pdfium.PdfDocument, data: bytes) -> list[TamperSignal]:
    """The ``javascript`` and ``embedded_file`` signals of an open PDF and its bytes."""
    signals = []
    named = max(0, pdfium_c.FPDFDoc_GetJavaScriptActionCount(pdf.raw))
    actions = len(_SCRIPT.findall(data))
    if named or actions:
        where = []
        if named:
            where.append(f"{named} document script(s)")
        if actions:
            where.append(f"{actions} script or launch action(s)")
        signals.append(
            TamperSignal(
                "javascript",
                f"The file holds {' and '.join(where)} that run when it is opened; "
                "operators' bills carry none.",
            )
        )
    attached = max(0, pdfium_c.FPDFDoc_GetAttachmentCount(pdf.raw))
    if attached or _ATTACHMENT.search(data):
        count = attached or len(_ATTACHMENT.findall(data))
        signals.append(
            TamperSignal(
                "embedded_file",
                f"The file carries {count} embedded file(s); operators' bills carry none.",
            )
        )
    return signals
