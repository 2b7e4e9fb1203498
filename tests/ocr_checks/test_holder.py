"""The name on the bill against the customer's legal name, as a careful agent compares them."""

from __future__ import annotations

import pytest
from billmaker import make_bill
from conftest import read_text_bill

from ocr_checks.holder import check_holder, compare


@pytest.mark.parametrize(
    ("claimed", "on_bill"),
    [
        ("Acme Widgets Ltd", "ACME WIDGETS LIMITED"),
        ("Acme Widgets DAC", "Acme Widgets Designated Activity Company"),
        ("Bord Glas Teoranta", "Bord Glas Teo."),
        ("Acme Holdings PLC", "Acme Holdings"),
        ("Mary O'Brien", "Ms. Mary O’Brien"),
        ("Seán Ó Súilleabháin", "SEAN O SUILLEABHAIN"),
        ("Jonathan Smith", "Jonathon Smith"),  # one letter slips
    ],
)
def test_the_same_holder_matches_despite_case_accents_titles_and_suffixes(
    claimed: str, on_bill: str
) -> None:
    score, verdict = compare(claimed, on_bill)
    assert verdict == "match", score


def test_another_company_sharing_words_and_suffix_is_clearly_different() -> None:
    score, verdict = compare("Acme Widgets Ltd", "Acme Gadgets Ltd")
    assert verdict == "different"
    assert score < 85


def test_a_namesake_with_another_first_name_is_clearly_different() -> None:
    assert compare("Mary O'Brien", "Sean O'Brien")[1] == "different"


def test_a_surname_alone_or_an_initial_is_for_review_not_a_match() -> None:
    assert compare("Mary O'Brien", "O'Brien")[1] == "review"
    assert compare("Mary O'Brien", "M. O'Brien")[1] == "review"


def test_the_holder_is_found_in_the_address_block_with_its_score() -> None:
    check = check_holder(
        read_text_bill(make_bill(holder="ACME WIDGETS LIMITED")), "Acme Widgets Ltd"
    )
    assert check.on_bill == "ACME WIDGETS LIMITED"
    assert check.match and check.score == 100
    assert check.page == 1 and check.box is not None


def test_a_bill_for_another_company_reports_the_name_it_shows() -> None:
    check = check_holder(read_text_bill(make_bill(holder="Acme Gadgets Ltd")), "Acme Widgets Ltd")
    assert check.on_bill == "Acme Gadgets Ltd"
    assert check.verdict == "different" and not check.match
