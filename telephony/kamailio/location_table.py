"""Registrations read from usrloc's `location` table, for registrars too large for `ul.dump`.

Needs usrloc `db_mode` 1 (write-through), so the table is always what Kamailio has in memory.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from store.types import utcnow
from telephony.kamailio.contacts import source_of, username_of
from telephony.kamailio.tables import location, unavailable_on_db_error
from telephony.types import Contact, Registrations

# usrloc writes expires=0 (a permanent contact) as the Unix epoch.
_PERMANENT_BEFORE = datetime(1970, 1, 2)


class LocationTable:
    """Reads every contact row; `timezone` is the one Kamailio runs in (it writes local time)."""

    def __init__(self, engine: Engine, *, timezone: str = "UTC") -> None:
        self.engine = engine
        self.timezone = ZoneInfo(timezone)

    def registrations(self) -> Registrations:
        """Every contact in the table; rows past their expiry are flagged `expired`."""
        query = select(
            location.c.username,
            location.c.contact,
            location.c.received,
            location.c.expires,
            location.c.user_agent,
        ).order_by(location.c.username, location.c.id)
        read_at = utcnow()
        with unavailable_on_db_error(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        pairs: list[tuple[str, Contact]] = []
        for row in rows:
            expires_at = self._expires_at(row.expires)
            contact_uri = str(row.contact)
            pairs.append(
                (
                    username_of(str(row.username)),
                    Contact(
                        contact_uri=contact_uri,
                        user_agent=str(row.user_agent or ""),
                        source=source_of(row.received, contact_uri),
                        expires_at=expires_at,
                        expired=expires_at is not None and expires_at <= read_at,
                    ),
                )
            )
        return Registrations.from_pairs(pairs, read_at)

    def _expires_at(self, expires: datetime) -> datetime | None:
        if expires.replace(tzinfo=None) < _PERMANENT_BEFORE:
            return None
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=self.timezone)
        return expires.astimezone(UTC)
