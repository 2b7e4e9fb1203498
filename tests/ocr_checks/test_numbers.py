"""The billed line is told from numbers dialled, references and the issuer's own numbers."""

from __future__ import annotations

import pytest
from billmaker import Call, make_bill
from conftest import read_text_bill

from ocr_checks.numbers import (
    InvalidNumber,
    NumberMatch,
    find_numbers,
    parse_claimed,
    same_number,
)


def numbers_on(data: bytes, region: str = "IE") -> list[NumberMatch]:
    return find_numbers(read_text_bill(data), region)


def roles_of(data: bytes, claimed: str, region: str = "IE") -> list[str]:
    want = parse_claimed(claimed, region)
    return [m.role for m in numbers_on(data, region) if same_number(m.number, want)]


@pytest.mark.parametrize(
    ("printed", "claimed"),
    [
        ("(01) 234 5678", "+353 1 234 5678"),
        ("+353 1 234 5678", "01 2345678"),
        ("00353 1 2345678", "(01) 234 5678"),
        ("087 123 4567", "+353871234567"),
        ("+353 87 123 4567", "0871234567"),
    ],
)
def test_an_irish_line_matches_in_any_spelling(printed: str, claimed: str) -> None:
    assert roles_of(make_bill(line_number=printed), claimed) == ["line"]


def test_a_uk_bill_matches_national_and_international_spellings() -> None:
    bill = make_bill(issuer="BT", line_number="020 7946 0958", calls=[])
    assert roles_of(bill, "+44 20 7946 0958", "GB") == ["line"]
    assert roles_of(bill, "02079460958", "UK") == ["line"]


def test_a_number_drawn_as_several_text_runs_in_several_fonts_is_found() -> None:
    bill = make_bill(split_number=True, split_fonts=("Helvetica", "Courier", "Times-Roman"))
    matches = [m for m in numbers_on(bill) if m.role == "line"]
    assert [m.e164 for m in matches] == ["+35312345678"]
    assert len(set(matches[0].fonts)) > 1


def test_a_number_wrapped_over_two_lines_is_found_with_a_box_over_both() -> None:
    bill = make_bill(wrap_number=True, line_number="+353 1 234 5678")
    (match,) = [m for m in numbers_on(bill) if m.role == "line"]
    assert match.e164 == "+35312345678"
    assert match.box.bottom - match.box.top > 15  # spans two lines of 10 pt text


def test_a_number_only_in_the_itemised_calls_is_dialled_not_billed() -> None:
    bill = make_bill(
        line_number="(01) 999 0000", calls=[Call("03/02/2026", "09:14", "01 234 5678")]
    )
    assert roles_of(bill, "012345678") == ["dialled"]


def test_numbers_in_a_numbers_on_this_bill_summary_are_billed_lines() -> None:
    bill = make_bill(line_number=None, summary_numbers=["087 123 4567", "(01) 234 5678"])
    assert roles_of(bill, "0871234567") == ["line"]
    assert roles_of(bill, "012345678") == ["line"]


def test_the_issuers_own_helpline_is_not_the_customers_line() -> None:
    bill = make_bill(extra_lines=["Call us on 01 400 4000 for help"])
    assert roles_of(bill, "014004000") == ["operator"]


def test_account_invoice_and_vat_numbers_are_never_taken_as_phone_numbers() -> None:
    # Each of these would parse as a valid Irish number without its label.
    bill = make_bill(
        account_number="01 234 5679",
        invoice_number="087 123 4568",
        vat_number="01 234 5670",
    )
    found = {m.e164 for m in numbers_on(bill)}
    assert found.isdisjoint({"+35312345679", "+353871234568", "+35312345670"})


def test_a_number_a_digit_off_is_not_the_claimed_number() -> None:
    assert roles_of(make_bill(line_number="(01) 234 5679"), "01 234 5678") == []


def test_a_claimed_number_that_is_no_phone_number_is_refused() -> None:
    with pytest.raises(InvalidNumber):
        parse_claimed("12345", "IE")
