"""An operator exports the audit trail for compliance: CSV or JSON, filtered by customer,
account and date, streamed, and never a password or a token. The real console script."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sipdesk_env import clean_env

from store import account_import
from store.db import Database
from telephony.account_import import import_accounts
from telephony.builtin import BuiltinPlatform
from tests.history_story import write_history

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "accounts.yml"
SIPDESK = str(Path(sys.executable).parent / "sipdesk")


def _sipdesk(database: Database, *args: str) -> subprocess.CompletedProcess[str]:
    clean = clean_env()
    clean["DATABASE_URL"] = database.url
    return subprocess.run([SIPDESK, *args], capture_output=True, text=True, env=clean, timeout=120)


@pytest.fixture
def trail(database: Database) -> list[int]:
    document = account_import.parse(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    import_accounts(database, BuiltinPlatform(database, sip_domain="sip.example.net"), document)
    return write_history(database, carol="UCAROL", alice="UALICE", bob="UBOB", dave="UDAVE")


def test_the_whole_trail_as_csv_oldest_first_without_secrets(database: Database, trail: list[int]):
    done = _sipdesk(database, "audit")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["action"] for r in rows if r["request_id"] == str(trail[1])] == [
        "created", "checking_evidence", "pending_approval", "approved", "applied",
    ]  # fmt: skip
    approved = next(
        r for r in rows if r["request_id"] == str(trail[1]) and r["to_state"] == "approved"
    )
    assert approved["actor"] == "UALICE" and approved["customer_ref"] == "GLOBEX-001"
    assert approved["account"] == "k3x9q2m7ab" and approved["kind"] == "pstn_caller_id"
    assert json.loads(approved["details"])["number"] == "+35317654321"
    assert rows == sorted(rows, key=lambda r: r["at"])
    assert "hunter2" not in done.stdout and "tok3n" not in done.stdout
    assert any(r["account"] == "r2d5v7x9qk" for r in rows)


def test_json_for_one_customer_or_one_account(database: Database, trail: list[int]):
    done = _sipdesk(database, "audit", "--customer", "initech-042", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert {r["customer_ref"] for r in rows} == {"INITECH-042"}
    assert rows[0]["details"] == {"label": "Loading bay", "mailbox": True}
    done = _sipdesk(database, "audit", "--account", "k3x9q2m7ab", "--format", "json")
    assert {r["request_id"] for r in json.loads(done.stdout)} == set(trail[:3])


def test_since_a_day_to_come_is_an_empty_export(database: Database, trail: list[int]):
    done = _sipdesk(database, "audit", "--since", "2999-01-01", "--format", "json")
    assert done.returncode == 0 and json.loads(done.stdout) == []
    done = _sipdesk(database, "audit", "--since", "2999-01-01")
    assert done.stdout.splitlines() == [
        "at,request_id,kind,customer_ref,account,actor,action,from_state,to_state,note,details"
    ]


def test_bad_filters_get_a_sentence(database: Database, trail: list[int]):
    done = _sipdesk(database, "audit", "--since", "yesterday")
    assert done.returncode != 0
    assert "'yesterday' is not a date: use YYYY-MM-DD" in done.stderr
    done = _sipdesk(database, "audit", "--customer", "NOPE-1")
    assert done.returncode != 0 and "No customer has the ref 'NOPE-1'." in done.stderr
    done = _sipdesk(database, "audit", "--account", "zzz")
    assert "No SIP account has the username 'zzz'." in done.stderr
    assert "Traceback" not in done.stderr
