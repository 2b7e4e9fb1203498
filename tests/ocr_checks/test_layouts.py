"""Bills laid out as operators lay them out, drawn by the second bill maker: the line, its date
and its holder are read whatever the layout puts between a label and its value."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from billmaker2 import AS_OF, BillSpec, draw_bill
from billmaker2.operators import OPERATORS, Operator
from conftest import read_text_bill

from ocr_checks import Claim, Report, examine
from ocr_checks.bill_date import find_issue_date


def operator(brand: str, region: str) -> Operator:
    return next(o for o in OPERATORS if o.brand == brand and o.region == region)


ISSUED = dt.date(2026, 11, 3)
EIR = BillSpec(
    operator=operator("eir", "IE"),
    holder="Globex Dental Care Limited",
    address=("Unit 7, Sandyford Business Park", "Dublin 18", "D18 K2X4"),
    line="(01) 872 3456",
    issue=ISSUED,
    line_label="Phone No.",
    date_label="Date of issue",
    calls=(("021 490 1234", "09:14"), ("087 765 4300", "17:40")),
    # A notice sets the account facts low on the page, where no rule about headers applies.
    notice=tuple(
        f"Prices of calls to other networks change from January, note {i}." for i in range(14)
    ),
)
BT = replace(
    EIR,
    operator=operator("BT", "GB"),
    address=("14 Wellington Road", "Leeds", "LS1 4AP"),
    line="020 7946 0958",
    line_label="Telephone number",
    date_label="Date of bill",
)


def judge(spec: BillSpec, number: str, holder: str = "Globex Dental Care Ltd", **kw: str) -> Report:
    return examine(draw_bill(spec), Claim(number, holder, AS_OF, **kw))


@pytest.mark.parametrize(
    "layout", ["stacked", "header_table", "label_column", "numbers_list", "services_table"]
)
def test_the_line_is_billed_whether_its_label_is_above_in_a_header_or_in_a_column(
    layout: str,
) -> None:
    # Stacked with a blank line and more between label and value; the services table puts the
    # line in its second row under the header "Phone No.".
    report = judge(replace(EIR, layout=layout, stack_gap=36), "+353 1 872 3456")
    assert [m.role for m in report.matches] == ["line"], report.reasons
    assert report.verdict == "pass"


@pytest.mark.parametrize(
    "label",
    ["Service number", "Telephone number", "Number(s) on this bill", "Your Sky Talk number"],
)
def test_operators_words_for_the_line_label_a_value_set_below_them_after_a_gap(
    label: str,
) -> None:
    report = judge(replace(EIR, layout="stacked", line_label=label, stack_gap=36), "01 872 3456")
    assert report.number_on_bill_as_line, report.reasons


def test_in_a_header_table_the_issue_date_is_not_the_start_of_the_billing_period() -> None:
    for style in ("dmy_slash", "iso", "us", "d_month_y"):
        bill = draw_bill(replace(EIR, layout="header_table", date_style=style))
        assert find_issue_date(read_text_bill(bill)) == ISSUED, style


def test_an_iso_date_after_invoice_date_and_a_us_styled_date_are_read() -> None:
    iso = replace(EIR, date_label="Invoice Date", date_style="iso")
    us = replace(BT, date_style="us", layout="label_column")
    assert find_issue_date(read_text_bill(draw_bill(iso))) == ISSUED
    assert find_issue_date(read_text_bill(draw_bill(us))) == ISSUED


@pytest.mark.parametrize(
    "line",
    ["020 7946 0958", "0113 496 0123", "0117 496 0456", "0121 496 0789", "0161 496 0321",
     "029 2018 0345"],
)  # fmt: skip
@pytest.mark.parametrize("region", ["GB", "IE"])
def test_uk_lines_in_national_form_are_found_in_the_issuers_or_the_claimed_numbers_region(
    line: str, region: str
) -> None:
    import phonenumbers

    claimed = phonenumbers.format_number(
        phonenumbers.parse(line, "GB"), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    report = judge(replace(BT, line=line), claimed, region=region)
    assert report.verdict == "pass", report.reasons
    assert report.line_numbers[0] == phonenumbers.format_number(
        phonenumbers.parse(line, "GB"), phonenumbers.PhoneNumberFormat.E164
    )


def test_a_national_number_on_an_unknown_issuers_bill_is_read_in_the_claimed_numbers_region() -> (
    None
):
    unknown = Operator("Acme Telco", "Acme Telco Ltd", "GB", ("Phone number",), ("Bill date",))
    report = judge(replace(BT, operator=unknown), "+44 20 7946 0958", region="IE")
    assert report.issuer is None and report.number_on_bill_as_line


def test_invisible_text_over_the_number_is_tampering_and_the_number_is_still_found() -> None:
    report = judge(replace(EIR, hidden_over="(01) 872 3999"), "+353 1 872 3456")
    assert report.verdict == "review"
    assert [m.role for m in report.matches] == ["line"]
    assert [s.kind for s in report.tamper_signals] == ["invisible_text"]


def test_the_holder_is_the_addressee_not_a_charge_line_beside_it() -> None:
    report = judge(replace(EIR, holder="Initech Software Limited"), "+353 1 872 3456")
    assert report.holder.on_bill == "Initech Software Limited"
    assert report.verdict == "fail"


@pytest.mark.parametrize("claimed", ["Globex Ltd", "Dental", "Care Limited"])
def test_a_claimed_name_that_is_only_part_of_the_bills_name_is_not_a_match(claimed: str) -> None:
    report = judge(EIR, "+353 1 872 3456", holder=claimed)
    assert not report.holder.match and report.holder.score < 100
    assert report.verdict == "review"


def test_a_bill_for_part_of_the_claimed_name_does_not_prove_the_whole_name() -> None:
    report = judge(replace(EIR, holder="Dental Care Limited"), "+353 1 872 3456")
    assert report.holder.on_bill == "Dental Care Limited"
    assert not report.holder.match
    assert report.verdict == "review"


@pytest.mark.parametrize("page_size", ["A5", "Letter"])
@pytest.mark.parametrize("font", ["Times-Roman", "Courier"])
def test_serif_and_monospace_bills_on_other_page_sizes_pass(page_size: str, font: str) -> None:
    spec = replace(EIR, page_size=page_size, font=font, layout="label_column", date_style="ordinal")
    assert judge(spec, "+353 1 872 3456").verdict == "pass"


def test_a_tight_header_table_whose_cells_run_together_is_read_column_by_column() -> None:
    spec = replace(BT, layout="header_table", tight_table=True, line="0121 496 0789")
    document = read_text_bill(draw_bill(spec))
    assert find_issue_date(document) == ISSUED
    report = judge(spec, "+44 121 496 0789", region="GB")
    assert report.number_on_bill_as_line and report.verdict == "pass", report.reasons


def test_a_label_with_dot_leaders_up_to_the_value_still_labels_it() -> None:
    report = judge(replace(EIR, label_style="dots", line_label="Service number"), "01 872 3456")
    assert report.number_on_bill_as_line and report.verdict == "pass"


def test_every_number_listed_after_a_label_is_a_line() -> None:
    from billmaker import make_bill

    bill = make_bill(line_label="Numbers on this bill:", line_number="01 234 5678, 087 123 4567")
    report = examine(bill, Claim("087 123 4567", "Acme Widgets Ltd", dt.date(2026, 4, 1)))
    assert [m.role for m in report.matches] == ["line"]


def test_a_return_address_in_small_print_over_the_name_does_not_hide_the_addressee() -> None:
    spec = replace(EIR, holder="Initech Software Limited", return_address=True)
    report = judge(spec, "+353 1 872 3456")
    assert report.holder.on_bill == "Initech Software Limited"


def test_a_sole_trader_trading_as_a_shop_name_is_the_legal_name_before_t_a() -> None:
    spec = replace(EIR, holder="Mary-Kate O'Neill", trading_as="Harbour Pets")
    report = judge(spec, "+353 1 872 3456", holder="Mary-Kate O'Neill")
    assert report.holder.on_bill == "Mary-Kate O'Neill" and report.holder.match


def test_the_payment_due_date_is_not_the_issue_date() -> None:
    # The issue date under a label no rule knows ("Printed"), the due date printed first, and
    # the holder's name a value in the same list (never a header over the dates).
    for layout in ("inline", "stacked", "label_column"):
        spec = replace(
            EIR, layout=layout, due_date=True, date_label="Printed", holder_in_facts=True
        )
        assert find_issue_date(read_text_bill(draw_bill(spec))) == ISSUED, layout
