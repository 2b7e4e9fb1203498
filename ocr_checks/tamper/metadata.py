"""What the file's Info dictionary says of where the bill was made and when it was changed.

- ``online_editor``: Producer or Creator names a known online PDF editor (``ONLINE_EDITORS``).
- ``modified_later``: ModDate is more than ``MODIFIED_LATER_AFTER`` after CreationDate.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from ocr_checks.document import TamperSignal

# Matched as substrings of Producer/Creator, lower-cased with spaces removed.
ONLINE_EDITORS: tuple[str, ...] = (
    "sejda",
    "ilovepdf",
    "smallpdf",
    "pdfescape",
    "pdfcandy",
    "pdffiller",
    "docfly",
    "sodapdf",
    "pdf2go",
    "pdfzorro",
    "pdfbuddy",
    "formswift",
    "pdfsimpli",
    "lightpdf",
    "hipdf",
    "dochub",
    "xodo",
    "canva",
)
MODIFIED_LATER_AFTER = timedelta(days=1)


def metadata_signals(meta: dict[str, str]) -> list[TamperSignal]:
    """The ``online_editor`` and ``modified_later`` signals of a PDF's metadata."""
    signals = []
    for key in ("Producer", "Creator"):
        value = meta.get(key, "")
        squashed = value.lower().replace(" ", "")
        editor = next((e for e in ONLINE_EDITORS if e in squashed), None)
        if editor is not None:
            signals.append(
                TamperSignal(
                    "online_editor",
                    f"The file's {key} is “{value}”, an online PDF editor, not a billing system.",
                )
            )
            break
    created = parse_pdf_date(meta.get("CreationDate", ""))
    modified = parse_pdf_date(meta.get("ModDate", ""))
    if created and modified and modified - created > MODIFIED_LATER_AFTER:
        signals.append(
            TamperSignal(
                "modified_later",
                f"The file was modified on {modified:%Y-%m-%d}, "
                f"{(modified - created).days} days after it was created on {created:%Y-%m-%d}.",
            )
        )
    return signals


_PDF_DATE = re.compile(
    r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([+\-Z])(\d{2})?'?(\d{2})?'?)?"
)


def parse_pdf_date(text: str) -> datetime | None:
    """A PDF date string (``D:YYYYMMDDHHmmSS+HH'mm'``) as an aware datetime, None if unreadable."""
    match = _PDF_DATE.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, sign, tz_h, tz_m = match.groups()
    offset = timedelta(hours=int(tz_h or 0), minutes=int(tz_m or 0))
    tz = timezone(-offset if sign == "-" else offset)
    try:
        return datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None
