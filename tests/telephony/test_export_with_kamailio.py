"""With Kamailio as the platform, the export writes caller IDs as Kamailio applies them
(usr_preferences), and importing the export back changes nothing."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
import yaml
from sqlalchemy import insert, select
from telephony_world import SIP_DOMAIN, KamailioServer, fresh_numbers, kamailio_platform

from store import account_export, account_import
from store.db import Database
from store.models import Base
from telephony.account_import import import_accounts
from telephony.kamailio.adapter import PSTN_CID, KamailioPlatform
from telephony.kamailio.tables import usr_preferences

pytestmark = [pytest.mark.kamailio, pytest.mark.postgres]
TABLES = ("plans", "customers", "phone_numbers", "sip_accounts", "channel_links")


def _snapshot(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    with database.engine.connect() as conn:
        return {
            name: [tuple(r) for r in conn.execute(Base.metadata.tables[name].select())]
            for name in TABLES
        }


def _preferences(platform: KamailioPlatform) -> list[tuple[Any, ...]]:
    """Kamailio's caller-ID rows, without the time each was written."""
    columns = [c for c in usr_preferences.c if c.name != "last_modified"]
    with platform._kamailio.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(*columns)))


def _one_customer(document: dict[str, Any], ref: str) -> dict[str, Any]:
    mine = [c for c in document["customers"] if c["ref"] == ref]
    return {**document, "customers": mine}


def test_kamailios_caller_ids_are_exported_and_import_back_unchanged(
    store_db: Database, kamailio: KamailioServer
):
    platform = kamailio_platform(store_db, kamailio, source="location_table")
    ref, numbers = f"EXPORT-{uuid.uuid4().hex[:8]}", fresh_numbers()
    channel = f"C0EXP{uuid.uuid4().hex[:8].upper()}"
    with store_db.session() as session:
        account_import.apply(
            session,
            account_import.parse(
                {
                    "plans": {"business": {"new_sip_account": "5.00"}},
                    "customers": [
                        {
                            "ref": ref,
                            "name": "Export Ltd",
                            "holder_name": "Export Limited",
                            "plan": "business",
                            "country": "GB",
                            "numbers": list(numbers),
                            "channels": [channel],
                        }
                    ],
                }
            ),
        )
    desk = platform.create_sip_account(ref, "Front desk")
    back = platform.create_sip_account(ref, "Back office")
    platform.set_pstn_caller_id(desk.username, numbers[0])
    platform.set_voip_caller_id(desk.username, "Front", "200")
    platform.set_pstn_caller_id(back.username, None)

    with store_db.session() as session:
        document = _one_customer(account_export.export(session, platform), ref)
    text = account_export.dump(document)
    customer = yaml.safe_load(text)["customers"][0]
    front, office = customer["sip_accounts"]
    assert front == {
        "username": desk.username,
        "label": "Front desk",
        "mailbox": True,
        "mwi": True,
        "voip_caller_id": {"name": "Front", "number": "200"},
        "pstn_caller_id": numbers[0],
    }
    assert office["pstn_caller_id"] == "anonymous"
    assert customer["numbers"] == sorted(numbers) and customer["channels"] == [channel]

    before = _snapshot(store_db), _preferences(platform)
    summary = import_accounts(store_db, platform, account_import.parse(yaml.safe_load(text)))
    assert summary.unchanged == [ref]
    assert (_snapshot(store_db), _preferences(platform)) == before

    # Kamailio is the truth: a caller ID set there behind sipdesk's back is what gets exported.
    with platform._kamailio.begin() as conn:
        conn.execute(
            insert(usr_preferences).values(
                uuid="",
                username=back.username,
                domain=SIP_DOMAIN,
                attribute=PSTN_CID,
                type=0,
                value=numbers[1],
                last_modified=datetime(2026, 12, 1),
            )
        )
        conn.execute(
            usr_preferences.delete().where(
                usr_preferences.c.username == back.username,
                usr_preferences.c.value == "anonymous",
            )
        )
    with store_db.session() as session:
        again = _one_customer(account_export.export(session, platform), ref)
    assert again["customers"][0]["sip_accounts"][1]["pstn_caller_id"] == numbers[1]
