"""`sipdesk check-bill` as staff run it: a verdict exits 0, a file that cannot be judged exits 2."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from billmaker import Call, make_bill
from click.testing import CliRunner
from PIL import Image

from bot.cli import main

SIPDESK = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "sipdesk"
ARGS = ["--number", "01 234 5678", "--holder", "Acme Widgets Ltd", "--as-of", "2026-04-01"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check-bill", *args])
    return result.exit_code, result.output


def test_a_good_bill_prints_the_json_report_and_exits_0(tmp_path: Path) -> None:
    bill = tmp_path / "bill.pdf"
    make_bill(bill)
    code, out = run(str(bill), *ARGS, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["verdict"] == "pass"
    assert report["matches"][0]["role"] == "line"
    assert report["holder"] == {"on_bill": "Acme Widgets Ltd", "score": 100.0, "match": True}


def test_a_failing_bill_still_exits_0_with_a_readable_report(tmp_path: Path) -> None:
    bill = tmp_path / "bill.pdf"
    make_bill(bill, line_number="(01) 999 0000", calls=[Call("03/02/2026", "09:14", "01 234 5678")])
    code, out = run(str(bill), *ARGS)
    assert code == 0
    assert out.startswith("Verdict: FAIL")
    assert "only as a number called" in out


def test_a_locked_pdf_exits_2_with_the_error_object(tmp_path: Path) -> None:
    bill = tmp_path / "bill.pdf"
    make_bill(bill, user_password="secret")
    code, out = run(str(bill), *ARGS, "--json")
    assert code == 2
    error = json.loads(out)
    assert error["error"] == "encrypted" and "password" in error["message"]


def test_a_uk_bill_is_read_with_region_gb(tmp_path: Path) -> None:
    bill = tmp_path / "bill.pdf"
    make_bill(bill, issuer="BT", line_number="020 7946 0958")
    args = ["--number", "020 7946 0958", "--holder", "Acme Widgets Ltd", "--as-of", "2026-04-01"]
    code, out = run(str(bill), *args, "--region", "GB", "--json")
    assert code == 0 and json.loads(out)["number_on_bill_as_line"]


def test_highlight_writes_a_png_crop_around_the_number_and_name(tmp_path: Path) -> None:
    bill, png = tmp_path / "bill.pdf", tmp_path / "proof.png"
    make_bill(bill)
    code, _ = run(str(bill), *ARGS, "--highlight", str(png))
    assert code == 0
    with Image.open(png) as image:
        assert image.format == "PNG"
        assert 100 < image.width < 1200 and 50 < image.height < 1700  # a crop, not the page


def test_the_installed_console_script_runs_check_bill(tmp_path: Path) -> None:
    bill = tmp_path / "notes.txt"
    bill.write_text("not a bill")
    done = subprocess.run(
        [str(SIPDESK), "check-bill", str(bill), *ARGS], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert json.loads(done.stdout)["error"] == "unsupported"


def test_a_highlight_into_a_missing_folder_is_refused_before_the_bill_is_read(
    tmp_path: Path,
) -> None:
    bill = tmp_path / "bill.pdf"
    make_bill(bill)
    missing = tmp_path / "no-such-folder" / "proof.png"
    done = subprocess.run(
        [str(SIPDESK), "check-bill", str(bill), *ARGS, "--highlight", str(missing)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert f"the folder {missing.parent} does not exist" in done.stderr
    assert "Traceback" not in done.stderr
    assert "Verdict" not in done.stdout  # said before, not after the slow part
