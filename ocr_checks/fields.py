"""Which label a value on a bill belongs to, found by geometry as a reader finds it.

Bills set a label and its value in several ways, and a rule reading "the words before the value"
only meets the first:

- in one run: ``Phone No.: 020 7946 0958``;
- beside it, in another column: a label column (often right-aligned against its values) or a
  label a tab stop to the left;
- above it, with or without a blank gap: ``Service number`` over ``087 123 4567``;
- in a table's header row: ``Date of issue | Billing period | Total due`` over a row of values,
  column-aligned (left, right or centred), possibly several rows down.

`label_for()` returns the nearest label by those rules: the text before the value in its run,
else the label beside it or above it (above wins when the neighbour to the left is itself a
value, or when the label above is much nearer).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ocr_checks.layout import Box, Segment

# A label above may sit this many of the value's line heights away (a blank line or two).
ABOVE_GAP_LINES = 4.0
# Walking up a table column through other rows' values, each step may be this far.
ROW_GAP_LINES = 2.4
MAX_ROWS_UP = 14
OCR_INK_TO_TYPE = 1.4
# Edges this close (points) are aligned: left-, right- or centre-aligned columns.
ALIGN_SLACK = 4.0
# Words of a header row further apart than this many heights head different columns (a word
# space is a third of a height in a text layer, rarely over one in OCR of a photo).
COLUMN_GAP_HEIGHTS = 1.3

_MONTH = re.compile(
    r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?$|^(st|nd|rd|th|to)$",
    re.I,
)
# Words bills label their facts with (a name, a street or a charge seldom holds one).
_LABEL_WORDS = re.compile(
    r"\b(numbers?|no\.?|date|period|account|due|total|phone|bill|invoice|holder|name|payment"
    r"|reference|ref|issue[d]?|statement|balance|amount|method|line|mobile|telephone|tel"
    r"|landline|customer|charges? for|from|to|number\(s\)|service|ddi)\b|:\s*$",
    re.I,
)
_WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")


@lru_cache(maxsize=8192)
def is_labelish(text: str) -> bool:
    """Words that can name a value: letters not only month names, and not mostly digits."""
    words = [w for w in _WORD.findall(text) if not _MONTH.match(w)]
    if not words:
        return False
    letters = sum(len(w) for w in words)
    digits = sum(ch.isdigit() for ch in text)
    return letters >= digits


@lru_cache(maxsize=8192)
def is_value(text: str) -> bool:
    """A table cell holding data rather than a name: digits, dates, amounts, no real words."""
    return any(ch.isdigit() for ch in text) and not is_labelish(text)


def label_for(
    lines: list[list[Segment]], li: int, si: int, start: int, end: int | None = None
) -> str:
    """The label of the value at `start` (to `end`) in segment `si` of line `li` ("" if none),
    without the colon or dot leaders that run up to the value."""
    return _LEADERS.sub("", _label_for(lines, li, si, start, end))


_LEADERS = re.compile(r"[\s.:·…_-]+$")
_LIST_JOINS = {"and", "&", "/", "or"}


def label_before(text: str) -> str:
    """The words just before a value in its run: back to the previous value, except that a
    value listed after another ("01 234 5678, 087 123 4567") shares the list's label."""
    tokens = text.split()
    i = len(tokens)
    while i > 0:
        last = tokens[i - 1]
        if last.lower() in _LIST_JOINS:
            i -= 1
        elif not (last.endswith((",", ";")) and any(ch.isdigit() for ch in last)):
            break  # "phone, +353 …": words, not a value listed before this one
        skipped = i
        while i > 0 and any(ch.isdigit() for ch in tokens[i - 1]):
            i -= 1
        if i == skipped:
            break
    first = i
    while first > 0 and not any(ch.isdigit() for ch in tokens[first - 1]):
        first -= 1
    return " ".join(tokens[first:i])


def _label_for(lines: list[list[Segment]], li: int, si: int, start: int, end: int | None) -> str:
    seg = lines[li][si]
    before = label_before(seg.text[:start])
    if before and is_labelish(before):
        return before
    left = lines[li][si - 1] if si > 0 and not seg.text[:start].strip() else None
    if left is not None and left.text.rstrip().endswith(":") and is_labelish(left.text):
        return left.text
    box = seg.box if start == 0 and end is None else seg.span_box(start, end or len(seg.text))
    # OCR boxes hug the ink: a line of type is about 1.4 times its OCR'd words' height.
    scale = OCR_INK_TO_TYPE if seg.words[0].confidence is not None else 1.0
    above = _label_above(lines, li, box, scale)
    if left is not None and is_labelish(left.text):
        if above is None:
            return left.text
        # Both could be labels: a bill's own label words decide, then the nearer one.
        left_words, above_words = _LABEL_WORDS.search(left.text), _LABEL_WORDS.search(above[0])
        if bool(left_words) != bool(above_words):
            return left.text if left_words else above[0]
        if box.x0 - left.box.x1 <= 3 * above[1] or _listed(lines, li, left):
            return left.text
        return above[0]
    if above is not None:
        return above[0]
    if left is None and not seg.text[:start].strip():
        beside = _label_beside(lines, li, box)
        if beside is not None:
            return beside
    return before


def _listed(lines: list[list[Segment]], li: int, left: Segment) -> bool:
    """The label to the left heads a list of labels (one per row, each with its value to the
    right): what stands above the value is the previous row's value, not a header."""
    if li == 0:
        return False
    above = [s for s in lines[li - 1] if abs(s.box.x0 - left.box.x0) <= ALIGN_SLACK]
    return bool(above) and is_labelish(above[0].text)


def _label_beside(lines: list[list[Segment]], li: int, box: Box) -> str | None:
    """On an OCR page, a label to the left on a neighbouring row, level with the value once
    the page's residual tilt is allowed for: a photographed line that climbs or falls across
    the page splits into two rows."""
    here = [s for s in lines[li] if s.box.x0 <= box.x0 <= s.box.x1]
    if not here or here[0].words[0].confidence is None:
        return None  # a text layer's rows are level: a neighbouring row is another line
    height = max(1.0, box.bottom - box.top)
    middle = (box.top + box.bottom) / 2
    slope = _tilt(lines)
    best: tuple[float, str] | None = None
    for lj in (li - 1, li + 1):
        if not 0 <= lj < len(lines):
            continue
        for s in lines[lj]:
            sb = s.box
            if sb.x1 > box.x0 or not is_labelish(s.text):
                continue
            expected = middle + slope * ((sb.x0 + sb.x1) / 2 - (box.x0 + box.x1) / 2)
            off = abs((sb.top + sb.bottom) / 2 - expected)
            if off <= 0.8 * height and (best is None or off < best[0]):
                best = (off, s.text)
    return best[1] if best else None


def _tilt(lines: list[list[Segment]]) -> float:
    """The median slope (points down per point right) of the page's long rows of words."""
    slopes = []
    for line in lines:
        words = [w for s in line for w in s.words]
        if len(words) < 3 or words[-1].x0 - words[0].x0 < 60:
            continue
        a, b = words[0], words[-1]
        slopes.append(((b.top + b.bottom) - (a.top + a.bottom)) / 2 / (b.x0 - a.x0))
    if not slopes:
        return 0.0
    slopes.sort()
    return slopes[len(slopes) // 2]


def _aligned(a: Box, b: Box) -> bool:
    if a.x0 < b.x1 and b.x0 < a.x1:
        return True
    return (
        abs(a.x0 - b.x0) <= ALIGN_SLACK
        or abs(a.x1 - b.x1) <= ALIGN_SLACK
        or abs((a.x0 + a.x1) - (b.x0 + b.x1)) <= 2 * ALIGN_SLACK
    )


def _column_part(cell: Segment, box: Box) -> str:
    """The words of `cell` over `box`: a header row set tight can read as one run
    ("Date of issue Billing period Total due"); its words split at gaps wider than
    COLUMN_GAP_HEIGHTS, and the group over the value is its column's header."""
    groups: list[list[int]] = [[0]]
    words = cell.words
    height = max(1.0, max(w.bottom - w.top for w in words))
    for i in range(1, len(words)):
        if words[i].x0 - words[i - 1].x1 > COLUMN_GAP_HEIGHTS * height:
            groups.append([i])
        else:
            groups[-1].append(i)
    parts = [Box(words[g[0]].x0, cell.box.top, words[g[-1]].x1, cell.box.bottom) for g in groups]
    over = [i for i, part in enumerate(parts) if _aligned(part, box)]
    if not over:
        return cell.text
    chosen = groups[min(over, key=lambda i: abs(parts[i].x0 - box.x0))]
    ocr = words[0].confidence is not None
    if ocr and words[chosen[-1]].x1 - words[chosen[0]].x0 > 1.8 * (box.x1 - box.x0):
        # Still far wider than the value (OCR ran two headers together): the words over it.
        reach = 0.25 * (box.x1 - box.x0)
        inside = [
            i for i in chosen if box.x0 - reach <= (words[i].x0 + words[i].x1) / 2 <= box.x1 + reach
        ]
        chosen = inside or chosen
    return " ".join(words[i].text for i in chosen)


def _label_above(
    lines: list[list[Segment]], li: int, box: Box, scale: float = 1.0
) -> tuple[str, float] | None:
    """The label over `box`'s column and its distance, walking up through a table's rows
    (`scale` turns the value's box height into its line height)."""
    height = max(1.0, box.bottom - box.top) * scale
    edge = box.top  # the top of the last cell met in this column
    first = True
    column = (round(box.x0), round(box.x1))
    passed: list[Segment] = []  # value cells walked through: they share the answer
    found: tuple[str, float] | None = None
    for lj in range(li - 1, max(-1, li - 1 - MAX_ROWS_UP), -1):
        cells = [s for s in lines[lj] if _aligned(s.box, box)]
        if not cells:
            line_bottom = max(s.box.bottom for s in lines[lj])
            if edge - line_bottom > ABOVE_GAP_LINES * height:
                break
            continue
        cell = min(cells, key=lambda s: abs(s.box.x0 - box.x0))
        gap = edge - cell.box.bottom
        if gap > (ABOVE_GAP_LINES if first else ROW_GAP_LINES) * height:
            break
        if not first and column in cell.column_labels:
            known = cell.column_labels[column]
            found = None if known is None else (known[0], known[1] + box.top - cell.box.top)
            break
        text = _column_part(cell, box)
        # Words are the column's header, unless their row holds values (a data row's text).
        data_row = is_value(text) or any(is_value(s.text) for s in lines[lj] if s is not cell)
        if not data_row:
            if is_labelish(text):
                found = (text, max(0.0, box.top - cell.box.bottom))
            break
        passed.append(cell)
        edge, first = cell.box.top, False
    for cell in passed:
        cell.column_labels[column] = (
            None if found is None else (found[0], found[1] - (box.top - cell.box.top))
        )
    return found
