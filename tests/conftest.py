"""The small world every test stands in: the real PostgreSQL and Redis on loopback.

Each test session gets its own PostgreSQL database and each test its own Redis key prefix,
so several runs (and several developers) can share the machine's servers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from pg_drops import drop_at_session_end, drop_pending
from sqlalchemy import text

from bot.cli.common import STOP_DEADLINE_SECONDS
from store.db import Database
from store.migrate import upgrade
from store.models import Base

POSTGRES_ADMIN_DSN = os.environ.get(
    "SIPDESK_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("SIPDESK_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test session (SQLAlchemy URL)."""
    name = f"sipdesk_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        drop_at_session_end(POSTGRES_ADMIN_DSN, name)


@pytest.fixture(scope="session", autouse=True)
def _test_databases_dropped_at_the_end() -> Iterator[None]:
    yield
    drop_pending()


@pytest.fixture(scope="session")
def postgres_admin_dsn() -> str:
    """A libpq DSN to the server's maintenance database, for creating and dropping databases."""
    return POSTGRES_ADMIN_DSN


@pytest.fixture
def redis_url() -> str:
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"sipdesk-test:{uuid.uuid4().hex[:10]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=prefix + "*", count=500))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def migrated_postgres(postgres_url: str) -> Iterator[Database]:
    """The session's PostgreSQL database, migrated to head once."""
    database = Database(postgres_url)
    upgrade(database)
    yield database
    database.dispose()


def _empty_all_tables(database: Database) -> None:
    with database.engine.begin() as conn:
        names = ", ".join(t.name for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database; every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'sipdesk.sqlite3'}")
        upgrade(database)
        yield database
        database.dispose()
        return
    database = request.getfixturevalue("migrated_postgres")
    _empty_all_tables(database)
    yield database
    _empty_all_tables(database)


@pytest.fixture
def pg_database(migrated_postgres: Database) -> Iterator[Database]:
    """A migrated, empty PostgreSQL database, for what only the real server can show (races)."""
    _empty_all_tables(migrated_postgres)
    yield migrated_postgres
    _empty_all_tables(migrated_postgres)


# A sipdesk process asked to stop exits by its own deadline (bot/cli/common.py), whatever hangs;
# a test waits twice that, for a machine so loaded that even the deadline's timer runs late.
STOP_WAIT_SECONDS = 2 * STOP_DEADLINE_SECONDS


@pytest.fixture
def stop_process() -> Callable[..., tuple[str, str]]:
    """Signal a sipdesk process to stop and wait until it has exited: its (stdout, stderr).

    The condition waited for is the exit itself; the process bounds its own stop, so this
    holds on a slow machine too. Whether it stopped cleanly is its return code (1: the deadline
    cut it short).
    """

    def stop(
        process: subprocess.Popen[Any], how: signal.Signals = signal.SIGTERM
    ) -> tuple[str, str]:
        process.send_signal(how)
        out, err = process.communicate(timeout=STOP_WAIT_SECONDS)
        return out, err

    return stop
