"""The provider's telephony platform behind one interface: numbers, SIP accounts, caller IDs
and registrations, with a built-in adapter (sipdesk's own tables) and a Kamailio adapter."""

from telephony.errors import (
    Conflict,
    InvalidValue,
    NotFound,
    PlatformUnavailable,
    TelephonyError,
)
from telephony.factory import build_platform
from telephony.platform import (
    RegistrationsSource,
    TelephonyPlatform,
    contacts_now,
    platform_name,
)
from telephony.types import Contact, NewSipAccount, Registrations, SipAccountInfo

__all__ = [
    "Conflict",
    "Contact",
    "InvalidValue",
    "NewSipAccount",
    "NotFound",
    "PlatformUnavailable",
    "Registrations",
    "RegistrationsSource",
    "SipAccountInfo",
    "TelephonyError",
    "TelephonyPlatform",
    "build_platform",
    "contacts_now",
    "platform_name",
]
