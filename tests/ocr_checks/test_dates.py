"""The bill's issue date, day first, told apart from its billing period and call dates."""

from __future__ import annotations

import datetime as dt

import pytest
from billmaker import make_bill
from conftest import read_text_bill

from ocr_checks.bill_date import FoundDate, find_bill_date, find_issue_date, is_recent, parse_date


@pytest.mark.parametrize(
    ("printed", "day"),
    [
        ("12/03/2026", dt.date(2026, 3, 12)),
        ("05/04/26", dt.date(2026, 4, 5)),
        ("05.04.2026", dt.date(2026, 4, 5)),
        ("5-4-2026", dt.date(2026, 4, 5)),
        ("12 March 2026", dt.date(2026, 3, 12)),
        ("3rd Feb 2026", dt.date(2026, 2, 3)),
        ("2026-03-12", dt.date(2026, 3, 12)),
    ],
)
def test_irish_and_uk_spellings_of_a_date_are_read_day_first(printed: str, day: dt.date) -> None:
    assert parse_date(printed) == day


def test_the_labelled_issue_date_wins_over_the_billing_period() -> None:
    bill = make_bill(issue_date="12 March 2026", period=("01/02/2026", "28/02/2026"))
    assert find_issue_date(read_text_bill(bill)) == dt.date(2026, 3, 12)


@pytest.mark.parametrize("label", ["Invoice date:", "Date of issue:", "Statement date:"])
def test_other_issue_date_labels_are_understood(label: str) -> None:
    bill = make_bill(issue_date="02/03/2026", issue_date_label=label)
    assert find_issue_date(read_text_bill(bill)) == dt.date(2026, 3, 2)


def test_a_bill_with_only_a_billing_period_is_dated_by_the_period_end() -> None:
    # Not a call's date nor the period's start: a bill is issued once its period is over.
    found = find_bill_date(read_text_bill(make_bill(issue_date=None)))
    assert found == FoundDate(dt.date(2026, 2, 28), "period_end")


def test_a_bill_with_no_date_at_all_has_none() -> None:
    assert find_issue_date(read_text_bill(make_bill(issue_date=None, period=None))) is None


@pytest.mark.parametrize(
    ("printed", "day"),
    [
        ("03/11/2026", dt.date(2026, 11, 3)),  # day first: 3 November
        ("07-Nov-26", dt.date(2026, 11, 7)),  # a two-digit year
        ("7 Nov 26", dt.date(2026, 11, 7)),
        ("3rd November 2026", dt.date(2026, 11, 3)),
        ("21st of October 2026", dt.date(2026, 10, 21)),
        ("3 Samhain 2026", dt.date(2026, 11, 3)),  # Irish month names
        ("12 Márta 2026", dt.date(2026, 3, 12)),
        ("1 Meán Fómhair 2026", dt.date(2026, 9, 1)),
        ("21 Deireadh Fómhair 2026", dt.date(2026, 10, 21)),
        ("5 Nollaig 2026", dt.date(2026, 12, 5)),
    ],
)
def test_dates_as_irish_and_uk_bills_write_them(printed: str, day: dt.date) -> None:
    assert parse_date(printed) == day


@pytest.mark.parametrize("printed", ["07-Nov-26", "3 Samhain 2026", "03/11/2026"])
def test_the_issue_date_of_a_bill_in_any_of_those_spellings(printed: str) -> None:
    bill = make_bill(issue_date=printed, period=("01/10/2026", "31/10/2026"), calls=())
    found = find_bill_date(read_text_bill(bill))
    assert found is not None and found.labelled
    assert found.when.month == 11 and found.when.year == 2026


def test_recent_means_within_the_window_before_as_of_and_not_in_the_future() -> None:
    as_of = dt.date(2026, 4, 1)
    assert is_recent(dt.date(2026, 1, 1), as_of, 90)  # 90 days before
    assert not is_recent(dt.date(2025, 12, 31), as_of, 90)
    assert is_recent(dt.date(2025, 12, 31), as_of, 120)  # configurable
    assert not is_recent(dt.date(2026, 4, 2), as_of, 90)  # the future is not recent
    assert not is_recent(None, as_of, 90)
