"""A bill drawn from a `BillSpec`: one of several layouts, fonts and page sizes (reportlab).

Coordinates here run from the top-left (as a designer measures a page); `Sheet` turns them into
reportlab's bottom-left ones. Layouts differ in where a value sits against its label: beside it,
above it with a blank gap, in a header row over a table, in a right-aligned label column, or
listed under a "numbers on this bill" heading.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4, A5, LETTER
from reportlab.pdfgen.canvas import Canvas

from .operators import Operator

PAGE_SIZES = {"A4": A4, "Letter": LETTER, "A5": A5}
BOLD = {"Helvetica": "Helvetica-Bold", "Times-Roman": "Times-Bold", "Courier": "Courier-Bold"}
LAYOUTS = ("inline", "stacked", "header_table", "label_column", "numbers_list", "services_table")
DATE_STYLES = ("dmy_slash", "d_month_y", "iso", "us", "d_mon_y", "ordinal")


@dataclass(frozen=True)
class BillSpec:
    operator: Operator
    holder: str
    address: tuple[str, ...]
    line: str  # the billed line as printed
    issue: dt.date
    layout: str = "inline"
    font: str = "Helvetica"
    page_size: str = "A4"
    date_style: str = "dmy_slash"
    line_label: str = "Phone number"
    date_label: str = "Bill date"
    period_label: str = "Billing period"
    account_label: str = "Account number"
    holder_right: bool = False  # address block on the right, summary box on the left
    bill_to_label: bool = False  # "Bill to" over the address block
    calls: tuple[tuple[str, str], ...] = ()  # (number dialled, time) on days of the period
    call_pages: int = 0  # calls on pages of their own after the first
    calls_heading: str | None = "Itemised calls"
    hidden_over: str | None = None  # invisible text laid exactly over the billed line
    label_style: str = "colon"  # "colon", "bare" or "dots" (dot leaders run up to the value)
    holder_in_facts: bool = False  # an "Account holder" fact beside the others
    tight_table: bool = False  # header-table columns only as wide as their widest cell
    notice: tuple[str, ...] = ()  # a message from the operator above the account facts
    stack_gap: float = 22.0  # points from a stacked label's top to its value's top
    return_address: bool = False  # "If undelivered, return to ..." in small print over the name
    due_date: bool = False  # a "Payment due" date (after the issue date) among the facts
    trading_as: str | None = None  # printed after the holder: "... T/A Smile Clinic"
    extra: tuple[str, ...] = field(default_factory=tuple)  # more lines under the charges

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        end = self.issue.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end


def format_date(day: dt.date, style: str) -> str:
    if style == "dmy_slash":
        return day.strftime("%d/%m/%Y")
    if style == "d_month_y":
        return f"{day.day} {day:%B %Y}"
    if style == "iso":
        return day.isoformat()
    if style == "us":
        return f"{day:%b} {day.day}, {day.year}"
    if style == "d_mon_y":
        return day.strftime("%d %b %Y")
    suffix = "th" if 11 <= day.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return f"{day.day}{suffix} {day:%B %Y}"


class Sheet:
    """A reportlab canvas measured from the top-left, in one font family."""

    def __init__(self, spec: BillSpec) -> None:
        self.buf = io.BytesIO()
        self.w, self.h = PAGE_SIZES[spec.page_size]
        self.c = Canvas(self.buf, pagesize=(self.w, self.h), invariant=1)
        self.c.setProducer("Billing Platform 7.2 (Render Engine)")
        self.regular, self.bold = spec.font, BOLD[spec.font]
        self.scale = 0.78 if spec.page_size == "A5" else 1.0  # A5 bills print smaller

    def text(self, x: float, top: float, s: str, size: float = 9, bold: bool = False) -> None:
        size *= self.scale
        self.c.setFont(self.bold if bold else self.regular, size)
        self.c.drawString(x, self.h - top - size, s)

    def right(self, x: float, top: float, s: str, size: float = 9, bold: bool = False) -> None:
        size *= self.scale
        self.c.setFont(self.bold if bold else self.regular, size)
        self.c.drawRightString(x, self.h - top - size, s)

    def width(self, s: str, size: float = 9, bold: bool = False) -> float:
        return self.c.stringWidth(s, self.bold if bold else self.regular, size * self.scale)

    def invisible(self, x: float, top: float, s: str, size: float = 9) -> None:
        size *= self.scale
        t = self.c.beginText(x, self.h - top - size)
        t.setFont(self.regular, size)
        t.setTextRenderMode(3)
        t.textOut(s)
        t.setTextRenderMode(0)
        self.c.drawText(t)

    def rule(self, top: float) -> None:
        self.c.setLineWidth(0.5)
        self.c.line(self.m, self.h - top, self.w - self.m, self.h - top)

    @property
    def m(self) -> float:
        return 0.07 * self.w

    def finish(self) -> bytes:
        self.c.save()
        return self.buf.getvalue()


def draw_bill(spec: BillSpec) -> bytes:
    """The PDF of the bill `spec` describes."""
    s = Sheet(spec)
    op = spec.operator
    u = s.scale
    s.text(s.m, 0.05 * s.h, op.brand, 20, bold=True)
    s.right(s.w - s.m, 0.05 * s.h, "Your bill" if op.region == "IE" else "Your statement", 11)
    s.rule(0.05 * s.h + 30 * u)

    # Address block behind the envelope window; a glance box of charges beside it.
    top = 0.14 * s.h
    left_x, right_x = s.m, 0.55 * s.w
    addr_x, box_x = (right_x, left_x) if spec.holder_right else (left_x, right_x)
    y = top
    if spec.return_address:
        s.text(addr_x, y - 11 * u, "If undelivered, return to: PO Box 1234, Freepost F123", 6)
    if spec.bill_to_label:
        s.text(addr_x, y, "Bill to:", 8, bold=True)
        y += 13 * u
    block = [spec.holder]
    if spec.trading_as:  # on the name's line when it fits, else on a line of its own
        joined = f"{spec.holder} T/A {spec.trading_as}"
        fits = s.width(joined, 10) < abs(box_x - addr_x) - 24 * u if box_x > addr_x else True
        block = (
            [joined]
            if fits and s.width(joined, 10) < 0.4 * s.w
            else [*block, f"T/A {spec.trading_as}"]
        )
    for line in (*block, *spec.address):
        s.text(addr_x, y, line, 10)
        y += 12.5 * u
    glance = [("Line rental", "22.00"), ("Broadband", "35.00"), ("Calls", "4.17")]
    s.text(box_x, top, "Your bill at a glance", 9, bold=True)
    gy = top + 14 * u
    for label, amount in glance:
        s.text(box_x, gy, label, 9)
        s.right(box_x + 0.36 * s.w, gy, f"{op.currency}{amount}", 9)
        gy += 12 * u
    s.text(box_x, gy, "Total due", 9, bold=True)
    s.right(box_x + 0.36 * s.w, gy, f"{op.currency}61.17", 9, bold=True)

    facts_top = max(y, gy) + 28 * u
    for text in spec.notice:
        s.text(s.m, facts_top, text, 9)
        facts_top += 12 * u
    if spec.notice:
        facts_top += 16 * u
    bottom = LAYOUT_DRAWERS[spec.layout](s, spec, facts_top)
    bottom = _charges(s, spec, bottom + 26 * u)
    if spec.calls and spec.call_pages == 0:
        _calls(s, spec, bottom + 22 * u, spec.calls)
    _footer(s, spec)
    for n in range(spec.call_pages):
        s.c.showPage()
        s.text(s.m, 0.05 * s.h, op.brand, 12, bold=True)
        heading = "Call details (continued)" if n else "Call details"
        s.text(s.m, 0.09 * s.h, heading, 11, bold=True)
        _calls(s, spec, 0.09 * s.h + 22 * u, spec.calls, heading=None)
        _footer(s, spec)
    s.c.showPage()
    return s.finish()


def _label(spec: BillSpec, text: str) -> str:
    if spec.label_style == "dots":
        return text + " " + "." * max(3, 26 - len(text))
    return f"{text}:" if spec.label_style == "colon" else text


def _facts(spec: BillSpec) -> list[tuple[str, str]]:
    a, b = spec.period
    period = f"{format_date(a, spec.date_style)} - {format_date(b, spec.date_style)}"
    holder = [("Account holder", spec.holder)] if spec.holder_in_facts else []
    due = format_date(spec.issue + dt.timedelta(days=14), spec.date_style)
    return [
        *holder,
        *([("Payment due", due)] if spec.due_date else []),
        (spec.account_label, "4471 2290 63"),
        (spec.date_label, format_date(spec.issue, spec.date_style)),
        (spec.period_label, period),
        (spec.line_label, spec.line),
    ]


def _line_at(s: Sheet, spec: BillSpec, x: float, top: float, size: float = 9) -> None:
    s.text(x, top, spec.line, size)
    if spec.hidden_over is not None:
        s.invisible(x, top, spec.hidden_over, size)


def _inline(s: Sheet, spec: BillSpec, top: float) -> float:
    u = s.scale
    value_x = s.m + 0.27 * s.w
    for label, value in _facts(spec):
        s.text(s.m, top, _label(spec, label), 9)
        if value == spec.line:
            _line_at(s, spec, value_x, top)
        else:
            s.text(value_x, top, value, 9)
        top += 13 * u
    return top


def _stacked(s: Sheet, spec: BillSpec, top: float) -> float:
    """Each fact in a cell: the label, a blank gap, the value below."""
    u = s.scale
    facts = _facts(spec)
    col = (s.w - 2 * s.m) / 2
    for i, (label, value) in enumerate(facts):
        x = s.m + (i % 2) * col
        cell_top = top + (i // 2) * (spec.stack_gap + 30) * u
        s.text(x, cell_top, label, 8, bold=True)
        value_top = cell_top + spec.stack_gap * u  # a blank line or two between them
        size = 10.0
        while s.width(value, size) > col - 36 and size > 6:
            size -= 0.5  # a long period shrinks to stay in its cell
        if value == spec.line:
            _line_at(s, spec, x, value_top, size)
        else:
            s.text(x, value_top, value, size)
    return top + (len(facts) + 1) // 2 * (spec.stack_gap + 30) * u


def _header_table(s: Sheet, spec: BillSpec, top: float) -> float:
    """Two tables: a header row of labels, the values one row below, column-aligned."""
    u = s.scale
    account, issued, period, line = _facts(spec)[-4:]
    col = (s.w - 2 * s.m) / 3
    op = spec.operator
    for row in (
        [issued, period, ("Total due", f"{op.currency}61.17")],
        [account, line, ("Payment method", "Direct Debit")],
    ):
        xs = [s.m + i * col for i in range(3)]
        if spec.tight_table:  # columns as wide as their cells and 14 pt apart
            widths = [max(s.width(a, 8, True), s.width(b, 9)) for a, b in row]
            xs = [s.m + sum(widths[:i]) + 14 * i * u for i in range(3)]
        for i, (label, value) in enumerate(row):
            x = xs[i]
            s.text(x, top, label, 8, bold=True)
            if value == spec.line:
                _line_at(s, spec, x, top + 14 * u)
            else:
                s.text(x, top + 14 * u, value, 9 if len(value) < 24 else 7.5)
        s.rule(top + 28 * u)
        top += 40 * u
    return top


def _label_column(s: Sheet, spec: BillSpec, top: float) -> float:
    """Labels right-aligned against a column edge, values starting just after it."""
    u = s.scale
    edge = s.m + 0.34 * s.w
    for label, value in _facts(spec):
        s.right(edge, top, _label(spec, label), 9)
        if value == spec.line:
            _line_at(s, spec, edge + 9 * u, top)
        else:
            s.text(edge + 9 * u, top, value, 9)
        top += 13 * u
    return top


def _numbers_list(s: Sheet, spec: BillSpec, top: float) -> float:
    """Facts beside their labels; the billed line listed under a services heading."""
    u = s.scale
    top = _inline_without_line(s, spec, top)
    heading = (
        "Number(s) on this bill" if spec.line_label != "Number(s) on this bill" else "Services"
    )
    s.text(s.m, top + 10 * u, heading, 10, bold=True)
    top += 28 * u
    s.text(s.m, top, "Landline" if not spec.line.startswith(("07", "08")) else "Mobile", 9)
    _line_at(s, spec, s.m + 0.22 * s.w, top)
    s.right(s.w - s.m, top, f"{spec.operator.currency}22.00", 9)
    return top + 13 * u


def _services_table(s: Sheet, spec: BillSpec, top: float) -> float:
    """Facts beside their labels; the line in the second row of a services table whose
    header row names the columns."""
    u = s.scale
    top = _inline_without_line(s, spec, top) + 16 * u
    cur = spec.operator.currency
    cols = [s.m, s.m + 0.3 * s.w]
    s.text(cols[0], top, "Service", 8, bold=True)
    s.text(cols[1], top, spec.line_label, 8, bold=True)
    s.right(s.w - s.m, top, "Monthly charge", 8, bold=True)
    top += 14 * u
    for service, value, amount in (
        ("Broadband 500Mb", "n/a", "35.00"),
        ("Home phone", spec.line, "22.00"),
        ("Call bundle", "included", "0.00"),
    ):
        s.text(cols[0], top, service, 9)
        if value == spec.line:
            _line_at(s, spec, cols[1], top)
        else:
            s.text(cols[1], top, value, 9)
        s.right(s.w - s.m, top, f"{cur}{amount}", 9)
        top += 13 * u
    return top


def _inline_without_line(s: Sheet, spec: BillSpec, top: float) -> float:
    u = s.scale
    for label, value in _facts(spec)[:-1]:
        s.text(s.m, top, _label(spec, label), 9)
        s.text(s.m + 0.27 * s.w, top, value, 9)
        top += 13 * u
    return top


LAYOUT_DRAWERS = {
    "inline": _inline,
    "stacked": _stacked,
    "header_table": _header_table,
    "label_column": _label_column,
    "numbers_list": _numbers_list,
    "services_table": _services_table,
}


def _charges(s: Sheet, spec: BillSpec, top: float) -> float:
    u = s.scale
    cur = spec.operator.currency
    s.text(s.m, top, "Your charges", 11, bold=True)
    top += 18 * u
    rows = [
        ("Line rental (monthly)", "22.00"),
        ("Broadband 500Mb", "35.00"),
        ("Call charges", "4.17"),
    ]
    for text, amount in rows:
        s.text(s.m, top, text, 9)
        s.right(s.w - s.m, top, f"{cur}{amount}", 9)
        top += 12 * u
    for text in spec.extra:
        s.text(s.m, top, text, 9)
        top += 12 * u
    return top


def _calls(
    s: Sheet,
    spec: BillSpec,
    top: float,
    calls: tuple[tuple[str, str], ...],
    heading: str | bool | None = True,
) -> float:
    u = s.scale
    title = spec.calls_heading if heading is True else heading
    if title:
        s.text(s.m, top, title, 11, bold=True)
        top += 18 * u
    cols = [s.m, s.m + 0.16 * s.w, s.m + 0.28 * s.w, s.m + 0.58 * s.w]
    for x, name in zip(cols, ("Date", "Time", "Number dialled", "Duration"), strict=True):
        s.text(x, top, name, 8, bold=True)
    s.right(s.w - s.m, top, "Cost", 8, bold=True)
    top += 13 * u
    start = spec.period[0]
    for i, (number, clock) in enumerate(calls):
        day = start + dt.timedelta(days=(3 * i) % 27)
        s.text(cols[0], top, day.strftime("%d/%m/%y"), 8)
        s.text(cols[1], top, clock, 8)
        s.text(cols[2], top, number, 8)
        s.text(cols[3], top, f"00:{(7 * i) % 50 + 1:02d}:{(13 * i) % 60:02d}", 8)
        s.right(s.w - s.m, top, f"{spec.operator.currency}0.{(17 * i) % 90 + 10}", 8)
        top += 11 * u
    return top


def _footer(s: Sheet, spec: BillSpec) -> None:
    s.text(s.m, s.h - 0.05 * s.h, spec.operator.registered, 6.5)
