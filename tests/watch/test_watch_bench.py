"""The watch benchmark runs end to end on small numbers; its figures are not judged here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "watch.py"


def test_the_watch_benchmark_runs_and_prints_its_figures() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH), "--accounts", "2000", "--channels", "40"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "2,000 SIP accounts compared in" in result.stdout and "peak memory" in result.stdout
    assert "41 built for 40 channels" in result.stdout
