"""SIP credentials: random usernames, strong passwords, and a hash that never holds the password."""

from __future__ import annotations

import pytest
from telephony_world import make_customer

from store.db import Database
from telephony.builtin import BuiltinPlatform
from telephony.credentials import hash_password, new_password, new_username, verify_password


def test_usernames_are_random_lowercase_and_start_with_a_letter() -> None:
    names = {new_username() for _ in range(200)}

    assert len(names) == 200
    assert all(len(n) == 12 and n[0].isalpha() and n.isalnum() and n.islower() for n in names)


def test_passwords_are_long_and_mix_letters_and_digits() -> None:
    for password in (new_password() for _ in range(50)):
        assert len(password) == 20 and password.isalnum()
        assert any(c.isdigit() for c in password) and any(c.isalpha() for c in password)


def test_a_password_hash_is_salted_and_verifies_only_the_password() -> None:
    first, second = hash_password("Tr0ub4dor3xx"), hash_password("Tr0ub4dor3xx")

    assert first != second  # salted
    assert "Tr0ub4dor3xx" not in first
    assert verify_password("Tr0ub4dor3xx", first)
    assert not verify_password("Tr0ub4dor3xy", first)
    assert not verify_password("Tr0ub4dor3xx", "md5$whatever")


@pytest.mark.postgres
def test_the_builtin_platform_checks_the_current_password_only(store_db: Database) -> None:
    platform = BuiltinPlatform(store_db, sip_domain="sip.example.net")
    account = platform.create_sip_account(make_customer(store_db).customer_ref, "Desk")
    assert platform.check_password(account.username, account.password)

    new = platform.reset_password(account.username)

    assert platform.check_password(account.username, new)
    assert not platform.check_password(account.username, account.password)
