"""`examine()` judges a bill as a careful agent would: pass, review or fail, with reasons."""

from __future__ import annotations

import datetime as dt
import io
import json

import pypdfium2 as pdfium
from billmaker import Call, make_bill

from ocr_checks import Claim, Report, examine

AS_OF = dt.date(2026, 4, 1)


def claim(number: str = "+353 1 234 5678", holder: str = "Acme Widgets Ltd", **kw: object) -> Claim:
    return Claim(number=number, holder=holder, as_of=kw.pop("as_of", AS_OF), **kw)  # type: ignore[arg-type]


def test_a_recent_bill_for_the_line_in_the_customers_name_passes() -> None:
    report = examine(make_bill(), claim(number="01 234 5678", holder="ACME WIDGETS LIMITED"))
    assert report.verdict == "pass"
    assert report.number_on_bill_as_line
    assert report.line_numbers == ["+35312345678"]
    assert [(m.page, m.text, m.role) for m in report.matches] == [(1, "(01) 234 5678", "line")]
    assert report.holder.on_bill == "Acme Widgets Ltd" and report.holder.match
    assert report.bill_date == "2026-03-12" and report.recent
    assert report.issuer == "eir"
    assert report.source == "text" and report.ocr_confidence is None
    assert report.pages_read == 1 and report.elapsed_ms > 0
    assert report.tamper_signals == []


def test_the_report_serialises_to_exactly_the_json_contract() -> None:
    payload = json.loads(examine(make_bill(), claim()).to_json())
    assert list(payload) == [
        "verdict", "number_on_bill_as_line", "line_numbers", "matches", "holder", "bill_date",
        "recent", "issuer", "tamper_signals", "source", "ocr_confidence", "reasons",
        "pages_read", "elapsed_ms", "checks",
    ]  # fmt: skip
    assert list(payload["holder"]) == ["on_bill", "score", "match"]
    assert [c["name"] for c in payload["checks"]] == ["number", "holder", "date"]
    assert list(payload["checks"][0]) == [
        "name", "outcome", "says", "confidence", "unsure_because"
    ]  # fmt: skip
    assert list(payload["matches"][0]) == ["page", "text", "bbox", "role"]
    assert len(payload["matches"][0]["bbox"]) == 4


def test_a_number_only_dialled_fails() -> None:
    bill = make_bill(
        line_number="(01) 999 0000", calls=[Call("03/02/2026", "09:14", "01 234 5678")]
    )
    report = examine(bill, claim())
    assert report.verdict == "fail"
    assert not report.number_on_bill_as_line
    assert [m.role for m in report.matches] == ["dialled"]
    assert "only as a number called" in report.reasons[0]


def test_a_bill_for_a_number_a_digit_off_fails() -> None:
    report = examine(make_bill(line_number="(01) 234 5679"), claim())
    assert report.verdict == "fail"
    assert report.matches == [] and report.line_numbers == ["+35312345679"]


def test_a_bill_in_another_companys_name_fails() -> None:
    report = examine(make_bill(holder="Acme Gadgets Ltd"), claim())
    assert report.verdict == "fail"
    assert report.holder.on_bill == "Acme Gadgets Ltd" and not report.holder.match


def test_a_bill_in_the_surname_only_goes_to_review() -> None:
    report = examine(make_bill(holder="O'Brien"), claim(holder="Mary O'Brien"))
    assert report.verdict == "review"


def test_an_old_bill_fails_and_the_window_is_configurable() -> None:
    bill = make_bill(issue_date="02/12/2025")
    assert examine(bill, claim()).verdict == "fail"
    assert not examine(bill, claim()).recent
    assert examine(bill, claim(recent_days=180)).verdict == "pass"


def test_a_bill_dated_after_as_of_fails() -> None:
    report = examine(make_bill(issue_date="12/03/2026"), claim(as_of=dt.date(2026, 3, 1)))
    assert report.verdict == "fail" and not report.recent
    assert any("future" in r for r in report.reasons)


def test_a_bill_without_an_issue_date_goes_to_review() -> None:
    report = examine(make_bill(issue_date=None, period=None), claim())
    assert report.verdict == "review" and report.bill_date is None


def test_a_number_shown_but_not_as_the_line_goes_to_review() -> None:
    bill = make_bill(line_number="(01) 999 0000", extra_lines=["Transferred from 01 234 5678"])
    report = examine(bill, claim())
    assert [m.role for m in report.matches] == ["other"]
    assert report.verdict == "review"


def test_a_uk_bill_names_its_issuer_and_passes_in_region_gb() -> None:
    bill = make_bill(
        issuer="BT", issuer_footer="British Telecommunications plc", line_number="020 7946 0958"
    )
    report = examine(bill, claim(number="+44 20 7946 0958", region="GB"))
    assert report.issuer == "BT" and report.verdict == "pass"


def test_an_unknown_telco_has_no_issuer() -> None:
    report = examine(make_bill(issuer="Acme Telco", issuer_footer=None), claim())
    assert report.issuer is None


def test_a_cover_up_edit_turns_a_pass_into_review_with_the_signal_named() -> None:
    report = examine(make_bill(cover_up="(01) 999 0000"), claim())
    # The overdrawn numbers interleave in the text layer: a person must look.
    assert report.verdict == "review"
    assert report.tamper_signals
    assert any(s.kind in r for s in report.tamper_signals for r in report.reasons)


def test_an_owner_password_only_pdf_opens_and_is_judged() -> None:
    assert examine(make_bill(owner_password="staff-only"), claim()).verdict == "pass"


def test_an_image_only_pdf_is_read_by_ocr_and_judged() -> None:
    pdf = pdfium.PdfDocument(make_bill())
    image = pdf[0].render(scale=200 / 72).to_pil().convert("L")
    scanned = io.BytesIO()
    image.save(scanned, format="PDF", resolution=200)
    report = examine(scanned.getvalue(), claim())
    assert report.source == "ocr" and report.ocr_confidence is not None
    assert report.number_on_bill_as_line
    assert report.verdict in ("pass", "review")


def test_a_photo_of_a_bill_is_read_by_ocr(tmp_path: object) -> None:
    pdf = pdfium.PdfDocument(make_bill())
    photo = io.BytesIO()
    pdf[0].render(scale=200 / 72).to_pil().convert("RGB").save(photo, format="JPEG", quality=85)
    report: Report = examine(photo.getvalue(), claim())
    assert report.source == "ocr"
    assert "+35312345678" in report.line_numbers
