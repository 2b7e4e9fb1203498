"""Slack's request signature (v0), checked on the raw bytes before anything reads them."""

from __future__ import annotations

import hashlib
import hmac
import time

# Slack's own rule: a timestamp more than five minutes from our clock is a replay.
MAX_SKEW_SECONDS = 5 * 60
_SIGNATURE_LENGTH = len("v0=") + 64
# The key Bolt's context carries once the HTTP door has checked the signature.
VERIFIED_KEY = "sipdesk_signature_verified"


def refusal(
    signing_secret: str | None,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    *,
    now: float | None = None,
) -> str | None:
    """None when Slack signed `body`; else the reason to log (never the body or a secret)."""
    if not signing_secret:
        return "no signing secret configured"
    if not timestamp or not signature:
        return "unsigned"
    # Cheap checks first, so garbage costs no HMAC.
    if len(timestamp) > 12 or not timestamp.isascii() or not timestamp.isdigit():
        return "timestamp is not a number"
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_SKEW_SECONDS:
        return "stale timestamp"
    if len(signature) != _SIGNATURE_LENGTH or not signature.startswith("v0="):
        return "malformed signature"
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode("ascii", "replace")):
        return "bad signature"
    return None
