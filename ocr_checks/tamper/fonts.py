"""The font family a text run is drawn in, style variants (Bold, Italic...) set aside."""

from __future__ import annotations

import ctypes
import re

import pypdfium2.raw as pdfium_c

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


def run_family(raw: object, cache: dict[int, str | None]) -> str | None:
    """The font family of a PDFium text object, None when it has no font; ``cache`` holds the
    families of the page's fonts already seen."""
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
