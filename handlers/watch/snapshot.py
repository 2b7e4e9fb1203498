"""Compare what the database believes with what the registrar says now: a pure function.

It is the hot path of every poll (100,000 accounts in well under half a second, see
bench/watch.py), so it works on small tuples and returns only what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from store.models import AccountStatus
from telephony.types import Contact, Registrations


class Known(NamedTuple):
    """One SIP account as the database has it."""

    id: int
    username: str
    status: AccountStatus
    unregistered_since: datetime | None
    last_user_agent: str | None
    last_source: str | None
    warned_two_devices: bool


@dataclass
class Changes:
    """What a poll must write; every list holds account ids."""

    came_up: list[int] = field(default_factory=list)  # Down (or unknown) -> Up
    registered_again: list[int] = field(default_factory=list)  # back within the debounce
    went_unregistered: list[int] = field(default_factory=list)  # first poll without a device
    went_down: list[tuple[int, datetime]] = field(default_factory=list)  # (id, Down since)
    device_seen: list[tuple[int, Contact]] = field(default_factory=list)  # UA or source changed
    two_devices: list[int] = field(default_factory=list)  # not warned yet
    down_now: int = 0  # accounts Down after this poll, for the storm guard

    @property
    def nothing(self) -> bool:
        return not (
            self.came_up
            or self.registered_again
            or self.went_unregistered
            or self.went_down
            or self.device_seen
            or self.two_devices
        )


def compare(
    known: list[Known], now: Registrations, *, at: datetime, down_after: timedelta
) -> Changes:
    """The changes from `known` to the registrations read `at`, debounced by `down_after`."""
    changes = Changes()
    by_username = now.by_username
    up, down = AccountStatus.UP, AccountStatus.DOWN
    for account in known:
        contacts = by_username.get(account.username)
        live = [c for c in contacts if not c.expired] if contacts else None
        if live:
            if account.status is not up:
                changes.came_up.append(account.id)
            elif account.unregistered_since is not None:
                changes.registered_again.append(account.id)
            first = live[0]
            if first.user_agent != account.last_user_agent or first.source != account.last_source:
                changes.device_seen.append((account.id, first))
            if len(live) > 1 and not account.warned_two_devices:
                changes.two_devices.append(account.id)
            continue
        if account.status is down:
            changes.down_now += 1
            continue
        since = account.unregistered_since
        if since is None:
            changes.went_unregistered.append(account.id)
            since = at
        if at - since >= down_after:
            changes.went_down.append((account.id, since))
            changes.down_now += 1
    return changes
