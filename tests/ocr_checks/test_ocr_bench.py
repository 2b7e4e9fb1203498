"""The evidence benchmark runs end to end (one round, one scan); its figures are not judged here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "evidence.py"


@pytest.mark.slow
def test_the_evidence_benchmark_runs_and_prints_its_ratios() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--iterations", "1", "--scans", "1"],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "ratio examine / pdfplumber" in done.stdout
    assert "s/page" in done.stdout
