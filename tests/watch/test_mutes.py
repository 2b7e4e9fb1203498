"""Quiet hours on the customer's own clock (wrapping midnight); durations as people type them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.watch.mutes import parse_duration, parse_quiet_hours, quiet_now
from store.errors import UserFacingError

NOON_UTC = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "quiet"),
    [
        ("Europe/Dublin", False),  # 12:00
        ("Asia/Kolkata", False),  # 17:30
        ("Asia/Tokyo", True),  # 21:00
        ("America/Los_Angeles", True),  # 04:00
        ("America/New_York", True),  # 07:00, before the quiet hours end at 08:00
    ],
)
def test_quiet_hours_wrap_midnight_on_the_customers_clock(zone: str, quiet: bool) -> None:
    assert quiet_now("19:00-08:00", zone, NOON_UTC) is quiet


def test_a_daytime_span_and_its_edges() -> None:
    hours = parse_quiet_hours("12:00 - 13:30")
    assert str(hours) == "12:00-13:30"
    assert hours.contains(NOON_UTC, "UTC")
    assert not hours.contains(NOON_UTC + timedelta(minutes=90), "UTC")
    assert not hours.contains(NOON_UTC - timedelta(minutes=1), "UTC")


@pytest.mark.parametrize(
    ("typed", "span"),
    [("30m", timedelta(minutes=30)), ("2h", timedelta(hours=2)), ("1h30m", timedelta(minutes=90)),
     ("1d", timedelta(days=1)), ("1w", timedelta(weeks=1))],
)  # fmt: skip
def test_durations_as_people_type_them(typed: str, span: timedelta) -> None:
    assert parse_duration(typed) == span


@pytest.mark.parametrize("typed", ["soon", "0m", "2 hours please", "1000d", ""])
def test_what_is_not_a_duration_is_refused_with_a_sentence(typed: str) -> None:
    with pytest.raises(UserFacingError):
        parse_duration(typed)


def test_what_is_not_a_span_of_hours_is_refused() -> None:
    for typed in ("evenings", "25:00-08:00", "08:00-08:00"):
        with pytest.raises(UserFacingError):
            parse_quiet_hours(typed)
