"""Why a file cannot be judged, in words the customer can act on."""

from __future__ import annotations

from typing import Literal

from ocr_checks.formats import ACCEPTED_NAMES, PHOTO_NAMES

ErrorKind = Literal[
    "unreadable", "encrypted", "unsupported", "too_large", "too_many_pages", "image_too_large"
]

_MESSAGES: dict[str, str] = {
    "unreadable": "We could not read this file; it may be damaged. Please send the bill again as "
    "the PDF your provider gave you, or a clear photo of its first page.",
    "encrypted": "This PDF is locked with a password. Please send a copy without a password "
    "(most providers let you download the bill again from your online account).",
    "unsupported": f"This file is not a {ACCEPTED_NAMES}. Please send your phone bill as a PDF, "
    f"or a photo or screenshot of it as {PHOTO_NAMES}.",
    "too_large": "This file is too large or too complex for us to read. Please send the bill's "
    "first pages only, as the PDF from your provider or a photo.",
    "too_many_pages": "This file has too many pages for a phone bill. Please send only the pages "
    "that show your name, your phone number and the bill date.",
    "image_too_large": "This image is too large. Please send a photo or scan of the bill at a "
    "normal resolution (for example 300 dpi).",
}


class BillError(Exception):
    """A file that cannot be judged: `kind` for machines, `message` for the customer."""

    def __init__(self, kind: ErrorKind, detail: str = "") -> None:
        self.kind: ErrorKind = kind
        self.message = _MESSAGES[kind]
        self.detail = detail  # for logs and staff, not for the customer
        super().__init__(f"{kind}: {detail}" if detail else kind)

    def to_dict(self) -> dict[str, str]:
        """The CLI's and the API's error object: `{"error": KIND, "message": ...}`."""
        return {"error": self.kind, "message": self.message}
