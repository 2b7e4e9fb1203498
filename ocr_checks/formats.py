"""The kinds of file a bill may come as: the one list the reader, the Slack file check and the
upload page all take their types, extensions and wording from.

A kind is recognised by its leading bytes, never by a name or a browser's word. HEIC (what
iPhones send) is decoded through ``pillow-heif`` (libheif); WebP (what many Android apps send)
through Pillow itself.
"""

from __future__ import annotations

from dataclasses import dataclass

# ISO base media "brands" of a still HEIF/HEIC picture, at bytes 8..12 after "ftyp".
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"heif")


@dataclass(frozen=True)
class BillFormat:
    """One kind of file we read a bill from."""

    kind: str  # "pdf", "jpeg", "png", "heic", "webp"
    label: str  # as a person names it
    mimetypes: tuple[str, ...]  # the first is the canonical one
    extensions: tuple[str, ...]  # lower case, with the dot

    def matches(self, data: bytes) -> bool:
        """True when `data` starts as a file of this kind."""
        if self.kind == "pdf":
            return b"%PDF-" in data[:1024]
        if self.kind == "jpeg":
            return data.startswith(b"\xff\xd8\xff")
        if self.kind == "png":
            return data.startswith(b"\x89PNG\r\n\x1a\n")
        if self.kind == "webp":
            return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
        return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


BILL_FORMATS: tuple[BillFormat, ...] = (
    BillFormat("pdf", "PDF", ("application/pdf",), (".pdf",)),
    BillFormat("jpeg", "JPEG", ("image/jpeg", "image/jpg", "image/pjpeg"), (".jpg", ".jpeg")),
    BillFormat("png", "PNG", ("image/png",), (".png",)),
    BillFormat(
        "heic", "HEIC", ("image/heic", "image/heif", "image/heic-sequence"), (".heic", ".heif")
    ),
    BillFormat("webp", "WebP", ("image/webp",), (".webp",)),
)

# "PDF, JPEG, PNG, HEIC or WebP": the list in every sentence that names what we take.
ACCEPTED_NAMES = ", ".join(f.label for f in BILL_FORMATS[:-1]) + " or " + BILL_FORMATS[-1].label
PHOTO_NAMES = ", ".join(f.label for f in BILL_FORMATS[1:-1]) + " or " + BILL_FORMATS[-1].label


def format_of(data: bytes) -> BillFormat | None:
    """The kind of bill file `data` is, from its leading bytes; None when it is none we take."""
    return next((f for f in BILL_FORMATS if f.matches(data)), None)


def format_for_mimetype(mimetype: str) -> BillFormat | None:
    """The kind a mimetype names (as Slack reports a shared file), None when we take none."""
    wanted = mimetype.split(";", 1)[0].strip().lower()
    return next((f for f in BILL_FORMATS if wanted in f.mimetypes), None)
