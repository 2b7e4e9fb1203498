"""A bill edited after it was issued shows its edits; a bill as issued shows none.

Each kind of signal is tried both ways: the edited bill is flagged with that kind, and the
untouched bill (or a harmless look-alike: a signed file, a linearized file, a scanner's
invisible OCR layer, white text on a dark banner, a bold label) is not.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from billmaker import PAGE_H, make_bill
from conftest import read_text_bill
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from ocr_checks.document import Document, Page, Word
from ocr_checks.ocr import mean_confidence, needs_ocr, ocr_image, render_pdf_page
from ocr_checks.tamper import find_tamper_signals, font_family, parse_pdf_date, revision_ends

TEXT_ONLY = Document(pages=[], source="text")


def kinds(data: bytes, document: Document = TEXT_ONLY) -> list[str]:
    return [s.kind for s in find_tamper_signals(data, document)]


@pytest.fixture(scope="module")
def bill() -> bytes:
    return make_bill()


def test_a_bill_as_its_billing_system_made_it_carries_no_signal(bill: bytes) -> None:
    assert kinds(bill) == []
    assert kinds(make_bill(call_pages=3, summary_numbers=["(01) 234 5678"])) == []


def test_photos_and_other_non_pdf_data_carry_no_signal() -> None:
    png = io.BytesIO()
    Image.new("L", (10, 10), 255).save(png, format="PNG")
    assert kinds(png.getvalue()) == []


# -- online editors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("producer", "creator"),
    [("Sejda PDF Desktop (https://www.sejda.com)", None), (None, "iLovePDF"), ("PDF Candy", None)],
)
def test_a_bill_saved_by_an_online_pdf_editor_is_flagged(
    producer: str | None, creator: str | None
) -> None:
    signals = find_tamper_signals(make_bill(producer=producer, creator=creator), TEXT_ONLY)
    assert [s.kind for s in signals] == ["online_editor"]
    assert "online PDF editor" in signals[0].detail


def test_a_bill_from_an_ordinary_pdf_library_is_not_flagged_as_edited_online() -> None:
    assert kinds(make_bill(producer="Crystal Reports", creator="SAP BRIM Invoicing")) == []


# -- modification dates ------------------------------------------------------------------------


def with_dates(data: bytes, created: str, modified: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_metadata({"/CreationDate": created, "/ModDate": modified})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_bill_modified_weeks_after_it_was_created_is_flagged(bill: bytes) -> None:
    edited = with_dates(bill, "D:20260312090000+00'00'", "D:20260402153000+01'00'")
    signals = find_tamper_signals(edited, TEXT_ONLY)
    assert [s.kind for s in signals] == ["modified_later"]
    assert "2026-04-02" in signals[0].detail and "2026-03-12" in signals[0].detail


def test_a_bill_modified_the_same_day_it_was_created_is_not_flagged(bill: bytes) -> None:
    assert kinds(with_dates(bill, "D:20260312090000Z", "D:20260312091500Z")) == []


def test_pdf_dates_are_read_with_their_time_zone() -> None:
    east = parse_pdf_date("D:20260312090000+01'00'")
    west = parse_pdf_date("D:20260312180000-05'00'")
    assert east is not None and west is not None
    assert (west - east).total_seconds() == 15 * 3600  # 08:00Z and 23:00Z
    assert parse_pdf_date("D:2026") is not None
    assert parse_pdf_date("yesterday") is None


# -- incremental updates -----------------------------------------------------------------------


def incrementally(data: bytes, change: str) -> bytes:
    """Append a revision to the file, as an editor that saves 'incrementally' does."""
    writer = PdfWriter(io.BytesIO(data), incremental=True)
    if change == "metadata":
        writer.add_metadata({"/Subject": "Signed by the issuer"})
    else:
        edited = PdfReader(io.BytesIO(make_bill(line_number="(01) 999 0000"))).pages[0]
        writer.pages[0].replace_contents(edited.get_contents())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_bill_whose_page_was_rewritten_in_an_appended_revision_is_flagged(bill: bytes) -> None:
    edited = incrementally(bill, "page")
    assert len(revision_ends(edited)) == 2
    signals = find_tamper_signals(edited, TEXT_ONLY)
    assert [s.kind for s in signals] == ["incremental_update"]
    assert "page 1" in signals[0].detail


def test_an_appended_revision_that_changes_no_page_is_not_flagged(bill: bytes) -> None:
    signed = incrementally(bill, "metadata")
    assert len(revision_ends(signed)) == 2
    assert kinds(signed) == []


def linearized(data: bytes, tmp_path: Path) -> bytes:
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf (Debian package qpdf) is needed to make a linearized file")
    source, target = tmp_path / "bill.pdf", tmp_path / "linearized.pdf"
    source.write_bytes(data)
    subprocess.run(["qpdf", "--linearize", str(source), str(target)], check=True)
    return target.read_bytes()


def test_a_linearized_bill_with_its_two_sections_is_not_flagged(
    bill: bytes, tmp_path: Path
) -> None:
    web = linearized(bill, tmp_path)
    assert web.count(b"%%EOF") == 2
    assert len(revision_ends(web)) == 1
    assert kinds(web) == []


def test_a_linearized_bill_edited_afterwards_is_flagged(bill: bytes, tmp_path: Path) -> None:
    edited = incrementally(linearized(bill, tmp_path), "page")
    assert kinds(edited) == ["incremental_update"]


# -- invisible and white text ------------------------------------------------------------------


def drawn(draw: Callable[[Canvas], None]) -> bytes:
    """A one-page PDF drawn by ``draw(canvas)`` over a plain bill heading."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(40, PAGE_H - 60, "eir  Your bill  Acme Widgets Ltd")
    canvas.drawString(40, PAGE_H - 200, "Your phone number: (01) 234 5678")
    draw(canvas)
    canvas.save()
    return out.getvalue()


def hidden_text(text: str, y: float = PAGE_H - 220) -> Callable[[Canvas], None]:
    def draw(canvas: Canvas) -> None:
        obj = canvas.beginText(40, y)
        obj.setFont("Helvetica", 10)
        obj.setTextRenderMode(3)
        obj.textLine(text)
        canvas.drawText(obj)

    return draw


def test_invisible_text_that_says_something_the_page_does_not_is_flagged() -> None:
    signals = find_tamper_signals(drawn(hidden_text("+353 1 999 0000")), TEXT_ONLY)
    assert [s.kind for s in signals] == ["invisible_text"]
    assert "999 0000" in signals[0].detail
    # billmaker's invisible run, too
    assert "invisible_text" in kinds(make_bill(invisible_text="(01) 999 0000"))


def test_invisible_text_repeating_what_the_page_shows_is_not_flagged() -> None:
    assert kinds(drawn(hidden_text("Your phone number: (01) 234 5678"))) == []


def test_white_text_on_white_paper_is_flagged() -> None:
    assert kinds(make_bill(white_text="(01) 999 0000")) == ["invisible_text"]


def test_white_text_on_a_dark_banner_is_what_the_reader_sees() -> None:
    def banner(canvas: Canvas) -> None:
        canvas.setFillColorRGB(0.1, 0.2, 0.5)
        canvas.rect(30, PAGE_H - 110, 300, 24, stroke=0, fill=1)
        canvas.setFillColorRGB(1, 1, 1)
        canvas.drawString(40, PAGE_H - 102, "Numbers on this bill: 087 123 4567")

    assert kinds(drawn(banner)) == []


def scanned_with_ocr_layer(hidden: str) -> bytes:
    """A picture of a bill with a scanner's invisible OCR text over it."""
    picture = Image.new("L", (1240, 1754), 255)
    ImageDraw.Draw(picture).text((80, 400), "Your phone number: (01) 234 5678", fill=0)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.drawImage(ImageReader(picture), 0, 0, width=A4[0], height=A4[1])
    hidden_text(hidden, y=PAGE_H - 200)(canvas)
    canvas.save()
    return out.getvalue()


def ocr_reading(*texts: str) -> Document:
    words = [
        Word(t, 1, 40 + 30 * i, 190, 60 + 30 * i, 200, confidence=90) for i, t in enumerate(texts)
    ]
    return Document([Page(1, 595, 842, words, source="ocr")], source="ocr", ocr_confidence=90)


def test_a_scanners_ocr_layer_that_matches_the_picture_is_not_flagged() -> None:
    scan = scanned_with_ocr_layer("Your phone number: (01) 234 5678")
    ours = ocr_reading("Your", "phone", "number:", "(01)", "234", "5678")
    assert kinds(scan, ours) == []


def test_an_ocr_layer_naming_another_number_than_the_picture_is_flagged() -> None:
    scan = scanned_with_ocr_layer("Your phone number: (01) 999 0000")
    ours = ocr_reading("Your", "phone", "number:", "(01)", "234", "5678")
    assert kinds(scan, ours) == ["invisible_text"]


# -- cover-ups ---------------------------------------------------------------------------------


def test_a_number_painted_over_and_drawn_anew_is_flagged_with_both_numbers() -> None:
    signals = find_tamper_signals(make_bill(cover_up="(01) 999 0000"), TEXT_ONLY)
    assert [s.kind for s in signals] == ["cover_up"]
    assert "(01) 999 0000" in signals[0].detail and "(01) 234 5678" in signals[0].detail


def test_text_drawn_twice_in_one_place_for_a_bold_look_is_not_a_cover_up() -> None:
    def fake_bold(canvas: Canvas) -> None:
        canvas.drawString(40, PAGE_H - 240, "Total due EUR 32.56")
        canvas.drawString(40.3, PAGE_H - 240, "Total due EUR 32.56")

    assert kinds(drawn(fake_bold)) == []


def test_a_number_whited_out_with_nothing_drawn_on_top_is_flagged() -> None:
    def white_out(canvas: Canvas) -> None:
        canvas.drawString(40, PAGE_H - 240, "Other line: (01) 999 0000")
        canvas.setFillColorRGB(1, 1, 1)
        canvas.rect(38, PAGE_H - 243, 160, 13, stroke=0, fill=1)

    signals = find_tamper_signals(drawn(white_out), TEXT_ONLY)
    assert [s.kind for s in signals] == ["cover_up"]
    assert "painted over" in signals[0].detail and "999 0000" in signals[0].detail


def test_a_new_number_drawn_a_little_aside_of_the_whited_out_one_is_flagged() -> None:
    def aside(canvas: Canvas) -> None:
        canvas.drawString(200, PAGE_H - 240, "(01) 999 0000")
        canvas.setFillColorRGB(1, 1, 1)
        canvas.rect(198, PAGE_H - 243, 70, 13, stroke=0, fill=1)
        canvas.setFillColorRGB(0, 0, 0)
        canvas.drawString(240, PAGE_H - 240, "(01) 234 5678")

    assert kinds(drawn(aside)) == ["cover_up"]


def test_a_paid_stamp_across_a_line_and_shading_under_text_are_not_cover_ups() -> None:
    def stamped(canvas: Canvas) -> None:
        canvas.setFillColorRGB(0.9, 0.9, 0.9)
        canvas.rect(38, PAGE_H - 283, 300, 13, stroke=0, fill=1)  # row shading, drawn first
        canvas.setFillColorRGB(0, 0, 0)
        canvas.drawString(40, PAGE_H - 280, "Total due EUR 32.56")
        canvas.setFillColorRGB(0.8, 0, 0)
        canvas.setFont("Helvetica-Bold", 40)
        canvas.drawString(30, PAGE_H - 295, "PAID")

    assert kinds(drawn(stamped)) == []


def under_picture(text: str) -> bytes:
    """A scan whose text layer is ordinary text drawn first and hidden under the picture."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(40, PAGE_H - 200, text)
    picture = Image.new("L", (1240, 1754), 255)
    canvas.drawImage(ImageReader(picture), 0, 0, width=A4[0], height=A4[1])
    canvas.save()
    return out.getvalue()


def test_a_text_layer_under_the_picture_is_judged_like_an_invisible_one() -> None:
    ours = ocr_reading("Your", "phone", "number:", "(01)", "234", "5678")
    assert kinds(under_picture("Your phone number: (01) 234 5678"), ours) == []
    assert kinds(under_picture("Your phone number: (01) 999 0000"), ours) == ["invisible_text"]


# -- fonts -------------------------------------------------------------------------------------


def test_a_billed_number_in_a_font_unlike_its_line_is_flagged() -> None:
    signals = find_tamper_signals(make_bill(number_font="Courier"), TEXT_ONLY)
    assert [s.kind for s in signals] == ["font_mismatch"]
    assert "courier" in signals[0].detail


def test_a_billed_number_in_the_bold_of_its_lines_font_is_not_flagged() -> None:
    assert kinds(make_bill(number_font="Helvetica-Bold")) == []


def test_a_number_split_over_runs_of_several_families_is_redrawn_not_a_whole_font_mismatch() -> (
    None
):
    # Digits of one number in two families: an edit of some digits (issue 16), not a number
    # wholly set in another font.
    bill = make_bill(split_number=True, split_fonts=("Helvetica", "Times-Roman"))
    assert kinds(bill, read_text_bill(bill)) == ["redrawn_digits"]


def test_a_number_split_over_the_bold_and_regular_of_one_family_is_not_flagged() -> None:
    bill = make_bill(split_number=True, split_fonts=("Helvetica-Bold", "Helvetica"))
    assert kinds(bill, read_text_bill(bill)) == []


def test_font_families_ignore_subset_tags_and_styles() -> None:
    assert font_family("ABCDEF+Arial-BoldMT") == "arial"
    assert font_family("TimesNewRomanPS-ItalicMT") == "timesnewroman"
    assert font_family("Helvetica-Bold") == font_family("Helvetica") == "helvetica"
    assert font_family("Courier") != font_family("Helvetica")


def with_appended_info(data: bytes, subject: str) -> bytes:
    """Append one revision by hand that only replaces the document information dictionary."""
    root = re.findall(rb"/Root (\d+ \d+ R)", data)[-1]
    size = int(re.findall(rb"/Size (\d+)", data)[-1])
    previous = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    body = b"%d 0 obj\n<< /Subject (%s) >>\nendobj\n" % (size, subject.encode())
    xref = len(data) + len(body)
    return (
        data
        + body
        + b"xref\n%d 1\n%010d 00000 n \n" % (size, len(data))
        + b"trailer\n<< /Size %d /Root %s /Info %d 0 R /Prev %d >>\n"
        % (size + 1, root, size, previous)
        + b"startxref\n%d\n%%%%EOF\n" % xref
    )


def test_a_file_of_many_appended_revisions_is_judged_on_the_first_against_the_last(
    bill: bytes,
) -> None:
    edited = bill
    for i in range(6):
        edited = with_appended_info(edited, f"note {i}")
    assert len(revision_ends(edited)) == 7
    assert kinds(edited) == []
    assert kinds(incrementally(edited, "page")) == ["incremental_update"]


# -- a scanner's OCR layer against our own OCR of the picture ----------------------------------


def scan_with_layer(bill: bytes, layer: list[str]) -> bytes:
    """The bill as a picture (200 dpi) with ``layer`` as invisible text where a scanner puts it."""
    picture = render_pdf_page(bill, 0, 200)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.drawImage(ImageReader(picture), 0, 0, width=A4[0], height=A4[1])
    obj = canvas.beginText(40, PAGE_H - 120)
    obj.setFont("Helvetica", 10)
    obj.setTextRenderMode(3)
    for line in layer:
        obj.textLine(line)
    canvas.drawText(obj)
    canvas.save()
    return out.getvalue()


def read_as_scan(data: bytes) -> Document:
    assert needs_ocr(data, 0)
    page = ocr_image(render_pdf_page(data, 0, 200), 1, 72 / 200)
    return Document([page], source="ocr", ocr_confidence=mean_confidence([page]))


@pytest.mark.slow
def test_our_ocr_agrees_with_an_honest_scanner_layer_and_catches_a_changed_one(
    bill: bytes,
) -> None:
    honest = scan_with_layer(
        bill, ["Acme Widgets Ltd", "Unit 4, Sandyford Business Park", "(01) 234 5678"]
    )
    assert kinds(honest, read_as_scan(honest)) == []

    doctored = scan_with_layer(bill, ["Acme Widgets Ltd", "(01) 999 0000"])
    signals = find_tamper_signals(doctored, read_as_scan(doctored))
    assert [s.kind for s in signals] == ["invisible_text"]
    assert "999 0000" in signals[0].detail
