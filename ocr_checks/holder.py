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
from ocr_checks.issuer import names_issuer
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
    """The name found on the bill, its score against the claimed name and the verdict.

    `sure` says the name was read where a bill puts its addressee (after a name label, or at
    the head of an address block); a name guessed from a plain line is not, and a different
    name read there is for a person to look at, never a refusal. `unsure_because` says why.
    """

    on_bill: str | None
    score: float
    verdict: Verdict
    page: int | None = None
    box: Box | None = None
    sure: bool = True
    unsure_because: str | None = None

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


def check_holder(document: Document, claimed: str, issuer: str | None = None) -> HolderCheck:
    """Find the holder's name on the bill and judge it against the claimed one.

    The holder is the addressee: a name after a label ("Account name:", "Bill to", "Account
    holder") or the name lines at the head of an address block (lines over a street, a town
    with a number, an Eircode or a postcode), wherever the block sits (left or right column,
    in a box). A block with the operator's own words (PO box, care line, web address, "call
    our sales team") is the operator's, not the addressee's. A block may name a person and a
    company ("Attn: Mary Byrne" over "Globex Ltd", "Mary Byrne" over "Globex Ltd") and a name
    may carry a trading name ("Sean Murphy t/a Murphy Plumbing"): the claim matches any of them.
    Only when no addressee can be seen is the best-scoring plain line of the upper first page
    taken, and then not surely. A charge line ("Line rental  €22.00") is never a name, nor a
    block that names the `issuer` (its own address in the letterhead).
    """
    if not normalise(claimed) or not document.pages:
        return HolderCheck(None, 0.0, "absent")
    first = document.pages[0]
    lines = page_lines(first)
    ocr = first.source == "ocr"
    named = [
        c
        for li, si in _addressee_lines(lines, first.height, issuer)
        if not names_issuer(lines[li][si].text, issuer)
        for c in _candidates(lines[li], si, claimed, ocr)
    ]
    plain: list[_Candidate] = []
    if not named:
        for line in lines:
            for si, seg in enumerate(line):
                if seg.words[0].top > first.height * NAME_AREA_FRACTION:
                    continue
                if any(ch.isdigit() for ch in seg.text) or _OPERATOR_WORDS.search(seg.text):
                    continue
                if names_issuer(seg.text, issuer):
                    continue  # a street, a postcode or the operator's own line
                plain += _candidates(line, si, claimed, ocr)
    pool = named or plain
    if not pool:
        return HolderCheck(None, 0.0, "absent", sure=False, unsure_because="no name was found")
    best = max(pool, key=lambda c: (c.rank, c.score, c.end - c.start))
    text = _ocr_name_letters(best.seg.text, ocr)[best.start : best.end].strip()
    if best.score < MIN_REPORTED and best.verdict != "different" and not named:
        return HolderCheck(
            None, round(best.score, 1), "absent", sure=False, unsure_because="no name was found"
        )
    box = best.seg.span_box(best.start, best.end)
    why = None if named else "the name was not read from an address block or a name label"
    return HolderCheck(
        text, round(best.score, 1), best.verdict, best.seg.page, box, why is None, why
    )


def _candidates(line: list[Segment], si: int, claimed: str, ocr: bool) -> list[_Candidate]:
    """The segment as a name compared with the claim: whole, and each side of a "t/a"."""
    seg = line[si]
    text = _ocr_name_letters(seg.text, ocr)
    span = _name_span(text)
    if span is None or _is_charge(line, si):
        return []
    start, end = span
    spans = [(start, end)]
    trading = _TRADING_AS.search(text, start)
    if trading and trading.start() < end:
        spans = [(start, trading.start()), (trading.end(), end)]
        if _TRADING_AS.search(claimed):
            spans.append((start, end))
    out = []
    for a, b in spans:
        while b > a and text[b - 1] in " ,;:-.":
            b -= 1
        while a < b and text[a] == " ":
            a += 1
        if b - a < 2:
            continue
        score, verdict = compare(claimed, text[a:b])
        out.append(_Candidate(score, _RANK[verdict], seg, a, b, verdict))
    return out


def _addressee_lines(
    lines: list[list[Segment]], height: float, issuer: str | None
) -> list[tuple[int, int]]:
    """(line, segment) of every name the bill gives as its addressee: labelled names anywhere
    on the page, and the name lines of address blocks in the upper part of the page."""
    out: list[tuple[int, int]] = []
    for li, line in enumerate(lines):
        for si, _ in enumerate(line):
            if _labelled(lines, li, si):
                out.append((li, si))
    for block in _blocks(lines):
        li0, si0 = block[0]
        if lines[li0][si0].words[0].top > height * NAME_AREA_FRACTION:
            continue
        texts = [lines[li][si].text for li, si in block]
        if any(_OPERATOR_WORDS.search(t) or names_issuer(t, issuer) for t in texts):
            continue  # the operator's letterhead, a promo box, a return address
        first_address = next(
            (k for k, t in enumerate(texts) if _is_address_line(t, first=k == 0)), None
        )
        if not first_address:  # no address under a name: a heading, a list, a table
            continue
        for k in range(max(0, first_address - MAX_NAME_LINES), first_address):
            if not _LEAD_LABEL.sub("", texts[k]).strip():
                continue  # "Bill to" over the block
            if block[k] not in out:
                out.append(block[k])
    return out


# An address block names at most this many lines before its street (a person, a company, a
# department or "Attn:" line).
MAX_NAME_LINES = 3


def _blocks(lines: list[list[Segment]]) -> list[list[tuple[int, int]]]:
    """Runs of segments set one under another, left-aligned, close and in one size: the blocks
    a reader sees (an address, a column of facts, a promo box)."""
    blocks: list[list[tuple[int, int]]] = []
    open_ends: list[tuple[list[tuple[int, int]], Segment]] = []
    for li, line in enumerate(lines):
        top = min(s.box.top for s in line)
        # A block whose last line ends far above this one is closed.
        open_ends = [(b, e) for b, e in open_ends if top - e.box.bottom <= 3 * BLOCK_REACH]
        for si, seg in enumerate(line):
            box, size = seg.box, _text_height(seg)
            home = None
            for block, last in open_ends:
                gap = box.top - last.box.bottom
                if (
                    abs(last.box.x0 - box.x0) <= BLOCK_ALIGN
                    and -1 <= gap <= 1.6 * max(1.0, last.box.bottom - last.box.top)
                    and 0.8 <= size / max(0.1, _text_height(last)) <= 1.25
                ):
                    home = block
                    break
            if home is None:
                home = []
                blocks.append(home)
            home.append((li, si))
            open_ends = [(b, e) for b, e in open_ends if b is not home] + [(home, seg)]
    return blocks


BLOCK_ALIGN = 6.0  # points: the left edges of one block's lines
BLOCK_REACH = 24.0  # points: no block line is further below the last than this


_EIRCODE = r"\b[AC-FHKNPRTV-Y]\d[\dW]\s?[0-9AC-FHKNPRTV-Y]{4}\b"
_UK_POSTCODE = r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"
_ADDRESS_LINE = re.compile(
    rf"{_EIRCODE}|{_UK_POSTCODE}|^\s*\d+[A-Za-z]?[,\s]+[A-Za-zÀ-ÿ]"
    r"|\b(unit|apt|apartment|flat|suite|floor|block)\s+\w*\d"
    r"|\b(dublin|d)\s?\d{1,2}w?\b|\bco\.?\s+[A-Z][a-z]+|\bcounty\b"
    r"|\b(road|street|st\.|avenue|ave|lane|drive|park|square|place|terrace|crescent|close"
    r"|court|way|quay|green|grove|hill|row|walk|bóthar|sráid|business park|industrial estate)\b",
    re.I,
)
_POSTCODE = re.compile(rf"{_EIRCODE}|{_UK_POSTCODE}")
_PHONE_LIKE = re.compile(r"\d[\d ]{6,}\d")
# Words only the operator prints about itself: its address for post and web, its care and
# sales lines, its registration, the return address over the window.
_OPERATOR_WORDS = re.compile(
    r"\b(p\.?\s?o\.?\s?box|freepost|www\.|https?:|\w\.(ie|com|co\.uk|net)\b|@|customer care"
    r"|customer service|call (us|our|free)|sales|care line|registered (office|in)"
    r"|if undelivered|return to|helpline|text \w+ to|upgrade|offer)",
    re.I,
)


def _is_address_line(text: str, *, first: bool = False) -> bool:
    """A street, a town with a number, an Eircode or a postcode: words with a number in them
    ("Arasán 3, An Cnoc", "Dublin 18") or the words streets and towns are named with."""
    if _PHONE_LIKE.search(text):
        return False
    numbered = re.search(r"\d", text) is not None and re.search(r"[A-Za-zÀ-ÿ]{2}", text)
    if numbered:
        return True
    # A block's first line naming a street word is a company ("Oak Park Motors"), unless it
    # carries a postcode.
    pattern = _POSTCODE if first else _ADDRESS_LINE
    return pattern.search(text) is not None


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
    r"^\s*(bill(ed)? to|account (name|holder)|customer name|(account )?holder|name|f\.?a\.?o\.?"
    r"|attn\.?|attention|for the attention of|invoice to|addressee|c/o|dear)\s*:?\s*",
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
