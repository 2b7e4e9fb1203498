"""A number a person typed, as E.164, with the refusals a customer can act on."""

from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumberType

from handlers.mrkdwn import clip
from store.errors import UserFacingError

ANONYMOUS_WORDS = frozenset({"anonymous", "withheld", "hidden", "private"})
_REFUSED_TYPES = {
    PhoneNumberType.PREMIUM_RATE: "a premium-rate number",
    PhoneNumberType.SHARED_COST: "a shared-cost number",
}


class BadNumber(UserFacingError):
    pass


def is_anonymous(text: str) -> bool:
    return text.strip().lower() in ANONYMOUS_WORDS


def canonical(text: str, region: str) -> str:
    """`text` in E.164; national spellings are read in the customer's `region`."""
    shown = clip(" ".join(text.split()), 40)
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise BadNumber(f"`{shown}` is not a phone number.") from None
    if not phonenumbers.is_valid_number(parsed):
        raise BadNumber(f"`{shown}` is not a valid phone number.")
    kind = phonenumbers.number_type(parsed)
    if kind in _REFUSED_TYPES:
        raise BadNumber(f"`{shown}` is {_REFUSED_TYPES[kind]} and cannot be a caller ID.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def country_of(e164: str) -> str | None:
    return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))


def looks_like_number(text: str) -> bool:
    stripped = text.strip().lstrip("+(")
    return bool(stripped) and stripped[0].isdigit()
