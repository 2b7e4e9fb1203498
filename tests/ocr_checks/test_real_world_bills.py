"""Bills as operators really lay them out, drawn freehand (tests/ocr_checks/freehand.py): the
holder is the addressee wherever the address sits, the operator's own numbers are never the
customer's line, numbers and dates are read in the forms Irish and UK bills print, a genuine
readable bill is never refused, and each check says how sure it is."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from freehand import Box, Text, draw, eir_letterhead, rows, uk_two_column, unicode_font

from ocr_checks import BillError, Claim, Limits, Report, examine

AS_OF = dt.date(2026, 11, 26)
IN_PROCESS = Limits(isolate=False)  # these bills are ours: no reader process needed
GLOBEX = "Globex Dental Care Ltd"
HARBOUR = "Harbour Insurance Brokers Ltd"


def judge(page: Sequence[Text | Box], number: str, holder: str, region: str = "IE") -> Report:
    return examine(draw([page]), Claim(number, holder, AS_OF, region), limits=IN_PROCESS)


# --- the holder is the addressee, never the operator's text ---


def test_on_an_eir_style_bill_the_holder_is_the_addressee_not_the_care_line() -> None:
    report = judge(eir_letterhead(), "+353 1 496 0142", GLOBEX)
    assert report.verdict == "pass", report.reasons
    assert report.holder.on_bill == "Globex Dental Care Limited"


def test_an_eir_style_bill_in_another_companys_name_fails_on_the_addressee() -> None:
    report = judge(eir_letterhead(), "+353 1 496 0142", "Initech Holdings Ltd")
    assert report.verdict == "fail"
    assert report.holder.on_bill == "Globex Dental Care Limited"  # the card shows the name read


def test_a_uk_two_column_bill_with_the_customer_box_on_the_right_passes() -> None:
    report = judge(uk_two_column(), "+44 28 9049 6011", HARBOUR, "GB")
    assert report.verdict == "pass", report.reasons
    assert report.holder.on_bill == HARBOUR
    assert report.line_numbers == ["+442890496011"]  # the NI line written 0044 28 …


def test_the_person_above_the_company_is_the_holder_too() -> None:
    assert judge(uk_two_column(), "+44 28 9049 6011", "Sean Murphy", "GB").verdict == "pass"


@pytest.mark.parametrize(
    ("printed", "claimed"),
    [
        (("Attn: Mary Byrne", "Globex Dental Care Limited"), GLOBEX),
        (("FAO Accounts Payable", "Globex Dental Care Limited"), GLOBEX),
        (("Attn: Mary Byrne", "Globex Dental Care Limited"), "Mary Byrne"),
        (("Sean Murphy t/a Murphy Plumbing",), "Sean Murphy"),
        (("Sean Murphy t/a Murphy Plumbing",), "Murphy Plumbing"),
        (("SEAN MURPHY T/A MURPHY PLUMBING",), "Sean Murphy T/A Murphy Plumbing"),
    ],
)
def test_attention_lines_and_trading_names_are_read_as_bills_write_them(
    printed: tuple[str, ...], claimed: str
) -> None:
    report = judge(eir_letterhead(holder=printed), "+353 1 496 0142", claimed)
    assert report.verdict == "pass", report.reasons


# --- the operator's own numbers ---


@pytest.mark.parametrize(
    ("page", "number", "holder", "region"),
    [
        (eir_letterhead(), "+353 1 671 4444", GLOBEX, "IE"),  # "from abroad", letterhead
        (uk_two_column(), "+44 800 783 0223", HARBOUR, "GB"),  # sales, in the promo box
        (uk_two_column(), "+44 800 328 8844", HARBOUR, "GB"),  # fax, in the promo box
        (uk_two_column(), "+44 800 800 150", HARBOUR, "GB"),  # "Need help? Call us on"
    ],
)
def test_a_claim_of_the_operators_own_number_fails(
    page: list[Text | Box], number: str, holder: str, region: str
) -> None:
    report = judge(page, number, holder, region)
    assert report.verdict == "fail", report.reasons
    assert {m.role for m in report.matches} == {"operator"}
    assert "operator's own number" in report.reasons[0]


# --- numbers in the forms bills print ---


@pytest.mark.parametrize(
    ("printed", "claimed"),
    [
        ("+353 (0)1 496 0142", "+353 1 496 0142"),
        ("00353 1 496 0142", "+353 1 496 0142"),
        ("+44 (0)20 7946 0018", "+44 20 7946 0018"),
        ("0044 28 9049 6011", "+44 28 9049 6011"),
        ("01\u00a0496\u00a00142", "+353 1 496 0142"),  # non-breaking spaces
        ("01\u2009496\u20090142", "+353 1 496 0142"),  # thin spaces
        ("+353\u202f1\u202f496\u202f0142", "+353 1 496 0142"),  # narrow no-break spaces
    ],
)
def test_real_world_number_forms_are_the_billed_line(printed: str, claimed: str) -> None:
    font = unicode_font()  # the whole page in it: a number in a font of its own is a tamper sign
    page = [
        replace(t, font=font) if isinstance(t, Text) else t for t in eir_letterhead(line=printed)
    ]
    report = judge(page, claimed, GLOBEX)
    assert report.verdict == "pass", report.reasons


def test_a_number_drawn_as_two_runs_in_two_fonts_is_one_number() -> None:
    page = [t for t in eir_letterhead() if t != Text(450, 130 + 2 * 9 * 1.45, "(01) 496 0142")]
    page = [t for t in page if not (isinstance(t, Text) and t.text == "(01) 496 0142")]
    top = 130 + 2 * 9 * 1.45
    head = "(01) 496 "
    from reportlab.pdfbase.pdfmetrics import stringWidth

    page += [
        Text(450, top, head, 9, "Helvetica-Bold"),
        Text(450 + stringWidth(head, "Helvetica-Bold", 9), top, "0142"),
    ]
    report = judge(page, "+353 1 496 0142", GLOBEX)
    assert report.verdict == "pass", report.reasons
    assert report.line_numbers == ["+35314960142"]


def test_no_extra_digit_is_read_from_the_next_column_or_cell() -> None:
    # The line at the end of a row, the street number of the other column under it, and a
    # quantity cell a little to its right: never "+353149601422".
    page = [
        *rows(40, 100, ["Globex Dental Care Limited", "2 Harbour Road", "Dublin 2", "D02 X285"]),
        Text(300, 100, "Phone No."),
        Text(456, 100, "01 496 0142"),
        Text(40, 200, "Bill date: 03/11/2026"),
        Text(40, 230, "Telephone number"),
        Text(200, 230, "01 496 0142"),
        Text(262, 230, "2"),
    ]
    report = judge(page, "+353 1 496 0142", GLOBEX)
    assert report.line_numbers == ["+35314960142"]
    assert report.verdict == "pass", report.reasons


def business_bill(lines: Sequence[str]) -> list[Text | Box]:
    return [
        Text(40, 30, "Blueface", 20, "Helvetica-Bold"),
        *rows(
            40, 90, ["Globex Dental Care Limited", "Unit 7, Sandyford Business Park", "Dublin 18"]
        ),
        *rows(330, 90, ["Invoice date: 3rd November 2026", "Account number: 88213"]),
        Text(40, 170, "Numbers on this account", 10, "Helvetica-Bold"),
        *rows(40, 186, list(lines)),
        *rows(300, 186, ["€12.00"] * len(lines), right=True),
    ]


def test_any_line_of_a_multi_line_business_bill_is_the_customers() -> None:
    page = business_bill(["01 496 0100", "01 496 0101", "087 123 4567", "021 496 0199"])
    report = judge(page, "+353 87 123 4567", GLOBEX)
    assert report.verdict == "pass", report.reasons
    assert len(report.line_numbers) == 4


@pytest.mark.parametrize(
    "printed",
    [
        "SIP trunk DDI range 01 496 0100 – 0199",
        "DDI 01 496 0100-0199",
        "01 496 0100 to 01 496 0199",
    ],
)
def test_a_ddi_range_covers_the_numbers_inside_it(printed: str) -> None:
    page = business_bill([printed])
    inside = judge(page, "+353 1 496 0142", GLOBEX)
    assert inside.verdict in ("pass", "review") and inside.number_on_bill_as_line
    assert inside.line_numbers == ["+35314960100..+35314960199"]
    assert judge(page, "+353 1 496 0242", GLOBEX).verdict == "fail"


# --- dates as the country writes them ---


@pytest.mark.parametrize(
    "printed", ["03/11/2026", "3rd November 2026", "03-Nov-26", "3 Samhain 2026", "3.11.2026"]
)
def test_day_first_dates_and_their_spellings_date_the_bill(printed: str) -> None:
    report = judge(eir_letterhead(issued=printed), "+353 1 496 0142", GLOBEX)
    assert report.bill_date == "2026-11-03", report.reasons  # read month first: in March
    assert report.verdict == "pass"


# --- a genuine readable bill is never refused; each check says how sure it is ---


def test_a_name_guessed_from_a_plain_line_is_unsure_and_a_different_one_is_only_review() -> None:
    # No address block and no name label: the holder is a guess.
    page = [
        Text(40, 30, "Atlantic Telecom", 18, "Helvetica-Bold"),
        Text(40, 90, "Initech Holdings", 10),
        Text(40, 120, "Your phone number: 01 496 0142"),
        Text(40, 135, "Bill date: 03/11/2026"),
    ]
    report = judge(page, "+353 1 496 0142", GLOBEX)
    assert report.verdict == "review", report.reasons
    holder = next(c for c in report.checks if c.name == "holder")
    assert holder.outcome == "review" and holder.confidence < 0.8 and holder.unsure_because


def test_a_sure_pass_carries_full_confidence_on_every_check() -> None:
    report = judge(eir_letterhead(), "+353 1 496 0142", GLOBEX)
    assert [(c.name, c.outcome, c.confidence) for c in report.checks] == [
        ("number", "ok", 1.0),
        ("holder", "ok", 1.0),
        ("date", "ok", 1.0),
    ]


def test_a_bill_dated_only_by_its_period_says_so() -> None:
    page = [t for t in eir_letterhead() if not (isinstance(t, Text) and "Invoice date" in t.text)]
    page = [t for t in page if not (isinstance(t, Text) and t.text == "03/11/2026")]
    page.append(Text(40, 240, "Billing period 01 Oct 2026 - 31 Oct 2026"))
    report = judge(page, "+353 1 496 0142", GLOBEX)
    assert report.bill_date == "2026-10-31" and report.verdict == "pass"
    date = next(c for c in report.checks if c.name == "date")
    assert date.unsure_because and "billing period" in date.unsure_because


# --- encryption ---


def test_a_pdf_with_owner_only_encryption_is_read() -> None:
    data = draw([eir_letterhead()], owner_password="operator-only")
    assert b"/Encrypt" in data
    report = examine(data, Claim("+353 1 496 0142", GLOBEX, AS_OF), limits=IN_PROCESS)
    assert report.verdict == "pass", report.reasons


def test_an_aes_256_pdf_with_an_empty_user_password_is_read(tmp_path: Path) -> None:
    plain, locked = tmp_path / "plain.pdf", tmp_path / "locked.pdf"
    plain.write_bytes(draw([eir_letterhead()]))
    subprocess.run(
        ["qpdf", "--encrypt", "", "owner-secret", "256", "--print=none", "--modify=none", "--",
         str(plain), str(locked)],
        check=True,
    )  # fmt: skip
    data = locked.read_bytes()
    assert b"/Encrypt" in data
    report = examine(data, Claim("+353 1 496 0142", GLOBEX, AS_OF), limits=IN_PROCESS)
    assert report.verdict == "pass", report.reasons


def test_a_pdf_that_needs_a_password_is_the_encrypted_error() -> None:
    data = draw([eir_letterhead()], user_password="Acme2026!")
    with pytest.raises(BillError) as refused:
        examine(data, Claim("+353 1 496 0142", GLOBEX, AS_OF), limits=IN_PROCESS)
    assert refused.value.kind == "encrypted"
    assert "password" in refused.value.message


def test_the_operators_own_address_block_in_the_letterhead_is_never_the_holder() -> None:
    page = [
        Text(40, 30, "Vodafone Ireland", 20, "Helvetica-Bold"),
        *rows(40, 60, ["Vodafone Ireland Limited", "Mountain View, Leopardstown", "Dublin 18"]),
        *rows(40, 140, ["Mr John O'Brien", "14 Strand Road", "Sandymount", "Dublin 4", "D04 V1W8"]),
        *rows(330, 140, ["Phone No.: 087 221 4563", "Date of issue: 21/10/2026"]),
    ]
    report = judge(page, "+353 87 221 4563", "John OBrien")
    assert report.verdict == "pass", report.reasons
    other = judge(page, "+353 87 221 4563", "Mary Fitzgerald")
    assert other.verdict == "fail" and other.holder.on_bill == "Mr John O'Brien"


@pytest.mark.parametrize("label", ["Date of this bill", "Bill produced on", "Date"])
def test_issue_date_labels_in_other_words(label: str) -> None:
    page = [t for t in eir_letterhead() if not (isinstance(t, Text) and t.text == "Invoice date")]
    page.append(Text(330, 130 + 9 * 1.45, label))
    assert judge(page, "+353 1 496 0142", GLOBEX).bill_date == "2026-11-03"


def test_a_name_with_care_in_it_before_the_number_does_not_make_it_the_operators() -> None:
    page = [
        *rows(40, 100, ["Globex Dental Care Ltd 01 496 0142", "2 Harbour Road", "D02 X285"]),
        Text(330, 100, "Bill date: 03/11/2026"),
    ]
    report = judge(page, "+353 1 496 0142", GLOBEX)
    assert {m.role for m in report.matches} != {"operator"}
    assert report.verdict != "fail", report.reasons


def test_a_text_layer_of_glyphs_without_text_is_read_by_ocr_instead() -> None:
    from ocr_checks.document import Page, Word
    from ocr_checks.pdf_text import _unreadable_text

    def page(texts: list[str]) -> Page:
        words = [Word(t, 1, 10.0 * i, 10, 10.0 * i + 8, 20) for i, t in enumerate(texts)]
        return Page(1, 595, 842, words)

    assert _unreadable_text(page(["(cid:12)(cid:40)", "(cid:3)", "Bill", "(cid:7)"]))
    assert not _unreadable_text(page(["Bill", "date:", "03/11/2026", "(cid:7)"]))
