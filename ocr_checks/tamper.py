"""Signs that a bill was edited after its issuer produced it.

``find_tamper_signals(data, document)`` looks at the file itself (through PDFium, which reports
what pdfplumber does not: render modes, fill colours, fonts per text run, drawing order) and at
what was read from it (``document``, for the OCR words of scanned pages). Each signal is a kind
and a sentence for the reviewer:

- ``online_editor``: Producer or Creator names a known online PDF editor (``ONLINE_EDITORS``).
  A telco's billing system never produces its bills with one of these.
- ``modified_later``: ModDate is more than ``MODIFIED_LATER_AFTER`` (one day) after CreationDate.
  Billing systems write a bill once; a later modification date means someone saved it again.
- ``incremental_update``: the file holds more than one revision and a later one changes what a
  page shows (its text or its drawing objects). Updates that only add annotations, form fields
  or a signature change no page content and are not flagged; a linearized file's first-page
  section (its extra ``%%EOF``) is not a revision. The first revision that opens on its own is
  compared with the final file, page by page (text, position and kind of every object).
- ``invisible_text``: text that is not seen (render mode 3 or 7, fully transparent, white fill
  with nothing dark drawn beneath it, or under a picture drawn after it) and that says
  something the visible page does not (its visible text, or our OCR of a scanned page). A
  scanner's invisible OCR layer matching the picture is normal.
- ``cover_up``: two different texts of like size drawn at one place (one run covering at least
  half of the other), or text that an opaque filled box drawn after it covers: what a box over
  old text, with or without new text on top, leaves in the text layer. (Text under a picture
  drawn after it is treated as a hidden layer instead, as some scanners write it.)
- ``font_mismatch``: a phone-number-like run drawn in a font family that no other text on its
  line uses (style variants such as Bold or Italic count as the same family).

Photos (JPEG/PNG) have no file structure to inspect: nothing is returned for them. Image-only
PDFs still get the metadata and revision checks. Cost: a few milliseconds per page, all in
PDFium; a run's text is only read when a check needs it.
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ocr_checks.document import Document, Page, TamperSignal
from ocr_checks.ocr import text_of_object

# Matched as substrings of Producer/Creator, lower-cased with spaces removed.
ONLINE_EDITORS: tuple[str, ...] = (
    "sejda",
    "ilovepdf",
    "smallpdf",
    "pdfescape",
    "pdfcandy",
    "pdffiller",
    "docfly",
    "sodapdf",
    "pdf2go",
    "pdfzorro",
    "pdfbuddy",
    "formswift",
    "pdfsimpli",
    "lightpdf",
    "hipdf",
    "dochub",
    "xodo",
    "canva",
)
MODIFIED_LATER_AFTER = timedelta(days=1)
COVER_FRACTION = 0.5  # of the smaller run's box covered by the other run
_HIDDEN_MODES = {pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE, pdfium_c.FPDF_TEXTRENDERMODE_CLIP}
_WHITE = 240  # a fill at least this light on every channel is white on paper
_STYLE_WORDS = (
    "bold",
    "italic",
    "oblique",
    "regular",
    "medium",
    "light",
    "semibold",
    "black",
    "condensed",
    "narrow",
    "psmt",
    "mt",
    "ps",
)


def find_tamper_signals(data: bytes, document: Document) -> list[TamperSignal]:
    """Every tamper signal found in a PDF's bytes, judged with what was read from it."""
    if b"%PDF-" not in data[:1024]:
        return []
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return []
    try:
        signals = _metadata_signals(pdf.get_metadata_dict())
        ends = revision_ends(data)
        final_prints: list[tuple[object, ...]] = []
        page_signals: list[TamperSignal] = []
        ocr_pages = {p.number: p for p in document.pages if p.source == "ocr"}
        for index in range(len(pdf)):
            with _open_page(pdf, index) as view:
                page_signals += _invisible_text_signals(view, ocr_pages.get(view.number))
                page_signals += _cover_up_signals(view)
                page_signals += _font_mismatch_signals(view)
                if len(ends) > 1:
                    final_prints.append(view.fingerprint())
        if len(ends) > 1:
            signals += _incremental_update_signals(data, ends, final_prints)
        return signals + page_signals
    finally:
        pdf.close()


# -- metadata ----------------------------------------------------------------------------------


def _metadata_signals(meta: dict[str, str]) -> list[TamperSignal]:
    signals = []
    for key in ("Producer", "Creator"):
        value = meta.get(key, "")
        squashed = value.lower().replace(" ", "")
        editor = next((e for e in ONLINE_EDITORS if e in squashed), None)
        if editor is not None:
            signals.append(
                TamperSignal(
                    "online_editor",
                    f"The file's {key} is “{value}”, an online PDF editor, not a billing system.",
                )
            )
            break
    created = parse_pdf_date(meta.get("CreationDate", ""))
    modified = parse_pdf_date(meta.get("ModDate", ""))
    if created and modified and modified - created > MODIFIED_LATER_AFTER:
        signals.append(
            TamperSignal(
                "modified_later",
                f"The file was modified on {modified:%Y-%m-%d}, "
                f"{(modified - created).days} days after it was created on {created:%Y-%m-%d}.",
            )
        )
    return signals


_PDF_DATE = re.compile(
    r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([+\-Z])(\d{2})?'?(\d{2})?'?)?"
)


def parse_pdf_date(text: str) -> datetime | None:
    """A PDF date string (``D:YYYYMMDDHHmmSS+HH'mm'``) as an aware datetime, None if unreadable."""
    match = _PDF_DATE.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, sign, tz_h, tz_m = match.groups()
    offset = timedelta(hours=int(tz_h or 0), minutes=int(tz_m or 0))
    tz = timezone(-offset if sign == "-" else offset)
    try:
        return datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None


# -- what PDFium sees on a page ----------------------------------------------------------------


@dataclass
class _Run:
    """One text object: a run of text in one font, one colour, one render mode."""

    raw: object  # the PDFium text object, valid while its page is open
    box: tuple[float, float, float, float]  # left, bottom, right, top (PDF user space)
    hidden: bool  # invisible render mode, transparent, white on white, or under a picture
    family: str | None
    order: int
    painted_over: bool = False  # a filled box drawn later covers it
    text: str | None = None  # read on demand: most checks never need most runs' text

    @property
    def shown(self) -> bool:
        return not self.hidden and not self.painted_over


@dataclass
class _PageView:
    """What one page draws, in drawing order; text read lazily while the page is open."""

    number: int
    textpage: object
    runs: list[_Run]
    shapes: list[tuple[str, tuple[float, float, float, float]]]  # (type, box) of non-text objects

    def text(self, run: _Run) -> str:
        if run.text is None:
            run.text = text_of_object(run.raw, self.textpage)
        return run.text

    def fingerprint(self) -> tuple[object, ...]:
        runs = tuple((self.text(r), _rounded(r.box), r.hidden) for r in self.runs)
        return runs, tuple((kind, _rounded(box)) for kind, box in self.shapes)


def _rounded(box: tuple[float, float, float, float]) -> tuple[int, ...]:
    return tuple(round(v) for v in box)


@contextmanager
def _open_page(pdf: pdfium.PdfDocument, index: int) -> Iterator[_PageView]:
    page = pdf[index]
    textpage = page.get_textpage()
    try:
        runs: list[_Run] = []
        shapes: list[tuple[str, tuple[float, float, float, float]]] = []
        dark_under: list[tuple[float, float, float, float]] = []
        covers: list[tuple[int, str, tuple[float, float, float, float]]] = []
        fonts: dict[int | None, str | None] = {}
        for order, raw in enumerate(_page_objects(page.raw)):
            kind = pdfium_c.FPDFPageObj_GetType(raw)
            box = _bounds(raw)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                hidden = _is_hidden(raw, box, dark_under)
                runs.append(_Run(raw, box, hidden, _family(raw, fonts), order))
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                shapes.append(("image", box))
                dark_under.append(box)
                covers.append((order, "image", box))
            elif kind != pdfium_c.FPDF_PAGEOBJ_FORM:
                shapes.append(("path", box))
                colour = _path_fill(raw)
                if colour is not None and colour[3] > 0 and min(colour[:3]) < _WHITE:
                    dark_under.append(box)
                if colour is not None and colour[3] == 255:
                    covers.append((order, "box", box))
        _mark_covered(runs, covers)
        yield _PageView(index + 1, textpage.raw, runs, shapes)
    finally:
        textpage.close()
        page.close()


def _page_objects(page: object, depth: int = 4) -> Iterator[object]:
    """Every object a page draws, in drawing order, into form XObjects ``depth`` deep."""
    for i in range(pdfium_c.FPDFPage_CountObjects(page)):
        raw = pdfium_c.FPDFPage_GetObject(page, i)
        yield raw
        if depth and pdfium_c.FPDFPageObj_GetType(raw) == pdfium_c.FPDF_PAGEOBJ_FORM:
            yield from _form_objects(raw, depth - 1)


def _form_objects(form: object, depth: int) -> Iterator[object]:
    for i in range(pdfium_c.FPDFFormObj_CountObjects(form)):
        raw = pdfium_c.FPDFFormObj_GetObject(form, i)
        yield raw
        if depth and pdfium_c.FPDFPageObj_GetType(raw) == pdfium_c.FPDF_PAGEOBJ_FORM:
            yield from _form_objects(raw, depth - 1)


def _bounds(raw: object) -> tuple[float, float, float, float]:
    left, bottom, right, top = (
        ctypes.c_float(),
        ctypes.c_float(),
        ctypes.c_float(),
        ctypes.c_float(),
    )
    ok = pdfium_c.FPDFPageObj_GetBounds(
        raw, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)
    )
    if not ok:
        return (0.0, 0.0, 0.0, 0.0)
    return (left.value, bottom.value, right.value, top.value)


def _fill(raw: object) -> tuple[int, int, int, int] | None:
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    ok = pdfium_c.FPDFPageObj_GetFillColor(
        raw, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)
    )
    return (r.value, g.value, b.value, a.value) if ok else None


def _path_fill(raw: object) -> tuple[int, int, int, int] | None:
    """The fill colour of a filled path, None for a path that is only stroked."""
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(raw, ctypes.byref(fill_mode), ctypes.byref(stroke)):
        return None
    if fill_mode.value == pdfium_c.FPDF_FILLMODE_NONE:
        return None
    return _fill(raw)


def _mark_covered(
    runs: list[_Run], covers: list[tuple[int, str, tuple[float, float, float, float]]]
) -> None:
    """Mark text that an opaque box or picture drawn after it covers (mostly) from view."""
    if not runs or not covers:
        return
    boxes = np.array([r.box for r in runs], dtype=np.float64)
    orders = np.array([r.order for r in runs])
    areas = np.maximum((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]), 1e-6)
    for order, kind, (left, bottom, right, top) in covers:
        width = np.minimum(boxes[:, 2], right) - np.maximum(boxes[:, 0], left)
        height = np.minimum(boxes[:, 3], top) - np.maximum(boxes[:, 1], bottom)
        covered = (orders < order) & (
            np.clip(width, 0, None) * np.clip(height, 0, None) >= 0.8 * areas
        )
        for i in np.flatnonzero(covered):
            # Under a picture it is a hidden layer (a scan's OCR text); under a box, painted out.
            if kind == "image":
                runs[i].hidden = True
            else:
                runs[i].painted_over = True


def _is_hidden(
    raw: object,
    box: tuple[float, float, float, float],
    dark_under: Sequence[tuple[float, float, float, float]],
) -> bool:
    """Text no reader sees: invisible render mode, transparent, or white on a white page."""
    if pdfium_c.FPDFTextObj_GetTextRenderMode(raw) in _HIDDEN_MODES:
        return True
    colour = _fill(raw)
    if colour is None:
        return False
    if colour[3] == 0:
        return True
    if min(colour[:3]) < _WHITE:
        return False
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    on_dark = any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in dark_under)
    return not on_dark


def _family(raw: object, cache: dict[int | None, str | None]) -> str | None:
    font = pdfium_c.FPDFTextObj_GetFont(raw)
    key = ctypes.cast(font, ctypes.c_void_p).value or 0
    if key not in cache:
        cache[key] = font_family(_base_font_name(font)) if key else None
    return cache[key]


def _base_font_name(font: object) -> str:
    size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    if size <= 1:
        return ""
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
    return buffer.value.decode("utf-8", errors="replace")


def font_family(base_font: str) -> str:
    """The family of a PDF BaseFont name: ``ABCDEF+Arial-BoldMT`` -> ``arial``."""
    name = base_font.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", base_font) else base_font
    name = re.split(r"[-,]", name, maxsplit=1)[0].lower()
    trimmed = True
    while trimmed:
        trimmed = False
        for word in _STYLE_WORDS:
            if name.endswith(word) and len(name) > len(word):
                name = name[: -len(word)]
                trimmed = True
    return name


# -- incremental updates -----------------------------------------------------------------------


# A revision ends with its cross-reference offset and the end marker; matching both keeps a
# stray "%%EOF" inside a stream from counting.
_EOF = re.compile(rb"startxref\s+\d+\s+%%EOF[ \t\r\n]*")
_EARLIER_REVISIONS_TRIED = 3
_LINEARIZED_LENGTH = re.compile(rb"/Linearized\b[^>]*?/L\s+(\d+)", re.DOTALL)


def revision_ends(data: bytes) -> list[int]:
    """Byte offsets where each revision of the file ends (a linearized file's first part is no
    revision of its own)."""
    ends = [m.end() for m in _EOF.finditer(data)]
    head = _LINEARIZED_LENGTH.search(data[:2048])
    if head:
        base = int(head.group(1))
        later = [e for e in ends if e > base + 16]
        return [min(base, len(data)), *later]
    return ends


def _incremental_update_signals(
    data: bytes, ends: list[int], final_prints: list[tuple[object, ...]]
) -> list[TamperSignal]:
    # The bill as first saved against the file as it is now: intermediate revisions do not
    # matter, and a file of thousands of revisions costs no more than one of two. When the
    # first one cannot be opened on its own, the next few are tried.
    for k, end in enumerate(ends[: min(len(ends) - 1, _EARLIER_REVISIONS_TRIED)], start=1):
        try:
            earlier = pdfium.PdfDocument(data[:end])
        except pdfium.PdfiumError:
            continue
        try:
            prints = []
            for i in range(len(earlier)):
                with _open_page(earlier, i) as view:
                    prints.append(view.fingerprint())
        finally:
            earlier.close()
        if prints == final_prints:
            return []
        changed = [
            str(i + 1)
            for i in range(max(len(prints), len(final_prints)))
            if i >= len(prints) or i >= len(final_prints) or prints[i] != final_prints[i]
        ]
        return [
            TamperSignal(
                "incremental_update",
                f"The file was saved again after it was made ({len(ends)} revisions): "
                f"page {', '.join(changed)} now differs from revision {k}, as first saved.",
            )
        ]
    return []


# -- invisible text ----------------------------------------------------------------------------


def _tokens(text: str) -> Iterator[str]:
    for raw in text.split():
        token = re.sub(r"[^\w]", "", raw.casefold())
        if len(token) >= 3:
            yield token


def _invisible_text_signals(view: _PageView, ocr_page: Page | None) -> list[TamperSignal]:
    hidden = [r for r in view.runs if r.hidden]
    if not hidden:
        return []
    seen = [view.text(r) for r in view.runs if r.shown]
    if ocr_page is not None:
        seen += [w.text for w in ocr_page.words]
    seen_words = {t for text in seen for t in _tokens(text)}
    seen_digits = "|".join(re.sub(r"\D", "", text) for text in seen)
    unexplained = []
    for run in hidden:
        text = view.text(run)
        for token in _tokens(text):
            digits = re.sub(r"\D", "", token)
            if token in seen_words or (len(digits) >= 3 and digits in seen_digits):
                continue
            unexplained.append(text.strip())
            break
    if not unexplained:
        return []
    shown = "; ".join(f"“{t[:60]}”" for t in unexplained[:3])
    return [
        TamperSignal(
            "invisible_text",
            f"Page {view.number} holds text that is not shown and not on the page: {shown}.",
        )
    ]


# -- cover-ups ---------------------------------------------------------------------------------


def _overlap_fraction(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float]
) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height / smaller if smaller > 0 else 0.0


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _cover_up_signals(view: _PageView) -> list[TamperSignal]:
    """Two different texts at one place, or text painted out by a box drawn after it."""
    runs = sorted((r for r in view.runs if not r.hidden), key=lambda r: r.box[1])
    for i, under in enumerate(runs):
        for over in runs[i + 1 :]:
            if over.box[1] >= under.box[3]:
                break  # sorted by bottom: no later run reaches down into this one
            if not _similar_size(under, over):
                continue  # a "PAID" stamp across a line is not an edit of it
            if _overlap_fraction(under.box, over.box) < COVER_FRACTION:
                continue
            first, second = sorted((under, over), key=lambda r: r.order)
            old, new = view.text(first).strip(), view.text(second).strip()
            if old and new and _squash(old) != _squash(new):
                return [
                    TamperSignal(
                        "cover_up",
                        f"On page {view.number}, “{new}” is drawn over “{old}”: "
                        "the text layer holds both at one place.",
                    )
                ]
    for run in view.runs:
        if run.painted_over and not run.hidden and view.text(run).strip():
            return [
                TamperSignal(
                    "cover_up",
                    f"On page {view.number}, “{view.text(run).strip()}” is painted over by a "
                    "filled box drawn after it.",
                )
            ]
    return []


def _similar_size(a: _Run, b: _Run) -> bool:
    ha, hb = a.box[3] - a.box[1], b.box[3] - b.box[1]
    return max(ha, hb) <= 1.5 * max(min(ha, hb), 0.1)


# -- fonts -------------------------------------------------------------------------------------


def _looks_like_phone_number(text: str) -> bool:
    compact = _squash(text)
    digits = sum(c.isdigit() for c in compact)
    return digits >= 6 and sum(c.isdigit() or c in "+()-./" for c in compact) >= 0.8 * len(compact)


def _lines(runs: list[_Run]) -> list[list[_Run]]:
    """Runs grouped into lines: bottoms within a third of the text height of the line's first."""
    lines: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: r.box[1]):
        if lines:
            head = lines[-1][0]
            height = max(min(head.box[3] - head.box[1], run.box[3] - run.box[1]), 1.0)
            if run.box[1] - head.box[1] <= 0.35 * height:
                lines[-1].append(run)
                continue
        lines.append([run])
    return lines


def _font_mismatch_signals(view: _PageView) -> list[TamperSignal]:
    visible = [r for r in view.runs if r.shown and r.family]
    for line in _lines(visible):
        if len(line) < 2:
            continue
        families = Counter(r.family for r in line)
        for run in line:
            if families[run.family] > 1 or not _looks_like_phone_number(view.text(run)):
                continue
            others = ", ".join(sorted(f or "" for f in families if f != run.family))
            return [
                TamperSignal(
                    "font_mismatch",
                    f"On page {view.number}, “{view.text(run).strip()}” is drawn in "
                    f"{run.family}, a font nothing else on its line uses ({others}).",
                )
            ]
    return []
