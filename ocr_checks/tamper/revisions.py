"""Revisions appended to a file after it was made (``incremental_update``).

A revision ends with ``startxref`` and ``%%EOF``; a linearized file's first-page section is not
a revision of its own. Only a later revision that changes what a page shows is a signal.
"""

from __future__ import annotations

import re

import pypdfium2 as pdfium

from ocr_checks.document import TamperSignal
from ocr_checks.tamper.drawing import open_page

# A revision ends with its cross-reference offset and the end marker; matching both keeps a
# stray "%%EOF" inside a stream from counting.
_EOF = re.compile(rb"startxref\s+\d+\s+%%EOF[ \t\r\n]*")
_EARLIER_REVISIONS_TRIED = 3
_LINEARIZED_LENGTH = re.compile(rb"/Linearized\b[^>]*?/L\s+(\d+)", re.DOTALL)


def revision_ends(data: bytes) -> list[int]:
    """Byte offsets where each revision of the file ends (a linearized file's first part is no
    revision of its own)."""
    ends = [m.end() for m in _EOF.finditer(data)]
    head = _LINEARIZED_LENGTH.search(data[:2048])
    if head:
        base = int(head.group(1))
        later = [e for e in ends if e > base + 16]
        return [min(base, len(data)), *later]
    return ends


def incremental_update_signals(
    data: bytes, ends: list[int], final_prints: list[tuple[object, ...]]
) -> list[TamperSignal]:
    """An ``incremental_update`` signal when the first revision that opens on its own shows
    pages other than ``final_prints`` (the final file's page fingerprints)."""
    # The bill as first saved against the file as it is now: intermediate revisions do not
    # matter, and a file of thousands of revisions costs no more than one of two. When the
    # first one cannot be opened on its own, the next few are tried.
    for k, end in enumerate(ends[: min(len(ends) - 1, _EARLIER_REVISIONS_TRIED)], start=1):
        try:
            earlier = pdfium.PdfDocument(data[:end])
        except pdfium.PdfiumError:
            continue
        try:
            prints = []
            for i in range(len(earlier)):
                with open_page(earlier, i) as view:
                    prints.append(view.fingerprint())
        finally:
            earlier.close()
        if prints == final_prints:
            return []
        changed = [
            str(i + 1)
            for i in range(max(len(prints), len(final_prints)))
            if i >= len(prints) or i >= len(final_prints) or prints[i] != final_prints[i]
        ]
        return [
            TamperSignal(
                "incremental_update",
                f"The file was saved again after it was made ({len(ends)} revisions): "
                f"page {', '.join(changed)} now differs from revision {k}, as first saved.",
            )
        ]
    return []
