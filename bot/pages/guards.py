"""What keeps the pages safe to put on the internet: headers, anti-forgery, and throttles."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlparse

import redis

from store.keys import csrf_key
from store.throttle import Throttle

Headers = list[tuple[str, str]]

CSRF_FIELD = "csrf"
CSRF_HEADER = "HTTP_X_CSRF_TOKEN"
CSRF_COOKIE = "sipdesk_csrf"
CSRF_SECONDS = 3600

# Scripts and styles only from our own files (no inline code), no framing, forms only to us.
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def security_headers(*, no_store: bool) -> Headers:
    """Headers for every answer; `no_store` for pages (they carry a token or a password)."""
    headers = [
        ("Content-Security-Policy", _CSP),
        ("Referrer-Policy", "no-referrer"),  # the token is in the URL: never pass it on
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if no_store:
        headers += [("Cache-Control", "no-store, max-age=0"), ("Pragma", "no-cache")]
    return headers


def client_address(environ: dict[str, Any]) -> str:
    # The peer as the WSGI server saw it; behind a proxy, waitress' trusted_proxy sets it.
    return str(environ.get("REMOTE_ADDR") or "unknown")


@dataclass(frozen=True)
class PageThrottles:
    """Requests per address (all links) and per link token, counted in Redis for every replica."""

    per_address: Throttle
    per_token: Throttle

    @classmethod
    def build(
        cls,
        client: redis.Redis,
        prefix: str,
        *,
        per_address: int = 60,
        per_token: int = 20,
        window_seconds: float = 600,
    ) -> PageThrottles:
        return cls(
            Throttle(
                client, prefix, "pages:addr", limit=per_address, window_seconds=window_seconds
            ),
            Throttle(client, prefix, "pages:link", limit=per_token, window_seconds=window_seconds),
        )


class Csrf:
    """A synchronizer token per link, also set as a cookie scoped to the link's own path.

    A forged cross-site post has neither: it cannot read our page (same-origin policy) nor send
    a SameSite=Strict cookie; a browser that says the request is cross-site is refused outright.
    """

    def __init__(self, client: redis.Redis, prefix: str, public_url: str) -> None:
        self._redis = client
        self._prefix = prefix
        parsed = urlparse(public_url)
        self._origin = f"{parsed.scheme}://{parsed.netloc}"
        self._secure = parsed.scheme == "https"

    def token_for(self, link_hash: str) -> str:
        """The link's anti-forgery token (the same for every tab that opens the link)."""
        key = csrf_key(self._prefix, link_hash)
        self._redis.set(key, secrets.token_urlsafe(32), nx=True, ex=CSRF_SECONDS)
        self._redis.expire(key, CSRF_SECONDS)  # a page opened again lasts another hour
        stored = self._redis.get(key)
        assert stored is not None
        return stored.decode() if isinstance(stored, bytes) else str(stored)

    def cookie(self, token: str, path: str) -> tuple[str, str]:
        secure = "; Secure" if self._secure else ""
        return (
            "Set-Cookie",
            f"{CSRF_COOKIE}={token}; Path={path}; Max-Age={CSRF_SECONDS}; "
            f"HttpOnly; SameSite=Strict{secure}",
        )

    def verify(self, environ: dict[str, Any], link_hash: str, sent: str | None) -> bool:
        """The post carries the link's token in the form (or header) and in the cookie."""
        if environ.get("HTTP_SEC_FETCH_SITE", "same-origin") not in ("same-origin", "none"):
            return False
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and origin != "null" and origin != self._origin:
            return False
        sent = sent or environ.get(CSRF_HEADER)
        cookie = SimpleCookie()
        try:
            cookie.load(environ.get("HTTP_COOKIE", ""))
        except Exception:
            return False
        morsel = cookie.get(CSRF_COOKIE)
        stored = self._redis.get(csrf_key(self._prefix, link_hash))
        if not sent or morsel is None or stored is None:
            return False
        expected = stored if isinstance(stored, bytes) else str(stored).encode()
        return hmac.compare_digest(sent.encode(), expected) and hmac.compare_digest(
            morsel.value.encode(), expected
        )
