"""Text a reader does not see that says something the page does not (``invisible_text``).

Hidden text is invisible (render mode 3 or 7), fully transparent, white with nothing dark drawn
beneath it, or under a picture drawn after it. It is a signal only when it says something the
visible page does not (its visible text, or our OCR of a scanned page): a scanner's invisible
OCR layer matching the picture is normal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ocr_checks.document import Page, TamperSignal
from ocr_checks.tamper.drawing import PageView


def _tokens(text: str) -> Iterator[str]:
    for raw in text.split():
        token = re.sub(r"[^\w]", "", raw.casefold())
        if len(token) >= 3:
            yield token


def invisible_text_signals(view: PageView, ocr_page: Page | None) -> list[TamperSignal]:
    """An ``invisible_text`` signal for a page whose hidden text is not on the page
    (``ocr_page`` is our OCR of it when it is a scan)."""
    hidden = [r for r in view.runs if r.hidden]
    if not hidden:
        return []
    seen = [view.text(r) for r in view.runs if r.shown]
    if ocr_page is not None:
        seen += [w.text for w in ocr_page.words]
    seen_words = {t for text in seen for t in _tokens(text)}
    seen_digits = "|".join(re.sub(r"\D", "", text) for text in seen)
    unexplained = []
    for run in hidden:
        text = view.text(run)
        for token in _tokens(text):
            digits = re.sub(r"\D", "", token)
            if token in seen_words or (len(digits) >= 3 and digits in seen_digits):
                continue
            unexplained.append(text.strip())
            break
    if not unexplained:
        return []
    shown = "; ".join(f"“{t[:60]}”" for t in unexplained[:3])
    return [
        TamperSignal(
            "invisible_text",
            f"Page {view.number} holds text that is not shown and not on the page: {shown}.",
        )
    ]
