"""What the telephony platform hands back: SIP accounts, new credentials, registrations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from store.types import utcnow


@dataclass(frozen=True)
class SipAccountInfo:
    """A SIP account as the platform applies it.

    PSTN caller ID: `pstn_caller_id` is the E.164 number shown on outbound calls; when it is
    None, `pstn_anonymous` tells anonymous (True) from the platform's default (False).
    """

    username: str
    label: str
    customer_ref: str
    pstn_caller_id: str | None = None
    pstn_anonymous: bool = False
    voip_caller_id_name: str | None = None
    voip_caller_id_number: str | None = None
    mailbox: bool = True
    mwi: bool = True


@dataclass(frozen=True)
class NewSipAccount:
    """A SIP account just created. The password is shown once and kept nowhere in clear."""

    username: str
    password: str = field(repr=False)
    sip_domain: str
    label: str
    customer_ref: str

    @property
    def aor(self) -> str:
        """The address a phone registers: sip:username@domain."""
        return f"sip:{self.username}@{self.sip_domain}"


@dataclass(frozen=True)
class Contact:
    """One registered device of a SIP account."""

    contact_uri: str
    user_agent: str
    source: str | None  # "ip:port" the REGISTER came from, when the registrar knows it
    expires_at: datetime | None  # None: a permanent contact
    expired: bool = False  # past its expiry but not yet swept by the registrar
    registered_at: datetime | None = None  # its last REGISTER, when the registrar tells

    def seconds_left(self, now: datetime | None = None) -> int | None:
        """Whole seconds until the contact expires (0 once expired; None when permanent)."""
        if self.expires_at is None:
            return None
        left = (self.expires_at - (now or utcnow())).total_seconds()
        return max(0, int(left))


@dataclass(frozen=True)
class Registrations:
    """The registrar's contacts per SIP account username, read at `read_at`.

    A username that is absent has no contact at all, i.e. the account is Down.
    """

    by_username: Mapping[str, tuple[Contact, ...]]
    read_at: datetime = field(default_factory=utcnow)

    def contacts(self, username: str) -> tuple[Contact, ...]:
        """Every contact the registrar holds for the account, expired ones included."""
        return self.by_username.get(username, ())

    def live_contacts(self, username: str) -> tuple[Contact, ...]:
        """The contacts that have not expired."""
        return tuple(c for c in self.contacts(username) if not c.expired)

    def is_up(self, username: str) -> bool:
        """Up: at least one device is registered and not expired."""
        return bool(self.live_contacts(username))

    def multiple_devices(self, username: str) -> bool:
        """Two or more live devices share the account (one device per account is the rule)."""
        return len(self.live_contacts(username)) > 1

    def usernames_up(self) -> frozenset[str]:
        """Every username with at least one live contact."""
        return frozenset(u for u in self.by_username if self.is_up(u))

    @staticmethod
    def from_pairs(pairs: list[tuple[str, Contact]], read_at: datetime) -> Registrations:
        """Group (username, contact) pairs, keeping the order they came in."""
        grouped: dict[str, list[Contact]] = {}
        for username, contact in pairs:
            grouped.setdefault(username, []).append(contact)
        return Registrations({u: tuple(cs) for u, cs in grouped.items()}, read_at)
