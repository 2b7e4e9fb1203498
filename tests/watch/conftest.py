"""Fixtures of the watch tests; the world's types live in watch_world so tests can import them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from watch_world import STAFF, Customers, RecordingNotifier, Registrar, make_customers

from handlers.watch.flow import Watch
from handlers.watch.policy import WatchPolicy
from store.db import Database
from telephony import TelephonyPlatform

POLICY = WatchPolicy(
    down_after=timedelta(seconds=120),
    interval=timedelta(seconds=30),
    storm_share=0.3,
    staff_channel=STAFF,
)


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
