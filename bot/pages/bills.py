"""What the upload page accepts: one PDF, JPEG or PNG, not too large, under an honest name.

The type is read from the file's first bytes, never from its name or the browser's word, and
the name's extension must agree with it. The same limits are shown to the browser (upload.js
checks them before sending) and enforced here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.errors import UserFacingError
from store.names import plain_file_name

MAX_BILL_BYTES = 10 * 1024 * 1024
MAX_NAME_CHARS = 120

# mimetype -> (leading bytes, extensions it may be named with)
KINDS: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
}
ACCEPT = ",".join([*KINDS, *(ext for _, exts in KINDS.values() for ext in exts)])
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
    name = plain_file_name(filename).strip()
    if not name:
        raise BillRefused("Choose a file first: a PDF, JPEG or PNG of your phone bill.")
    if _HOSTILE_NAME.search(name) or name.startswith(".") or len(name) > MAX_NAME_CHARS:
        raise BillRefused(
            "That file's name cannot be accepted. Rename it to something simple such as "
            "bill.pdf (letters, digits, spaces, dots and dashes) and upload it again."
        )
    if not content:
        raise BillRefused("That file is empty. Choose the PDF, JPEG or PNG of your phone bill.")
    if len(content) > MAX_BILL_BYTES:
        raise BillRefused(
            f"That file is {_megabytes(len(content))}; the limit is "
            f"{_megabytes(MAX_BILL_BYTES)}. Export the bill's first pages as a PDF, "
            "or take a photo of it, and upload that."
        )
    mimetype = sniff(content)
    if mimetype is None or not name.lower().endswith(KINDS[mimetype][1]):
        raise BillRefused(
            "Only a PDF, JPEG or PNG can be uploaded, and this file is none of these. "
            "Save or scan the bill as a PDF, or photograph it, and upload that."
        )
    return AcceptedBill(name, mimetype, content)


def sniff(content: bytes) -> str | None:
    """The mimetype the file's leading bytes show, among those we take."""
    for mimetype, (magic, _) in KINDS.items():
        if content.startswith(magic):
            return mimetype
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
