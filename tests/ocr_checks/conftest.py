"""Fixtures for the ocr_checks tests: bills are built here, never shipped as files."""

from __future__ import annotations

import sys
from pathlib import Path

# This folder is named like the package it tests; with `tests/` on sys.path (pytest puts it
# there for the root conftest) `import ocr_checks` could find this folder as a namespace
# package. The repository root goes first so the real package always wins.
_ROOT = str(Path(__file__).resolve().parents[2])
if getattr(sys.modules.get("ocr_checks"), "__file__", "") is None:
    del sys.modules["ocr_checks"]
sys.path.insert(0, _ROOT)
# The bill builder is a plain module beside this file: `from billmaker import make_bill`.
sys.path.insert(0, str(Path(__file__).parent))

from ocr_checks.document import Document  # noqa: E402
from ocr_checks.limits import Limits  # noqa: E402
from ocr_checks.pdf_text import read_pdf  # noqa: E402


def read_text_bill(data: bytes) -> Document:
    """The document a text PDF bill reads as, in-process (the rules' tests need no child)."""
    return read_pdf(data, Limits())
