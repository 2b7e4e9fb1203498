"""The accuracy benchmark scores billmaker2's held-out slice and meets its targets: at least
95% of verdicts right, every text-PDF verdict and every error right, no false pass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "accuracy.py"


@pytest.mark.slow
def test_the_held_out_slice_meets_the_accuracy_targets() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--check", "--show-wrong"],
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| text PDF | 60 | 60/60 (100%) | 0 |" in done.stdout
    assert "targets" in done.stdout and "met" in done.stdout
