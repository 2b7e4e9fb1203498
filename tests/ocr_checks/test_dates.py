"""The bill's issue date, day first, told apart from its billing period and call dates."""

from __future__ import annotations

import datetime as dt

import pytest
from billmaker import make_bill
from conftest import read_text_bill

from ocr_checks.bill_date import find_issue_date, is_recent, parse_date


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


def test_a_bill_with_only_a_billing_period_has_no_issue_date() -> None:
    # Neither the period's ends nor the dates of calls are the date the bill was issued.
    assert find_issue_date(read_text_bill(make_bill(issue_date=None))) is None


def test_recent_means_within_the_window_before_as_of_and_not_in_the_future() -> None:
    as_of = dt.date(2026, 4, 1)
    assert is_recent(dt.date(2026, 1, 1), as_of, 90)  # 90 days before
    assert not is_recent(dt.date(2025, 12, 31), as_of, 90)
    assert is_recent(dt.date(2025, 12, 31), as_of, 120)  # configurable
    assert not is_recent(dt.date(2026, 4, 2), as_of, 90)  # the future is not recent
    assert not is_recent(None, as_of, 90)
