"""Kamailio's own tables, as far as sipdesk reads and writes them (SQLAlchemy Core).

They are created by Kamailio's SQL (`/usr/share/kamailio/postgres/*-create.sql`, or
`kamdbctl create`); sipdesk never creates or migrates them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    make_url,
)
from sqlalchemy import exc as sa_exc

from telephony.errors import PlatformUnavailable

metadata = MetaData()

# auth_db: the `password` column stays empty; Kamailio checks digests against the HA1 columns.
subscriber = Table(
    "subscriber",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False),
    Column("domain", String(64), nullable=False),
    Column("password", String(64), nullable=False),
    Column("ha1", String(128), nullable=False),
    Column("ha1b", String(128), nullable=False),
)

# avpops: one row per (username, attribute); type 0 = string name and string value.
usr_preferences = Table(
    "usr_preferences",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uuid", String(64), nullable=False),
    Column("username", String(255), nullable=False),
    Column("domain", String(64), nullable=False),
    Column("attribute", String(32), nullable=False),
    Column("type", Integer, nullable=False),
    Column("value", String(128), nullable=False),
    Column("last_modified", DateTime, nullable=False),
)

# usrloc with db_mode 1 (write-through): one row per registered contact.
location = Table(
    "location",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ruid", String(64), nullable=False),
    Column("username", String(64), nullable=False),
    Column("domain", String(64)),
    Column("contact", String(512), nullable=False),
    Column("received", String(128)),
    Column("expires", DateTime, nullable=False),  # naive, in Kamailio's local time
    Column("user_agent", String(255), nullable=False),
    Column("last_modified", DateTime),  # the contact's last REGISTER, local time too
)


def kamailio_engine(url: str, *, timeout: float) -> Engine:
    """An engine on Kamailio's database whose connects and statements give up after `timeout`.

    Kamailio's own URL form (postgres://user@host/db) is accepted as well.
    """
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    connect_args: dict[str, Any] = {}
    if make_url(url).get_backend_name() == "postgresql":
        connect_args = {
            "connect_timeout": max(1, round(timeout)),
            "options": f"-c statement_timeout={int(timeout * 1000)}",
        }
    return create_engine(url, pool_pre_ping=True, pool_timeout=timeout, connect_args=connect_args)


@contextmanager
def unavailable_on_db_error() -> Iterator[None]:
    """Turn Kamailio's database not answering into PlatformUnavailable."""
    try:
        yield
    except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError) as exc:
        raise PlatformUnavailable(
            "The SIP server's database is not answering; the change is queued and will be retried.",
            detail=str(getattr(exc, "orig", exc)),
        ) from exc
