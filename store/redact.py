"""Passwords out of whatever is printed: URLs with credentials shown with the password masked."""

from __future__ import annotations

import re

MASK = "***"
# scheme://user:password@ (the user part may be empty, as in redis://:password@host)
_CREDENTIALS = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/?#@\s]*):(?P<pw>[^@/\s]+)@")


def mask_url(url: str) -> str:
    """The URL with its password replaced by ***; a URL without one is returned as it is."""
    return redact(url)


def redact(text: str) -> str:
    """Every password of a URL in `text` replaced by ***."""
    return _CREDENTIALS.sub(lambda m: f"{m['head']}:{MASK}@", text)
