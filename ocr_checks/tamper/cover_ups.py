"""Old text left in the text layer under an edit (``cover_up``).

Two different texts of like size drawn at one place (one run covering at least
``COVER_FRACTION`` of the other), or text that an opaque filled box drawn after it covers: what
a box over old text, with or without new text on top, leaves behind. Text under a picture drawn
after it is hidden text instead (see ``hidden_text``), as some scanners write it.
"""

from __future__ import annotations

import re

from ocr_checks.document import TamperSignal
from ocr_checks.tamper.drawing import PageView, Run

COVER_FRACTION = 0.5  # of the smaller run's box covered by the other run


def cover_up_signals(view: PageView) -> list[TamperSignal]:
    """Two different texts at one place, or text painted out by a box drawn after it."""
    runs = sorted((r for r in view.runs if not r.hidden), key=lambda r: r.box[1])
    for i, under in enumerate(runs):
        for over in runs[i + 1 :]:
            if over.box[1] >= under.box[3]:
                break  # sorted by bottom: no later run reaches down into this one
            if not _similar_size(under, over):
                continue  # a "PAID" stamp across a line is not an edit of it
            if _overlap_fraction(under.box, over.box) < COVER_FRACTION:
                continue
            first, second = sorted((under, over), key=lambda r: r.order)
            old, new = view.text(first).strip(), view.text(second).strip()
            if old and new and _squash(old) != _squash(new):
                return [
                    TamperSignal(
                        "cover_up",
                        f"On page {view.number}, “{new}” is drawn over “{old}”: "
                        "the text layer holds both at one place.",
                    )
                ]
    for run in view.runs:
        if run.painted_over and not run.hidden and view.text(run).strip():
            return [
                TamperSignal(
                    "cover_up",
                    f"On page {view.number}, “{view.text(run).strip()}” is painted over by a "
                    "filled box drawn after it.",
                )
            ]
    return []


def _overlap_fraction(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float]
) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height / smaller if smaller > 0 else 0.0


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _similar_size(a: Run, b: Run) -> bool:
    ha, hb = a.box[3] - a.box[1], b.box[3] - b.box[1]
    return max(ha, hb) <= 1.5 * max(min(ha, hb), 0.1)
