"""The schema only ever comes from Alembic, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from pg_drops import drop_at_session_end
from sqlalchemy import inspect

from store.db import Database
from store.migrate import current_revision, downgrade, head_revision, is_up_to_date, upgrade
from store.models import Base


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_admin_dsn: str
) -> Iterator[Database]:
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
        yield database
        database.dispose()
        return
    name = f"sipdesk_m_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = postgres_admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    database = Database(f"{base}/{name}")
    yield database
    database.dispose()
    drop_at_session_end(postgres_admin_dsn, name)


def test_a_new_database_is_migrated_to_the_head_and_has_every_table(empty_database: Database):
    assert current_revision(empty_database) is None
    upgrade(empty_database)
    assert current_revision(empty_database) == head_revision()
    assert is_up_to_date(empty_database)
    tables = set(inspect(empty_database.engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def test_migrating_twice_changes_nothing(empty_database: Database):
    upgrade(empty_database)
    upgrade(empty_database)
    assert is_up_to_date(empty_database)


def test_every_migration_can_be_undone_and_redone(empty_database: Database):
    upgrade(empty_database)
    downgrade(empty_database, "base")
    assert set(inspect(empty_database.engine).get_table_names()) <= {"alembic_version"}
    upgrade(empty_database)
    assert is_up_to_date(empty_database)


def test_the_models_and_the_migrations_agree(empty_database: Database):
    """A model change without a migration fails here: autogenerate must find nothing to do."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    upgrade(empty_database)
    with empty_database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
