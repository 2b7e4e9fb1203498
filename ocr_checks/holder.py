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
    """Find the name on the bill nearest to the claimed one and judge it.

    A name after a label ("Account name:") is taken as the holder; otherwise every run of
    words on the first page is a candidate and the best-scoring one is the name found.
    """
    claimed_tokens = normalise(claimed)
    n = len(claimed_tokens)
    if n == 0 or not document.pages:
        return HolderCheck(None, 0.0, "absent")
    best: tuple[tuple[float, int, int], str, Segment, int, int] | None = None
    first = document.pages[0]
    for line in page_lines(first):
        for si, seg in enumerate(line):
            labelled = si > 0 and _NAME_LABEL.search(line[si - 1].text) is not None
            if not labelled and seg.words[0].top > first.height * NAME_AREA_FRACTION:
                continue
            for start, end, tokens in _windows(seg, n):
                text = seg.text[start:end]
                score, verdict = _compare_tokens(claimed_tokens, tokens)
                # A labelled name wins; among equals the longer span ("Acme Widgets Ltd").
                rank = (score + (1000 if labelled else 0), _RANK[verdict], len(text))
                if best is None or rank > best[0]:
                    best = (rank, text, seg, start, end)
    if best is None:
        return HolderCheck(None, 0.0, "absent")
    _, text, seg, start, end = best
    score, verdict = compare(claimed, text)  # on the whole text: multi-word suffixes go too
    if score < MIN_REPORTED and verdict != "different":
        return HolderCheck(None, round(score, 1), "absent")
    return HolderCheck(text.strip(), round(score, 1), verdict, seg.page, seg.span_box(start, end))


_RANK = {"match": 3, "review": 2, "different": 1, "absent": 0}


def _windows(seg: Segment, n: int) -> list[tuple[int, int, list[str]]]:
    """Runs of 1..n+3 whole words (titles and suffixes make names longer): character span and
    normalised tokens. Multi-word legal suffixes are dropped by the final comparison's text."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", seg.text)]
    words = words[:14]  # a name is near the start of its segment; long prose is not a name
    tokens = [normalise(seg.text[a:b]) for a, b in words]
    spans = []
    for i in range(len(words)):
        run: list[str] = []
        for j in range(i, min(len(words), i + n + 3)):
            if any(ch.isdigit() for ch in seg.text[words[j][0] : words[j][1]]):
                break
            run = run + tokens[j]
            spans.append((words[i][0], words[j][1], run))
    return spans


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
