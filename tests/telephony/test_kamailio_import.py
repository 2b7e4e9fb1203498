"""`import-accounts` with Kamailio: SIP accounts and caller IDs land where Kamailio reads them
(`subscriber`, `usr_preferences`), and what the platform reports is what Kamailio holds."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import insert, select
from telephony_world import SIP_DOMAIN, KamailioServer, Phone, fresh_numbers, kamailio_platform

from store import account_import
from store.db import Database
from telephony.account_import import import_accounts
from telephony.kamailio.adapter import KamailioPlatform
from telephony.kamailio.tables import subscriber, usr_preferences

pytestmark = [pytest.mark.kamailio, pytest.mark.postgres]


@pytest.fixture
def platform(store_db: Database, kamailio: KamailioServer) -> KamailioPlatform:
    return kamailio_platform(store_db, kamailio, source="jsonrpc")


def _document(pstn: str, voip_name: str = "Reception") -> tuple[dict[str, Any], str, str]:
    ref, username = f"KAM-{secrets.token_hex(4)}", f"imp{secrets.token_hex(5)}"
    numbers = fresh_numbers()
    data = {
        "version": 1,
        "customers": [
            {
                "ref": ref,
                "name": "Kam Dental",
                "holder_name": "Kam Dental Ltd",
                "plan": "business",
                "country": "GB",
                "numbers": list(numbers),
                "sip_accounts": [
                    {
                        "username": username,
                        "label": "Front desk",
                        "voip_caller_id": {"name": voip_name, "number": "100"},
                        "pstn_caller_id": numbers[0] if pstn == "first" else pstn,
                    }
                ],
            }
        ],
    }
    return data, ref, username


def _preferences(platform: KamailioPlatform, username: str) -> dict[tuple[str, str], str]:
    with platform._kamailio.connect() as conn:
        rows = conn.execute(
            select(
                usr_preferences.c.domain, usr_preferences.c.attribute, usr_preferences.c.value
            ).where(usr_preferences.c.username == username)
        ).all()
    return {(r.domain, r.attribute): r.value for r in rows}


def test_an_import_writes_subscriber_and_usr_preferences_and_reads_them_back(
    platform: KamailioPlatform, store_db: Database
) -> None:
    data, ref, username = _document("first")
    first_number = data["customers"][0]["numbers"][0]

    summary = import_accounts(store_db, platform, account_import.parse(data))
    assert str(summary) == "1 created, 0 updated, 0 unchanged"

    with platform._kamailio.connect() as conn:
        row = conn.execute(select(subscriber).where(subscriber.c.username == username)).one()
    assert row.domain == SIP_DOMAIN and row.password == "" and len(row.ha1) == 32
    assert _preferences(platform, username) == {
        (SIP_DOMAIN, "pstn_cid"): first_number,
        (SIP_DOMAIN, "voip_cid_name"): "Reception",
        (SIP_DOMAIN, "voip_cid_number"): "100",
    }
    (account,) = platform.sip_accounts(ref)
    assert (account.label, account.pstn_caller_id, account.voip_caller_id_name) == (
        "Front desk",
        first_number,
        "Reception",
    )

    again = import_accounts(store_db, platform, account_import.parse(data))
    assert str(again) == "0 created, 0 updated, 1 unchanged"

    data["customers"][0]["sip_accounts"][0]["pstn_caller_id"] = "anonymous"
    changed = import_accounts(store_db, platform, account_import.parse(data))
    assert str(changed) == "0 created, 1 updated, 0 unchanged"
    assert _preferences(platform, username)[(SIP_DOMAIN, "pstn_cid")] == "anonymous"
    assert platform.sip_account(username).pstn_anonymous is True


def test_an_imported_account_registers_once_its_password_is_reset(
    platform: KamailioPlatform, store_db: Database, phone: Phone
) -> None:
    data, _, username = _document("anonymous")
    import_accounts(store_db, platform, account_import.parse(data))
    password = platform.reset_password(username)
    assert phone.register(username, password, contact_port=5071, expires=1).ok


def test_another_domains_preferences_of_the_same_user_are_neither_read_nor_deleted(
    platform: KamailioPlatform, store_db: Database
) -> None:
    data, _, username = _document("first")
    with platform._kamailio.begin() as conn:
        conn.execute(
            insert(usr_preferences).values(
                uuid="",
                username=username,
                domain="other.example.org",
                attribute="voip_cid_name",
                type=0,
                value="Someone else",
                last_modified=datetime(2026, 1, 1),
            )
        )
    import_accounts(store_db, platform, account_import.parse(data))
    assert platform.sip_account(username).voip_caller_id_name == "Reception"

    data["customers"][0]["sip_accounts"][0]["voip_caller_id"]["name"] = "Front"
    import_accounts(store_db, platform, account_import.parse(data))
    preferences = _preferences(platform, username)
    assert preferences[("other.example.org", "voip_cid_name")] == "Someone else"
    assert preferences[(SIP_DOMAIN, "voip_cid_name")] == "Front"
