"""Digest slots: the cron times, on the channel's clock, at which a digest is due."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from apscheduler.triggers.cron import CronTrigger

from store.errors import UserFacingError

OFF = "off"
CATCH_UP = timedelta(days=1)  # a slot missed longer ago than this is skipped, not sent late
_STEP = timedelta(seconds=1)


_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_DAY_NUMBER = re.compile(r"(?<![/\d])([0-7])(?!\d)")


@lru_cache(maxsize=4096)
def trigger(cron: str, zone: str) -> CronTrigger:
    """A crontab line as standard cron reads it (0 or 7 = Sunday, 1 = Monday).

    APScheduler 3 numbers weekdays from Monday = 0, so the weekday field goes in by name.
    """
    fields = cron.split()
    if len(fields) != 5:
        raise ValueError(f"wrong number of fields; got {len(fields)}, expected 5")
    minute, hour, day, month, weekday = fields
    named = _DAY_NUMBER.sub(lambda m: _DAYS[int(m[1]) % 7], weekday.lower())
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=named, timezone=zone
    )


def check_cron(cron: str) -> str:
    """The cron line, cleaned, or a sentence saying what a cron line looks like."""
    cleaned = " ".join(cron.split())
    try:
        trigger(cleaned, "UTC")
    except ValueError:
        raise UserFacingError(
            f"`{cron}` is not a cron line: five fields, minute hour day month weekday, "
            "e.g. `0 9 * * 1-5` for weekdays at 09:00."
        ) from None
    return cleaned


def due_slot(cron: str, zone: str, now: datetime, last: datetime | None) -> datetime | None:
    """The latest slot at or before `now` after `last` (and not older than the catch-up)."""
    start = now - CATCH_UP
    if last is not None and last + _STEP > start:
        start = last + _STEP
    fire = trigger(cron, zone)
    found: datetime | None = None
    at = fire.get_next_fire_time(None, start)
    while at is not None and at <= now:
        found = at
        at = fire.get_next_fire_time(at, at + _STEP)
    return found.astimezone(UTC) if found is not None else None


def next_slot(cron: str, zone: str, now: datetime) -> datetime | None:
    at = trigger(cron, zone).get_next_fire_time(None, now + _STEP)
    return at.astimezone(UTC) if at is not None else None
