"""Files that cannot be judged get a clear error, and hostile ones never hang or exhaust us."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from billmaker import bomb_pdf, make_bill, many_page_pdf
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from ocr_checks import BillError, Claim, Limits, examine

CLAIM = Claim("+353 1 234 5678", "Acme Widgets Ltd", dt.date(2026, 4, 1))


def error_kind(data: bytes, limits: Limits | None = None) -> str:
    with pytest.raises(BillError) as caught:
        examine(data, CLAIM, limits=limits)
    assert caught.value.message  # every kind tells the customer what to send instead
    return caught.value.kind


def test_a_word_document_or_text_file_is_unsupported() -> None:
    assert error_kind(b"PK\x03\x04" + b"\x00" * 200) == "unsupported"
    assert error_kind(b"Please find my bill attached.") == "unsupported"


def test_a_broken_pdf_is_unreadable() -> None:
    assert error_kind(b"%PDF-1.7\n" + bytes(range(256)) * 20) == "unreadable"


def test_a_pdf_that_needs_a_password_to_open_is_encrypted() -> None:
    assert error_kind(make_bill(user_password="secret")) == "encrypted"


def test_a_file_over_the_size_cap_is_too_large() -> None:
    assert error_kind(make_bill(), Limits(max_bytes=1000)) == "too_large"


def test_a_file_with_thousands_of_pages_is_refused_before_reading_them() -> None:
    assert error_kind(many_page_pdf(20_000)) == "too_many_pages"


def test_an_image_over_the_pixel_cap_is_too_large() -> None:
    photo = io.BytesIO()
    Image.new("L", (400, 300), 255).save(photo, format="PNG")
    assert error_kind(photo.getvalue(), Limits(max_pixels=100_000)) == "image_too_large"


def test_a_pdf_page_too_big_to_render_for_ocr_is_too_large() -> None:
    huge = io.BytesIO()
    c = Canvas(huge, pagesize=(14_000, 14_000))  # a blank (image-only) poster of a page
    c.showPage()
    c.save()
    assert error_kind(huge.getvalue()) == "image_too_large"


def test_a_decompression_bomb_is_stopped_by_the_readers_memory_limit() -> None:
    # About 40 KB that expands to 40 MB of drawing operators: under the inflation cap, so the
    # parser meets it and the reader's memory limit ends it.
    bomb = bomb_pdf(40_000_000)
    assert len(bomb) < 200_000
    with pytest.raises(BillError) as caught:
        examine(bomb, CLAIM, limits=Limits(memory_bytes=128 * 1024 * 1024))
    assert caught.value.kind == "too_large" and "resource limit" in caught.value.detail


def test_a_reader_that_runs_too_long_is_stopped() -> None:
    with pytest.raises(BillError) as caught:
        examine(bomb_pdf(40_000_000), CLAIM, limits=Limits(seconds=0.2))
    assert caught.value.kind == "too_large" and "longer than" in caught.value.detail


def test_a_valid_bill_still_reads_under_the_limits() -> None:
    assert (
        examine(make_bill(), CLAIM, limits=Limits(memory_bytes=256 * 1024 * 1024)).verdict == "pass"
    )


def test_the_reader_recovers_after_a_hostile_file_and_serves_the_next_bill() -> None:
    assert error_kind(bomb_pdf(40_000_000), Limits(seconds=0.2)) == "too_large"
    assert error_kind(b"%PDF-1.7\n" + bytes(range(256)) * 20) == "unreadable"
    assert examine(make_bill(), CLAIM).verdict == "pass"
    assert examine(make_bill(), CLAIM).verdict == "pass"  # the same reader, reused
