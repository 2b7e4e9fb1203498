"""Secrets out of whatever is printed: a URL's password (in its userinfo or in its query, as
libpq's `?password=` takes it), key=value passwords of a DSN, Slack tokens, bearer tokens, and
the token of a one-time link (its URL opens the page, so it is a credential too)."""

from __future__ import annotations

import re

MASK = "***"
# scheme://user:password@ (the user part may be empty, as in redis://:password@host)
_CREDENTIALS = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/?#@\s]*):(?P<pw>[^@/\s]+)@")
# password=..., ?sslpassword=..., &token=..., api_key: in a query string, a DSN or a message
_KEYED = re.compile(
    r"(?P<head>\b(?:[a-z_]*pass(?:word|wd)?|pwd|[a-z_]*secret|[a-z_]*token|api_?key|apikey|auth)"
    r"(?:%3D|=))(?P<value>[^&\s;'\",)]+)",
    re.IGNORECASE,
)
# Slack's tokens (bot, user, app-level, refresh, config) and Authorization: Bearer ...
_SLACK_TOKEN = re.compile(r"\bx(?:ox[abprestc]|app)-[A-Za-z0-9-]{8,}")
_BEARER = re.compile(r"(?P<head>\bBearer\s+)(?P<value>[A-Za-z0-9._~+/=-]{8,})", re.IGNORECASE)
# /links/upload/<token>, /links/credentials/<token> (the one-time pages, bot/pages/app.py)
# (also URL-encoded, as a form body carries them)
_LINK = re.compile(
    r"(?P<head>(?:/|%2F)links(?:/|%2F)(?:upload|credentials)(?:/|%2F))(?P<token>[A-Za-z0-9_\-]{8,})",
    re.IGNORECASE,
)


def mask_url(url: str) -> str:
    """The URL with every credential it carries replaced by ***."""
    return redact(url)


def redact(text: str) -> str:
    """Every password, token and one-time link token in `text` replaced by ***."""
    text = _CREDENTIALS.sub(lambda m: f"{m['head']}:{MASK}@", text)
    text = _KEYED.sub(lambda m: f"{m['head']}{MASK}", text)
    text = _SLACK_TOKEN.sub(lambda m: m[0][: m[0].index("-") + 1] + MASK, text)
    text = _BEARER.sub(lambda m: f"{m['head']}{MASK}", text)
    return _LINK.sub(lambda m: f"{m['head']}{MASK}", text)
