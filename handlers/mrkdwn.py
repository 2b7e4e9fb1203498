"""User text inside Block Kit: escaped so it cannot mention or format, and cut to fit."""

from __future__ import annotations

SECTION_LIMIT = 3000  # Slack refuses a section text longer than this
_ELLIPSIS = "…"


def escape(text: str) -> str:
    """`&`, `<` and `>` as Slack wants them, so `<!channel>` or `<@U1>` stay plain text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis where it was cut."""
    if limit < 1:
        raise ValueError("limit must be positive")
    return text if len(text) <= limit else text[: limit - 1] + _ELLIPSIS


def quote(text: str, limit: int = 200) -> str:
    """A piece of what someone typed, safe to show back to them: cut, then escaped."""
    return escape(clip(text, limit))
