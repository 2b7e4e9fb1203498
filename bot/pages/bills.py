"""What the upload page accepts: one bill file (a PDF, or a JPEG, PNG, HEIC or WebP picture; the
list is `ocr_checks.formats`), not too large, under an honest name.

The type is read from the file's first bytes, never from its name or the browser's word, and
the name's extension must agree with it. The same limits are shown to the browser (upload.js
checks them before sending) and enforced here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ocr_checks.formats import ACCEPTED_NAMES, BILL_FORMATS, format_of
from store.errors import UserFacingError

MAX_BILL_BYTES = 10 * 1024 * 1024
MAX_NAME_CHARS = 120

ACCEPT = ",".join(
    [
        *(t for f in BILL_FORMATS for t in f.mimetypes),
        *(e for f in BILL_FORMATS for e in f.extensions),
    ]
)
# A browser sends a bare name: a separator, a control character or markup means a forged form.
_HOSTILE_NAME = re.compile(r"[/\\\x00-\x1f\x7f<>\"`|?*:]")


class BillRefused(UserFacingError):
    """The upload is not a bill we take; the sentence says what to send instead."""


@dataclass(frozen=True)
class AcceptedBill:
    filename: str
    mimetype: str
    content: bytes


def accept_bill(filename: str, content: bytes) -> AcceptedBill:
    """The upload as a bill to store, or `BillRefused` saying why not."""
    name = filename.strip()
    if not name:
        raise BillRefused(f"Choose a file first: a {ACCEPTED_NAMES} of your phone bill.")
    if _HOSTILE_NAME.search(name) or name.startswith(".") or len(name) > MAX_NAME_CHARS:
        raise BillRefused(
            "That file's name cannot be accepted. Rename it to something simple such as "
            "bill.pdf (letters, digits, spaces, dots and dashes) and upload it again."
        )
    if not content:
        raise BillRefused(f"That file is empty. Choose the {ACCEPTED_NAMES} of your phone bill.")
    if len(content) > MAX_BILL_BYTES:
        raise BillRefused(
            f"That file is {_megabytes(len(content))}; the limit is "
            f"{_megabytes(MAX_BILL_BYTES)}. Export the bill's first pages as a PDF, "
            "or take a photo of it, and upload that."
        )
    found = format_of(content)
    if found is None or not name.lower().endswith(found.extensions):
        raise BillRefused(
            f"Only a {ACCEPTED_NAMES} can be uploaded, and this file is none of these. "
            "Save or scan the bill as a PDF, or photograph it, and upload that."
        )
    return AcceptedBill(name, found.mimetypes[0], content)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
