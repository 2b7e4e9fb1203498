"""What was read off a bill: pages of positioned words, whatever the source (text layer or OCR).

Coordinates are PDF points with the origin at the top-left of the page (pdfplumber's convention);
OCR pages are scaled to the same unit so every later rule works on one geometry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Source = Literal["text", "ocr", "mixed"]


@dataclass(frozen=True)
class Word:
    """One word on a page, with its box and, where known, its font or OCR confidence."""

    text: str
    page: int  # 1-based
    x0: float
    top: float
    x1: float
    bottom: float
    fontname: str | None = None
    size: float | None = None
    confidence: float | None = None  # OCR only, 0..100


@dataclass
class Page:
    """A page of words read either from the text layer or by OCR."""

    number: int  # 1-based
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    source: Literal["text", "ocr"] = "text"


@dataclass(frozen=True)
class TamperSignal:
    """A sign that the file was edited after it was issued, named for the person reviewing it."""

    kind: str  # e.g. "online_editor", "modified_later", "incremental_update", "invisible_text",
    # "cover_up", "font_mismatch", "redrawn_digits"
    detail: str


@dataclass
class Document:
    """Every page read from one file, with how it was read."""

    pages: list[Page]
    source: Source
    ocr_confidence: float | None = None  # mean word confidence over OCR pages, 0..100

    @property
    def words(self) -> list[Word]:
        return [w for p in self.pages for w in p.words]
