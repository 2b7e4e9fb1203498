"""The hostile suite stands in the request tests' world: a desk in business (the real app over
HTTP, its worker, two customers in Slack Connect channels, a staff group and channel)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).resolve().parents[1] / "requests"))

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
def channel_staff_desk(
    pg_database: Database, redis_url: str, redis_prefix: str, tmp_path: Path
) -> Iterator[Desk]:
    """Staff are the staff channel's members (no user group): SIPDESK_STAFF_CHANNEL alone."""
    opened = open_desk(pg_database, redis_url, redis_prefix, tmp_path, SIPDESK_STAFF_USERGROUP=None)
    try:
        yield opened
    finally:
        opened.close()
