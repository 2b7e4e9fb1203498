"""The form of caller IDs: what a value must look like before any platform applies it."""

from __future__ import annotations

import re

import phonenumbers

from telephony.errors import InvalidValue

# Internal (VoIP) caller ID numbers may be short extensions rather than E.164 numbers.
_EXTENSION = re.compile(r"^[0-9]{2,10}$")
# The name travels in a SIP header between quotes: no quotes, brackets, backslashes or controls.
_NAME_FORBIDDEN = re.compile(r'["<>\\\x00-\x1f\x7f]')
NAME_MAX = 64


def e164(number: str) -> str:
    """The number in canonical E.164 form, or InvalidValue when it is not a valid one."""
    text = number.strip()
    if not text.startswith("+"):
        raise InvalidValue(
            f"{number!r} is not an international number; write it as +<country code><number>."
        )
    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidValue(f"{number!r} is not a phone number.", detail=str(exc)) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidValue(f"{number!r} is not a valid phone number.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def voip_number(number: str) -> str:
    """An internal caller ID number: a valid E.164 number or an extension of 2-10 digits."""
    text = number.strip()
    if _EXTENSION.match(text):
        return text
    return e164(text)


def voip_name(name: str) -> str:
    """A caller ID name that can travel in a SIP header, or InvalidValue."""
    text = " ".join(name.split())
    if not text:
        raise InvalidValue("The caller ID name is empty.")
    if len(text) > NAME_MAX:
        raise InvalidValue(f"The caller ID name is longer than {NAME_MAX} characters.")
    if _NAME_FORBIDDEN.search(text):
        raise InvalidValue("The caller ID name may not contain quotes, < >, or backslashes.")
    return text
