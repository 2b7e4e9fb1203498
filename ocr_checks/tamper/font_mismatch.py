"""A phone number typed in over the issuer's (``font_mismatch``): a phone-number-like run drawn
in a font family that no other text on its line uses (Bold, Italic... count as the family)."""

from __future__ import annotations

import re
from collections import Counter

from ocr_checks.document import TamperSignal
from ocr_checks.tamper.drawing import PageView, Run


def font_mismatch_signals(view: PageView) -> list[TamperSignal]:
    """A ``font_mismatch`` signal for the first such run on the page."""
    visible = [r for r in view.runs if r.shown and r.family]
    for line in _lines(visible):
        if len(line) < 2:
            continue
        families = Counter(r.family for r in line)
        for run in line:
            if families[run.family] > 1 or not _looks_like_phone_number(view.text(run)):
                continue
            others = ", ".join(sorted(f or "" for f in families if f != run.family))
            return [
                TamperSignal(
                    "font_mismatch",
                    f"On page {view.number}, “{view.text(run).strip()}” is drawn in "
                    f"{run.family}, a font nothing else on its line uses ({others}).",
                )
            ]
    return []


def _looks_like_phone_number(text: str) -> bool:
    compact = re.sub(r"\s+", "", text)
    digits = sum(c.isdigit() for c in compact)
    return digits >= 6 and sum(c.isdigit() or c in "+()-./" for c in compact) >= 0.8 * len(compact)


def _lines(runs: list[Run]) -> list[list[Run]]:
    """Runs grouped into lines: bottoms within a third of the text height of the line's first."""
    lines: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: r.box[1]):
        if lines:
            head = lines[-1][0]
            height = max(min(head.box[3] - head.box[1], run.box[3] - run.box[1]), 1.0)
            if run.box[1] - head.box[1] <= 0.35 * height:
                lines[-1].append(run)
                continue
        lines.append([run])
    return lines
