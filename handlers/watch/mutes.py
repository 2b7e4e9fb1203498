"""Silences and quiet hours: when an outage is recorded but nobody is told (yet)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from store.errors import UserFacingError
from store.models import Silence
from store.password_resets import end_holds

_DURATION = re.compile(r"(\d{1,4})\s*(m|min|mins|h|hr|hrs|d|w)", re.IGNORECASE)
_UNIT = {
    "m": 60,
    "min": 60,
    "mins": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "d": 86400,
    "w": 604800,
}
_HOURS = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)-([01]?\d|2[0-3]):([0-5]\d)")
MAX_SILENCE = timedelta(days=90)


def parse_duration(text: str) -> timedelta:
    """`30m`, `2h`, `1d`, `1h30m`, `1w`; refused with a sentence otherwise."""
    cleaned = text.strip().lower()
    parts = list(_DURATION.finditer(cleaned))
    if not parts or "".join(p.group(0) for p in parts).replace(" ", "") != cleaned.replace(" ", ""):
        raise UserFacingError(f"`{text}` is not a duration; try `30m`, `2h` or `1d`.")
    total = timedelta(seconds=sum(int(p[1]) * _UNIT[p[2].lower()] for p in parts))
    if total <= timedelta(0) or total > MAX_SILENCE:
        raise UserFacingError("A silence lasts from a minute to 90 days.")
    return total


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def contains(self, moment: datetime, zone: str) -> bool:
        """Whether `moment` falls in the quiet hours on the channel's clock (they may wrap)."""
        local = moment.astimezone(ZoneInfo(zone)).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


def parse_quiet_hours(text: str) -> QuietHours:
    match = _HOURS.fullmatch(text.strip().replace(" ", ""))
    if match is None:
        raise UserFacingError(f"`{text}` is not a span of hours; try `19:00-08:00`.")
    start = time(int(match[1]), int(match[2]))
    end = time(int(match[3]), int(match[4]))
    if start == end:
        raise UserFacingError("Quiet hours must start and end at different times.")
    return QuietHours(start, end)


def quiet_now(quiet_hours: str | None, zone: str, moment: datetime) -> bool:
    if not quiet_hours:
        return False
    try:
        return parse_quiet_hours(quiet_hours).contains(moment, zone)
    except UserFacingError:
        return False


def active_silences(session: Session, now: datetime) -> tuple[set[int], set[int]]:
    """(customer ids silenced whole, SIP account ids silenced one by one) at `now`."""
    rows = session.execute(
        select(Silence.customer_id, Silence.sip_account_id).where(
            Silence.until > now,
            or_(Silence.customer_id.is_not(None), Silence.sip_account_id.is_not(None)),
        )
    ).all()
    customers = {c for c, a in rows if c is not None and a is None}
    accounts = {a for _, a in rows if a is not None}
    return customers, accounts


def end_holds_on_register(session: Session, account_ids: list[int], now: datetime) -> None:
    """A device registered again: the holds of a new password that waited for it end now."""
    end_holds(session, account_ids, now)
