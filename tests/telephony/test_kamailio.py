"""A real Kamailio on loopback, sipsak as the phone: what sipdesk creates is what the registrar
accepts, and what the registrar holds is what sipdesk reports."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from telephony_world import (
    KAMAILIO_CFG,
    SIP_DOMAIN,
    KamailioServer,
    Phone,
    kamailio_platform,
    make_customer,
)

from store.db import Database
from telephony.kamailio.adapter import KamailioPlatform
from telephony.kamailio.tables import location, subscriber, usr_preferences
from telephony.types import Registrations

pytestmark = [pytest.mark.kamailio, pytest.mark.postgres]

SOURCES = ["jsonrpc", "location_table"]


def eventually(
    read: Callable[[], Registrations], done: Callable[[Registrations], bool]
) -> Registrations:
    """Read until `done` holds or a generous deadline passes; the caller asserts on the result."""
    deadline = time.monotonic() + 20
    current = read()
    while not done(current) and time.monotonic() < deadline:
        time.sleep(0.25)
        current = read()
    return current


@pytest.fixture(params=SOURCES)
def platform(
    request: pytest.FixtureRequest, store_db: Database, kamailio: KamailioServer
) -> KamailioPlatform:
    return kamailio_platform(store_db, kamailio, source=request.param)


@pytest.fixture
def customer_ref(store_db: Database) -> str:
    return make_customer(store_db).customer_ref


def test_a_phone_registers_with_the_credentials_sipdesk_returned(
    platform: KamailioPlatform, customer_ref: str, phone: Phone
) -> None:
    account = platform.create_sip_account(customer_ref, "Reception")

    accepted = phone.register(account.username, account.password, contact_port=42001)

    assert accepted.ok, accepted.output
    registrations = eventually(platform.registrations, lambda r: r.is_up(account.username))
    assert registrations.is_up(account.username)
    (contact,) = registrations.contacts(account.username)
    assert contact.contact_uri == f"sip:{account.username}@127.0.0.1:42001"
    assert contact.user_agent.startswith("sipsak")
    assert contact.source is not None and contact.source.startswith("127.0.0.1:")


def test_a_wrong_password_is_refused_and_the_account_stays_down(
    platform: KamailioPlatform, customer_ref: str, phone: Phone
) -> None:
    account = platform.create_sip_account(customer_ref, "Reception")

    refused = phone.register(account.username, account.password + "x", contact_port=42002)

    assert not refused.ok
    assert "401 Unauthorized" in refused.output or "403" in refused.output
    assert not platform.registrations().is_up(account.username)


def test_after_a_password_reset_only_the_new_password_registers(
    platform: KamailioPlatform, customer_ref: str, phone: Phone
) -> None:
    account = platform.create_sip_account(customer_ref, "Reception")

    new_password = platform.reset_password(account.username)

    assert not phone.register(account.username, account.password, contact_port=42003).ok
    assert phone.register(account.username, new_password, contact_port=42003).ok


def test_kamailio_keeps_only_ha1_hashes_of_the_password(
    platform: KamailioPlatform, customer_ref: str, kamailio: KamailioServer
) -> None:
    account = platform.create_sip_account(customer_ref, "Reception")

    with platform._kamailio.connect() as conn:
        row = conn.execute(
            select(subscriber).where(subscriber.c.username == account.username)
        ).one()

    assert row.password == ""
    assert row.domain == SIP_DOMAIN
    expected = f"{account.username}:{SIP_DOMAIN}:{account.password}"
    assert row.ha1 == hashlib.md5(expected.encode()).hexdigest()
    assert account.password not in (row.ha1, row.ha1b)


def test_caller_ids_are_usr_preferences_rows_the_config_loads(
    platform: KamailioPlatform, customer_ref: str
) -> None:
    account = platform.create_sip_account(customer_ref, "Reception")

    platform.set_pstn_caller_id(account.username, "+442079460123")
    platform.set_voip_caller_id(account.username, "Reception", "201")

    with platform._kamailio.connect() as conn:
        rows = conn.execute(
            select(usr_preferences.c.attribute, usr_preferences.c.value, usr_preferences.c.type)
            .where(usr_preferences.c.username == account.username)
            .order_by(usr_preferences.c.attribute)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("pstn_cid", "+442079460123", 0),
        ("voip_cid_name", "Reception", 0),
        ("voip_cid_number", "201", 0),
    ]
    config = KAMAILIO_CFG.read_text()
    for attribute in ("pstn_cid", "voip_cid_name", "voip_cid_number"):
        assert f'avp_db_load("$fu", "$avp({attribute})")' in config
    assert "P-Asserted-Identity" in config


def test_two_phones_on_one_account_are_two_contacts(
    platform: KamailioPlatform, customer_ref: str, phone: Phone
) -> None:
    account = platform.create_sip_account(customer_ref, "Shared desk")

    assert phone.register(account.username, account.password, contact_port=42011).ok
    assert phone.register(account.username, account.password, contact_port=42012).ok

    registrations = eventually(
        platform.registrations, lambda r: len(r.contacts(account.username)) == 2
    )
    assert registrations.multiple_devices(account.username)
    assert sorted(c.contact_uri for c in registrations.contacts(account.username)) == [
        f"sip:{account.username}@127.0.0.1:42011",
        f"sip:{account.username}@127.0.0.1:42012",
    ]


def test_a_removed_registration_is_gone(
    platform: KamailioPlatform, customer_ref: str, phone: Phone
) -> None:
    account = platform.create_sip_account(customer_ref, "Reception")
    assert phone.register(account.username, account.password, contact_port=42021).ok
    assert phone.register(account.username, account.password, contact_port=42022).ok

    assert phone.register(account.username, account.password, contact_port=42021, expires=0).ok

    registrations = eventually(
        platform.registrations, lambda r: len(r.contacts(account.username)) == 1
    )
    (left,) = registrations.contacts(account.username)
    assert left.contact_uri.endswith(":42022")
    assert registrations.is_up(account.username)
    assert not registrations.multiple_devices(account.username)


def test_an_expired_registration_is_gone_after_the_registrar_sweeps(
    platform: KamailioPlatform, customer_ref: str, phone: Phone
) -> None:
    account = platform.create_sip_account(customer_ref, "Reception")
    assert phone.register(account.username, account.password, contact_port=42031, expires=2).ok
    assert platform.registrations().is_up(account.username)

    registrations = eventually(platform.registrations, lambda r: not r.contacts(account.username))

    assert not registrations.is_up(account.username)
    assert registrations.contacts(account.username) == ()


def test_a_location_row_past_its_expiry_is_reported_expired_not_up(
    store_db: Database, kamailio: KamailioServer, customer_ref: str
) -> None:
    # A row the sweep has not reached yet; write-through Kamailio never reads it back.
    platform = kamailio_platform(store_db, kamailio, source="location_table")
    account = platform.create_sip_account(customer_ref, "Reception")
    past = (datetime.now(UTC) - timedelta(seconds=30)).replace(tzinfo=None)
    with platform._kamailio.begin() as conn:
        conn.execute(
            insert(location).values(
                ruid=f"test-{account.username}",
                username=account.username,
                contact=f"sip:{account.username}@192.0.2.10:5060",
                received=None,
                expires=past,
                user_agent="Old phone",
            )
        )

    registrations = platform.registrations()

    (contact,) = registrations.contacts(account.username)
    assert contact.expired
    assert contact.source == "192.0.2.10:5060"
    assert not registrations.is_up(account.username)


def test_an_outbound_call_shows_the_pstn_caller_id_sipdesk_set(
    store_db: Database, kamailio: KamailioServer, customer_ref: str, phone: Phone, tmp_path: Path
) -> None:
    platform = kamailio_platform(store_db, kamailio, source="jsonrpc")
    account = platform.create_sip_account(customer_ref, "Reception")
    platform.set_pstn_caller_id(account.username, "+442079460123")

    invite = phone.call_pstn(account.username, account.password, "+12025550143", tmp_path)

    headers = invite.split("\r\n")
    assert f'From: "Desk" <sip:+442079460123@{SIP_DOMAIN}>' in "\n".join(headers)
    assert f"P-Asserted-Identity: <sip:+442079460123@{SIP_DOMAIN}>" in headers


def test_an_outbound_call_with_the_caller_id_withheld_is_anonymous(
    store_db: Database, kamailio: KamailioServer, customer_ref: str, phone: Phone, tmp_path: Path
) -> None:
    platform = kamailio_platform(store_db, kamailio, source="jsonrpc")
    account = platform.create_sip_account(customer_ref, "Reception")
    platform.set_pstn_caller_id(account.username, None)

    invite = phone.call_pstn(account.username, account.password, "+12025550143", tmp_path)

    headers = invite.split("\r\n")
    assert re.search(r'^From: "?Anonymous"? <sip:anonymous@anonymous\.invalid>', invite, re.M), (
        invite
    )
    assert "Privacy: id" in headers


def test_a_new_password_drops_the_registered_device_and_refuses_the_old_one(
    platform: KamailioPlatform, customer_ref: str, phone: Phone
) -> None:
    account = platform.create_sip_account(customer_ref, "Reception")
    assert phone.register(account.username, account.password, contact_port=42011).ok
    eventually(platform.registrations, lambda r: r.is_up(account.username))

    platform.set_password(account.username, "NewPassw0rdFromSipdesk")

    # usrloc forgot the contact saved with the old password: the account is Down at once.
    registrations = eventually(platform.registrations, lambda r: not r.is_up(account.username))
    assert not registrations.is_up(account.username)
    old = phone.register(account.username, account.password, contact_port=42011)
    assert not old.ok
    assert "401 Unauthorized" in old.output or "403" in old.output
    assert phone.register(account.username, "NewPassw0rdFromSipdesk", contact_port=42011).ok
    # Setting the same password again (a re-run) changes nothing the phone notices.
    platform.set_password(account.username, "NewPassw0rdFromSipdesk")
    assert phone.register(account.username, "NewPassw0rdFromSipdesk", contact_port=42011).ok
