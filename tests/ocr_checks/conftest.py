"""Fixtures for the ocr_checks tests: bills are built here, never shipped as files."""

from __future__ import annotations

import sys
from pathlib import Path

# The bill builder is a plain module beside this file: `from billmaker import make_bill`.
sys.path.insert(0, str(Path(__file__).parent))
