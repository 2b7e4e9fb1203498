"""The Kamailio platform: SIP accounts are `subscriber` rows (HA1 only), caller IDs are
`usr_preferences` rows loaded by avpops, registrations come from usrloc.

Ownership stays in sipdesk's store: every SIP account row there has its `subscriber` row
here, written in the same unit of work (Kamailio first, so a refused change leaves the store
untouched).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, delete, insert, select, update

from store.db import Database
from store.models import SipAccount
from telephony.accounts import AccountBook, clean_label, store_errors
from telephony.caller_ids import e164, voip_name, voip_number
from telephony.credentials import new_password, new_username
from telephony.errors import Conflict, TelephonyError
from telephony.kamailio.jsonrpc import KamailioRpc
from telephony.kamailio.tables import subscriber, unavailable_on_db_error, usr_preferences
from telephony.platform import RegistrationsSource
from telephony.types import Contact, NewSipAccount, Registrations, SipAccountInfo

# usr_preferences attributes read by kamailio.cfg (avp_db_load) on outbound INVITEs.
PSTN_CID = "pstn_cid"  # "+E164", or ANONYMOUS
VOIP_CID_NAME = "voip_cid_name"
VOIP_CID_NUMBER = "voip_cid_number"
ANONYMOUS = "anonymous"
CALLER_ID_ATTRIBUTES = (PSTN_CID, VOIP_CID_NAME, VOIP_CID_NUMBER)

USERNAME_ATTEMPTS = 5

log = logging.getLogger(__name__)


def ha1(username: str, realm: str, password: str) -> str:
    """HA1 as auth_db compares it: md5(username:realm:password)."""
    return hashlib.md5(f"{username}:{realm}:{password}".encode()).hexdigest()


def ha1b(username: str, domain: str, realm: str, password: str) -> str:
    """HA1 for phones that send user@domain as the digest username."""
    return hashlib.md5(f"{username}@{domain}:{realm}:{password}".encode()).hexdigest()


class KamailioPlatform:
    """Applies SIP accounts and caller IDs to Kamailio's database; reads its registrations."""

    name = "kamailio"

    def __init__(
        self,
        database: Database,
        *,
        sip_domain: str,
        kamailio_db: Engine,
        registrations_source: RegistrationsSource,
        rpc: KamailioRpc | None = None,
    ) -> None:
        self.sip_domain = sip_domain  # also the digest realm (kamailio.cfg challenges with it)
        self._database = database
        self._book = AccountBook(database)
        self._kamailio = kamailio_db
        self._registrations = registrations_source
        self._rpc = rpc  # usrloc's memory: where a registered contact can be dropped

    # ----- reading -----

    def numbers(self, customer_ref: str) -> tuple[str, ...]:
        """The customer's phone numbers, E.164, sorted."""
        return self._book.numbers(customer_ref)

    def sip_accounts(self, customer_ref: str) -> tuple[SipAccountInfo, ...]:
        """The customer's SIP accounts, with caller IDs as Kamailio holds them."""
        accounts = self._book.accounts(customer_ref)
        preferences = self._caller_id_preferences(a.username for a in accounts)
        return tuple(_with_preferences(a, preferences.get(a.username, {})) for a in accounts)

    def sip_account(self, username: str) -> SipAccountInfo:
        """One SIP account, with caller IDs as Kamailio holds them."""
        account = self._book.info(username)
        preferences = self._caller_id_preferences([username])
        return _with_preferences(account, preferences.get(username, {}))

    def registrations(self) -> Registrations:
        """Current registrations from usrloc (ul.dump or the location table, as configured)."""
        return self._registrations.registrations()

    def contacts_of(self, username: str) -> tuple[Contact, ...]:
        """One account's contacts as usrloc holds them now (`ul.lookup`, or its table rows)."""
        lookup = getattr(self._registrations, "contacts_of", None)
        if callable(lookup):
            return tuple(lookup(username, self.sip_domain))
        return self._registrations.registrations().contacts(username)

    # ----- changing -----

    def set_pstn_caller_id(self, username: str, number: str | None) -> SipAccountInfo:
        """Show `number` (E.164) on outbound calls, or withhold it when `number` is None."""
        canonical = None if number is None else e164(number)
        with store_errors(), self._database.session() as session:
            account = self._book.account(session, username, lock=True)
            self._write_preferences(
                username, {PSTN_CID: ANONYMOUS if canonical is None else canonical}
            )
            account.pstn_caller_id = canonical
            account.pstn_anonymous = canonical is None
        return self.sip_account(username)

    def set_voip_caller_id(
        self, username: str, name: str | None, number: str | None
    ) -> SipAccountInfo:
        """Set the name and number shown on internal calls (None clears either)."""
        clean_name = None if name is None else voip_name(name)
        clean_number = None if number is None else voip_number(number)
        with store_errors(), self._database.session() as session:
            account = self._book.account(session, username, lock=True)
            self._write_preferences(
                username, {VOIP_CID_NAME: clean_name, VOIP_CID_NUMBER: clean_number}
            )
            account.voip_caller_id_name = clean_name
            account.voip_caller_id_number = clean_number
        return self.sip_account(username)

    def create_sip_account(self, customer_ref: str, label: str) -> NewSipAccount:
        """A `subscriber` row with HA1 hashes (the password column left empty) and its store row."""
        for _ in range(USERNAME_ATTEMPTS):
            username = new_username()
            with store_errors(), self._database.session() as session:
                if self._book.username_taken(session, username):
                    continue
            if self._subscriber_exists(username):  # made outside sipdesk: not ours to take
                continue
            created = self.ensure_sip_account(customer_ref, username, label)
            if created is not None:
                return created
        raise Conflict("No free SIP username was found; please try again.")

    def ensure_sip_account(
        self, customer_ref: str, username: str, label: str
    ) -> NewSipAccount | None:
        """The `subscriber` row and the store row of `username`, made if absent.

        A `subscriber` row without its store row is what a run killed between the two writes
        leaves: the username was chosen and stored by sipdesk before the call, so the row is ours
        and takes the new password.
        """
        clean = clean_label(label)
        password = new_password()
        written = False
        try:
            with store_errors(), self._database.session() as session:
                customer = self._book.customer_locked(session, customer_ref)
                if self._book.existing_of(session, customer, username):
                    return None
                self._put_subscriber(username, password)
                written = True
                customer.sip_accounts.append(
                    SipAccount(username=username, label=clean, password_hash=None)
                )
                session.flush()
        except BaseException:
            if written:
                self._forget_subscriber(username)
            raise
        return NewSipAccount(username, password, self.sip_domain, clean, customer_ref)

    def adopt_sip_account(
        self, customer_ref: str, username: str, label: str, *, mailbox: bool, mwi: bool
    ) -> bool:
        """The store row, and a `subscriber` row if Kamailio has none (its password unknown to
        anyone until it is reset)."""
        with store_errors(), self._database.session() as session:
            _, changed = self._book.adopt(
                session, customer_ref, username, label, mailbox=mailbox, mwi=mwi
            )
            with unavailable_on_db_error(), self._kamailio.begin() as conn:
                present = conn.scalar(
                    select(subscriber.c.id)
                    .where(subscriber.c.username == username)
                    .where(subscriber.c.domain == self.sip_domain)
                )
                if present is None:
                    row = self._subscriber_row(username, new_password())
                    conn.execute(insert(subscriber).values(**row))
                    changed = True
        return changed

    def set_password(self, username: str, password: str) -> None:
        """New HA1 hashes in `subscriber` (the row is recreated if it went missing); then the
        account's contacts are dropped from usrloc, so the old device is Down at once."""
        with store_errors(), self._database.session() as session:
            self._book.account(session, username, lock=True)
            values = self._hashes(username, password)
            with unavailable_on_db_error(), self._kamailio.begin() as conn:
                changed = conn.execute(
                    update(subscriber)
                    .where(subscriber.c.username == username)
                    .where(subscriber.c.domain == self.sip_domain)
                    .values(**values)
                ).rowcount
                if not changed:
                    conn.execute(
                        insert(subscriber).values(**self._subscriber_row(username, password))
                    )
        self._drop_contacts(username)

    def _drop_contacts(self, username: str) -> None:
        # auth_db checks the digest on the next REGISTER only: a contact saved with the old
        # password would keep taking calls until it expires. `ul.rm` ends it now (use_domain=0:
        # the AoR is the username). Best effort: the password is already changed either way.
        if self._rpc is None:
            return
        try:
            self._rpc.call("ul.rm", "location", username)
        except TelephonyError as error:  # "AOR not found" when nothing is registered
            log.info("no contact of %s dropped from usrloc: %s", username, error)

    def reset_password(self, username: str) -> str:
        """New HA1 hashes in `subscriber` (the row is recreated if it went missing)."""
        password = new_password()
        with store_errors(), self._database.session() as session:
            self._book.account(session, username, lock=True)
            self._put_subscriber(username, password)
        return password

    # ----- Kamailio's tables -----

    def _hashes(self, username: str, password: str) -> dict[str, str]:
        realm = domain = self.sip_domain
        return {
            "password": "",
            "ha1": ha1(username, realm, password),
            "ha1b": ha1b(username, domain, realm, password),
        }

    def _subscriber_row(self, username: str, password: str) -> dict[str, str]:
        return {"username": username, "domain": self.sip_domain, **self._hashes(username, password)}

    def _subscriber_exists(self, username: str) -> bool:
        with unavailable_on_db_error(), self._kamailio.connect() as conn:
            found = conn.scalar(select(subscriber.c.id).where(subscriber.c.username == username))
        return found is not None

    def _put_subscriber(self, username: str, password: str) -> None:
        """The `subscriber` row of `username` with this password's hashes, made if absent."""
        with unavailable_on_db_error(), self._kamailio.begin() as conn:
            changed = conn.execute(
                update(subscriber)
                .where(subscriber.c.username == username)
                .where(subscriber.c.domain == self.sip_domain)
                .values(**self._hashes(username, password))
            ).rowcount
            if not changed:
                conn.execute(insert(subscriber).values(**self._subscriber_row(username, password)))

    def _forget_subscriber(self, username: str) -> None:
        # Undo a subscriber row whose store row did not make it; if Kamailio is down too, the
        # orphan has a random username and a password nobody saw, so it is harmless.
        try:
            with self._kamailio.begin() as conn:
                conn.execute(
                    delete(subscriber)
                    .where(subscriber.c.username == username)
                    .where(subscriber.c.domain == self.sip_domain)
                )
        except Exception:  # the error that brought us here is re-raised by the caller
            log.warning("could not remove the orphan subscriber %s", username, exc_info=True)

    def _write_preferences(self, username: str, values: dict[str, str | None]) -> None:
        """Replace the given attributes of `username`; None deletes the attribute."""
        now = datetime.now(UTC).replace(tzinfo=None)
        with unavailable_on_db_error(), self._kamailio.begin() as conn:
            _delete_preferences(conn, username, self.sip_domain, values.keys())
            rows = [
                {
                    "uuid": "",
                    "username": username,
                    "domain": self.sip_domain,
                    "attribute": attribute,
                    "type": 0,
                    "value": value,
                    "last_modified": now,
                }
                for attribute, value in values.items()
                if value is not None
            ]
            if rows:
                conn.execute(insert(usr_preferences), rows)

    def _caller_id_preferences(self, usernames: Iterable[str]) -> dict[str, dict[str, str]]:
        wanted = list(usernames)
        if not wanted:
            return {}
        query = select(
            usr_preferences.c.username, usr_preferences.c.attribute, usr_preferences.c.value
        ).where(
            usr_preferences.c.username.in_(wanted),
            usr_preferences.c.domain == self.sip_domain,  # the same user may exist elsewhere
            usr_preferences.c.attribute.in_(CALLER_ID_ATTRIBUTES),
        )
        found: dict[str, dict[str, str]] = {}
        with unavailable_on_db_error(), self._kamailio.connect() as conn:
            for row in conn.execute(query):
                found.setdefault(str(row.username), {})[str(row.attribute)] = str(row.value)
        return found


def _delete_preferences(
    conn: Connection, username: str, domain: str, attributes: Iterable[str]
) -> None:
    conn.execute(
        delete(usr_preferences).where(
            usr_preferences.c.username == username,
            usr_preferences.c.domain == domain,
            usr_preferences.c.attribute.in_(list(attributes)),
        )
    )


def _with_preferences(account: SipAccountInfo, preferences: dict[str, str]) -> SipAccountInfo:
    """The account with caller IDs as Kamailio applies them (the store only mirrors them)."""
    pstn = preferences.get(PSTN_CID)
    return replace(
        account,
        pstn_caller_id=None if pstn in (None, ANONYMOUS) else pstn,
        pstn_anonymous=pstn == ANONYMOUS,
        voip_caller_id_name=preferences.get(VOIP_CID_NAME),
        voip_caller_id_number=preferences.get(VOIP_CID_NUMBER),
    )
