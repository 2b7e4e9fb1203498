"""Registrations read from usrloc's `location` table, for registrars too large for `ul.dump`.

Needs usrloc `db_mode` 1 (write-through), so the table is always what Kamailio has in memory.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Row, select

from store.types import utcnow
from telephony.kamailio.contacts import source_of, username_of
from telephony.kamailio.tables import location, unavailable_on_db_error
from telephony.types import Contact, Registrations

_CONTACTS = select(
    location.c.username,
    location.c.contact,
    location.c.received,
    location.c.expires,
    location.c.user_agent,
    location.c.last_modified,
)
# usrloc writes expires=0 (a permanent contact) as the Unix epoch.
_PERMANENT_BEFORE = datetime(1970, 1, 2)


class LocationTable:
    """Reads every contact row; `timezone` is the one Kamailio runs in (it writes local time)."""

    def __init__(self, engine: Engine, *, timezone: str = "UTC") -> None:
        self.engine = engine
        self.timezone = ZoneInfo(timezone)

    def registrations(self) -> Registrations:
        """Every contact in the table; rows past their expiry are flagged `expired`."""
        read_at = utcnow()
        with unavailable_on_db_error(), self.engine.connect() as conn:
            rows = conn.execute(_CONTACTS.order_by(location.c.username, location.c.id)).all()
        pairs = [(username_of(str(row.username)), self._contact(row, read_at)) for row in rows]
        return Registrations.from_pairs(pairs, read_at)

    def contacts_of(self, username: str, domain: str) -> tuple[Contact, ...]:
        """One account's rows (use_domain=0 keeps the bare username; 1 adds the domain)."""
        read_at = utcnow()
        query = _CONTACTS.where(location.c.username == username).order_by(location.c.id)
        with unavailable_on_db_error(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        del domain  # usernames are unique across the platform's one SIP domain
        return tuple(self._contact(row, read_at) for row in rows)

    def _contact(self, row: Row[Any], read_at: datetime) -> Contact:
        expires_at = self._expires_at(row.expires)
        contact_uri = str(row.contact)
        return Contact(
            contact_uri=contact_uri,
            user_agent=str(row.user_agent or ""),
            source=source_of(row.received, contact_uri),
            expires_at=expires_at,
            expired=expires_at is not None and expires_at <= read_at,
            registered_at=self._local(row.last_modified) if row.last_modified else None,
        )

    def _local(self, when: datetime) -> datetime:
        return (when.replace(tzinfo=self.timezone) if when.tzinfo is None else when).astimezone(UTC)

    def _expires_at(self, expires: datetime) -> datetime | None:
        if expires.replace(tzinfo=None) < _PERMANENT_BEFORE:
            return None
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=self.timezone)
        return expires.astimezone(UTC)
