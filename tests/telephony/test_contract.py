"""One contract every telephony adapter keeps: built-in (PostgreSQL and SQLite) and Kamailio."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from telephony_world import Harness, make_customer

from store.models import SipAccount
from telephony.credentials import new_username
from telephony.errors import Conflict, InvalidValue, NotFound
from telephony.platform import TelephonyPlatform
from telephony.types import Contact, Registrations

pytestmark = pytest.mark.postgres


def store_row(platform: TelephonyPlatform, username: str) -> SipAccount:
    database = platform._database  # type: ignore[attr-defined]
    with database.session() as session:
        row = session.scalar(select(SipAccount).where(SipAccount.username == username))
        assert row is not None
        return row


def test_a_customer_sees_their_numbers(harness: Harness) -> None:
    numbers = harness.platform.numbers(harness.customer.customer_ref)
    assert numbers == tuple(sorted(harness.customer.numbers))


def test_a_new_sip_account_gets_a_random_username_and_a_password_shown_once(
    harness: Harness,
) -> None:
    platform, ref = harness.platform, harness.customer.customer_ref

    first = platform.create_sip_account(ref, "  Reception   desk phone ")
    second = platform.create_sip_account(ref, "Warehouse")

    assert re.fullmatch(r"[a-z][a-z0-9]{11}", first.username)
    assert first.username != second.username
    assert len(first.password) >= 16 and first.password != second.password
    assert first.password not in repr(first)
    assert first.label == "Reception desk phone"
    assert first.aor == f"sip:{first.username}@{platform.sip_domain}"
    accounts = platform.sip_accounts(ref)
    assert [a.username for a in accounts] == [first.username, second.username]
    assert accounts[0].customer_ref == ref
    # The password is kept nowhere in clear.
    assert first.password not in (store_row(platform, first.username).password_hash or "")


def test_resetting_a_password_gives_a_new_one(harness: Harness) -> None:
    platform = harness.platform
    account = platform.create_sip_account(harness.customer.customer_ref, "Desk")

    new_password = platform.reset_password(account.username)

    assert new_password != account.password and len(new_password) >= 16
    assert platform.sip_account(account.username).username == account.username


def test_setting_a_chosen_password_is_repeatable_and_never_stored_in_clear(
    harness: Harness,
) -> None:
    platform = harness.platform
    account = platform.create_sip_account(harness.customer.customer_ref, "Desk")

    platform.set_password(account.username, "Chosen0ncePassword99")
    platform.set_password(account.username, "Chosen0ncePassword99")  # a re-run: same end state

    # The password registers (sipsak against Kamailio; the built-in feed takes any device).
    harness.register_device(account.username, "Chosen0ncePassword99", 42031, 30)
    assert "Chosen0ncePassword99" not in (store_row(platform, account.username).password_hash or "")
    with pytest.raises(NotFound):
        platform.set_password("nosuchuser00", "Chosen0ncePassword99")


def test_pstn_caller_id_is_set_withheld_and_read_back(harness: Harness) -> None:
    platform = harness.platform
    account = platform.create_sip_account(harness.customer.customer_ref, "Desk")
    number = harness.customer.numbers[0]

    shown = platform.set_pstn_caller_id(account.username, number)
    assert (shown.pstn_caller_id, shown.pstn_anonymous) == (number, False)
    assert platform.sip_account(account.username).pstn_caller_id == number

    withheld = platform.set_pstn_caller_id(account.username, None)
    assert (withheld.pstn_caller_id, withheld.pstn_anonymous) == (None, True)
    assert platform.sip_account(account.username).pstn_anonymous


def test_a_pstn_caller_id_is_stored_in_canonical_e164(harness: Harness) -> None:
    platform = harness.platform
    account = platform.create_sip_account(harness.customer.customer_ref, "Desk")

    shown = platform.set_pstn_caller_id(account.username, " +44 20 7946 0958 ")

    assert shown.pstn_caller_id == "+442079460958"


@pytest.mark.parametrize("bad", ["02079460958", "+44 20 79", "+999 123", "call me", ""])
def test_a_malformed_pstn_number_is_refused_and_nothing_changes(harness: Harness, bad: str) -> None:
    platform = harness.platform
    account = platform.create_sip_account(harness.customer.customer_ref, "Desk")
    platform.set_pstn_caller_id(account.username, harness.customer.numbers[0])

    with pytest.raises(InvalidValue) as refused:
        platform.set_pstn_caller_id(account.username, bad)

    assert refused.value.sentence
    assert platform.sip_account(account.username).pstn_caller_id == harness.customer.numbers[0]


def test_voip_caller_id_is_set_read_back_and_cleared(harness: Harness) -> None:
    platform = harness.platform
    account = platform.create_sip_account(harness.customer.customer_ref, "Desk")

    platform.set_voip_caller_id(account.username, "Reception", "201")
    read = platform.sip_account(account.username)
    assert (read.voip_caller_id_name, read.voip_caller_id_number) == ("Reception", "201")

    platform.set_voip_caller_id(account.username, None, harness.customer.numbers[1])
    read = platform.sip_account(account.username)
    assert (read.voip_caller_id_name, read.voip_caller_id_number) == (
        None,
        harness.customer.numbers[1],
    )


@pytest.mark.parametrize(
    ("name", "number"),
    [('Evil" <sip:x>', "201"), ("x" * 65, "201"), ("Desk", "2"), ("Desk", "+1 000")],
)
def test_a_voip_caller_id_that_cannot_travel_in_sip_is_refused(
    harness: Harness, name: str, number: str
) -> None:
    account = harness.platform.create_sip_account(harness.customer.customer_ref, "Desk")

    with pytest.raises(InvalidValue):
        harness.platform.set_voip_caller_id(account.username, name, number)


def test_an_unknown_username_is_not_found_everywhere(harness: Harness) -> None:
    platform = harness.platform
    for attempt in (
        lambda: platform.sip_account("nosuchuser00"),
        lambda: platform.reset_password("nosuchuser00"),
        lambda: platform.set_pstn_caller_id("nosuchuser00", harness.customer.numbers[0]),
        lambda: platform.set_voip_caller_id("nosuchuser00", "Desk", "201"),
    ):
        with pytest.raises(NotFound) as missing:
            attempt()
        assert "nosuchuser00" in missing.value.sentence


def test_an_unknown_customer_is_not_found(harness: Harness) -> None:
    with pytest.raises(NotFound):
        harness.platform.create_sip_account("NO-SUCH-CUSTOMER", "Desk")
    with pytest.raises(NotFound):
        harness.platform.numbers("NO-SUCH-CUSTOMER")


def test_a_registered_device_shows_the_account_up_with_its_contact(harness: Harness) -> None:
    platform = harness.platform
    account = platform.create_sip_account(harness.customer.customer_ref, "Desk")
    idle = platform.create_sip_account(harness.customer.customer_ref, "Spare")

    harness.register_device(account.username, account.password, 41000, 300)
    registrations = platform.registrations()

    assert isinstance(registrations, Registrations)
    assert registrations.is_up(account.username)
    assert not registrations.is_up(idle.username)
    assert not registrations.multiple_devices(account.username)
    (contact,) = registrations.contacts(account.username)
    assert isinstance(contact, Contact)
    assert contact.contact_uri == f"sip:{account.username}@127.0.0.1:41000"
    assert contact.user_agent
    assert contact.source and contact.source.startswith("127.0.0.1:")
    assert not contact.expired
    left = contact.seconds_left(registrations.read_at)
    assert left is not None and 250 < left <= 300


def test_creating_a_chosen_username_twice_makes_one_account(harness: Harness) -> None:
    platform, ref = harness.platform, harness.customer.customer_ref
    username = new_username()

    first = platform.ensure_sip_account(ref, username, "Front desk")
    again = platform.ensure_sip_account(ref, username, "Front desk")

    assert first is not None and first.username == username and len(first.password) >= 16
    assert again is None  # already there: nobody is shown a password by this call
    assert [a.username for a in platform.sip_accounts(ref)] == [username]
    harness.register_device(username, first.password, 42051, 60)


def test_a_chosen_username_of_another_customer_is_a_conflict(harness: Harness) -> None:
    platform = harness.platform
    username = new_username()
    platform.ensure_sip_account(harness.customer.customer_ref, username, "Front desk")
    other = make_customer(platform._database)  # type: ignore[attr-defined]

    with pytest.raises(Conflict):
        platform.ensure_sip_account(other.customer_ref, username, "Front desk")
    assert platform.sip_accounts(other.customer_ref) == ()
