"""Phone numbers on a bill, and what each is there for: the billed line, a number dialled, other.

The matcher runs over each segment's text rebuilt from its words (so a number drawn as several
text runs or fonts reads as one) and over a segment joined to the start of the next line (so a
wrapped number is found), with every match mapped back to its words' boxes. Leniency VALID is
the level that keeps real Irish and UK spellings while letting no junk in.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import phonenumbers
from phonenumbers import Leniency, MatchType, PhoneNumber, PhoneNumberFormat

from ocr_checks.document import Document
from ocr_checks.fields import label_for
from ocr_checks.layout import Box, Segment, page_lines

Role = Literal["line", "dialled", "other"]

# A value after one of these labels is an account, invoice or tax reference, never a phone.
_REFERENCE = re.compile(
    r"\b(account|acc(t|ount)?\.? ?no|a/c|invoice|inv\b|vat|tax|ref(erence)?\b"
    r"|customer (no|number|id)"
    r"|iban|bic|sort ?code|meter|mprn|gprn|order|pin|puk|imei|iccid|sim\b|serial|payment"
    r"|direct debit|mandate|cro\b|company (no|number)|reg(istered|istration)?\.? ?(no|number)"
    r"|bank|amount|total|due)",
    re.I,
)
# Numbers the issuer gives for itself.
_CONTACT = re.compile(
    r"\b(call us|contact|customer (care|service|services)|help|support|quer(y|ies)|enquir"
    r"|fax|lost or stolen|freephone|ring us|phone us|sales|text us|visit|from abroad)",
    re.I,
)
# Labels that say the bill is for this number, in the words Irish and UK operators print
# (eir, Vodafone, Three, Virgin Media, Sky, BT, Pure Telecom, Digiweb, Imagine, TalkTalk, EE,
# O2, Plusnet): "Phone No.", "Service number", "Your Sky Talk number", "Number(s) on this bill".
_LINE_LABEL = re.compile(
    r"\b(your\s*([a-z0-9]+ ){0,2}(number|line)s?"
    r"|(phone|telephone|mobile|landline|line|service|directory|account|access|talk|voip"
    r"|fixed line|home phone)\s*(number|no)\b"
    r"|numbers?(\(s\))?\s*on\s*(this|your)\s*(bill|account)"
    r"|(bill|calls|charges|summary|usage|services?) for"
    r"|line\b|service\b|msisdn|\bcli\b|number(\(s\))?\s*:?\s*$"
    r"|tel(ephone)?\.?\s*(no\.?)?\s*:?\s*$"
    r"|^\s*(landline|mobile|home phone|phone|broadband (and|&) phone|fibre (voice|phone))"
    r"\s*:?\s*$)",
    re.I,
)
_CALL_HEADING = re.compile(
    r"\b(itemi[sz]ed|call (details|records|log|history|list)|calls made|your calls"
    r"|numbers? (called|dialled|dialed)|(called|dialled|dialed) numbers?|destination)",
    re.I,
)
_SERVICE_HEADING = re.compile(
    r"\b(summary|numbers?(\(s\))? on this (bill|account)|your (services|lines)|service details"
    r"|line details|services on this)",
    re.I,
)
_DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}([/.-]\d{2,4})?\b"
    r"|\b\d{1,2} ?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b",
    re.I,
)
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
# A run of digits in phone spelling (spaces, hyphens, brackets, dots between them).
_CANDIDATE = re.compile(r"[+(]?\d[\d \-().]{4,}\d")
# A national spelling (trunk 0) long enough to be a number: another region may read it.
_NATIONAL = re.compile(r"(?<![\d+])\(?0\d[\d \-().]{6,}\d")
_MIN_DIGITS = 6
# On page 1, an unlabelled number above every section heading and this high up is the header.
HEADER_FRACTION = 0.35


@dataclass(frozen=True)
class NumberMatch:
    """A phone number found on the bill, where it is and what it is there for."""

    page: int
    text: str
    box: Box
    role: Role
    number: PhoneNumber
    fonts: tuple[str | None, ...]

    @property
    def e164(self) -> str:
        return phonenumbers.format_number(self.number, PhoneNumberFormat.E164)


class InvalidNumber(ValueError):
    """The claimed number is not a phone number in the given region."""


def region_code(region: str) -> str:
    """ISO region for phonenumbers; people write UK for GB."""
    r = region.strip().upper()
    return "GB" if r == "UK" else r


def parse_claimed(number: str, region: str) -> PhoneNumber:
    """Parse the customer's number, raising `InvalidNumber` with a readable message."""
    try:
        parsed = phonenumbers.parse(number, region_code(region))
    except phonenumbers.NumberParseException as e:
        raise InvalidNumber(f"{number!r} is not a phone number ({e}).") from e
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidNumber(f"{number!r} is not a valid phone number for region {region}.")
    return parsed


def same_number(a: PhoneNumber, b: PhoneNumber) -> bool:
    """True only for an exact match: a national spelling and its international form agree."""
    return phonenumbers.is_number_match(a, b) == MatchType.EXACT_MATCH


def reading_regions(*regions: str | None) -> tuple[str, ...]:
    """Regions to read national spellings in, first choice first, without repeats."""
    return tuple(dict.fromkeys(region_code(r) for r in regions if r))


def find_numbers(
    document: Document,
    region: str | Sequence[str | None],
    claimed: PhoneNumber | None = None,
) -> list[NumberMatch]:
    """Every phone number on the bill with its role, in reading order.

    A national spelling ("020 7946 0958") is read in the first of `region` (one or several, e.g.
    the issuer's, then the claimed number's, then the claim's) where it is a valid number. On
    OCR pages the `claimed` number is also found by its digits alone: OCR drops a trunk 0 or
    splits a number into two words ("113" "496 0123"), and the matcher then sees no number,
    though every digit of the claim is there in order (and nothing else glued to them).
    """
    regions = reading_regions(region) if isinstance(region, str) else reading_regions(*region)
    found: list[NumberMatch] = []
    zone: str | None = None  # a call table may run on over the next page
    for page in document.pages:
        lines = page_lines(page)
        seen_heading = False
        for li, line in enumerate(lines):
            line_text = " ".join(s.text for s in line)
            for si, seg in enumerate(line):
                for start, end, num in _segment_matches(seg, regions):
                    label = label_for(lines, li, si, start, end)
                    if _REFERENCE.search(label):
                        continue
                    box = seg.span_box(start, end)
                    role = _role(
                        label, zone, line_text, seen_heading, box, page.height, page.number
                    )
                    found.append(_match(seg, start, end, num, box, role))
            if claimed is not None and page.source == "ocr":
                for si, start, end, seg, box in _claimed_digits(line, claimed, found):
                    label = label_for(lines, li, si, start)
                    if _REFERENCE.search(label):
                        continue
                    role = _role(
                        label, zone, line_text, seen_heading, box, page.height, page.number
                    )
                    found.append(NumberMatch(seg.page, seg.text[start:end], box, role, claimed, ()))
            found.extend(_wrapped(lines, li, regions, zone, seen_heading, page.height, page.number))
            heading = _heading_zone(line_text)
            if heading is not None:
                zone, seen_heading = heading, True
    return found


def _segment_matches(seg: Segment, regions: Sequence[str]) -> list[tuple[int, int, PhoneNumber]]:
    """Numbers in the segment's text and, where a table set tight runs two values together
    ("4471 2290 63  0121 496 0789"), in each of its cells (words split at gaps wider than a
    letter or two)."""
    found = _matches(seg.text, regions)
    for a, b in _cells(seg):
        if any(start < b and a < end for start, end, _ in found):
            continue
        found += [(a + s, a + e, n) for s, e, n in _matches(seg.text[a:b], regions)]
    return sorted(found, key=lambda t: t[0])


def _cells(seg: Segment) -> list[tuple[int, int]]:
    if len(seg.words) < 2:
        return []
    cuts = [0]
    for i in range(1, len(seg.words)):
        prev, word = seg.words[i - 1], seg.words[i]
        if word.x0 - prev.x1 > 0.9 * max(1.0, word.bottom - word.top):
            cuts.append(seg.owners.index(i))
    if len(cuts) == 1:
        return []
    cuts.append(len(seg.text))
    return [(a, b) for a, b in itertools.pairwise(cuts)]


_DIGIT_RUN = re.compile(r"\+?\(?\d[\d ().\-]*\d")


def _claimed_digits(
    line: list[Segment], claimed: PhoneNumber, found: list[NumberMatch]
) -> list[tuple[int, int, int, Segment, Box]]:
    """Runs of the line (one segment, or two that OCR split apart) whose digits are exactly
    the claimed number's, with or without its trunk 0 or country code."""
    nsn = phonenumbers.national_significant_number(claimed)
    spellings = {nsn, "0" + nsn, str(claimed.country_code) + nsn}
    out = []
    for si, seg in enumerate(line):
        pieces = [seg] if si + 1 == len(line) else [seg, line[si + 1]]
        for take in (1, 2)[: len(pieces)]:
            parts = pieces[:take]
            joined = " ".join(p.text for p in parts)
            for m in _DIGIT_RUN.finditer(joined):
                if re.sub(r"\D", "", m.group()) not in spellings:
                    continue
                first_len = len(parts[0].text)
                if take == 2 and not (m.start() < first_len < m.end()):
                    continue  # wholly in one segment: found as one
                end_in_first = min(m.end(), first_len)
                box = parts[0].span_box(m.start(), end_in_first)
                if take == 2:
                    box = box.union(parts[1].span_box(0, m.end() - first_len - 1))
                if any(f.page == seg.page and _overlaps(f.box, box) for f in found):
                    continue
                out.append((si, m.start(), end_in_first, parts[0], box))
    return out


def _overlaps(a: Box, b: Box) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.top < b.bottom and b.top < a.bottom


def _matches(text: str, regions: Sequence[str]) -> list[tuple[int, int, PhoneNumber]]:
    if not any(
        sum(ch.isdigit() for ch in m.group()) >= _MIN_DIGITS for m in _CANDIDATE.finditer(text)
    ):
        return []  # dates, times, amounts: no run of digits long enough to be a phone number
    out: list[tuple[int, int, PhoneNumber]] = []
    for i, region in enumerate(regions):
        if i and not any(
            not any(start <= m.start() < end for start, end, _ in out)
            for m in _NATIONAL.finditer(text)
        ):
            break  # only national spellings not read yet may read in another region
        for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
            # A match glued to more digits or letters is part of some longer reference.
            before = text[m.start - 1] if m.start > 0 else " "
            after = text[m.end] if m.end < len(text) else " "
            if (before.isalnum() and before.isdigit()) or after.isalnum():
                continue
            if any(m.start < end and start < m.end for start, end, _ in out):
                continue  # read already in a region preferred to this one
            out.append((m.start, m.end, m.number))
    out.sort(key=lambda t: t[0])
    return out


def _wrapped(
    lines: list[list[Segment]],
    li: int,
    region: Sequence[str],
    zone: str | None,
    seen_heading: bool,
    height: float,
    page_no: int,
) -> list[NumberMatch]:
    """A number that starts at the end of this line and ends at the start of the next."""
    if li + 1 >= len(lines):
        return []
    a, b = lines[li][-1], lines[li + 1][0]
    a_box, b_box = a.box, b.box
    if b_box.top - a_box.bottom > (a_box.bottom - a_box.top) * 1.2:
        return []
    if not (a.text[-1:].isdigit() or a.text[-1:] == ")") or not b.text[:1].isdigit():
        return []
    joined = a.text + " " + b.text
    out = []
    for start, end, num in _matches(joined, region):
        if not (start < len(a.text) < end - 1):
            continue
        label = label_for(lines, li, len(lines[li]) - 1, start)
        if _REFERENCE.search(label):
            continue
        b_end = end - len(a.text) - 1
        box = a.span_box(start, len(a.text)).union(b.span_box(0, b_end))
        line_text = " ".join(s.text for s in lines[li])
        role = _role(label, zone, line_text, seen_heading, box, height, page_no)
        fonts = tuple(w.fontname for w in a.words_in(start, len(a.text)) + b.words_in(0, b_end))
        text = a.text[start:] + " " + b.text[:b_end]
        out.append(NumberMatch(page_no, text, box, role, num, fonts))
    return out


def _match(
    seg: Segment, start: int, end: int, num: PhoneNumber, box: Box, role: Role
) -> NumberMatch:
    fonts = tuple(w.fontname for w in seg.words_in(start, end))
    return NumberMatch(seg.page, seg.text[start:end], box, role, num, fonts)


def _role(
    label: str,
    zone: str | None,
    line_text: str,
    seen_heading: bool,
    box: Box,
    height: float,
    page_no: int,
) -> Role:
    if _CONTACT.search(label):
        return "other"
    if _CALL_HEADING.search(label):  # a call table's column header ("Number dialled")
        return "dialled"
    if _LINE_LABEL.search(label):
        return "line"
    if zone == "calls" or (_DATE.search(line_text) and _CLOCK.search(line_text)):
        return "dialled"
    # Unlabelled numbers in a summary or the header are the bill's lines; a number with some
    # other label there ("transferred from ...") is not.
    unlabelled = not re.search(r"[a-z]", label, re.I)
    if zone == "services" and unlabelled:
        return "line"
    if unlabelled and page_no == 1 and not seen_heading and box.top < height * HEADER_FRACTION:
        return "line"
    return "other"


def _heading_zone(line_text: str) -> str | None:
    if _CALL_HEADING.search(line_text):
        return "calls"
    if _SERVICE_HEADING.search(line_text):
        return "services"
    return None
