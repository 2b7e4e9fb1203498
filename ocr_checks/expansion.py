"""How large a PDF's compressed streams become, measured before any parser inflates them.

A few hundred kilobytes of Flate can inflate to gigabytes. The reader's memory limit ends such
a file, but only once the parser holds the cap's worth of memory. Here every Flate stream is
inflated a megabyte at a time and thrown away, counting: past the cap the file is refused as
`too_large` having held about a megabyte. Pictures (image XObjects) may be large and are
capped each at what `max_pixels` allows; everything else (page contents, forms, fonts, object
streams) is capped in total at `Limits.max_expanded_bytes`, far above any bill.
"""

from __future__ import annotations

import re
import zlib

from ocr_checks.errors import BillError
from ocr_checks.limits import Limits

_STREAM = re.compile(rb"stream\r?\n")
_CHUNK = 1 << 20
_DICT_WINDOW = 4096  # how far back from "stream" its dictionary may start
_BYTES_PER_PIXEL = 4  # CMYK or RGBA at 8 bits


def check_expansion(data: bytes, limits: Limits) -> None:
    """Raise `BillError("too_large")` when the PDF's streams inflate past the caps."""
    other = 0
    image_cap = limits.max_pixels * _BYTES_PER_PIXEL
    for m in _STREAM.finditer(data):
        head = data[max(0, m.start() - _DICT_WINDOW) : m.start()]
        opened = head.rfind(b"obj")
        head = head[opened:] if opened >= 0 else head
        if b"/FlateDecode" not in head:
            continue
        image = re.search(rb"/Subtype\s*/Image\b", head) is not None
        cap = image_cap if image else limits.max_expanded_bytes - other
        size = _inflated_size(data, m.end(), cap)
        if size > cap:
            what = "a picture" if image else "the page contents"
            raise BillError("too_large", f"{what} inflate past {cap} bytes")
        if not image:
            other += size


def _inflated_size(data: bytes, start: int, cap: int) -> int:
    """Bytes the Flate stream at `start` inflates to, counting stops just past `cap`."""
    inflater = zlib.decompressobj()
    total = 0
    pos = start
    try:
        while not inflater.eof and pos < len(data) and total <= cap:
            chunk = data[pos : pos + _CHUNK]
            pos += len(chunk)
            total += len(inflater.decompress(chunk, _CHUNK))
            while inflater.unconsumed_tail and not inflater.eof and total <= cap:
                total += len(inflater.decompress(inflater.unconsumed_tail, _CHUNK))
    except zlib.error:
        pass  # a damaged stream: the parser will say what it makes of it
    return total
