"""Engines and the one owner of a unit of work: `Database.session()`.

With `Deadlines` (what `sipdesk run` uses on PostgreSQL), no wait on the database outlasts
Slack's 3-second budget: connecting, waiting for a pooled connection, a statement the server
works on (statement_timeout) and a statement the server never answers (a stopped server: the
connection is cut by a watchdog). Such a failure surfaces as `DatabaseUnavailable`, whose
sentence asks the person to try again shortly.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
import sqlalchemy.exc
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from store.errors import UserFacingError
from store.redact import mask_url
from store.watchdog import Alarm, Watchdog

log = logging.getLogger(__name__)

_ALARM = "sipdesk_deadline"


class DatabaseUnavailable(UserFacingError):
    """The database did not answer in time (or at all)."""

    def __init__(self) -> None:
        super().__init__("sipdesk can't reach its database right now. Please try again shortly.")


@dataclass(frozen=True)
class Deadlines:
    """How long one unit of work may wait on PostgreSQL; all fit in Slack's 3 s ack budget."""

    connect_seconds: int = 2  # psycopg, like libpq, will not go below 2 s
    statement_seconds: float = 2.0  # the server gives up on a query or lock wait after this
    silence_seconds: float = 2.5  # a statement unanswered this long: the connection is cut
    ping_seconds: float = 1.0  # the check of a pooled connection before it is handed out
    pool_wait_seconds: float = 0.5  # waiting for a free connection
    # The pool is the bulkhead: database work never holds more threads than this at once.
    pool_size: int = 4
    max_overflow: int = 2


def make_engine(url: str, deadlines: Deadlines | None = None, **kwargs: Any) -> Engine:
    """An engine with the settings each backend needs to behave like the other."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")  # SQLite ignores FKs unless asked
            cur.execute("PRAGMA journal_mode=WAL")  # readers don't block the writer
            cur.close()

        return engine
    if deadlines is None:
        return create_engine(url, pool_pre_ping=True, **kwargs)
    return _engine_with_deadlines(url, deadlines, **kwargs)


def _engine_with_deadlines(url: str, limits: Deadlines, **kwargs: Any) -> Engine:
    statement_ms = int(limits.statement_seconds * 1000)
    engine = create_engine(
        url,
        connect_args={
            "connect_timeout": limits.connect_seconds,
            "options": f"-c statement_timeout={statement_ms} -c lock_timeout={statement_ms}",
        },
        pool_size=limits.pool_size,
        max_overflow=limits.max_overflow,
        pool_timeout=limits.pool_wait_seconds,
        # Our own ping below, watched: SQLAlchemy's would wait forever on a stopped server
        pool_pre_ping=False,
        **kwargs,
    )
    watchdog = Watchdog("sipdesk-db-watchdog")

    def arm(record_info: dict[str, Any], dbapi_conn: Any, seconds: float | None = None) -> Alarm:
        disarm(record_info)
        alarm = watchdog.arm(seconds or limits.silence_seconds, lambda: _cut(dbapi_conn))
        record_info[_ALARM] = alarm
        return alarm

    def disarm(record_info: dict[str, Any]) -> None:
        alarm: Alarm | None = record_info.pop(_ALARM, None)
        if alarm is not None:
            alarm.cancel()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        alarm = arm(record.info, dbapi_conn, limits.ping_seconds)
        try:
            with dbapi_conn.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_conn.rollback()
        except Exception as error:
            disarm(record.info)
            if alarm.rang:  # silent, not gone: a fresh connection would wait just the same
                raise sqlalchemy.exc.TimeoutError("the database did not answer a ping") from error
            # Closed under us (a restart): the pool drops this connection and tries a fresh one.
            raise sqlalchemy.exc.DisconnectionError(type(error).__name__) from error
        disarm(record.info)

    @event.listens_for(engine, "reset")
    def _resetting(dbapi_conn: Any, record: Any, _state: Any) -> None:
        arm(record.info, dbapi_conn)  # the rollback on return to the pool; checkin disarms

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            disarm(record.info)

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(conn: Any, _cursor: Any, *_args: Any) -> None:
        arm(conn.connection.info, conn.connection.dbapi_connection)

    @event.listens_for(engine, "after_cursor_execute")
    def _answered(conn: Any, _cursor: Any, *_args: Any) -> None:
        disarm(conn.connection.info)

    @event.listens_for(engine, "handle_error")
    def _failed(context: Any) -> None:
        with contextlib.suppress(Exception):  # no connection left to watch
            disarm(context.connection.connection.info)

    for name in ("commit", "rollback"):

        @event.listens_for(engine, name)
        def _ending(conn: Any) -> None:
            # Armed until the connection goes back to the pool (checkin disarms).
            arm(conn.connection.info, conn.connection.dbapi_connection)

    return engine


def _cut(dbapi_conn: Any) -> None:
    """Shut the socket under a connection the server stopped answering: its wait ends now."""
    try:
        fd = dbapi_conn.pgconn.socket
    except Exception:
        return  # already closed
    log.warning("database silent for too long: cutting a connection")
    with socket.socket(fileno=os.dup(fd)) as duplicate:
        duplicate.shutdown(socket.SHUT_RDWR)


def is_unavailable(error: BaseException) -> bool:
    """A failure to reach the database in time, not a fault of the statement."""
    if isinstance(error, sqlalchemy.exc.TimeoutError | sqlalchemy.exc.DisconnectionError):
        return True
    if isinstance(error, sqlalchemy.exc.DBAPIError):
        if error.connection_invalidated:
            return True
        # statement_timeout / lock_timeout (SQLSTATE 57014, 55P03), a failed connect (08xxx)
        code = getattr(error.orig, "sqlstate", None) or ""
        if code in ("57014", "55P03") or code.startswith("08"):
            return True
        # psycopg's own failures (connect timeout, a cut socket) carry no SQLSTATE
        return isinstance(error.orig, psycopg.OperationalError) and not code
    return False


class Database:
    """The database of one process: an engine and a session factory."""

    def __init__(self, url: str, *, deadlines: Deadlines | None = None, **engine_kwargs: Any):
        self.url = url
        self.deadlines = deadlines
        self.engine = make_engine(url, deadlines, **engine_kwargs)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def __repr__(self) -> str:
        return f"Database({mask_url(self.url)!r})"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back if it raises.

        A database that does not answer in time raises `DatabaseUnavailable`.
        """
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException as error:
            try:
                session.rollback()
            except sqlalchemy.exc.SQLAlchemyError:
                if not is_unavailable(error):
                    raise
            if is_unavailable(error):
                raise DatabaseUnavailable() from error
            raise
        finally:
            session.close()

    def ping(self) -> None:
        """Raise if the database does not answer."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
