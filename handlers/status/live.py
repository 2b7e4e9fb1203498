"""What the platform sees now, read after the ack and within a deadline: one account's devices
for `/sip status ACCOUNT`, and Up/Down for accounts the watch has not polled yet."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as DeadlinePassed
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from handlers.status.flow import CustomerStatus
from store.models import AccountStatus
from store.types import utcnow
from telephony import Contact, PlatformUnavailable, RegistrationsSource, contacts_now

log = logging.getLogger(__name__)

# Past this the person hears that the platform is slow rather than waiting on (the platform's
# own calls give up at SIPDESK_TELEPHONY_TIMEOUT; this bounds the answer whatever it does).
LIVE_DEADLINE_SECONDS = 4.0
_readers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sipdesk-live-status")


@dataclass(frozen=True)
class LiveDevices:
    """One account's contacts as the registrar holds them at `read_at`, or why they are not
    known (`problem`: a sentence for the person)."""

    contacts: tuple[Contact, ...]
    read_at: datetime
    problem: str | None = None

    @property
    def registered(self) -> tuple[Contact, ...]:
        return tuple(c for c in self.contacts if not c.expired)


def read_devices(
    platform: RegistrationsSource, username: str, deadline: float = LIVE_DEADLINE_SECONDS
) -> LiveDevices:
    """The account's devices now; a problem sentence when the platform cannot say in time."""
    try:
        contacts = _within(deadline, lambda: contacts_now(platform, username))
    except DeadlinePassed:
        return LiveDevices((), utcnow(), f"The platform did not answer within {deadline:g} s.")
    except PlatformUnavailable as error:
        log.info("live registrations of %s unavailable: %s", username, error)
        return LiveDevices((), utcnow(), error.sentence)
    return LiveDevices(contacts, utcnow())


def with_live_unknowns(
    platform: RegistrationsSource, report: CustomerStatus, deadline: float = LIVE_DEADLINE_SECONDS
) -> CustomerStatus:
    """Accounts the watch has not seen yet (right after start) read from the platform instead;
    left unknown when the platform has no registrations to tell or does not answer in time."""
    if not any(a.status is AccountStatus.UNKNOWN for a in report.accounts):
        return report
    try:
        registrations = _within(deadline, platform.registrations)
    except (DeadlinePassed, PlatformUnavailable) as error:
        log.info("registrations unavailable for /sip status: %s", error)
        return report
    return report.with_accounts(
        tuple(
            a.as_read_live(registrations.is_up(a.username))
            if a.status is AccountStatus.UNKNOWN
            else a
            for a in report.accounts
        )
    )


T = TypeVar("T")


def _within(deadline: float, read: Callable[[], T]) -> T:
    return _readers.submit(read).result(timeout=deadline)
