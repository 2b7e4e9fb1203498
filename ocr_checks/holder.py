"""Is the bill in the customer's name? Token-by-token fuzzy comparison after normalising.

Both names are normalised (case, accents, punctuation) and stripped of titles and legal
suffixes (Ltd / Limited, DAC, Teoranta / Teo, PLC, ...). Each token of one name is then scored
against its best counterpart in the other with `rapidfuzz.fuzz.ratio`, in both directions, so a
different word ("Gadgets" for "Widgets") or a missing first name cannot hide behind the words
that do agree, as it would with `token_set_ratio`.

Thresholds (documented, tested):
- MATCH_TOKEN = 85: every token on both sides has a counterpart scoring at least this
  (a one-letter slip in a long name still matches; "Smith" vs "Smyth" does not).
- DIFFERENT_TOKEN = 75: a token on each side with no counterpart above this means another
  person or company ("Gadgets" vs "Widgets" scores 71): the holder is clearly different.
- Between the two, or a name with a token missing (a surname alone), is for a person to review.
The reported score is the lower of the two directions' length-weighted mean token score.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from ocr_checks.document import Document
from ocr_checks.layout import Box, Segment, page_lines

MATCH_TOKEN = 85.0
DIFFERENT_TOKEN = 75.0
INITIAL_SCORE = 80.0  # "M." for "Mary": consistent, but not proof
MIN_REPORTED = 50.0  # below this the best window is noise, not a name
# Bills print the holder's name and address in the upper part of the first page; lower down
# only a labelled name ("Account name: ...") is taken.
NAME_AREA_FRACTION = 0.5

TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "rev", "fr"})
LEGAL_SUFFIXES = frozenset(
    {
        "ltd",
        "limited",
        "dac",
        "teoranta",
        "teo",
        "plc",
        "llp",
        "lp",
        "uc",
        "clg",
        "cga",
        "cpt",
        "inc",
        "unlimited",
    }
)
_MULTIWORD_SUFFIXES = (
    "designated activity company",
    "company limited by guarantee",
    "unlimited company",
    "public limited company",
)
_MULTIWORD = re.compile(rf"\b({'|'.join(_MULTIWORD_SUFFIXES)})\b")
_NAME_PREFIX = re.compile(r"\b(o|mac|mc|ni|nic|ui)\s+(?=[a-z]{2})")
_NAME_LABEL = re.compile(r"\b(account (name|holder)|customer name|name)\s*:?\s*$", re.I)

Verdict = Literal["match", "review", "different", "absent"]


@dataclass(frozen=True)
class HolderCheck:
    """The name found on the bill, its score against the claimed name and the verdict."""

    on_bill: str | None
    score: float
    verdict: Verdict
    page: int | None = None
    box: Box | None = None

    @property
    def match(self) -> bool:
        return self.verdict == "match"


def normalise(name: str) -> list[str]:
    """Lower-case ASCII tokens without titles, legal suffixes, punctuation or initials' dots."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ")
    text = re.sub(r"['’`]", "", text)  # O'Brien -> obrien
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = _MULTIWORD.sub(" ", text)
    # Irish and Scottish prefixes are spelled joined, apart or with an apostrophe: Ó Briain,
    # O'Briain and O Briain are one surname, as are Mac Carthaigh and MacCarthaigh.
    text = _NAME_PREFIX.sub(r"\1", text)
    return [t for t in text.split() if t not in TITLES and t not in LEGAL_SUFFIXES]


def compare(claimed: str, found: str) -> tuple[float, Verdict]:
    """Score and verdict for two names (see the module's thresholds)."""
    return _compare_tokens(normalise(claimed), normalise(found))


def _compare_tokens(a: list[str], b: list[str]) -> tuple[float, Verdict]:
    if not a or not b:
        return 0.0, "absent"
    a_best = [_best(t, b) for t in a]
    b_best = [_best(t, a) for t in b]
    score = min(_weighted(a, a_best), _weighted(b, b_best))
    if min(a_best) >= MATCH_TOKEN and min(b_best) >= MATCH_TOKEN:
        return score, "match"
    if min(a_best) < DIFFERENT_TOKEN and min(b_best) < DIFFERENT_TOKEN:
        return score, "different"
    return score, "review"


def check_holder(document: Document, claimed: str) -> HolderCheck:
    """Find the holder's name on the bill and judge it against the claimed one.

    The holder is the addressee: a name after a label ("Account name:", "Bill to") or the first
    line of the address block (a line of words over lines with a street, town or postcode).
    Only when neither can be seen is the best-scoring plain line of the upper first page
    taken. A charge line ("Line rental  €22.00") is never a name. The whole name is compared
    both ways, so a name that is only part of the other ("Dental Care Limited" for "Globex
    Dental Care Limited") is at best for review.
    """
    if not normalise(claimed) or not document.pages:
        return HolderCheck(None, 0.0, "absent")
    first = document.pages[0]
    lines = page_lines(first)
    named: list[_Candidate] = []
    plain: list[_Candidate] = []
    for li, line in enumerate(lines):
        for si, seg in enumerate(line):
            labelled = _labelled(lines, li, si)
            if not labelled and seg.words[0].top > first.height * NAME_AREA_FRACTION:
                continue
            text = _ocr_name_letters(seg.text, first.source == "ocr")
            span = _name_span(text)
            if span is None or _is_charge(line, si):
                continue
            if not labelled and any(ch.isdigit() for ch in text):
                continue  # a street or a postcode line, not the name over them
            start, end = span
            score, verdict = compare(claimed, text[start:end])
            candidate = _Candidate(score, _RANK[verdict], seg, start, end, verdict)
            if labelled or _heads_address(lines, li, seg):
                named.append(candidate)
            else:
                plain.append(candidate)
    pool = named or plain
    if not pool:
        return HolderCheck(None, 0.0, "absent")
    best = max(pool, key=lambda c: (c.score, c.rank, c.end - c.start))
    text = _ocr_name_letters(best.seg.text, first.source == "ocr")[best.start : best.end].strip()
    if best.score < MIN_REPORTED and best.verdict != "different" and not named:
        return HolderCheck(None, round(best.score, 1), "absent")
    box = best.seg.span_box(best.start, best.end)
    return HolderCheck(text, round(best.score, 1), best.verdict, best.seg.page, box)


@dataclass(frozen=True)
class _Candidate:
    score: float
    rank: int
    seg: Segment
    start: int
    end: int
    verdict: Verdict


_RANK = {"match": 3, "review": 2, "different": 1, "absent": 0}
_LEAD_LABEL = re.compile(
    r"^\s*(bill(ed)? to|account (name|holder)|customer( name)?|name|fao|attn\.?"
    r"|for the attention of|invoice to|addressee|dear)\s*:?\s*",
    re.I,
)
# Words of charge lines and headings, which sit where names do but are never a holder.
_NOT_A_NAME = re.compile(
    r"\b(rental|broadband|calls|charges?|total|vat|discount|subtotal|balance|payment|due"
    r"|your (bill|statement|account|invoice|charges|calls)|at a glance|summary|invoice"
    r"|statement|amount|usage|bundle|minutes|account|number|no\.|date|period|cost|duration"
    r"|dialled|reference|method|direct debit|page \d|undelivered|return(ed)? to|po box)\b|:\s*$"
    r"|^\s*(services?|description|details|items?|products?|plans?|type)\s*$",
    re.I,
)
_TRADING_AS = re.compile(r"\s(t/a|trading as)\s", re.I)
_AMOUNT = re.compile(r"[€£$]\s?\d|\d[.,]\d{2}\b")


def _labelled(lines: list[list[Segment]], li: int, si: int) -> bool:
    seg = lines[li][si]
    if _LEAD_LABEL.match(seg.text) and _LEAD_LABEL.sub("", seg.text).strip():
        return True
    if si > 0 and _NAME_LABEL.search(lines[li][si - 1].text):
        return True
    if li > 0:  # "Bill to" set over the address block
        box = seg.box
        for above in lines[li - 1]:
            gap = box.top - above.box.bottom
            if (
                abs(above.box.x0 - box.x0) < 4
                and gap < 2 * (box.bottom - box.top)
                and _LEAD_LABEL.sub("", above.text).strip() == ""
            ):
                return True
    return False


def _text_height(seg: Segment) -> float:
    """The median height of a segment's words (one tall OCR box does not make a line big)."""
    heights = sorted(w.bottom - w.top for w in seg.words)
    return heights[len(heights) // 2]


def _ocr_name_letters(text: str, ocr: bool = False) -> str:
    """A lone 0 or 6 between words is OCR's reading of O or Ó ("SEAN 0 BRIAIN", "Sean 6
    Briain"), never a digit of a name; on an OCR page so is a digit between letters of a word
    ("Se4n" for Seán)."""
    text = re.sub(r"(?<=[A-Za-zÀ-ÿ] )[06](?= [A-Za-zÀ-ÿ])", "O", text)
    if ocr:
        text = _DIGIT_IN_WORD.sub(lambda m: _LOOKALIKE[m.group(0)], text)
    return text


_DIGIT_IN_WORD = re.compile(r"(?<=[A-Za-zÀ-ÿ])[014568](?=[A-Za-zÀ-ÿ])")
_LOOKALIKE = {"0": "o", "1": "l", "4": "a", "5": "s", "6": "o", "8": "b"}


def _name_span(text: str) -> tuple[int, int] | None:
    """Where a name could be in a segment: after a leading label, up to an address part."""
    lead = _LEAD_LABEL.match(text)
    start = lead.end() if lead else 0
    end = len(text)
    # "Globex Dental Care Ltd T/A Smile Clinic": the legal name is the part before "trading as".
    trading = _TRADING_AS.search(text, start)
    if trading:
        end = trading.start()
    for m in re.finditer(r",|\S*\d\S*", text[start:end]):
        end = start + m.start()  # a comma or a number starts the address ("…, 12 Main St")
        break
    while end > start and text[end - 1] in " ,;:-":
        end -= 1
    name = text[start:end]
    if len(name) < 2 or not re.search(r"[A-Za-zÀ-ÿ]{2}", name) or _NOT_A_NAME.search(name):
        return None
    return start, end


def _is_charge(line: list[Segment], si: int) -> bool:
    """A charge line: an amount in the segment or in the one just right of it."""
    here = _AMOUNT.search(line[si].text) is not None
    return here or (si + 1 < len(line) and _AMOUNT.search(line[si + 1].text) is not None)


def _heads_address(lines: list[list[Segment]], li: int, seg: Segment) -> bool:
    """The segment is the first line of a block whose next lines (left-aligned with it, close
    below) hold a street number, a town with a number or a postcode."""
    box = seg.box
    height = max(1.0, box.bottom - box.top)
    if _aligned_near(lines, range(li - 1, max(-1, li - 12), -1), seg, height, below=False):
        return False  # a line of the block above it: a street or a town, not the name
    bottom = box.bottom
    for lj in range(li + 1, min(len(lines), li + 12)):  # a column beside may interleave rows
        below = [s for s in lines[lj] if abs(s.box.x0 - box.x0) < 6]
        if not below:
            continue
        nxt = below[0]
        if nxt.box.top - bottom > 1.6 * height:
            return False
        if any(ch.isdigit() for ch in nxt.text) and re.search(r"[A-Za-z]", nxt.text):
            return True
        bottom = nxt.box.bottom
    return False


def _aligned_near(
    lines: list[list[Segment]], order: range, seg: Segment, height: float, *, below: bool
) -> bool:
    box, text_height = seg.box, _text_height(seg)
    for lj in order:
        near = [s for s in lines[lj] if abs(s.box.x0 - box.x0) < 6]
        if not near:
            continue
        gap = near[0].box.top - box.bottom if below else box.top - near[0].box.bottom
        # A smaller line over the name is a return address or a reference, not the block.
        same_size = _text_height(near[0]) >= 0.85 * text_height
        return gap <= 1.6 * height and same_size and _LEAD_LABEL.sub("", near[0].text).strip() != ""
    return False


def _best(token: str, others: list[str]) -> float:
    best = 0.0
    for other in others:
        if len(token) == 1 and len(other) == 1:
            s = 100.0 if token == other else 0.0
        elif len(token) == 1 or len(other) == 1:
            # An initial stands for a word with that first letter.
            s = INITIAL_SCORE if token[0] == other[0] else 0.0
        else:
            s = fuzz.ratio(token, other)
        best = max(best, s)
    return best


def _weighted(tokens: list[str], scores: list[float]) -> float:
    total = sum(len(t) for t in tokens)
    return sum(len(t) * s for t, s in zip(tokens, scores, strict=True)) / total
