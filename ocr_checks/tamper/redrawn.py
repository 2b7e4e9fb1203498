"""Digits of a phone number redrawn by an editor (``redrawn_digits``).

A billing system sets a number in one go: every digit in one font family, one size, on its
line's baseline. Someone who edits a few digits with a PDF editor draws them as a new text run,
and it rarely matches: another family (the editor's substitute for a font it cannot embed), a
size a fraction off, or a baseline a point higher or lower. So a number assembled from several
runs whose digits differ in family, size or baseline is a signal, as is a whole number sitting
off its line's baseline while set in its line's size.

What is normal is left alone: a number wholly in bold, or in a larger size than its label (a
style chosen for the whole number); a number drawn as two runs that differ only in style
(Bold then Regular, as some operators' templates do); numbers on lines of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ocr_checks.document import Page, TamperSignal
from ocr_checks.tamper.fonts import font_family

SIZE_TOLERANCE = 0.03  # of the font size: sizes closer than this are one size
BASELINE_TOLERANCE = 0.08  # of the font size: baselines closer than this are one baseline
JOIN_GAP = 0.8  # of the font size: runs closer than this, digits to digits, form one number
NEIGHBOUR_GAP = 12.0  # of the font size: text this near beside a number is its line's
MAX_NUDGE = 0.3  # of the font size: a baseline further off belongs to another line
MIN_DIGITS = 7  # a phone number, not an amount or a date
_NUMBERISH = r"[\d+()\-./\u00a0\u2009\u202f ]"
_TAIL = re.compile(rf"{_NUMBERISH}*$")
_HEAD = re.compile(rf"^{_NUMBERISH}*")


def _tail(text: str) -> str:
    """The number-like end of a run's text ("Phone: 01 605 " -> " 01 605 ")."""
    found = _TAIL.search(text)
    return found.group() if found else ""


def _head(text: str) -> str:
    """The number-like start of a run's text ("3382 (mobile)" -> "3382 (")."""
    found = _HEAD.search(text)
    return found.group() if found else ""


@dataclass
class _Piece:
    text: str
    x0: float
    x1: float
    size: float
    family: str | None
    baseline: float  # the word's bottom (top-left origin): alike for digits of one font and size


def redrawn_digit_signals(page: Page) -> list[TamperSignal]:
    """A ``redrawn_digits`` signal for the first number on a text page drawn unlike itself or its
    line. Read from the words already taken from the text layer (with their font and size), so
    it costs no second pass over the PDF."""
    if page.source != "text":
        return []
    families: dict[str, str] = {}
    pieces = []
    for w in page.words:
        if not w.size or not w.fontname:
            continue
        if w.fontname not in families:
            families[w.fontname] = font_family(w.fontname)
        pieces.append(_Piece(w.text, w.x0, w.x1, w.size, families[w.fontname], w.bottom))
    for line in _lines(pieces):
        for chain in _numbers(line):
            detail = _chain_mismatch(chain) or _off_baseline(chain, line)
            if detail:
                number = " ".join(p.text for p in chain).strip()
                return [
                    TamperSignal(
                        "redrawn_digits", f"On page {page.number}, the number “{number}”: {detail}."
                    )
                ]
    return []


def _lines(pieces: list[_Piece]) -> list[list[_Piece]]:
    """Pieces grouped into lines (baselines within half a font size), each left to right."""
    lines: list[list[_Piece]] = []
    for piece in sorted(pieces, key=lambda p: p.baseline):
        if lines:
            head = lines[-1][0]
            if piece.baseline - head.baseline <= 0.45 * min(head.size, piece.size):
                lines[-1].append(piece)
                continue
        lines.append([piece])
    return [sorted(line, key=lambda p: p.x0) for line in lines]


def _numbers(line: list[_Piece]) -> list[list[_Piece]]:
    """Runs of pieces that together spell one phone number (at least MIN_DIGITS digits)."""
    chains: list[list[_Piece]] = []
    chain: list[_Piece] = []
    for piece in line:
        if chain and _joins(chain[-1], piece):
            chain.append(piece)
            continue
        if chain:
            chains.append(chain)
        chain = [piece] if _tail(piece.text).strip() else []
    if chain:
        chains.append(chain)
    return [c for c in chains if _digits(c) >= MIN_DIGITS]


def _joins(left: _Piece, right: _Piece) -> bool:
    gap = right.x0 - left.x1
    if gap > JOIN_GAP * max(left.size, right.size):
        return False
    tail = _tail(left.text)
    head = _head(right.text)
    return any(c.isdigit() for c in tail) and any(c.isdigit() for c in head)


def _digits(chain: list[_Piece]) -> int:
    """Digits of the number the chain spells: the first piece's tail, the last piece's head."""
    if len(chain) == 1:
        spans = re.findall(rf"{_NUMBERISH}+", chain[0].text)
        return max((sum(c.isdigit() for c in span) for span in spans), default=0)
    first = _tail(chain[0].text)
    last = _head(chain[-1].text)
    middle = "".join(p.text for p in chain[1:-1])
    return sum(c.isdigit() for c in first + middle + last)


def _chain_mismatch(chain: list[_Piece]) -> str | None:
    """How the pieces of one number differ from each other, None when they agree."""
    if len(chain) < 2:
        return None
    families = {p.family for p in chain if p.family}
    if len(families) > 1:
        return "its digits are drawn in different fonts (" + ", ".join(sorted(families)) + ")"
    sizes = [p.size for p in chain]
    if max(sizes) - min(sizes) > SIZE_TOLERANCE * min(sizes):
        shown = ", ".join(f"{s:g}" for s in sorted({round(s, 1) for s in sizes}))
        return f"its digits are drawn in different sizes ({shown} pt)"
    baselines = [p.baseline for p in chain]
    if max(baselines) - min(baselines) > BASELINE_TOLERANCE * min(sizes):
        return (
            f"its digits do not sit on one baseline "
            f"({max(baselines) - min(baselines):.1f} pt apart)"
        )
    return None


def _off_baseline(chain: list[_Piece], line: list[_Piece]) -> str | None:
    """A number set in its line's size and family whose baseline is a little off the nearest
    text beside it (a label, a neighbour cell) in that same size and family."""
    size, family = chain[0].size, chain[0].family
    left, right = chain[0].x0, chain[-1].x1
    beside = [
        (max(p.x0 - right, left - p.x1), p)
        for p in line
        if p not in chain and abs(p.size - size) <= SIZE_TOLERANCE * size and p.family == family
    ]
    near = [(gap, p) for gap, p in beside if gap <= NEIGHBOUR_GAP * size]
    if not near:
        return None  # set apart in size, font or place: a styled number, its own alignment
    offset = abs(min(near, key=lambda n: n[0])[1].baseline - chain[0].baseline)
    # Further off than a nudge, it is another line that happens to be near, not this one.
    if BASELINE_TOLERANCE * size < offset <= MAX_NUDGE * size:
        return f"it sits {offset:.1f} pt off the baseline of the text beside it"
    return None
