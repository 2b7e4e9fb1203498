"""Scans and photos of bills are read with Tesseract into words placed where they are printed.

Every scan here is made from a reportlab bill: rasterised, speckled with noise, turned a quarter
or half, skewed a few degrees, and saved as an image-only PDF or a JPEG/PNG photo.
"""

from __future__ import annotations

import io

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest
from billmaker import make_bill
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from ocr_checks.document import Page, Word
from ocr_checks.ocr import (
    WORK_LONG_SIDE,
    OcrUnavailable,
    mean_confidence,
    needs_ocr,
    ocr_image,
    ocr_image_upright,
    ocr_photo,
    photo_scale,
    prepare_photo,
    render_pdf_page,
)

SCAN_DPI = 200


def scan_of(pdf: bytes, *, turn: float = 0.0, dpi: int = SCAN_DPI, seed: int = 3) -> Image.Image:
    """What a flatbed gives back: the page rasterised, turned, and speckled with noise."""
    image = render_pdf_page(pdf, 0, dpi)
    if turn:
        image = image.rotate(turn, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    rng = np.random.default_rng(seed)
    pixels = np.asarray(image, dtype=np.int16) + rng.normal(0, 18, (image.height, image.width))
    speckle = rng.random((image.height, image.width)) < 0.002
    pixels[speckle] = 0
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def image_only_pdf(image: Image.Image, dpi: int = SCAN_DPI) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=dpi)
    return out.getvalue()


def text_layer_box(pdf: bytes, text: str) -> tuple[float, float, float, float]:
    """Where the text layer puts a word, in points from the top-left."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        word = next(w for w in doc.pages[0].extract_words() if w["text"] == text)
    return word["x0"], word["top"], word["x1"], word["bottom"]


def the_word(page: Page, text: str) -> Word:
    return next(w for w in page.words if w.text == text)


@pytest.fixture(scope="module")
def bill() -> bytes:
    return make_bill(holder="Acme Widgets Ltd", line_number="(01) 234 5678")


def test_a_scanned_bill_is_read_with_words_where_they_are_printed(bill: bytes) -> None:
    scan_pdf = image_only_pdf(scan_of(bill))
    assert needs_ocr(scan_pdf, 0)

    image = render_pdf_page(scan_pdf, 0, SCAN_DPI)
    page = ocr_image(image, page_number=1, scale=72 / SCAN_DPI)

    assert page.source == "ocr"
    assert page.width == pytest.approx(595, abs=2)
    assert page.height == pytest.approx(842, abs=2)
    texts = [w.text for w in page.words]
    assert {"Acme", "Widgets", "5678"} <= set(texts)
    for text in ("Sandyford", "234"):  # each printed once
        word = the_word(page, text)
        expected = text_layer_box(bill, text)
        assert (word.x0, word.top, word.x1, word.bottom) == pytest.approx(expected, abs=4)
    number = the_word(page, "234")
    assert number.confidence is not None and number.confidence > 60
    assert all(w.page == 1 for w in page.words)


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_scan_fed_in_sideways_or_upside_down_is_turned_upright(bill: bytes, turn: int) -> None:
    reading = ocr_image_upright(scan_of(bill, turn=turn, seed=turn), 1, 72 / SCAN_DPI)

    # scan_of turns counter-clockwise (PIL's way); righting it is the same turn clockwise.
    assert reading.rotation == turn
    assert reading.image.height > reading.image.width  # portrait again
    assert "5678" in [w.text for w in reading.page.words]
    number = the_word(reading.page, "234")
    assert (number.x0, number.top) == pytest.approx(text_layer_box(bill, "234")[:2], abs=5)


@pytest.mark.parametrize("skew", [3.0, -2.5])
def test_a_scan_fed_in_askew_is_straightened_before_reading(bill: bytes, skew: float) -> None:
    reading = ocr_image_upright(scan_of(bill, turn=skew), 1, 72 / SCAN_DPI)

    assert reading.skew == pytest.approx(-skew, abs=0.3)
    words = [w.text for w in reading.page.words]
    assert {"Acme", "Widgets", "(01)", "234", "5678"} <= set(words)
    # Straightened: the words of the number's line share one baseline.
    line = [the_word(reading.page, t) for t in ("234", "5678")]
    assert abs(line[0].bottom - line[1].bottom) < 2


def test_a_phone_photo_is_turned_by_its_exif_orientation_and_read(bill: bytes) -> None:
    # A phone held sideways stores the pixels turned and says so in EXIF (orientation 6:
    # turn 90 degrees clockwise to display).
    sideways = scan_of(bill, dpi=150).rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    jpeg = io.BytesIO()
    sideways.save(jpeg, format="JPEG", quality=85, exif=exif)

    photo = Image.open(io.BytesIO(jpeg.getvalue()))
    prepared = prepare_photo(photo)
    assert prepared.height > prepared.width
    page = ocr_photo(photo)

    assert page.source == "ocr"
    assert {"Acme", "Widgets", "5678"} <= {w.text for w in page.words}
    assert max(page.width, page.height) == pytest.approx(842, abs=1)


def test_a_photo_of_a_bill_askew_on_a_dark_desk_in_uneven_light_is_read(bill: bytes) -> None:
    page = render_pdf_page(bill, 0, 250)
    desk = Image.new("L", (page.width + 600, page.height + 500), 70)
    desk.paste(page, (300, 250))
    desk = desk.rotate(4, resample=Image.Resampling.BILINEAR, fillcolor=70)
    light = 0.65 + 0.35 * np.linspace(0, 1, desk.width)[None, :]  # darker on the left
    pixels = np.asarray(desk, np.float32) * light
    pixels += np.random.default_rng(1).normal(0, 10, pixels.shape)
    shot = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).convert("RGB")
    jpeg = io.BytesIO()
    shot.save(jpeg, format="JPEG", quality=80)

    photo = Image.open(io.BytesIO(jpeg.getvalue()))
    reading = ocr_image_upright(prepare_photo(photo), 1, 1.0)
    assert reading.skew == pytest.approx(-4.0, abs=0.3)
    words = [w.text for w in reading.page.words]
    assert {"Acme", "Widgets", "(01)", "234", "5678", "12/03/2026"} <= set(words)


def test_a_large_photo_is_shrunk_to_a_working_size_before_reading(bill: bytes) -> None:
    huge = scan_of(bill, dpi=400)  # 3308 x 4677 pixels, like a modern phone camera
    png = io.BytesIO()
    huge.save(png, format="PNG")

    prepared = prepare_photo(Image.open(io.BytesIO(png.getvalue())))

    assert max(prepared.size) == WORK_LONG_SIDE
    assert photo_scale(prepared) == pytest.approx(842 / WORK_LONG_SIDE)
    page = ocr_image(prepared, 1, photo_scale(prepared))
    assert "5678" in {w.text for w in page.words}


def test_a_screenshot_with_a_clear_background_and_a_16_bit_scan_are_read_on_white(
    bill: bytes,
) -> None:
    ink = np.asarray(render_pdf_page(bill, 0, SCAN_DPI))
    # Black glyphs on a fully transparent background: colour channels all zero.
    rgba = np.zeros((*ink.shape, 4), np.uint8)
    rgba[..., 3] = 255 - ink
    screenshot = Image.fromarray(rgba, mode="RGBA")
    deep = Image.fromarray(ink.astype(np.uint16) * 257)  # 16-bit grey, as some scanners save
    assert deep.mode.startswith("I;16")

    for image in (screenshot, deep):
        png = io.BytesIO()
        image.save(png, format="PNG")
        page = ocr_photo(Image.open(io.BytesIO(png.getvalue())))
        assert {"Acme", "Widgets", "5678"} <= {w.text for w in page.words}


def test_a_blank_page_reads_as_no_words() -> None:
    page = ocr_image(Image.new("L", (1654, 2339), 255), 1, 72 / SCAN_DPI)
    assert page.words == []
    assert page.width == pytest.approx(595.4, abs=0.5)


def test_a_bill_with_a_text_layer_needs_no_ocr_and_one_with_only_invisible_text_does(
    bill: bytes,
) -> None:
    assert not needs_ocr(bill, 0)
    with pdfium.PdfDocument(bill) as doc:
        assert not needs_ocr(doc, 0)

    assert needs_ocr(searchable_scan(bill), 0)


def searchable_scan(bill: bytes) -> bytes:
    """A scan as some scanners save it: the picture, with their OCR as invisible text on top."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.drawImage(ImageReader(scan_of(bill)), 0, 0, width=A4[0], height=A4[1])
    text = canvas.beginText(40, A4[1] - 200)
    text.setTextRenderMode(3)
    text.setFont("Helvetica", 10)
    text.textLine("Your phone number: (01) 234 5678")
    canvas.drawText(text)
    canvas.save()
    return out.getvalue()


def test_ocr_confidence_is_the_mean_over_ocr_pages_only() -> None:
    def page(source: str, confidences: list[float]) -> Page:
        words = [Word("x", 1, 0, 0, 1, 1, confidence=c) for c in confidences]
        return Page(1, 595, 842, words, source=source)  # type: ignore[arg-type]

    assert mean_confidence([page("ocr", [90, 70]), page("text", [])]) == 80.0
    assert mean_confidence([page("text", [])]) is None


def test_without_tesseract_ocr_fails_with_an_operator_error(
    bill: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(OcrUnavailable, match="tesseract-ocr"):
        ocr_image(render_pdf_page(bill, 0, 100), 1, 72 / 100)
