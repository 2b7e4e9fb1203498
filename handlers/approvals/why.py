"""Why a request waits for staff, in one sentence for the card: a newcomer to the staff channel
learns the rule from the request in front of them."""

from __future__ import annotations

import phonenumbers

from handlers.request_facts import RequestFacts
from store.models import RequestKind

# The adjective people use for a customer's country ("an Irish number"); others get its name.
_ADJECTIVES = {
    "IE": "Irish", "GB": "British", "US": "US", "CA": "Canadian", "DE": "German",
    "FR": "French", "ES": "Spanish", "IT": "Italian", "NL": "Dutch", "BE": "Belgian",
    "PT": "Portuguese", "PL": "Polish", "SE": "Swedish", "DK": "Danish", "NO": "Norwegian",
    "FI": "Finnish", "AT": "Austrian", "CH": "Swiss", "AU": "Australian", "NZ": "New Zealand",
}  # fmt: skip


def why_staff_decide(facts: RequestFacts) -> str:
    """The rule that sends this request to staff, with its own number in it."""
    if facts.kind is RequestKind.NEW_SIP_ACCOUNT:
        return (
            "A new SIP account is made by staff: it may cost money on the customer's plan "
            "(the customer accepted any cost first), and each device needs its own account."
        )
    if facts.kind is RequestKind.VOIP_CALLER_ID:
        return (
            "A VoIP caller ID is the name and number our other customers' phones show on "
            "internal calls, so staff check it before it is set."
        )
    number = str(facts.details.get("number") or "")
    shown = _international(number)
    if facts.has_bill:
        return (
            f"{shown} is not a number on the customer's account: it may be shown on calls "
            "only once a current phone bill proves it is theirs. The bill checks are below; "
            "staff judge them."
        )
    return (
        f"{shown} is not {_a_national_number(facts.customer_country)}: an international "
        "number on the account is shown on calls only once staff approve it."
    )


def _international(e164: str) -> str:
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164 or "The number"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _a_national_number(region: str) -> str:
    adjective = _ADJECTIVES.get(region.upper())
    if adjective:
        article = "an" if adjective[0] in "AEIOU" else "a"
        return f"{article} {adjective} number"
    # Imported here: its data takes a third of a second to load, at every process start
    # otherwise, and only a country without an adjective above ever needs it.
    from phonenumbers import geocoder

    example = phonenumbers.example_number(region.upper()) if region else None
    name = geocoder.country_name_for_number(example, "en") if example else ""
    return f"a number of {name}" if name else "a number of the customer's country"
