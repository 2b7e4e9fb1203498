"""Files no operator sends are flagged or refused quickly, and a big bill is judged on the pages
that can hold its line."""

from __future__ import annotations

import datetime as dt
import io
import zlib
from dataclasses import replace

import pytest
from billmaker2 import AS_OF, BillSpec, draw_bill, hostile
from billmaker2.operators import OPERATORS

from ocr_checks import BillError, Claim, Limits, examine
from ocr_checks.expansion import check_expansion

SPEC = BillSpec(
    operator=OPERATORS[0],
    holder="Globex Dental Care Limited",
    address=("Unit 7, Sandyford Business Park", "Dublin 18", "D18 K2X4"),
    line="(01) 872 3456",
    issue=AS_OF - dt.timedelta(days=20),
    line_label="Phone No.",
    calls=(("021 490 1234", "09:14"),) * 30,
)
CLAIM = Claim("+353 1 872 3456", "Globex Dental Care Ltd", AS_OF)


@pytest.fixture(scope="module")
def bill() -> bytes:
    return draw_bill(SPEC)


def error_of(data: bytes, limits: Limits | None = None) -> BillError:
    with pytest.raises(BillError) as caught:
        examine(data, CLAIM, limits=limits)
    return caught.value


def test_the_genuine_bill_passes(bill: bytes) -> None:
    assert examine(bill, CLAIM).verdict == "pass"


@pytest.mark.parametrize("open_action", [True, False])
def test_a_bill_that_runs_a_script_when_opened_goes_to_review(
    bill: bytes, open_action: bool
) -> None:
    report = examine(hostile.with_javascript(bill, open_action=open_action), CLAIM)
    assert [s.kind for s in report.tamper_signals] == ["javascript"]
    assert report.verdict == "review"


def test_a_bill_carrying_an_embedded_file_goes_to_review(bill: bytes) -> None:
    report = examine(hostile.with_attachment(bill), CLAIM)
    assert [s.kind for s in report.tamper_signals] == ["embedded_file"]
    assert report.verdict == "review"


def test_an_empty_file_is_unreadable_not_unsupported() -> None:
    assert error_of(b"").kind == "unreadable"
    assert error_of(b"\n  \n").kind == "unreadable"


def test_a_fifty_page_bill_is_judged_on_its_first_pages_quickly() -> None:
    long_bill = draw_bill(replace(SPEC, call_pages=49))
    report = examine(long_bill, CLAIM)  # 44 s when every page was read; bench/ times it
    assert report.verdict == "pass"
    assert report.pages_read == Limits().judged_pages


def test_a_compression_bomb_is_stopped_at_the_cap_before_any_parser_inflates_it() -> None:
    bomb = hostile.bomb(900 * 1024 * 1024)
    assert len(bomb) < 3_000_000
    # A reader allowed only 64 MB more than it starts with: the bomb is refused while inflating
    # a megabyte at a time, not by the reader dying at its memory limit.
    error = error_of(bomb, Limits(memory_bytes=64 * 1024 * 1024))
    assert error.kind == "too_large"
    assert "inflate past" in error.detail  # stopped while inflating, not after


def test_a_long_scan_with_large_pictures_is_not_taken_for_a_bomb() -> None:
    # Six A4 pages at 300 dpi: 52 MB of pictures, more than all the page contents may be, but
    # each picture is within what max_pixels allows.
    width, height = 2480, 3508
    picture = zlib.compress(b"\xff" * (width * height), 6)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 3 * i} 0 R" for i in range(6))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count 6 >>".encode())
    for i in range(6):
        n = 3 + 3 * i
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {n + 1} 0 R"
            f" /Resources << /XObject << /Im {n + 2} 0 R >> >> >>".encode()
        )
        draw = b"q 595 0 0 842 0 0 cm /Im Do Q"
        objects.append(b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream")
        objects.append(
            f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height}"
            f" /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode"
            f" /Length {len(picture)} >>\nstream\n".encode()
            + picture
            + b"\nendstream"
        )
    check_expansion(assemble(objects), Limits())


def assemble(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()
