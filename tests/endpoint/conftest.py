"""Fixtures of the endpoint tests: a bot on the shared servers, logs that must stay clean."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from endpoint_bot import Bot, running_bot

from store.db import Database


@pytest.fixture
def bot(pg_database: Database, redis_url: str, redis_prefix: str, tmp_path: Path) -> Iterator[Bot]:
    with running_bot(
        tmp_path, database_url=pg_database.url, redis_url=redis_url, redis_prefix=redis_prefix
    ) as running:
        yield running


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every log record of the run, from INFO up."""
    caplog.set_level(logging.INFO)
    return caplog
