"""Files as customers send them from a phone: a screenshot of the operator's app (a tall PNG),
photos as HEIC (iPhones) and WebP (many Android apps); anything else is refused with a sentence
naming what works.

OCR is slow on the shared machine: each file is made once and read once.
"""

from __future__ import annotations

import datetime as dt
import io
import random

import pillow_heif
import pytest
from billmaker2 import draw_bill, paper
from phone_screens import app_screenshot
from PIL import Image, ImageOps
from test_scans_and_photos import CLAIM, SPEC

from ocr_checks import BillError, Claim, examine
from ocr_checks.formats import ACCEPTED_NAMES, format_for_mimetype, format_of
from ocr_checks.pdf_text import sniff


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    """A phone photo of a printed bill (perspective, shade), upright."""
    jpeg = paper.photo(draw_bill(SPEC), random.Random(11), orientation=1)
    return Image.open(io.BytesIO(jpeg)).convert("RGB")


def test_an_app_screenshot_on_a_tall_phone_screen_passes() -> None:
    png = app_screenshot(holder="Acme Widgets Ltd", number="01 234 5678", bill_date="12 Mar 2026")
    assert Image.open(io.BytesIO(png)).size == (1170, 2532)
    report = examine(png, Claim("01 234 5678", "Acme Widgets Limited", dt.date(2026, 3, 20)))
    assert report.source == "ocr"
    assert report.line_numbers == ["+35312345678"], report.reasons
    assert report.holder.on_bill == "Acme Widgets Ltd"
    assert report.bill_date == "2026-03-12"
    assert report.verdict == "pass", report.reasons


def test_an_app_screenshot_of_another_number_fails() -> None:
    png = app_screenshot(number="01 234 9999")
    report = examine(png, Claim("01 234 5678", "Acme Widgets Ltd", dt.date(2026, 3, 20)))
    assert report.verdict == "fail", report.reasons


def test_a_heic_photo_from_an_iphone_is_read_and_passes(photo: Image.Image) -> None:
    encoded = io.BytesIO()
    pillow_heif.from_pillow(photo).save(encoded, quality=85)
    heic = encoded.getvalue()
    assert sniff(heic) == "heic"
    report = examine(heic, CLAIM)
    assert report.source == "ocr"
    assert report.verdict == "pass", report.reasons


def test_a_webp_photo_is_read_and_passes(photo: Image.Image) -> None:
    encoded = io.BytesIO()
    photo.save(encoded, format="WEBP", quality=80)
    webp = encoded.getvalue()
    assert sniff(webp) == "webp"
    report = examine(webp, CLAIM)
    assert report.verdict == "pass", report.reasons


@pytest.mark.parametrize("kind", ["GIF", "TIFF", "BMP"])
def test_another_picture_kind_is_refused_with_a_sentence_naming_what_works(kind: str) -> None:
    encoded = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(encoded, format=kind)
    with pytest.raises(BillError) as refused:
        examine(encoded.getvalue(), CLAIM)
    assert refused.value.kind == "unsupported"
    assert "PDF, JPEG, PNG, HEIC or WebP" in refused.value.message


def test_a_broken_heic_is_unreadable_not_a_crash() -> None:
    broken = b"\x00\x00\x00\x1cftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
    with pytest.raises(BillError) as refused:
        examine(broken, CLAIM)
    assert refused.value.kind == "unreadable"


def test_one_list_of_kinds_serves_bytes_and_mimetypes() -> None:
    assert ACCEPTED_NAMES == "PDF, JPEG, PNG, HEIC or WebP"
    assert format_of(b"%PDF-1.7\n") is not None
    assert format_of(b"RIFF\x10\x00\x00\x00WEBPVP8 ") is not None
    assert format_of(b"GIF89a") is None
    assert [format_for_mimetype(m) is not None for m in ("image/heic", "image/webp")] == [
        True,
        True,
    ]
    assert format_for_mimetype("image/gif") is None
    assert format_for_mimetype("IMAGE/JPEG; charset=binary") is not None


def test_an_irish_capital_o_with_a_fada_that_tesseract_reads_as_a_copyright_sign_is_an_o() -> None:
    from ocr_checks.ocr import _parse_tsv

    columns = "level page_num block_num par_num line_num word_num left top width height conf text"
    header = "\t".join(columns.split())
    rows = [
        f"5\t1\t1\t1\t1\t{i}\t{10 + 40 * i}\t10\t30\t12\t90\t{word}"
        for i, word in enumerate(("Seán", "©", "Briain"), start=1)
    ]
    words = _parse_tsv("\n".join([header, *rows]))
    assert [w.text for w in words] == ["Seán", "O", "Briain"]


def test_an_app_screenshot_in_dark_mode_passes() -> None:
    light = Image.open(io.BytesIO(app_screenshot())).convert("RGB")
    dark = io.BytesIO()
    ImageOps.invert(light).save(dark, format="PNG")  # light text on a dark screen
    report = examine(
        dark.getvalue(), Claim("01 234 5678", "Acme Widgets Ltd", dt.date(2026, 3, 20))
    )
    assert report.verdict == "pass", report.reasons
