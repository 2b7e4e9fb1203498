"""The bill's issue date, told apart from its billing period and the dates of calls.

Irish and UK bills write dates day first: 12/03/2026, 12-03-26, 12.03.2026, 12 March 2026,
12th Mar 2026, 07-Nov-26, month names in Irish (12 Márta 2026, 3 Samhain 2026), and sometimes
ISO 2026-03-12. A labelled issue date ("Bill date", "Invoice date", "Date of issue",
"Statement date", "Tax point") wins; failing that, the first lone date on the first page that
is not part of a range ("01/02/2026 - 28/02/2026") or a period line; failing that, the end of
the billing period (a bill is issued once its period is over).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import Literal

from ocr_checks.document import Document
from ocr_checks.fields import label_for
from ocr_checks.layout import Segment, page_lines

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
# Irish month names as Irish bills print them (with and without the síneadh fada).
_MONTHS.update(
    {
        name: i
        for i, names in enumerate(
            (
                ("eanáir", "eanair", "ean"),
                ("feabhra", "feabh"),
                ("márta", "marta"),
                ("aibreán", "aibrean", "aib"),
                ("bealtaine", "beal"),
                ("meitheamh", "meith"),
                ("iúil", "iuil"),
                ("lúnasa", "lunasa", "lún", "lun"),
                ("meán fómhair", "mean fomhair", "meán fómhar", "mean fomhar", "mfómh"),
                ("deireadh fómhair", "deireadh fomhair", "dfómh"),
                ("samhain", "samh"),
                ("nollaig", "noll"),
            ),
            start=1,
        )
        for name in names
    }
)
_NUMERIC = r"(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})"
# "14Nov 2026" too: OCR runs a day into its month; "07-Nov-26" has a two-digit year.
_MONTH_WORD = r"(?:[A-Za-zÀ-ÿ]{3,9}|(?:meán|mean|deireadh) f[óo]mh[a]?i?r)"
_WORDY = (
    rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th|ú)?(?:\s*|-)(?:of\s+)?(?P<mon>{_MONTH_WORD})\.?,?"
    r"(?:\s+|-|/)(?P<y2>\d{4}|\d{2}(?![\d:]))"
)
_ISO = r"(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})"
# US style, as some UK billing systems print it: "Nov 3, 2026", "November 3rd, 2026".
_US = r"(?P<mon4>[A-Za-z]{3,9})\.?\s+(?P<d4>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y4>\d{4})"
DATE_FLAGS = re.I
DATE = re.compile(rf"\b(?:{_ISO}|{_NUMERIC}|{_WORDY}|{_US})\b", DATE_FLAGS)
_RANGE_JOIN = re.compile(r"^\s*(-|–|—|to|until|till)\s*$", re.I)
ISSUE_LABEL = re.compile(
    r"\b(bill(ing)? date|invoice date|date of (this )?(issue|bill|invoice|statement)"
    r"|issue date|issued( on)?|(bill|invoice|statement) (produced|printed|prepared)( on)?"
    r"|(produced|printed|prepared) on"
    r"|statement date|tax point|date issued|bill issued|^date|date of statement|document date"
    r"|invoice/tax date|tax date)\b",
    re.I,
)
# Dates a bill names that are after its issue: when the payment is due or taken, the next bill.
DUE_LABEL = re.compile(
    r"\b(due|pay(ment)? by|payment date|debit(ed)? on|direct debit|will be (taken|collected)"
    r"|collected on|next bill|on or after)\b",
    re.I,
)
PERIOD_LABEL = re.compile(
    r"\b(period|from|to|between|usage|service dates|charges (from|for)|covering)\b", re.I
)


How = Literal["labelled", "lone", "period_end"]


@dataclass(frozen=True)
class FoundDate:
    """The issue date and how it was told apart: under an issue-date label, as the one lone
    date of the first page, or as the end of the billing period (the only date given)."""

    when: dt.date
    how: How

    @property
    def labelled(self) -> bool:
        return self.how == "labelled"


def parse_date(text: str) -> dt.date | None:
    """The first day-first date in `text`, or None."""
    for m in DATE.finditer(text):
        d = _to_date(m)
        if d is not None:
            return d
    return None


def find_issue_date(document: Document) -> dt.date | None:
    """The bill's issue date, or None when the bill shows none that can be told apart."""
    found = find_bill_date(document)
    return found.when if found else None


def find_bill_date(document: Document) -> FoundDate | None:
    """The bill's issue date and how it was found (see `FoundDate`), or None."""
    lone: dt.date | None = None
    period_end: dt.date | None = None
    for page in document.pages[:2]:
        lines = page_lines(page)
        for li, line in enumerate(lines):
            for si, seg in enumerate(line):
                dates = [(m, d) for m in DATE.finditer(seg.text) if (d := _to_date(m)) is not None]
                if not dates:
                    continue
                line_text = " ".join(s.text for s in line)
                if _clocked(line_text):
                    continue  # a call record, whatever its column header says
                ranged = _in_ranges(line, si, [m for m, _ in dates])
                single = [(m, d) for k, (m, d) in enumerate(dates) if k not in ranged]
                if ranged and period_end is None and page.number == 1:
                    label = label_for(lines, li, si, dates[0][0].start(), dates[0][0].end())
                    if not DUE_LABEL.search(label):
                        period_end = max(d for k, (_, d) in enumerate(dates) if k in ranged)
                for m, day in single:
                    label = label_for(lines, li, si, m.start(), m.end())
                    if ISSUE_LABEL.search(label):
                        return FoundDate(day, "labelled")
                    if PERIOD_LABEL.search(label) or DUE_LABEL.search(label):
                        continue
                    if lone is None and page.number == 1 and len(single) == 1:
                        lone = day
    if lone is not None:
        return FoundDate(lone, "lone")
    if period_end is not None:
        return FoundDate(period_end, "period_end")
    return None


def _in_ranges(line: list[Segment], si: int, found: list[re.Match[str]]) -> set[int]:
    """Which of a segment's dates are ends of a range ("01/09/2026 - 30/09/2026"), also when
    the range is split over two segments ("01/09/2026 -" | "30/09/2026")."""
    text = line[si].text
    ranged: set[int] = set()
    for k, (a, b) in enumerate(itertools.pairwise(found)):
        if _RANGE_JOIN.match(text[a.end() : b.start()]):
            ranged.update((k, k + 1))
    after = line[si + 1].text.strip() if si + 1 < len(line) else ""
    if _RANGE_JOIN.match(text[found[-1].end() :]) and DATE.match(after):
        ranged.add(len(found) - 1)
    before = line[si - 1].text if si > 0 else ""
    if _RANGE_JOIN.match(text[: found[0].start()]) and DATE.search(before):
        ranged.add(0)
    return ranged


def _clocked(text: str) -> bool:
    # A date beside a time of day is a call record, not the bill's date.
    return re.search(r"\b\d{1,2}:\d{2}\b", text) is not None


def _to_date(m: re.Match[str]) -> dt.date | None:
    try:
        if m.group("y3"):
            return dt.date(int(m.group("y3")), int(m.group("m3")), int(m.group("d3")))
        if m.group("d"):
            return dt.date(_year(m.group("y")), int(m.group("m")), int(m.group("d")))
        if m.group("mon4"):
            month = _MONTHS.get(m.group("mon4").lower())
            day, year = m.group("d4"), m.group("y4")
        else:
            month = _MONTHS.get(" ".join(m.group("mon").lower().split()))
            day, year = m.group("d2"), m.group("y2")
        if month is None:
            return None
        return dt.date(_year(year), month, int(day))
    except ValueError:  # 31/02, month 13: not a date
        return None


def _year(text: str) -> int:
    """A four-digit year, or a two-digit one in this century ("07-Nov-26" is 2026)."""
    year = int(text)
    return year + 2000 if year < 100 else year


def is_recent(bill_date: dt.date | None, as_of: dt.date, days: int) -> bool:
    """Issued at most `days` before `as_of`, and not after it."""
    if bill_date is None:
        return False
    return as_of - dt.timedelta(days=days) <= bill_date <= as_of
