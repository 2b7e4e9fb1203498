"""Fixtures of the watch tests; the world's types live in watch_world so tests can import them."""

from __future__ import annotations

import pytest
from watch_world import POLICY, Customers, RecordingNotifier, Registrar, make_customers

from handlers.watch.flow import Watch
from store.db import Database
from telephony import TelephonyPlatform


@pytest.fixture
def registrar() -> Registrar:
    return Registrar()


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def customers(database: Database) -> Customers:
    return make_customers(database, initech_accounts=8)  # 10 accounts: 2 Down is no storm


@pytest.fixture
def watch(database: Database, registrar: Registrar, notifier: RecordingNotifier) -> Watch:
    platform: TelephonyPlatform = registrar  # type: ignore[assignment]  # only registrations()
    return Watch(database, platform, notifier, POLICY)
