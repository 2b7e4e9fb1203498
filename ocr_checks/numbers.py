"""Phone numbers on a bill, and what each is there for: the billed line, a number dialled, the
operator's own number (care, sales, fax, from abroad), other.

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
from rapidfuzz import fuzz

from ocr_checks.document import Document
from ocr_checks.fields import label_for
from ocr_checks.layout import Box, Segment, page_lines

Role = Literal["line", "dialled", "operator", "other"]

# A value after one of these labels is an account, invoice or tax reference, never a phone.
_REFERENCE = re.compile(
    r"\b(account|acc(t|ount)?\.? ?no|a/c|invoice|inv\b|vat|tax|ref(erence)?\b"
    r"|customer (no|number|id)"
    r"|iban|bic|sort ?code|meter|mprn|gprn|order|pin|puk|imei|iccid|sim\b|serial|payment"
    r"|direct debit|mandate|cro\b|company (no|number)|reg(istered|istration)?\.? ?(no|number)"
    r"|bank|amount|total|due)",
    re.I,
)
# "Numbers on this account" heads the account's lines, not an account number.
_ON_ACCOUNT = re.compile(r"numbers?(\(s\))?\s*on\s*(this|your|the)\s*account", re.I)


def _is_reference(label: str) -> bool:
    return _REFERENCE.search(_ON_ACCOUNT.sub(" ", label)) is not None


# Numbers the issuer gives for itself: care lines, sales, fax, "from abroad", text-to numbers.
_CONTACT = re.compile(
    r"\b(call us|contact|customer (care|service|services)|care (line|team|centre|center)|help"
    r"|support|quer(y|ies)|enquir|fax|lost or stolen|freephone|free ?fone|ring us|phone us"
    r"|sales|text (us|\w+ to)"
    r"|visit|from abroad|abroad|outside (ireland|the uk)|minicom|textphone|upgrade"
    r"|offer|call (our|the|free|us)|dial \d|complaints|faults?|repairs?|technical"
    r"|opening hours|lines are open|mon(day)?\s*[-–]|24/7)",
    re.I,
)
# Text that is the operator's own, wherever a number sits in it: its postal or web address,
# its registration and its small print.
_OPERATOR_TEXT = re.compile(
    r"\b(p\.?\s?o\.?\s?box|freepost|www\.|https?:|\.(ie|com|co\.uk|net)\b|registered (office|in)"
    r"|reg(istered)?\.? no|vat (no|number|reg)|company (no|number)|customer care|customer service"
    r"|if undelivered|return to)",
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
    r"|(bill|calls|charges|summary|usage|services?) for|(calls|usage|charges) (made )?from"
    r"|line\b|service\b|msisdn|\bcli\b|number(\(s\))?\s*:?\s*$|\bddis?\b|\bdids?\b"
    r"|direct dial|number (range|block)s?|\branges?\b|sip trunk|trunk"
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
    last: PhoneNumber | None = None  # a DDI range's last number: the match covers the range

    @property
    def e164(self) -> str:
        """The number in E.164; a range as its first and last joined by ".."."""
        first = phonenumbers.format_number(self.number, PhoneNumberFormat.E164)
        if self.last is None:
            return first
        return first + ".." + phonenumbers.format_number(self.last, PhoneNumberFormat.E164)


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
    A DDI range ("01 496 0100 – 0199", "01 496 0100 to 01 496 0199") is one match covering
    every number in it (`NumberMatch.last`).
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
                for start, end, num, last in _ranged(seg.text, _segment_matches(seg, regions)):
                    label = label_for(lines, li, si, start, end)
                    if _is_reference(label):
                        continue
                    box = seg.span_box(start, end)
                    ocr = page.source == "ocr"
                    role = _role(
                        _Where(label, _after(seg.text, end), seg.text, line_text, zone, ocr),
                        seen_heading,
                        box,
                        page.height,
                        page.number,
                    )
                    found.append(_match(seg, start, end, num, box, role, last))
            if claimed is not None and page.source == "ocr":
                for si, start, end, seg, box in _claimed_digits(line, claimed, found):
                    label = label_for(lines, li, si, start)
                    if _is_reference(label):
                        continue
                    where = _Where(label, _after(seg.text, end), seg.text, line_text, zone, True)
                    role = _role(where, seen_heading, box, page.height, page.number)
                    found.append(NumberMatch(seg.page, seg.text[start:end], box, role, claimed, ()))
            found.extend(_wrapped(lines, li, regions, zone, seen_heading, page.height, page.number))
            heading = _heading_zone(line_text)
            if heading is not None:
                zone, seen_heading = heading, True
    return found


# A range's end after its first number: "– 0199", "-0199", "to 0199", "to 01 496 0199".
_RANGE_TAIL = re.compile(r"\s*(?:[-–—]|\bto\b)\s*(?P<tail>[+(]?\d[\d ()]*\d)(?![\d])")


def _ranged(
    text: str, matches: list[tuple[int, int, PhoneNumber]]
) -> list[tuple[int, int, PhoneNumber, PhoneNumber | None]]:
    """The matches, each with the last number of the DDI range it starts (or None): the end is
    the start's number with its last digits replaced ("0100 – 0199") or a whole number that
    differs from the start only there ("01 496 0100 to 01 496 0199")."""
    out: list[tuple[int, int, PhoneNumber, PhoneNumber | None]] = []
    skip_to = -1
    for start, end, num in matches:
        if start < skip_to:
            continue
        tail = _RANGE_TAIL.match(text, end)
        last = _range_end(num, tail.group("tail")) if tail else None
        if tail is not None and last is not None:
            out.append((start, tail.end(), num, last))
            skip_to = tail.end()
        else:
            out.append((start, end, num, None))
    return out


_MAX_RANGE = 10_000  # a DDI block is at most this many numbers


def _range_end(first: PhoneNumber, tail: str) -> PhoneNumber | None:
    digits = re.sub(r"\D", "", tail)
    nsn = phonenumbers.national_significant_number(first)
    if len(digits) > 5:  # a whole number: it differs from the first only in its last digits
        try:
            whole = phonenumbers.parse(tail, phonenumbers.region_code_for_number(first))
        except phonenumbers.NumberParseException:
            return None
        end = phonenumbers.national_significant_number(whole)
        if whole.country_code != first.country_code or len(end) != len(nsn):
            return None
        differ = next((i for i, (a, b) in enumerate(zip(nsn, end, strict=True)) if a != b), 0)
        digits = end[min(differ, len(end) - 2) :]
    if not 2 <= len(digits) <= 5 or len(digits) >= len(nsn):
        return None
    head, low = nsn[: -len(digits)], nsn[-len(digits) :]
    if not int(low) < int(digits) < int(low) + _MAX_RANGE:
        return None
    last = PhoneNumber(country_code=first.country_code, national_number=int(head + digits))
    if first.italian_leading_zero:
        last.italian_leading_zero = True
    return last if phonenumbers.is_valid_number(last) else None


def covers(match: NumberMatch, claimed: PhoneNumber) -> bool:
    """The match is the claimed number, or a DDI range with the claimed number inside it."""
    if same_number(match.number, claimed):
        return True
    if match.last is None or claimed.country_code != match.number.country_code:
        return False
    low = phonenumbers.national_significant_number(match.number)
    high = phonenumbers.national_significant_number(match.last)
    mine = phonenumbers.national_significant_number(claimed)
    return len(mine) == len(low) and low <= mine <= high


def _after(text: str, end: int) -> str:
    """The words after a number in its run, up to the next digit ("… 1800 from abroad")."""
    rest = text[end:]
    cut = next((i for i, ch in enumerate(rest) if ch.isdigit()), len(rest))
    return rest[:cut]


def _segment_matches(seg: Segment, regions: Sequence[str]) -> list[tuple[int, int, PhoneNumber]]:
    """Numbers in each of the segment's cells (words split at gaps wider than a letter or two:
    a table set tight runs values together, "4471 2290 63  0121 496 0789", and a number read
    across a cell's edge takes the next cell's digits), then in its whole text where no cell
    held one (a number whose digit groups are set wide apart)."""
    found: list[tuple[int, int, PhoneNumber]] = []
    cells = _cells(seg)
    for a, b in cells:
        found += [(a + s, a + e, n) for s, e, n in _matches(seg.text[a:b], regions)]
    for s, e, n in _matches(seg.text, regions) if len(cells) > 1 else ():
        if not any(start < e and s < end for start, end, _ in found):
            found.append((s, e, n))
    for m in _GLUED_RANGE.finditer(seg.text):  # "01 496 0100-0199": the first number alone
        a, b = m.span("first")
        if any(start < b and a < end for start, end, _ in found):
            continue
        found += [(a + s, a + e, n) for s, e, n in _matches(seg.text[a:b], regions) if a + e == b]
    return sorted(found, key=lambda t: t[0])


_GLUED_RANGE = re.compile(r"(?P<first>[+(]?\d[\d ()]*\d)[-–—](?P<tail>\d{2,5})(?!\d)")


def _cells(seg: Segment) -> list[tuple[int, int]]:
    if len(seg.words) < 2:
        return [(0, len(seg.text))]
    cuts = [0]
    for i in range(1, len(seg.words)):
        prev, word = seg.words[i - 1], seg.words[i]
        if word.x0 - prev.x1 > 0.9 * max(1.0, word.bottom - word.top):
            cuts.append(seg.owners.index(i))
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
    """A number that starts at the end of this line and ends at the start of the next, in the
    same block: the next line's run starts at the left edge of this one's (in two columns, the
    next line's first run is the other column's), and this line's digits are not already a
    whole number (else "01 496 0142" over "2 Harbour Road" reads as a longer number)."""
    if li + 1 >= len(lines):
        return []
    a = lines[li][-1]
    below = [s for s in lines[li + 1] if abs(s.box.x0 - a.box.x0) <= WRAP_ALIGN]
    if not below:
        return []
    b = below[0]
    a_box, b_box = a.box, b.box
    if b_box.top - a_box.bottom > (a_box.bottom - a_box.top) * 1.2:
        return []
    if not (a.text[-1:].isdigit() or a.text[-1:] == ")") or not b.text[:1].isdigit():
        return []
    if any(end == len(a.text) for _, end, _ in _matches(a.text, region)):
        return []
    joined = a.text + " " + b.text
    out = []
    for start, end, num in _matches(joined, region):
        if not (start < len(a.text) < end - 1):
            continue
        label = label_for(lines, li, len(lines[li]) - 1, start)
        if _is_reference(label):
            continue
        b_end = end - len(a.text) - 1
        box = a.span_box(start, len(a.text)).union(b.span_box(0, b_end))
        line_text = " ".join(s.text for s in lines[li])
        where = _Where(label, _after(b.text, b_end), a.text, line_text, zone)
        role = _role(where, seen_heading, box, height, page_no)
        fonts = tuple(w.fontname for w in a.words_in(start, len(a.text)) + b.words_in(0, b_end))
        text = a.text[start:] + " " + b.text[:b_end]
        out.append(NumberMatch(page_no, text, box, role, num, fonts))
    return out


# A wrapped number's second line starts this close (points) to its first line's left edge.
WRAP_ALIGN = 6.0


def _match(
    seg: Segment,
    start: int,
    end: int,
    num: PhoneNumber,
    box: Box,
    role: Role,
    last: PhoneNumber | None = None,
) -> NumberMatch:
    fonts = tuple(w.fontname for w in seg.words_in(start, end))
    return NumberMatch(seg.page, seg.text[start:end], box, role, num, fonts, last)


@dataclass(frozen=True)
class _Where:
    """What surrounds a number: its label, the words after it, its run and its line, and the
    kind of section it is in ("calls", "services" or None)."""

    label: str
    after: str = ""
    run: str = ""
    line: str = ""
    zone: str | None = None
    ocr: bool = False


def _role(where: _Where, seen_heading: bool, box: Box, height: float, page_no: int) -> Role:
    label = where.label
    if _CONTACT.search(label) or _CALL_WORD.search(label) or _CONTACT.match(where.after.strip()):
        return "operator"
    if _CALL_HEADING.search(label):  # a call table's column header ("Number dialled")
        return "dialled"
    if _LINE_LABEL.search(label) or (where.ocr and _misread_line_label(label)):
        return "line"
    if _OPERATOR_TEXT.search(label) or _OPERATOR_TEXT.search(where.run):
        return "operator"  # in the letterhead or the small print, beside the operator's address
    if where.zone == "calls" or (_DATE.search(where.line) and _CLOCK.search(where.line)):
        return "dialled"
    # Unlabelled numbers in a summary or the header are the bill's lines; a number with some
    # other label there ("transferred from ...") is not.
    unlabelled = not re.search(r"[a-z]", label, re.I)
    if where.zone == "services" and unlabelled:
        return "line"
    if unlabelled and page_no == 1 and not seen_heading and box.top < height * HEADER_FRACTION:
        return "line"
    return "other"


# Line labels as OCR misreads them ("Service n ymbe:"), compared letters only.
_LINE_LABEL_LETTERS = (
    "servicenumber",
    "phonenumber",
    "yourphonenumber",
    "telephonenumber",
    "mobilenumber",
    "linenumber",
    "yournumber",
    "numbersonthisbill",
    "numberonthisbill",
)
MISREAD_LABEL_SCORE = 80.0


def _misread_line_label(label: str) -> bool:
    letters = re.sub(r"[^a-z]", "", label.lower())
    return len(letters) >= 8 and any(
        fuzz.ratio(letters, known) >= MISREAD_LABEL_SCORE for known in _LINE_LABEL_LETTERS
    )


# "Call 1901", "ring 0800 …": a number offered to be called is the operator's.
_CALL_WORD = re.compile(r"\b(call|ring|dial|phone us)\s*(us\s*)?(on|at)?\s*:?\s*$", re.I)


def _heading_zone(line_text: str) -> str | None:
    if _CALL_HEADING.search(line_text):
        return "calls"
    if _SERVICE_HEADING.search(line_text):
        return "services"
    return None
