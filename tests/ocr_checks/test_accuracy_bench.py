"""The accuracy benchmark meets its targets on both sets: billmaker2's held-out slice (at least
95% of verdicts right, every text-PDF verdict and every error right, no false pass) and, where
it is beside the checkout, ../shared/bills-dev (at least 95% right, no genuine text PDF refused,
every error right, no false pass)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "accuracy.py"
BILLS_DEV = ROOT.parent / "shared" / "bills-dev"


def run_bench(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--check", "--show-wrong", *args],
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.slow
def test_the_held_out_slice_meets_the_accuracy_targets() -> None:
    shown = run_bench("--only", "billmaker2")
    assert "| text PDF | 60 | 60/60 (100%) | 0 |" in shown
    assert "targets" in shown and "met" in shown


@pytest.mark.slow
@pytest.mark.skipif(not (BILLS_DEV / "truth.json").is_file(), reason="no ../shared/bills-dev")
def test_bills_made_elsewhere_meet_the_accuracy_targets() -> None:
    shown = run_bench("--only", "bills-dev", "--bills-dev", str(BILLS_DEV))
    text_row = next(line for line in shown.splitlines() if line.startswith("| text PDF |"))
    assert text_row.split("|")[4].strip() == "0"  # no false pass
    assert text_row.split("|")[5].strip().startswith("0/")  # no genuine text PDF refused
    assert "MISSED" not in shown


def test_without_the_set_the_bench_says_it_skipped_it(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--only", "bills-dev", "--bills-dev", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert f"bills-dev: skipped, no truth.json in {tmp_path}" in done.stdout
