"""Registrations from a feed the operator points the built-in platform at.

The feed is a JSON file path or an HTTP(S) URL whose body is a list of contacts:

    [{"username": "k3x9...", "contact": "sip:k3x9...@198.51.100.7:5062",
      "user_agent": "Yealink T46U", "source": "198.51.100.7:5062",
      "expires": 3600}]

`expires` is either seconds left (counted from the moment the feed is read) or an ISO 8601
time (naive times are UTC). `user_agent`, `source` and `registered_at` (ISO 8601: the device's
last REGISTER, shown by `/sip status ACCOUNT`) may be missing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from store.types import utcnow
from telephony.errors import PlatformUnavailable
from telephony.types import Contact, Registrations

DEFAULT_TIMEOUT = 5.0


class RegistrationsFeed:
    """Reads registrations from a JSON file or URL each time it is asked."""

    def __init__(self, location: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.location = location
        self.timeout = timeout

    def registrations(self) -> Registrations:
        """Read and parse the feed; PlatformUnavailable when it cannot be read or parsed."""
        read_at = utcnow()
        try:
            return parse_feed(json.loads(self._read()), read_at)
        except (ValueError, TypeError, KeyError) as exc:
            raise PlatformUnavailable(
                "The registrations feed is unreadable, so registrations are unknown for now.",
                detail=f"{self.location}: {exc}",
            ) from exc

    def _read(self) -> str:
        if self.location.startswith(("http://", "https://")):
            try:
                response = httpx.get(self.location, timeout=self.timeout)
                response.raise_for_status()
            except httpx.HTTPError as exc:
                raise PlatformUnavailable(
                    "The registrations feed is not answering, so registrations are unknown "
                    "for now.",
                    detail=f"{self.location}: {exc!r}",
                ) from exc
            return response.text
        try:
            return Path(self.location).read_text(encoding="utf-8")
        except OSError as exc:
            raise PlatformUnavailable(
                "The registrations feed cannot be read, so registrations are unknown for now.",
                detail=f"{self.location}: {exc}",
            ) from exc


def parse_feed(entries: Any, read_at: datetime) -> Registrations:
    """Registrations from the decoded feed (see the module docstring for its shape)."""
    if not isinstance(entries, list):
        raise ValueError("the feed must be a JSON list")
    pairs: list[tuple[str, Contact]] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise ValueError("each registration must be a JSON object")
        expires_at = _expires_at(entry.get("expires"), read_at)
        contact = Contact(
            contact_uri=str(entry["contact"]),
            user_agent=str(entry.get("user_agent") or ""),
            source=str(entry["source"]) if entry.get("source") else None,
            expires_at=expires_at,
            expired=expires_at is not None and expires_at <= read_at,
            registered_at=_registered_at(entry.get("registered_at")),
        )
        pairs.append((str(entry["username"]), contact))
    return Registrations.from_pairs(pairs, read_at)


def _expires_at(value: Any, read_at: datetime) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("expires must be seconds or an ISO time")
    if isinstance(value, int | float):
        return read_at + timedelta(seconds=value)
    if isinstance(value, str):
        when = datetime.fromisoformat(value)
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    raise ValueError("expires must be seconds or an ISO time")


def _registered_at(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("registered_at must be an ISO time")
    when = datetime.fromisoformat(value)
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
