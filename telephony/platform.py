"""The one interface handlers use to change and read the provider's telephony platform."""

from __future__ import annotations

from typing import Protocol

from telephony.types import Contact, NewSipAccount, Registrations, SipAccountInfo


class RegistrationsSource(Protocol):
    """Where the current registrations come from (a feed, `ul.dump`, the `location` table)."""

    def registrations(self) -> Registrations:
        """Read the current contacts of every registered SIP account.

        Raises PlatformUnavailable when the source does not answer in time.
        """
        ...


class TelephonyPlatform(Protocol):
    """Numbers, SIP accounts, caller IDs and registrations of the provider's platform.

    Ownership (which customer has which number and SIP account) lives in sipdesk's store for
    every adapter. Policy (may this customer show that number?) is the handlers' job: the
    platform validates the form of values and applies them. Customers are named by their
    `external_ref`. Every method raises NotFound, Conflict, InvalidValue or
    PlatformUnavailable (all TelephonyError) for what a person can run into.
    """

    sip_domain: str

    def numbers(self, customer_ref: str) -> tuple[str, ...]:
        """The customer's phone numbers, E.164, sorted."""
        ...

    def sip_accounts(self, customer_ref: str) -> tuple[SipAccountInfo, ...]:
        """The customer's SIP accounts, oldest first, as the platform applies them."""
        ...

    def sip_account(self, username: str) -> SipAccountInfo:
        """One SIP account as the platform applies it."""
        ...

    def set_pstn_caller_id(self, username: str, number: str | None) -> SipAccountInfo:
        """Show `number` (E.164) on outbound calls, or withhold it when `number` is None."""
        ...

    def set_voip_caller_id(
        self, username: str, name: str | None, number: str | None
    ) -> SipAccountInfo:
        """Set the name and number shown on internal calls (None clears either)."""
        ...

    def create_sip_account(self, customer_ref: str, label: str) -> NewSipAccount:
        """Create a SIP account with a random, permanent username and a strong password.

        The password is in the returned value only; the platform keeps hashes.
        """
        ...

    def ensure_sip_account(
        self, customer_ref: str, username: str, label: str
    ) -> NewSipAccount | None:
        """Create the customer's SIP account `username` if it is absent ("create if absent").

        The caller chose and stored `username` before calling, so a re-run after a crash at any
        point finds the account instead of making a second one. Returns the new account (its
        password shown once) when this call created it, None when the customer already has it
        (nobody was shown a password by this call: reset it to hand one out). Conflict when
        another customer owns the username.
        """
        ...

    def adopt_sip_account(
        self, customer_ref: str, username: str, label: str, *, mailbox: bool, mwi: bool
    ) -> bool:
        """Record an existing SIP account of the customer under its own username (an import).

        Creates the platform's record if it has none (with a password nobody knows: reset it to
        hand it out), else updates label, mailbox and MWI. True when anything changed;
        Conflict when another customer owns the username.
        """
        ...

    def reset_password(self, username: str) -> str:
        """Give the account a new strong password and return it (shown once)."""
        ...

    def set_password(self, username: str, password: str) -> None:
        """Make `password` the account's only password, at once; the old one stops working.

        Setting the same password again changes nothing (a re-run after a crash is safe). The
        caller chose it (telephony.credentials.new_password) and keeps it sealed until shown.
        Devices registered with the old password are dropped where the registrar allows it.
        """
        ...

    def registrations(self) -> Registrations:
        """The current registrations of every SIP account."""
        ...


def platform_name(platform: object) -> str:
    """The platform's short name ("builtin", "kamailio"), for metrics labels and logs."""
    return str(getattr(platform, "name", type(platform).__name__.lower()))


def contacts_now(platform: RegistrationsSource, username: str) -> tuple[Contact, ...]:
    """What the registrar holds for one account now, expired contacts included.

    A platform that can look one account up (`contacts_of`: Kamailio's `ul.lookup`) does;
    any other reads every registration (the built-in feed) and keeps the account's.
    Raises PlatformUnavailable like `registrations()`.
    """
    lookup = getattr(platform, "contacts_of", None)
    if callable(lookup):
        return tuple(lookup(username))
    return tuple(platform.registrations().contacts(username))
