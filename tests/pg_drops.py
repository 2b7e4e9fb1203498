"""Test databases are dropped when the session ends, not when their test does.

Dropping a PostgreSQL database forces an immediate checkpoint, which fsyncs every file written
since the last one. With three test workers on two cores, that stalled every connection for up
to 3.5 s, past the 1 s ping deadline of whatever test was running (a CI run failed so). At the
end of a worker's session none of its tests is left to stall.
"""

from __future__ import annotations

import psycopg

_PENDING: list[tuple[str, str]] = []


def drop_at_session_end(admin_dsn: str, name: str) -> None:
    """Drop database `name` (through the maintenance database `admin_dsn`) when the session ends."""
    _PENDING.append((admin_dsn, name))


def drop_pending() -> None:
    while _PENDING:
        admin_dsn, name = _PENDING.pop()
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
