"""Two-page scans and phone photos of bills from the second bill maker keep what the verdict
needs: the line's label, the issue date and the holder's whole name (first word included).

OCR is slow on the shared machine: the files are made once per session and each is read once.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import pytest
from billmaker2 import AS_OF, BillSpec, draw_bill, paper
from billmaker2.operators import OPERATORS

from ocr_checks import Claim, Report, examine

SPEC = BillSpec(
    operator=next(o for o in OPERATORS if o.brand == "Sky" and o.region == "IE"),
    holder="Seán Ó Briain",
    address=("12 Main Street", "Ennis, Co. Clare", "V95 T2F8"),
    line="(091) 524 611",
    issue=AS_OF - dt.timedelta(days=30),
    layout="label_column",
    font="Times-Roman",
    line_label="Phone number",
    date_label="Statement date",
    date_style="d_mon_y",
    calls=(("021 490 1234", "09:14"), ("087 765 4300", "17:40"), ("01 905 3377", "12:01")),
    call_pages=1,
)
CLAIM = Claim("+353 91 524 611", "Sean O'Briain", AS_OF)


@pytest.fixture(scope="session")
def two_page_scan_report() -> Report:
    scan = paper.scan(draw_bill(replace(SPEC, layout="header_table")), random.Random(5), dpi=150)
    return examine(scan, CLAIM)


@pytest.fixture(scope="session")
def photo_report() -> Report:
    # Photographed askew, in shade, stored turned a quarter with EXIF Orientation 6.
    photo = paper.photo(draw_bill(SPEC), random.Random(11), orientation=6)
    return examine(photo, CLAIM)


def test_a_two_page_scan_at_150_dpi_keeps_the_lines_label_and_passes(
    two_page_scan_report: Report,
) -> None:
    report = two_page_scan_report
    assert report.source == "ocr" and report.pages_read == 2
    assert "line" in [m.role for m in report.matches], report.reasons
    assert report.bill_date == (AS_OF - dt.timedelta(days=30)).isoformat()
    assert report.verdict == "pass", report.reasons


def test_a_phone_photo_keeps_the_holders_first_word_and_passes(photo_report: Report) -> None:
    report = photo_report
    assert report.source == "ocr"
    assert report.holder.on_bill is not None
    assert report.holder.on_bill.upper().startswith("SEAN"), report.holder
    assert report.holder.match
    assert report.verdict == "pass", report.reasons
