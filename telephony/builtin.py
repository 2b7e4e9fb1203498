"""The built-in platform: SIP accounts live in sipdesk's own tables, registrations in a feed.

It is the embedded default, so the whole bot works without a SIP server.
"""

from __future__ import annotations

from store.db import Database
from store.models import SipAccount
from telephony.accounts import AccountBook, clean_label, info_of, store_errors
from telephony.caller_ids import e164, voip_name, voip_number
from telephony.credentials import hash_password, new_password, new_username, verify_password
from telephony.errors import Conflict, PlatformUnavailable
from telephony.platform import RegistrationsSource
from telephony.types import NewSipAccount, Registrations, SipAccountInfo

USERNAME_ATTEMPTS = 5


class BuiltinPlatform:
    """Accounts with scrypt password hashes in the store; registrations from a feed, if any."""

    name = "builtin"

    def __init__(
        self,
        database: Database,
        *,
        sip_domain: str,
        registrations_source: RegistrationsSource | None = None,
    ) -> None:
        self.sip_domain = sip_domain
        self._book = AccountBook(database)
        self._database = database
        self._registrations = registrations_source

    def numbers(self, customer_ref: str) -> tuple[str, ...]:
        """The customer's phone numbers, E.164, sorted."""
        return self._book.numbers(customer_ref)

    def sip_accounts(self, customer_ref: str) -> tuple[SipAccountInfo, ...]:
        """The customer's SIP accounts, oldest first."""
        return self._book.accounts(customer_ref)

    def sip_account(self, username: str) -> SipAccountInfo:
        """One SIP account."""
        return self._book.info(username)

    def set_pstn_caller_id(self, username: str, number: str | None) -> SipAccountInfo:
        """Show `number` (E.164) on outbound calls, or withhold it when `number` is None."""
        canonical = None if number is None else e164(number)
        with store_errors(), self._database.session() as session:
            account = self._book.account(session, username, lock=True)
            account.pstn_caller_id = canonical
            account.pstn_anonymous = canonical is None
            return info_of(account)

    def set_voip_caller_id(
        self, username: str, name: str | None, number: str | None
    ) -> SipAccountInfo:
        """Set the name and number shown on internal calls (None clears either)."""
        clean_name = None if name is None else voip_name(name)
        clean_number = None if number is None else voip_number(number)
        with store_errors(), self._database.session() as session:
            account = self._book.account(session, username, lock=True)
            account.voip_caller_id_name = clean_name
            account.voip_caller_id_number = clean_number
            return info_of(account)

    def create_sip_account(self, customer_ref: str, label: str) -> NewSipAccount:
        """Create an account with a random username; the password is returned, never stored."""
        for _ in range(USERNAME_ATTEMPTS):
            username = new_username()
            with store_errors(), self._database.session() as session:
                if self._book.username_taken(session, username):
                    continue
            created = self.ensure_sip_account(customer_ref, username, label)
            if created is not None:
                return created
        raise Conflict("No free SIP username was found; please try again.")

    def ensure_sip_account(
        self, customer_ref: str, username: str, label: str
    ) -> NewSipAccount | None:
        """The store row of `username`, made if absent; the password is returned, never stored."""
        clean = clean_label(label)
        password = new_password()
        with store_errors(), self._database.session() as session:
            customer = self._book.customer_locked(session, customer_ref)
            if self._book.existing_of(session, customer, username):
                return None
            customer.sip_accounts.append(
                SipAccount(username=username, label=clean, password_hash=hash_password(password))
            )
        return NewSipAccount(username, password, self.sip_domain, clean, customer_ref)

    def adopt_sip_account(
        self, customer_ref: str, username: str, label: str, *, mailbox: bool, mwi: bool
    ) -> bool:
        """The store row under the given username; without a password until one is reset."""
        with store_errors(), self._database.session() as session:
            _, changed = self._book.adopt(
                session, customer_ref, username, label, mailbox=mailbox, mwi=mwi
            )
        return changed

    def reset_password(self, username: str) -> str:
        """Store a hash of a new strong password and return the password (shown once)."""
        password = new_password()
        self.set_password(username, password)
        return password

    def set_password(self, username: str, password: str) -> None:
        """Store a fresh salted scrypt hash of `password`; the registrations feed is not ours
        to edit, so a device registered with the old password stays listed until it expires."""
        hashed = hash_password(password)
        with store_errors(), self._database.session() as session:
            self._book.account(session, username, lock=True).password_hash = hashed

    def check_password(self, username: str, password: str) -> bool:
        """True when `password` is the account's current password (for a built-in registrar)."""
        with store_errors(), self._database.session() as session:
            stored = self._book.account(session, username).password_hash
        return stored is not None and verify_password(password, stored)

    def registrations(self) -> Registrations:
        """Registrations from the operator's feed; PlatformUnavailable when none is set up."""
        if self._registrations is None:
            raise PlatformUnavailable(
                "No registrations feed is configured, so registrations are unknown.",
                detail="set the registrations feed of the built-in platform",
            )
        return self._registrations.registrations()
