"""Fixtures for the ocr_checks tests: bills are built here, never shipped as files."""

from __future__ import annotations

import sys
from pathlib import Path

from ocr_checks.document import Document
from ocr_checks.limits import Limits
from ocr_checks.pdf_text import read_pdf

# The bill builder is a plain module beside this file: `from billmaker import make_bill`.
sys.path.insert(0, str(Path(__file__).parent))


def read_text_bill(data: bytes) -> Document:
    """The document a text PDF bill reads as, in-process (the rules' tests need no child)."""
    return read_pdf(data, Limits())
