"""Words grouped the way a reader sees them: lines, and segments of a line split at wide gaps.

A bill puts a label and its value in columns ("Account number:" ... "1234 5678 90") and two
blocks side by side (the address left, account facts right); splitting lines at wide gaps keeps
each block's text apart, so rules read "the label before this value" rather than a whole row.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import cached_property

from ocr_checks.document import Page, Word

# A gap wider than this many font heights starts a new segment (table columns, side blocks).
SEGMENT_GAP_EMS = 2.2
# Two adjacent runs closer than this (points) were one word drawn in pieces: join without space.
JOIN_GAP = 0.6


# Spaces a word may carry inside it (a text layer keeps non-breaking, thin, figure and narrow
# spaces, zero-width ones and a missing glyph's NUL as characters): each reads as one space,
# so "01\u2009496\u20090142" is read as "01 496 0142" (one character for one keeps the
# character-to-word map).
_ODD_SPACE = re.compile(
    r"[\x00-\x1f\x7f\u00a0\u00ad\u1680\u2000-\u200f\u2028-\u202f\u205f\u2060\u3000\ufeff]"
)
_AS_SPACE = {
    cp: " "
    for cp in (
        *range(0x00, 0x20),
        0x7F,
        0xA0,
        0xAD,
        0x1680,
        *range(0x2000, 0x2010),
        *range(0x2028, 0x2030),
        0x205F,
        0x2060,
        0x3000,
        0xFEFF,
    )
}


@dataclass(frozen=True)
class Box:
    """A rectangle in PDF points, origin top-left."""

    x0: float
    top: float
    x1: float
    bottom: float

    def union(self, other: Box) -> Box:
        return Box(
            min(self.x0, other.x0),
            min(self.top, other.top),
            max(self.x1, other.x1),
            max(self.bottom, other.bottom),
        )

    def as_list(self) -> list[float]:
        return [round(self.x0, 1), round(self.top, 1), round(self.x1, 1), round(self.bottom, 1)]


@dataclass
class Segment:
    """Words on one line with no wide gap between them, and their text with a char->word map."""

    page: int
    line_index: int  # index of the line on its page, top to bottom
    words: list[Word]
    text: str
    owners: list[int]  # for each char of text, the index of its word, or -1 for a joining space
    # The label above this cell's column, once looked up (a call table's rows share it).
    column_labels: dict[tuple[int, int], tuple[str, float] | None] = field(default_factory=dict)

    @cached_property
    def box(self) -> Box:
        return Box(
            min(w.x0 for w in self.words),
            min(w.top for w in self.words),
            max(w.x1 for w in self.words),
            max(w.bottom for w in self.words),
        )

    def span_box(self, start: int, end: int) -> Box:
        """The box of text[start:end], cutting into a word in proportion where a span starts or
        ends inside it (e.g. a number glued to its label, "Tel:0871234567")."""
        box: Box | None = None
        for i, w in enumerate(self.words):
            first = self.owners.index(i)
            last = first + len(w.text)
            lo, hi = max(start, first), min(end, last)
            if lo >= hi:
                continue
            per_char = (w.x1 - w.x0) / max(1, len(w.text))
            part = Box(
                w.x0 + per_char * (lo - first), w.top, w.x0 + per_char * (hi - first), w.bottom
            )
            box = part if box is None else box.union(part)
        assert box is not None, "span outside the segment"
        return box

    def words_in(self, start: int, end: int) -> list[Word]:
        idx = sorted({o for o in self.owners[start:end] if o >= 0})
        return [self.words[i] for i in idx]


def page_lines(page: Page) -> list[list[Segment]]:
    """The page's lines top to bottom, each a list of segments left to right.

    Every rule reads the same lines, so the last pages' layouts are kept (by identity).
    """
    cached = _CACHE.get(id(page))
    if cached is not None and cached[0] is page and cached[1] == len(page.words):
        return cached[2]
    lines = _page_lines(page)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[id(page)] = (page, len(page.words), lines)
    return lines


_CACHE_SIZE = 64
_CACHE: dict[int, tuple[Page, int, list[list[Segment]]]] = {}


def _page_lines(page: Page) -> list[list[Segment]]:
    rows = _chained_rows(page.words) if page.source == "ocr" else _level_rows(page.words)
    lines: list[list[Segment]] = []
    for index, row in enumerate(rows):
        row.sort(key=lambda w: w.x0)
        groups: list[list[Word]] = [[row[0]]]
        for prev, w in itertools.pairwise(row):
            height = max(1.0, prev.bottom - prev.top)
            if w.x0 - prev.x1 > SEGMENT_GAP_EMS * height:
                groups.append([w])
            else:
                groups[-1].append(w)
        lines.append([_segment(page.number, index, g) for g in groups])
    return lines


def _level_rows(words: list[Word]) -> list[list[Word]]:
    """Rows of a text layer: words whose middle lies within the row's first word's height."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        middle = (w.top + w.bottom) / 2
        if rows and rows[-1][0].top <= middle <= rows[-1][0].bottom:
            rows[-1].append(w)
        else:
            rows.append([w])
    return rows


def _chained_rows(words: list[Word]) -> list[list[Word]]:
    """Rows of an OCR page, chained left to right: a word joins the row whose last word, to its
    left, it overlaps most in height (at least half). A photographed page is seen in
    perspective, so a line of text may climb or fall across the page by more than its height;
    each word still sits level with its neighbour."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: w.x0):
        height = max(0.1, w.bottom - w.top)
        best: tuple[float, float] | None = None
        chosen = -1
        for i, row in enumerate(rows):
            last = row[-1]
            if last.x1 > w.x0 + 0.3 * (w.x1 - w.x0):
                continue  # not to the left of this word
            shared = min(last.bottom, w.bottom) - max(last.top, w.top)
            ratio = shared / min(height, max(0.1, last.bottom - last.top))
            if ratio < 0.5:
                continue
            rank = (ratio, -(w.x0 - last.x1))
            if best is None or rank > best:
                best, chosen = rank, i
        if chosen >= 0:
            rows[chosen].append(w)
        else:
            rows.append([w])
    rows.sort(key=lambda r: ((r[0].top + r[0].bottom) / 2, r[0].x0))
    return rows


def _segment(page: int, line_index: int, words: list[Word]) -> Segment:
    text_parts: list[str] = []
    owners: list[int] = []
    for i, w in enumerate(words):
        if i and w.x0 - words[i - 1].x1 > JOIN_GAP:
            text_parts.append(" ")
            owners.append(-1)
        text_parts.append(w.text.translate(_AS_SPACE) if _ODD_SPACE.search(w.text) else w.text)
        owners.extend([i] * len(w.text))
    return Segment(page, line_index, words, "".join(text_parts), owners)
