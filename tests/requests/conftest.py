"""A desk in business: the real app over HTTP, its worker, two customers and a staff group."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from desk import Desk
from desk_world import open_desk

from store.db import Database


@pytest.fixture
def desk(
    pg_database: Database, redis_url: str, redis_prefix: str, tmp_path: Path
) -> Iterator[Desk]:
    opened = open_desk(pg_database, redis_url, redis_prefix, tmp_path)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def sqlite_desk(redis_url: str, redis_prefix: str, tmp_path: Path) -> Iterator[Desk]:
    from store.migrate import upgrade

    database = Database(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    upgrade(database)
    opened = open_desk(database, redis_url, redis_prefix, tmp_path)
    try:
        yield opened
    finally:
        opened.close()
        database.dispose()
