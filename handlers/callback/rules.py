"""Whom the call-back may ring, and when: the abuse limits that do not need the database.

Only valid geographic (fixed-line) or mobile numbers of the allowed countries; never premium
rate, shared cost, toll free, VoIP, personal, pager, UAN or voicemail numbers, nor emergency or
short codes (those are not valid E.164 numbers at all). No calls between 21:00 and 08:00 (or
`SIPDESK_CALLBACK_QUIET_HOURS`) in the number's time zone(s).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import PhoneNumberType
from phonenumbers import timezone as number_zones

from store.errors import UserFacingError

CALLABLE = frozenset(
    {PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
)
QUIET_HOURS = (time(21, 0), time(8, 0))  # from, until, on the number's clock
_STEP = timedelta(minutes=15)
_KIND = {
    PhoneNumberType.PREMIUM_RATE: "a premium-rate number",
    PhoneNumberType.SHARED_COST: "a shared-cost number",
    PhoneNumberType.TOLL_FREE: "a freephone number",
    PhoneNumberType.VOIP: "a VoIP number",
    PhoneNumberType.PERSONAL_NUMBER: "a personal number",
    PhoneNumberType.PAGER: "a pager number",
    PhoneNumberType.UAN: "a corporate (UAN) number",
    PhoneNumberType.VOICEMAIL: "a voicemail number",
}


def check_callable(number: str, customer_country: str, countries: Iterable[str]) -> None:
    """Refuse, with the sentence to show, a number the call-back must never ring."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        raise UserFacingError(f"{number} is not a number I can call.") from None
    if not phonenumbers.is_valid_number(parsed):
        raise UserFacingError(f"{number} is not a number I can call.")
    kind = phonenumbers.number_type(parsed)
    if kind not in CALLABLE:
        what = _KIND.get(kind, "not a geographic or mobile number")
        raise UserFacingError(
            f"{number} is {what}, and I only call geographic and mobile numbers: "
            "please share a bill instead."
        )
    region = phonenumbers.region_code_for_number(parsed)
    allowed = {customer_country.upper(), *(c.upper() for c in countries)}
    if region not in allowed:
        raise UserFacingError(
            f"I do not call numbers in {region or 'that country'} "
            f"(only {', '.join(sorted(allowed))}): please share a bill instead."
        )


def zones_of(number: str, home_country: str, home_zone: ZoneInfo) -> list[ZoneInfo]:
    """The time zones a number may ring in (several for some countries' mobiles).

    A number of the customer's own country rings on the customer's clock (`home_zone`).
    """
    parsed = phonenumbers.parse(number, None)
    if phonenumbers.region_code_for_number(parsed) == home_country.upper():
        return [home_zone]
    names = number_zones.time_zones_for_number(parsed)
    zones: list[ZoneInfo] = []
    for name in names:
        try:
            zones.append(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return zones or [ZoneInfo("UTC")]


def is_quiet(
    at: datetime, zones: Iterable[ZoneInfo], hours: tuple[time, time] | None = QUIET_HOURS
) -> bool:
    """Within the quiet `hours` in any of the number's zones (its owner may be in any)."""
    if hours is None:
        return False
    start, until = hours
    for zone in zones:
        local = at.astimezone(zone).time()
        inside = start <= local < until if start < until else local >= start or local < until
        if inside:
            return True
    return False


def next_allowed(
    at: datetime, zones: list[ZoneInfo], hours: tuple[time, time] | None = QUIET_HOURS
) -> datetime:
    """The first quarter hour from `at` on that is outside quiet hours in every zone."""
    probe = at.replace(second=0, microsecond=0)
    probe += timedelta(minutes=(-probe.minute) % 15)
    for _ in range(24 * 4 + 1):
        if not is_quiet(probe, zones, hours):
            return probe
        probe += _STEP
    return probe  # zones so far apart that no hour suits all: the next day's attempt says so
