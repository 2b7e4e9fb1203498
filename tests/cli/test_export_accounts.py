"""An operator exports the accounts as the platform holds them now; importing that file back
changes nothing. The real console script is run, as an operator would."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sipdesk_env import clean_env
from sqlalchemy import select

from store.db import Database
from store.models import Base, Plan
from telephony.builtin import BuiltinPlatform

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "accounts.yml"
SIPDESK = str(Path(sys.executable).parent / "sipdesk")
TABLES = ("plans", "customers", "phone_numbers", "sip_accounts", "channel_links")


def _sipdesk(database: Database, *args: str) -> subprocess.CompletedProcess[str]:
    clean = clean_env()
    clean["DATABASE_URL"] = database.url
    return subprocess.run([SIPDESK, *args], capture_output=True, text=True, env=clean, timeout=120)


def snapshot(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables an import writes, in a stable order."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with database.engine.connect() as conn:
        for name in TABLES:
            table = Base.metadata.tables[name]
            rows[name] = [tuple(r) for r in conn.execute(select(table).order_by(*table.c))]
    return rows


def test_the_export_imports_back_with_no_change(database: Database, tmp_path: Path):
    assert _sipdesk(database, "import-accounts", str(EXAMPLE)).returncode == 0
    before = snapshot(database)
    exported = _sipdesk(database, "export-accounts")
    assert exported.returncode == 0, exported.stderr
    document = yaml.safe_load(exported.stdout)
    assert document["plans"] == {
        "business": {"new_sip_account": 5.0, "currency": "EUR", "per": "month"},
        "starter": {"new_sip_account": 0, "currency": "EUR", "per": "month"},
    }
    assert "business: {new_sip_account: 5.00, currency: EUR, per: month}" in exported.stdout
    globex = document["customers"][0]
    assert globex["ref"] == "GLOBEX-001" and globex["channels"] == ["C0GLOBEXVOIP"]
    assert globex["numbers"] == ["+35312345678", "+35312345679", "+442079460123"]
    reception, surgery = globex["sip_accounts"]
    assert reception["voip_caller_id"] == {"name": "Reception", "number": "100"}
    assert reception["pstn_caller_id"] == "+35312345678"
    assert surgery["pstn_caller_id"] == "anonymous" and "voip_caller_id" not in surgery

    file = tmp_path / "exported.yml"
    file.write_text(exported.stdout)
    again = _sipdesk(database, "import-accounts", str(file))
    assert again.returncode == 0, again.stderr
    assert "0 created, 0 updated, 2 unchanged" in again.stdout
    assert snapshot(database) == before


def test_changes_made_through_the_platform_are_in_the_export(database: Database, tmp_path: Path):
    assert _sipdesk(database, "import-accounts", str(EXAMPLE)).returncode == 0
    platform = BuiltinPlatform(database, sip_domain="sip.example.net")
    platform.set_pstn_caller_id("p8w4n6t1cz", "+442079460123")
    platform.set_voip_caller_id("k3x9q2m7ab", None, None)
    created = platform.create_sip_account("INITECH-042", "Loading bay")
    with database.session() as session:
        session.get_one(Plan, "business").new_sip_account = Decimal("7.50")
    before = snapshot(database)

    file = tmp_path / "now.yml"
    written = _sipdesk(database, "export-accounts", str(file))
    assert written.returncode == 0, written.stderr
    assert written.stdout == "" and str(file) in written.stderr
    document = yaml.safe_load(file.read_text())
    globex, initech = document["customers"]
    reception, surgery = globex["sip_accounts"]
    assert surgery["pstn_caller_id"] == "+442079460123"
    assert "voip_caller_id" not in reception
    assert [a["username"] for a in initech["sip_accounts"]] == ["r2d5v7x9qk", created.username]
    assert document["plans"]["business"]["new_sip_account"] == 7.5

    again = _sipdesk(database, "import-accounts", str(file))
    assert "0 created, 0 updated, 2 unchanged" in again.stdout
    assert snapshot(database) == before


def test_an_empty_platform_exports_an_importable_empty_file(database: Database):
    exported = _sipdesk(database, "export-accounts")
    assert exported.returncode == 0, exported.stderr
    assert yaml.safe_load(exported.stdout) == {"version": 1, "customers": []}
