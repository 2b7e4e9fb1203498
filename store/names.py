"""Names people give files, made safe to show: no bidirectional controls.

A name such as "bill\u202efdp.exe" shows as "billexe.pdf" wherever it is drawn (Slack, the staff
card, a page): the right-to-left override turns what follows around. The controls are removed
where a name comes in, so nothing downstream ever shows one."""

from __future__ import annotations

import re

# Embeddings, overrides, isolates and the implicit marks (LRM, RLM, ALM); BOM and zero-width
# space, which hide inside a name as well.
_BIDI_AND_INVISIBLE = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def plain_file_name(name: str) -> str:
    """`name` without bidirectional controls or invisible characters."""
    return _BIDI_AND_INVISIBLE.sub("", name)
