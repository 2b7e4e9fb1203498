"""`sipdesk import-accounts FILE`: an idempotent upsert of customers and what they own.

The document is validated as a whole first (every problem reported with where it is). `apply`
writes what sipdesk alone keeps (customers, numbers, channel links) in one transaction; SIP
accounts and caller IDs go through the telephony platform (telephony/account_import.py), so
with Kamailio they land where Kamailio reads them. Importing the same file twice changes
nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.channels import link_customer_channel
from store.errors import UserFacingError
from store.models import ChannelLink, Customer, PhoneNumber, Plan, SipAccount


class ImportProblem(UserFacingError):
    pass


def _e164(value: str) -> str:
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{value!r} is not a phone number in +E.164 form") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(f"{value!r} is not a valid number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _channel_id(value: str) -> str:
    if not value or value[0] not in "CG" or not value.isalnum() or not value.isupper():
        raise ValueError(f"{value!r} is not a Slack channel ID such as C0123ABCD")
    return value


def _team_id(value: str) -> str:
    if not value or value[0] not in "TE" or not value.isalnum() or not value.isupper():
        raise ValueError(f"{value!r} is not a Slack team ID such as T0123ABCD")
    return value


class VoipCallerId(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=64)
    number: str | None = Field(None, max_length=32)


class SipAccountEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    label: str = ""
    mailbox: bool = True
    mwi: bool = True
    voip_caller_id: VoipCallerId | None = None
    pstn_caller_id: str | None = None  # E.164, or "anonymous"

    @field_validator("pstn_caller_id")
    @classmethod
    def _pstn(cls, value: str | None) -> str | None:
        if value is None or value == "anonymous":
            return value
        return _e164(value)


class CustomerEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ref: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    holder_name: str = Field(min_length=1, max_length=200)
    plan: str = Field(min_length=1, max_length=64)
    country: str
    timezone: str = "UTC"
    numbers: list[Annotated[str, AfterValidator(_e164)]] = []
    sip_accounts: list[SipAccountEntry] = []
    channels: list[Annotated[str, AfterValidator(_channel_id)]] = []
    # The Slack team the customer's people come from: requests in their channels are taken
    # from it (and from the provider's own workspace) only.
    slack_team: Annotated[str, AfterValidator(_team_id)] | None = None

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        if value not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"{value!r} is not a country code such as IE or GB")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone such as Europe/Dublin") from None
        return value


class PlanEntry(BaseModel):
    """What a plan charges for a new SIP account; 0 is free (no Accept step)."""

    model_config = ConfigDict(extra="forbid")
    new_sip_account: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$")
    per: str = Field("month", min_length=1, max_length=16)


class AccountsDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1] = 1
    plans: dict[Annotated[str, Field(min_length=1, max_length=64)], PlanEntry] = {}
    customers: list[CustomerEntry]


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def mark_updated(self, ref: str) -> None:
        """The platform changed something of an otherwise unchanged customer."""
        if ref in self.unchanged:
            self.unchanged.remove(ref)
            self.updated.append(ref)

    def __str__(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )


WHAT_A_FILE_HOLDS = (
    "an accounts file holds `version: 1` and a `customers:` list, as in examples/accounts.yml"
)


def parse(data: Any) -> AccountsDocument:
    """Validate a loaded YAML document, naming every problem and where it is."""
    if data is None:
        raise ImportProblem(f"The accounts file is empty: {WHAT_A_FILE_HOLDS}.")
    if not isinstance(data, dict):
        raise ImportProblem(f"The accounts file is a {type(data).__name__}: {WHAT_A_FILE_HOLDS}.")
    try:
        document = AccountsDocument.model_validate(data)
    except ValidationError as error:
        lines = [
            f"{_where(e['loc'])}: {str(e['msg']).removeprefix('Value error, ')}"
            for e in error.errors()
        ]
        raise ImportProblem("The accounts file has problems:\n" + "\n".join(lines)) from None
    _refuse_duplicates(document)
    return document


def apply(session: Session, document: AccountsDocument) -> ImportSummary:
    """Upsert every customer; listed numbers and channels are added or updated.

    SIP accounts are only checked here (one customer's account may not be claimed by another);
    the platform writes them. Nothing absent from the file is deleted: removing a number or a
    SIP account is a deliberate act on the platform, not a side effect of an import.
    """
    summary = ImportSummary()
    _sync_plans(session, document)
    for entry in document.customers:
        customer = session.scalar(select(Customer).where(Customer.external_ref == entry.ref))
        created = customer is None
        if customer is None:
            customer = Customer(external_ref=entry.ref)
            session.add(customer)
        changed = _set(
            customer,
            name=entry.name,
            holder_name=entry.holder_name,
            plan=entry.plan,
            country=entry.country,
            timezone=entry.timezone,
        )
        session.flush()
        changed |= _sync_numbers(session, customer, entry)
        _refuse_foreign_sip_accounts(session, customer, entry)
        changed |= _sync_channels(session, customer, entry)
        bucket = summary.created if created else summary.updated if changed else summary.unchanged
        bucket.append(entry.ref)
    session.flush()
    return summary


def _sync_plans(session: Session, document: AccountsDocument) -> None:
    for name, entry in document.plans.items():
        plan = session.get(Plan, name)
        if plan is None:
            plan = Plan(name=name)
            session.add(plan)
        _set(plan, new_sip_account=entry.new_sip_account, currency=entry.currency, per=entry.per)
    session.flush()


def _sync_numbers(session: Session, customer: Customer, entry: CustomerEntry) -> bool:
    changed = False
    for e164 in entry.numbers:
        number = session.scalar(select(PhoneNumber).where(PhoneNumber.e164 == e164))
        if number is None:
            session.add(PhoneNumber(customer_id=customer.id, e164=e164))
            changed = True
        elif number.customer_id != customer.id:
            raise ImportProblem(f"{entry.ref}: number {e164} belongs to another customer.")
    return changed


def _refuse_foreign_sip_accounts(
    session: Session, customer: Customer, entry: CustomerEntry
) -> None:
    for item in entry.sip_accounts:
        owner = session.scalar(
            select(SipAccount.customer_id).where(SipAccount.username == item.username)
        )
        if owner is not None and owner != customer.id:
            raise ImportProblem(
                f"{entry.ref}: SIP account {item.username} belongs to another customer."
            )


def _sync_channels(session: Session, customer: Customer, entry: CustomerEntry) -> bool:
    changed = False
    for channel_id in entry.channels:
        link = session.scalar(select(ChannelLink).where(ChannelLink.channel_id == channel_id))
        before = (link.customer_id, link.team_id) if link is not None else None
        try:
            link = link_customer_channel(
                session, channel_id, customer.id, entry.slack_team, "import"
            )
        except UserFacingError:
            raise ImportProblem(
                f"{entry.ref}: channel {channel_id} is already linked to another customer "
                "or is the staff channel."
            ) from None
        changed |= before != (link.customer_id, link.team_id)
    return changed


def _set(obj: object, **values: Any) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _refuse_duplicates(document: AccountsDocument) -> None:
    seen: dict[str, str] = {}
    problems: list[str] = []
    for i, c in enumerate(document.customers):
        for kind, values in (
            ("customer ref", [c.ref]),
            ("number", c.numbers),
            ("SIP account", [s.username for s in c.sip_accounts]),
            ("channel", c.channels),
        ):
            for value in values:
                key = f"{kind}:{value}"
                if key in seen:
                    problems.append(f"customers[{i}]: {kind} {value} also appears in {seen[key]}")
                seen[key] = f"customers[{i}] ({c.ref})"
    if problems:
        raise ImportProblem("The accounts file has problems:\n" + "\n".join(problems))


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "file"
