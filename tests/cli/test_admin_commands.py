"""Operators run `sipdesk migrate`, `import-accounts` and `link-channel`; the real console script
is run as a process, as they would run it."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from pg_drops import drop_at_session_end
from sipdesk_env import clean_env
from sqlalchemy import select

from slack_sandbox import SlackSandbox
from store.db import Database
from store.models import ChannelLink, ChannelRole, Customer, SipAccount

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "accounts.yml"
SIPDESK = str(Path(sys.executable).parent / "sipdesk")


def _sipdesk(database: Database, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    clean = clean_env()
    clean.update({"DATABASE_URL": database.url, **(env or {})})
    return subprocess.run([SIPDESK, *args], capture_output=True, text=True, env=clean, timeout=120)


@pytest.fixture
def slack_env() -> Iterator[dict[str, str]]:
    """`sipdesk run` pointed at a local sandbox through its settings, as at a real Slack."""
    with SlackSandbox() as sandbox:
        world = sandbox.seed_demo_world()
        yield {**sandbox.bot_env(), "SIPDESK_STAFF_CHANNEL": world.staff_channel}


def test_help_explains_every_command():
    out = subprocess.run([SIPDESK, "--help"], capture_output=True, text=True, timeout=60).stdout
    for command in ("run", "migrate", "import-accounts", "link-channel", "demo", "check-bill"):
        assert command in out


def test_migrate_reports_the_revision(database: Database):
    result = _sipdesk(database, "migrate")
    assert result.returncode == 0, result.stderr
    assert "database at revision" in result.stdout


def test_importing_the_example_twice_changes_nothing_the_second_time(database: Database):
    first = _sipdesk(database, "import-accounts", str(EXAMPLE))
    assert first.returncode == 0, first.stderr
    assert "2 created, 0 updated, 0 unchanged" in first.stdout
    second = _sipdesk(database, "import-accounts", str(EXAMPLE))
    assert "0 created, 0 updated, 2 unchanged" in second.stdout
    with database.session() as session:
        globex = session.scalar(select(Customer).where(Customer.external_ref == "GLOBEX-001"))
        assert globex is not None
        assert [n.e164 for n in globex.numbers] == ["+35312345678", "+35312345679", "+442079460123"]
        accounts = {a.username: a for a in globex.sip_accounts}
        assert accounts["p8w4n6t1cz"].pstn_anonymous is True
        assert accounts["k3x9q2m7ab"].voip_caller_id_number == "100"
        link = session.scalar(select(ChannelLink).where(ChannelLink.channel_id == "C0GLOBEXVOIP"))
        assert link is not None and link.customer_id == globex.id


def test_a_changed_label_is_an_update(database: Database, tmp_path: Path):
    _sipdesk(database, "import-accounts", str(EXAMPLE))
    edited = tmp_path / "accounts.yml"
    edited.write_text(EXAMPLE.read_text().replace("Warehouse office", "Warehouse floor"))
    result = _sipdesk(database, "import-accounts", str(edited))
    assert "0 created, 1 updated, 1 unchanged" in result.stdout
    with database.session() as session:
        account = session.scalar(select(SipAccount).where(SipAccount.username == "r2d5v7x9qk"))
        assert account is not None and account.label == "Warehouse floor"


def test_a_bad_file_names_every_problem_and_writes_nothing(database: Database, tmp_path: Path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "customers:\n"
        "  - {ref: X1, name: X, holder_name: X Ltd, plan: p, country: ie, timezone: Mars/Base,\n"
        "     numbers: ['+3531234', '01 234 5678'], channels: [general]}\n"
        "  - {ref: X2, name: Y, holder_name: Y Ltd, plan: p, country: IE}\n"
    )
    result = _sipdesk(database, "import-accounts", str(bad))
    assert result.returncode == 1
    err = result.stderr
    assert "customers[0].country" in err
    assert "customers[0].timezone: Value error" not in err and "Mars/Base" in err
    assert "customers[0].numbers[0]" in err and "'+3531234' is not a valid number" in err
    assert "customers[0].numbers[1]" in err
    assert "customers[0].channels" in err
    assert "Traceback" not in err
    with database.session() as session:
        assert session.scalars(select(Customer)).all() == []


def test_a_file_that_is_not_yaml_is_refused_plainly(database: Database, tmp_path: Path):
    bad = tmp_path / "bad.yml"
    bad.write_text("customers: [unclosed\n")
    result = _sipdesk(database, "import-accounts", str(bad))
    assert result.returncode == 1 and "is not valid YAML" in result.stderr


def test_link_channel_links_a_customer_channel(database: Database):
    _sipdesk(database, "import-accounts", str(EXAMPLE))
    linked = _sipdesk(database, "link-channel", "C0NEWGLOBEX", "GLOBEX-001")
    assert linked.returncode == 0, linked.stderr
    unknown = _sipdesk(database, "link-channel", "C0X", "NOPE-1")
    assert unknown.returncode == 1 and "No customer 'NOPE-1'" in unknown.stderr
    with database.session() as session:
        roles = {c.channel_id: c.role for c in session.scalars(select(ChannelLink))}
    assert roles["C0NEWGLOBEX"] is ChannelRole.CUSTOMER


def test_the_staff_channel_is_the_setting_and_never_a_link(database: Database):
    staff = _sipdesk(database, "link-channel", "C0STAFF", "--staff")
    assert staff.returncode == 2
    assert "The staff channel is the SIPDESK_STAFF_CHANNEL setting" in staff.stderr
    _sipdesk(database, "import-accounts", str(EXAMPLE))
    as_customer = _sipdesk(
        database,
        "link-channel",
        "C0STAFF",
        "GLOBEX-001",
        env={"SIPDESK_STAFF_CHANNEL": "C0STAFF"},
    )
    assert as_customer.returncode == 2 and "is the staff channel" in as_customer.stderr
    with database.session() as session:
        assert (
            session.scalar(select(ChannelLink).where(ChannelLink.channel_id == "C0STAFF")) is None
        )


UNREACHABLE = "postgresql+psycopg://postgres:hunter2@127.0.0.1:1/none"


@pytest.mark.parametrize(
    "args",
    [("migrate",), ("import-accounts", str(EXAMPLE)), ("link-channel", "C0ABC", "GLOBEX-001")],
)
def test_an_unreachable_database_is_one_sentence_with_the_password_masked(args: tuple[str, ...]):
    result = _sipdesk(Database(UNREACHABLE), *args)
    assert result.returncode == 1
    assert "Cannot open the database at postgresql+psycopg://postgres:***@127.0.0.1:1/none" in (
        result.stderr
    )
    assert "hunter2" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_accounts_file_that_is_not_utf8_is_refused_plainly(database: Database, tmp_path: Path):
    latin1 = tmp_path / "accounts.yml"
    latin1.write_bytes(
        EXAMPLE.read_text().replace("Globex Dental", "Glöbex Dental").encode("latin-1")
    )
    result = _sipdesk(database, "import-accounts", str(latin1))
    assert result.returncode == 1
    assert "is not UTF-8 text (byte 0xf6 at position" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_empty_accounts_file_says_what_a_file_must_hold(database: Database, tmp_path: Path):
    empty = tmp_path / "accounts.yml"
    empty.write_text("# nothing yet\n")
    result = _sipdesk(database, "import-accounts", str(empty))
    assert result.returncode == 1
    assert "The accounts file is empty: an accounts file holds `version: 1` and a `customers:`" in (
        result.stderr
    )


def test_an_unknown_country_is_refused_with_its_place(database: Database, tmp_path: Path):
    edited = tmp_path / "accounts.yml"
    edited.write_text(
        EXAMPLE.read_text().replace(
            "country: IE\n    timezone: Europe/Dublin",
            "country: ZZ\n    timezone: Europe/Dublin",
            1,
        )
    )
    result = _sipdesk(database, "import-accounts", str(edited))
    assert result.returncode == 1
    assert "customers[1].country: 'ZZ' is not a country code such as IE or GB" in result.stderr


def test_import_refuses_a_postgresql_schema_that_lags_behind(postgres_admin_dsn: str):
    name = f"sipdesk_lag_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = postgres_admin_dsn.rsplit("/", 1)[0].replace(
            "postgresql://", "postgresql+psycopg://"
        )
        lagging = Database(f"{base}/{name}")
        result = _sipdesk(lagging, "import-accounts", str(EXAMPLE))
        assert result.returncode == 1
        assert "The database schema is behind this release: run `sipdesk migrate`." in result.stderr
        with lagging.engine.connect() as conn:  # nothing was migrated behind the operator's back
            assert (
                conn.exec_driver_sql(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                ).scalar()
                == 0
            )
        lagging.dispose()
    finally:
        drop_at_session_end(postgres_admin_dsn, name)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PORT": "eighty"}, "PORT:"),
        ({"SLACK_BOT_TOKEN": "xoxp-user", "SIPDESK_TELEPHONY": "asterisk"}, "SIPDESK_TELEPHONY"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL: must be one of DEBUG, INFO"),
        ({"KAMAILIO_TIMEZONE": "Mars/Base"}, "KAMAILIO_TIMEZONE: must be an IANA time zone"),
    ],
)
def test_bad_settings_stop_start_up_with_one_message(database: Database, env, expected):  # type: ignore[no-untyped-def]
    result = _sipdesk(database, "run", env=env)
    assert result.returncode == 1
    assert "sipdesk cannot start; fix these settings:" in result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_log_level_stops_every_command_with_one_message(database: Database):
    for args in (("migrate",), ("import-accounts", str(EXAMPLE)), ("link-channel", "C0A", "X")):
        result = _sipdesk(database, *args, env={"LOG_LEVEL": "loud"})
        assert result.returncode == 1, args
        assert "LOG_LEVEL: must be one of DEBUG, INFO" in result.stderr
        assert "Traceback" not in result.stderr


def test_run_without_slack_credentials_says_what_to_set_and_stops(database: Database):
    result = _sipdesk(database, "run")  # would serve a pretend Slack forever if it started
    assert result.returncode == 1
    assert "No Slack credentials are set: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET" in (
        result.stderr
    )
    assert "sipdesk demo" in result.stderr and "Traceback" not in result.stderr
    assert "listening" not in result.stdout


def test_run_refuses_a_postgresql_schema_that_lags_behind(
    postgres_admin_dsn: str, slack_env: dict[str, str]
):
    name = f"sipdesk_lag_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = postgres_admin_dsn.rsplit("/", 1)[0].replace(
            "postgresql://", "postgresql+psycopg://"
        )
        result = _sipdesk(Database(f"{base}/{name}"), "run", env=slack_env)
        assert result.returncode == 1
        assert "The database schema is behind this release: run `sipdesk migrate`." in result.stderr
    finally:
        drop_at_session_end(postgres_admin_dsn, name)


def test_run_says_plainly_when_the_database_does_not_answer(slack_env: dict[str, str]):
    result = _sipdesk(
        Database("postgresql+psycopg://postgres@127.0.0.1:1/none"), "run", env=slack_env
    )
    assert result.returncode == 1
    assert "Cannot open the database" in result.stderr
    assert "Traceback" not in result.stderr
