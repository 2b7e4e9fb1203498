"""Read scans and photos of bills with Tesseract, into the same Page of positioned words.

Public API (part A calls these):

- ``render_pdf_page(pdf, index, dpi=RENDER_DPI) -> PIL.Image.Image``: rasterise one page of a PDF
  (bytes or an open ``pypdfium2.PdfDocument``) in greyscale for OCR. OCR the result with
  ``scale = 72 / dpi``.
- ``needs_ocr(pdf, index) -> bool``: True when the page shows no text of its own (image-only, or
  its only text is invisible), so its words must come from OCR.
- ``ocr_image(image, page_number, scale) -> Page``: OCR one image. ``scale`` is PDF points per
  pixel of the image given; every box of the returned Page is in points, top-left origin, in the
  upright (rotation fixed, deskewed) frame of the image. ``source="ocr"``; every Word carries its
  Tesseract ``confidence`` (0..100).
- ``ocr_image_upright(image, page_number, scale) -> OcrReading``: the same, and the upright image
  the boxes refer to (for drawing highlights), with its own points-per-pixel.
- ``prepare_photo(image) -> PIL.Image.Image`` and ``photo_scale(image) -> float``: for image files
  uploads: EXIF orientation applied, greyscale, capped at ``WORK_LONG_SIDE`` pixels, uneven
  light divided out (``even_out_light``). A photo has no
  physical size, so ``photo_scale`` assumes its long side spans the long side of an A4 page
  (842 pt); that keeps font sizes and distances in the same range as a PDF bill's.
- ``ocr_photo(image, page_number=1) -> Page``: prepare_photo + ocr_image with photo_scale.
- ``mean_confidence(pages) -> float | None``: mean word confidence over OCR pages.

How a page is read: the image is brought to a working size (long side at most ``WORK_LONG_SIDE``,
about 200 dpi for A4: Tesseract is as accurate there as at 300 dpi and a third faster), a small
skew is measured on a thumbnail by projection profiles of local ink (clear of a dark desk or
shade around a photographed page) and removed, then one Tesseract run with
``--psm 1`` (page segmentation *with* orientation and script detection, the OSD model of
tesseract-ocr-osd) reads the page whatever its quarter-turn rotation. The rotation Tesseract found
is recovered from the direction in which the words of each line advance, and boxes are turned
into the upright frame. One run instead of ``--psm 0`` followed by a second run saves the
half-second that a separate OSD process costs per page. Tesseract runs with
``OMP_THREAD_LIMIT=1``: its OpenMP threads make it several times slower on small machines.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageFilter, ImageOps

from ocr_checks.document import Page, Word

RENDER_DPI = 200
WORK_LONG_SIDE = 2400  # pixels; ~200 dpi on A4 (11.7 in)
A4_LONG_SIDE_PT = 842.0
SMALL_PHOTO_LONG_SIDE = 2000  # pixels; smaller photos are enlarged to WORK_LONG_SIDE
MAX_SKEW_DEGREES = 8.0
TESSERACT_TIMEOUT_S = 60.0
_THUMB_LONG_SIDE = 700


class OcrUnavailable(RuntimeError):
    """Tesseract is not installed or failed: an operator problem, not the customer's."""


@dataclass(frozen=True)
class OcrReading:
    """One OCR'd page and the upright image its boxes refer to."""

    page: Page
    image: Image.Image  # upright, deskewed, greyscale working image
    scale: float  # PDF points per pixel of ``image``
    rotation: int  # quarter turn (0, 90, 180, 270) the image was turned clockwise to be upright
    skew: float  # degrees of small skew removed (counter-clockwise positive)


def render_pdf_page(
    pdf: bytes | pdfium.PdfDocument, index: int, dpi: int = RENDER_DPI
) -> Image.Image:
    """Rasterise page ``index`` (0-based) of a PDF in greyscale at ``dpi``; OCR it with 72/dpi."""
    doc = pdf if isinstance(pdf, pdfium.PdfDocument) else pdfium.PdfDocument(pdf)
    try:
        page = doc[index]
        try:
            bitmap = page.render(scale=dpi / 72.0, grayscale=True)
            image: Image.Image = bitmap.to_pil().convert("L")
            return image
        finally:
            page.close()
    finally:
        if doc is not pdf:
            doc.close()


def needs_ocr(pdf: bytes | pdfium.PdfDocument, index: int, min_visible_chars: int = 20) -> bool:
    """True when page ``index`` shows fewer than ``min_visible_chars`` characters of its own text.

    Invisible text (render mode 3, the layer a scanner's OCR puts over the picture) does not
    count: such a page is a picture and is read with our own OCR.
    """
    doc = pdf if isinstance(pdf, pdfium.PdfDocument) else pdfium.PdfDocument(pdf)
    try:
        page = doc[index]
        textpage = page.get_textpage()
        try:
            visible = 0
            for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_TEXT,), max_depth=4):
                mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw)
                if mode == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:
                    continue
                visible += len(text_of_object(obj.raw, textpage.raw).strip())
                if visible >= min_visible_chars:
                    return False
            return True
        finally:
            textpage.close()
            page.close()
    finally:
        if doc is not pdf:
            doc.close()


def text_of_object(text_obj: object, textpage: object) -> str:
    """The unicode text of one pdfium text object (empty when it has none)."""
    size = pdfium_c.FPDFTextObj_GetText(text_obj, textpage, None, 0)
    if size <= 2:
        return ""
    buffer = (pdfium_c.c_ushort * (size // 2))()
    pdfium_c.FPDFTextObj_GetText(text_obj, textpage, buffer, size)
    return bytes(buffer).decode("utf-16-le", errors="replace").rstrip("\x00")


def prepare_photo(image: Image.Image) -> Image.Image:
    """A photo made ready for OCR: EXIF orientation applied, greyscale, long side capped, and
    uneven light evened out."""
    upright = ImageOps.exif_transpose(image) or image
    grey = greyscale(upright)
    long_side = max(grey.width, grey.height)
    if long_side < SMALL_PHOTO_LONG_SIDE:
        # A phone photo of a whole page at low resolution sets body text a dozen pixels tall,
        # where Tesseract drops words; enlarged to the working size it reads them.
        factor = WORK_LONG_SIDE / long_side
        grey = grey.resize(
            (round(grey.width * factor), round(grey.height * factor)), Image.Resampling.BICUBIC
        )
    return even_out_light(_working_size(grey)[0])


def greyscale(image: Image.Image) -> Image.Image:
    """8-bit grey on white, whatever the file held: transparency is laid on white paper (a
    screenshot's clear background would otherwise turn black) and 16-bit or float samples are
    scaled down rather than clipped."""
    if image.mode == "L":
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        samples = np.asarray(image, dtype=np.float64)
        top = 65535.0 if image.mode.startswith("I;16") else max(float(samples.max()), 1.0)
        if image.mode == "I" and top <= 255:
            top = 255.0
        return Image.fromarray(np.clip(samples / top * 255.0, 0, 255).astype(np.uint8))
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("L")
    return image.convert("L")


def even_out_light(image: Image.Image) -> Image.Image:
    """Divide out the paper's brightness so shade across a photographed page does not read as
    ink. The paper is estimated on a small copy (the brightest nearby pixels, smoothed)."""
    small = image.resize((max(1, image.width // 16), max(1, image.height // 16)))
    paper = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.BoxBlur(2))
    paper = paper.resize(image.size, Image.Resampling.BILINEAR)
    pixels = np.asarray(image, dtype=np.float32)
    light = np.maximum(np.asarray(paper, dtype=np.float32), 1.0)
    return Image.fromarray(np.clip(pixels / light * 255.0, 0, 255).astype(np.uint8))


def photo_scale(image: Image.Image) -> float:
    """Points per pixel for a photo: its long side is taken to span an A4 page's long side."""
    return A4_LONG_SIDE_PT / max(image.width, image.height)


def ocr_photo(image: Image.Image, page_number: int = 1) -> Page:
    """OCR a photo or scanned image file (JPEG, PNG, HEIC, WebP) as one page."""
    prepared = prepare_photo(image)
    return ocr_image(prepared, page_number, photo_scale(prepared))


def ocr_image(image: Image.Image, page_number: int, scale: float) -> Page:
    """OCR one page image; boxes in PDF points (pixels x ``scale``), upright frame."""
    return ocr_image_upright(image, page_number, scale).page


def ocr_image_upright(image: Image.Image, page_number: int, scale: float) -> OcrReading:
    """OCR one page image and return the Page with the upright image its boxes refer to."""
    work, factor = _working_size(greyscale(image))
    work_scale = scale / factor
    skew = estimate_skew(work)
    if abs(skew) >= 0.2:
        work = work.rotate(skew, resample=Image.Resampling.BILINEAR, fillcolor=255)
    rows = _tesseract_words(work)
    rotation = _rotation_from_lines(rows)
    upright = _turn(work, rotation)
    words = []
    for row in rows:
        x0, top, x1, bottom = _box_upright(row.box, rotation, work.width, work.height)
        words.append(
            Word(
                text=row.text,
                page=page_number,
                x0=x0 * work_scale,
                top=top * work_scale,
                x1=x1 * work_scale,
                bottom=bottom * work_scale,
                confidence=row.confidence,
            )
        )
    page = Page(
        number=page_number,
        width=upright.width * work_scale,
        height=upright.height * work_scale,
        words=untangle(words, [row.line for row in rows]),
        source="ocr",
    )
    return OcrReading(page=page, image=upright, scale=work_scale, rotation=rotation, skew=skew)


def untangle(words: list[Word], lines: Sequence[object]) -> list[Word]:
    """Words of one Tesseract line with boxes that do not run into each other.

    Tesseract now and then gives a word a box that reaches over the words after it (seen on
    serif digits: "(091)" boxed over "524 611" too). Later rules join a number's pieces by the
    gaps between them, so each box is ended where the next word of its line begins.
    """
    by_line: dict[object, list[int]] = {}
    for i, line in enumerate(lines):
        by_line.setdefault(line, []).append(i)
    fixed = list(words)
    for members in by_line.values():
        ordered = sorted(members, key=lambda i: fixed[i].x0)
        for here, after in itertools.pairwise(ordered):
            word, following = fixed[here], fixed[after]
            if word.x1 > following.x0 > word.x0:
                fixed[here] = replace(word, x1=following.x0 - 0.25 * (word.bottom - word.top))
    return fixed


def read_line(image: Image.Image) -> str:
    """The text of an image holding one line (a crop around a number), read with ``--psm 7``."""
    return _tesseract(greyscale(image), "--psm", "7", "--dpi", "300").strip()


def _tesseract(image: Image.Image, *options: str) -> str:
    """What Tesseract (English) prints for ``image`` with ``options``; OcrUnavailable when it
    cannot run, takes too long or fails."""
    # BMP: no compression to spend time on, and Leptonica reads it from stdin.
    encoded = io.BytesIO()
    image.save(encoded, format="BMP")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        done = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", "eng", *options],
            input=encoded.getvalue(),
            capture_output=True,
            env=env,
            timeout=TESSERACT_TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError as exc:
        raise OcrUnavailable("tesseract is not installed (Debian package tesseract-ocr)") from exc
    except subprocess.TimeoutExpired as exc:
        raise OcrUnavailable(f"tesseract took more than {TESSERACT_TIMEOUT_S:.0f} s") from exc
    if done.returncode != 0:
        raise OcrUnavailable(f"tesseract failed: {done.stderr.decode(errors='replace')[-300:]}")
    return done.stdout.decode("utf-8", errors="replace")


def mean_confidence(pages: Iterable[Page]) -> float | None:
    """Mean Tesseract confidence (0..100) over the words of OCR pages, None without any."""
    values = [w.confidence for p in pages if p.source == "ocr" for w in p.words]
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 1) if known else None


# -- working size and skew ---------------------------------------------------------------------


def _working_size(image: Image.Image) -> tuple[Image.Image, float]:
    """The image shrunk so its long side is at most WORK_LONG_SIDE, and the factor applied."""
    long_side = max(image.width, image.height)
    if long_side <= WORK_LONG_SIDE:
        return image, 1.0
    factor = WORK_LONG_SIDE / long_side
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Image.Resampling.LANCZOS), factor


def estimate_skew(image: Image.Image) -> float:
    """The small angle (degrees, counter-clockwise positive) that makes text lines level.

    Projection profiles on a thumbnail: the rotation at which the ink's row sums (or column
    sums, for a page turned a quarter) vary the most is the one where lines are straight. A
    coarse pass every half degree, then a fine pass every tenth around the best.
    """
    thumb = image.copy()
    thumb.thumbnail((_THUMB_LONG_SIDE, _THUMB_LONG_SIDE))
    # Ink is what is clearly darker than its surroundings: a dark table around a photographed
    # page, or light falling off across it, is not.
    pixels = np.asarray(thumb, dtype=np.int16)
    surroundings = np.asarray(thumb.filter(ImageFilter.BoxBlur(6)), dtype=np.int16)
    marks = (pixels < surroundings - 25).astype(np.uint8) * 255
    if not marks.any():
        return 0.0
    ink = Image.fromarray(marks)

    def sharpness(angle: float) -> float:
        turned = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST), dtype=np.float32)
        # Clipped at the 98th percentile so a few long ruled lines or page edges, which may
        # not share the text's angle, cannot outweigh hundreds of text lines.
        rows = turned.sum(axis=1)
        cols = turned.sum(axis=0)
        rows = np.minimum(rows, np.percentile(rows, 98))
        cols = np.minimum(cols, np.percentile(cols, 98))
        return float(max(np.var(np.diff(rows)), np.var(np.diff(cols))))

    coarse = np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 0.01, 0.5)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.4, best + 0.41, 0.1)
    return round(float(max(fine, key=sharpness)), 1)


# -- Tesseract ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _TsvWord:
    text: str
    box: tuple[int, int, int, int]  # left, top, right, bottom in the image Tesseract saw
    confidence: float
    line: tuple[int, int, int, int]  # page, block, paragraph, line


def _tesseract_words(image: Image.Image) -> list[_TsvWord]:
    """Words Tesseract reads on ``image`` (psm 1: orientation detected), with their boxes."""
    return _parse_tsv(_tesseract(image, "--psm", "1", "--dpi", "200", "tsv"))


# Whole words Tesseract's English model reads for letters it has no glyph for: a capital O with
# an accent (the Irish "Ó") comes out as a copyright sign, which no bill sets as a word.
_MISREAD = {"©": "O", "®": "R"}


def _parse_tsv(tsv: str) -> list[_TsvWord]:
    words = []
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        text = (row.get("text") or "").strip()
        text = _MISREAD.get(text, text)
        if row.get("level") != "5" or not text:
            continue
        confidence = float(row["conf"])
        if confidence < 0:
            continue
        left, top = int(row["left"]), int(row["top"])
        right, bottom = left + int(row["width"]), top + int(row["height"])
        line = (
            int(row["page_num"]),
            int(row["block_num"]),
            int(row["par_num"]),
            int(row["line_num"]),
        )
        words.append(_TsvWord(text, (left, top, right, bottom), confidence, line))
    return words


# -- rotation ----------------------------------------------------------------------------------


def _rotation_from_lines(words: Sequence[_TsvWord]) -> int:
    """The clockwise quarter turn that makes the page upright, from how lines advance.

    Tesseract reports words in reading order with boxes in the image as given; on an upright
    page the words of a line advance left to right, on a page upside down right to left, and on
    a page turned a quarter they advance up or down the image.
    """
    votes = {0: 0, 90: 0, 180: 0, 270: 0}
    by_line: dict[tuple[int, int, int, int], list[_TsvWord]] = {}
    for word in words:
        by_line.setdefault(word.line, []).append(word)
    for line_words in by_line.values():
        if len(line_words) < 2:
            continue
        first, last = line_words[0].box, line_words[-1].box
        dx = (last[0] + last[2]) / 2 - (first[0] + first[2]) / 2
        dy = (last[1] + last[3]) / 2 - (first[1] + first[3]) / 2
        if abs(dx) >= abs(dy):
            votes[0 if dx > 0 else 180] += len(line_words)
        else:
            # Reading upwards: the top of the text faces left, so turn clockwise a quarter.
            votes[90 if dy < 0 else 270] += len(line_words)
    return max(votes, key=lambda k: (votes[k], k == 0))


def _turn(image: Image.Image, rotation: int) -> Image.Image:
    """The image turned clockwise by ``rotation`` degrees (a multiple of 90)."""
    if rotation == 0:
        return image
    # PIL's ROTATE_n turns counter-clockwise.
    transposes = {
        90: Image.Transpose.ROTATE_270,
        180: Image.Transpose.ROTATE_180,
        270: Image.Transpose.ROTATE_90,
    }
    return image.transpose(transposes[rotation])


def _box_upright(
    box: tuple[int, int, int, int], rotation: int, width: int, height: int
) -> tuple[float, float, float, float]:
    """A box of the image as given, in the frame of the image turned clockwise by ``rotation``."""
    left, top, right, bottom = box
    if rotation == 0:
        return left, top, right, bottom
    if rotation == 180:
        return width - right, height - bottom, width - left, height - top
    if rotation == 90:  # clockwise: (x, y) -> (height - y, x)
        return height - bottom, left, height - top, right
    return top, width - right, bottom, width - left  # 270: (x, y) -> (y, width - x)
