"""The data model: customers and what they own, the Slack channels linked to them, requests with
their evidence and audit trail, and the outages and silences of the SIP account watch."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from store.types import UTCDateTime, utcnow

# Stable constraint names so Alembic migrations read the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


def _enum(cls: type[enum.Enum]) -> Enum:
    # Stored as plain strings: portable, and adding a member needs no ALTER TYPE.
    return Enum(cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class AccountStatus(enum.StrEnum):
    UNKNOWN = "unknown"
    UP = "up"
    DOWN = "down"


class ChannelRole(enum.StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"


class RequestKind(enum.StrEnum):
    PSTN_CALLER_ID = "pstn_caller_id"
    VOIP_CALLER_ID = "voip_caller_id"
    NEW_SIP_ACCOUNT = "new_sip_account"
    PASSWORD_RESET = "password_reset"  # a new password for an existing SIP account


class RequestState(enum.StrEnum):
    AWAITING_CUSTOMER = "awaiting_customer"  # a bill to upload, or a cost to accept
    CHECKING_EVIDENCE = "checking_evidence"  # the bill is being read
    PENDING_APPROVAL = "pending_approval"  # staff decide
    APPROVED = "approved"  # decided; being applied to the platform
    APPLIED = "applied"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    FAILED = "failed"  # the platform refused or was down; staff may retry


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_ref: Mapped[str] = mapped_column(String(64), unique=True)  # the provider's account id
    name: Mapped[str] = mapped_column(String(200))  # how support calls them
    holder_name: Mapped[str] = mapped_column(String(200))  # legal name, checked against bills
    plan: Mapped[str] = mapped_column(String(64))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166 alpha-2, the numbering region
    timezone: Mapped[str] = mapped_column(String(64))  # IANA name, for digests
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    numbers: Mapped[list[PhoneNumber]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="PhoneNumber.e164"
    )
    sip_accounts: Mapped[list[SipAccount]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="SipAccount.id"
    )


class PhoneNumber(Base):
    __tablename__ = "phone_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    e164: Mapped[str] = mapped_column(String(16), unique=True)
    customer: Mapped[Customer] = relationship(back_populates="numbers")


class SipAccount(Base):
    __tablename__ = "sip_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    username: Mapped[str] = mapped_column(String(64), unique=True)  # random; never changes
    label: Mapped[str] = mapped_column(String(120), default="")  # "Reception desk phone"
    password_hash: Mapped[str | None] = mapped_column(String(255))  # built-in platform only
    mailbox: Mapped[bool] = mapped_column(Boolean, default=True)
    mwi: Mapped[bool] = mapped_column(Boolean, default=True)
    voip_caller_id_name: Mapped[str | None] = mapped_column(String(64))
    voip_caller_id_number: Mapped[str | None] = mapped_column(String(32))
    # E.164 number shown on outbound calls; None with pstn_anonymous False = platform default.
    pstn_caller_id: Mapped[str | None] = mapped_column(String(16))
    pstn_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[AccountStatus] = mapped_column(
        _enum(AccountStatus), default=AccountStatus.UNKNOWN
    )
    status_since: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The watch (handlers/watch): first poll or push that saw no device, the last device seen.
    unregistered_since: Mapped[datetime | None] = mapped_column()
    last_user_agent: Mapped[str | None] = mapped_column(String(255))
    last_source: Mapped[str | None] = mapped_column(String(64))
    last_seen_at: Mapped[datetime | None] = mapped_column()
    multi_device_warned_at: Mapped[datetime | None] = mapped_column()
    flapping_until: Mapped[datetime | None] = mapped_column()

    customer: Mapped[Customer] = relationship(back_populates="sip_accounts")


class ChannelLink(Base):
    """A Slack channel and what it is for: one customer's shared channel, or the staff channel."""

    __tablename__ = "channel_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Channel IDs are unique across workspaces, and a Slack Connect channel keeps one ID for all.
    channel_id: Mapped[str] = mapped_column(String(32), unique=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[ChannelRole] = mapped_column(_enum(ChannelRole))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    linked_by: Mapped[str | None] = mapped_column(String(32))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    quiet_hours: Mapped[str | None] = mapped_column(String(16))  # "19:00-08:00", channel's zone
    digest_cron: Mapped[str | None] = mapped_column(String(64))  # None: the default; "off"

    customer: Mapped[Customer | None] = relationship()


class Request(Base):
    """Something a customer asked for that staff decide (state machine: store.requests)."""

    __tablename__ = "requests"
    __table_args__ = (Index("ix_requests_state_updated", "state", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RequestKind] = mapped_column(_enum(RequestKind))
    state: Mapped[RequestState] = mapped_column(_enum(RequestState))
    version: Mapped[int] = mapped_column(Integer, default=1)  # bumped by every transition
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    sip_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("sip_accounts.id", ondelete="SET NULL")
    )
    channel_id: Mapped[str] = mapped_column(String(32))
    requested_by: Mapped[str] = mapped_column(String(32))  # Slack user id
    requester_team: Mapped[str | None] = mapped_column(String(32))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)  # kind-specific: number, name...
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decision_note: Mapped[str | None] = mapped_column(Text)
    customer_message_ts: Mapped[str | None] = mapped_column(String(32))
    staff_message_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column()
    # The version whose staff card was posted: pending with another version = a card is owed.
    card_version: Mapped[int | None] = mapped_column(Integer)
    # When the customer's thread was told "Applied", the apply job's last step; applied with
    # NULL here = the job still owes the requester something (credentials, the message).
    applied_told_at: Mapped[datetime | None] = mapped_column()

    customer: Mapped[Customer] = relationship()
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="Evidence.id"
    )


class Evidence(Base):
    """An uploaded bill and what ocr_checks made of it; the bytes are purged after a while."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    slack_file_id: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    mimetype: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    verdict: Mapped[str | None] = mapped_column(String(16))
    # PNG crop around the number and the name, for the staff card; purged with the content.
    highlight: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    purged_at: Mapped[datetime | None] = mapped_column()

    request: Mapped[Request] = relationship(back_populates="evidence")

    __table_args__ = (UniqueConstraint("request_id", "slack_file_id"),)


class Plan(Base):
    """What a customer's plan charges for a new SIP account (the accounts file's `plans:`)."""

    __tablename__ = "plans"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    new_sip_account: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    per: Mapped[str] = mapped_column(String(16), default="month")


class AuditEvent(Base):
    """Who did what, when, from which state to which: written with every transition."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(64))  # Slack user id, or "system:<job>"
    action: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Outage(Base):
    """A stretch of time a SIP account was Down; open while ended_at is None."""

    __tablename__ = "outages"
    __table_args__ = (Index("ix_outages_open", "sip_account_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sip_account_id: Mapped[int] = mapped_column(ForeignKey("sip_accounts.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()
    alerted_at: Mapped[datetime | None] = mapped_column()
    # The account's id while the episode is open, NULL once it ends: at most one open per account.
    open_for: Mapped[int | None] = mapped_column(Integer, unique=True)
    storm: Mapped[bool] = mapped_column(Boolean, default=False)  # began in a platform incident
    flapping: Mapped[bool] = mapped_column(Boolean, default=False)  # folded into a flapping alert
    silenced: Mapped[bool] = mapped_column(Boolean, default=False)  # muted when it would alert

    sip_account: Mapped[SipAccount] = relationship()


class Silence(Base):
    """Staff muted Down alerts for a customer or one SIP account until a time."""

    __tablename__ = "silences"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    sip_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("sip_accounts.id", ondelete="CASCADE")
    )
    until: Mapped[datetime] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A password reset's hold: it also ends the moment the account registers again.
    until_registered: Mapped[bool] = mapped_column(Boolean, default=False)


class AlertKind(enum.StrEnum):
    DOWN = "down"  # one or more SIP accounts Down, grouped per channel per poll
    FLAPPING = "flapping"
    TWO_DEVICES = "two_devices"
    INCIDENT = "incident"  # more than the storm share Down at once
    SOURCE = "source"  # the registrations source failed or answered garbage


class AlertMessage(Base):
    """A Slack message the watch posted, claimed in the database before it is posted.

    `ts` is stored once posted, so any process can update it later (recovery).
    """

    __tablename__ = "alert_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AlertKind] = mapped_column(_enum(AlertKind))
    channel_id: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    sip_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("sip_accounts.id", ondelete="CASCADE")
    )
    ts: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    posted_at: Mapped[datetime | None] = mapped_column()
    # Slack answered that it can never take it (the channel archived, the bot removed): not
    # retried.
    given_up_at: Mapped[datetime | None] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column()
    # For incidents: the kind while open, NULL once over, so at most one of each is open.
    open_key: Mapped[str | None] = mapped_column(String(32), unique=True)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

    outages: Mapped[list[OutageAlert]] = relationship(
        back_populates="message", order_by="OutageAlert.id"
    )


class OutageAlert(Base):
    """An outage told in one channel: unique per (outage, channel), the exactly-once claim."""

    __tablename__ = "outage_alerts"
    __table_args__ = (UniqueConstraint("outage_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outage_id: Mapped[int] = mapped_column(ForeignKey("outages.id", ondelete="CASCADE"))
    alert_message_id: Mapped[int] = mapped_column(
        ForeignKey("alert_messages.id", ondelete="CASCADE"), index=True
    )
    channel_id: Mapped[str] = mapped_column(String(32))
    # The recovery was claimed (a lease: a claim older than the watch's lease is taken again)...
    recovered_at: Mapped[datetime | None] = mapped_column()
    # ...and told: Slack accepted the thread reply saying it is back.
    recovery_told_at: Mapped[datetime | None] = mapped_column()

    outage: Mapped[Outage] = relationship()
    message: Mapped[AlertMessage] = relationship(back_populates="outages")


class DigestRun(Base):
    """One digest slot of one channel, claimed before posting: unique per (channel, slot)."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("channel_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    slot: Mapped[datetime] = mapped_column()  # the cron time it stands for, UTC
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    ts: Mapped[str | None] = mapped_column(String(32))
    posted_at: Mapped[datetime | None] = mapped_column()
    given_up_at: Mapped[datetime | None] = mapped_column()  # Slack can never take it: not retried


class Reminder(Base):
    """Staff were reminded of a request pending approval too long (once per request)."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), unique=True
    )
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    ts: Mapped[str | None] = mapped_column(String(32))


class LinkKind(enum.StrEnum):
    UPLOAD = "upload"  # a bill for the request, uploaded through a page
    CREDENTIALS = "credentials"  # a new SIP account's password, shown once


class OneTimeLink(Base):
    """A link that works once: only the token's SHA-256 is kept, and credentials are sealed
    with a key derived from the token itself (store.links), so this table alone reveals nothing."""

    __tablename__ = "one_time_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[LinkKind] = mapped_column(_enum(LinkKind))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)  # nonce + AES-GCM ciphertext
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()


class CallBack(Base):
    """A call-back that proves a claimed number: the platform rings it, the person keys a code.

    Only a keyed hash of the code is kept (handlers/callback/codes.py). `active_for` holds the
    request's id while the call is queued or ringing and NULL once it ended: at most one call per
    request at a time, whoever presses the button first.
    """

    __tablename__ = "callback_calls"
    __table_args__ = (
        Index("ix_callback_calls_number_created", "number", "created_at"),
        Index("ix_callback_calls_customer_created", "customer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(16))  # E.164, the number rung
    requested_by: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256, hex; never the code
    code_expires_at: Mapped[datetime] = mapped_column()
    state: Mapped[str] = mapped_column(String(16), default="queued")  # queued, calling, ended
    outcome: Mapped[str | None] = mapped_column(String(16))  # proven, wrong_code, busy, ...
    entries: Mapped[int] = mapped_column(Integer, default=0)  # codes keyed in on this call
    detail: Mapped[str | None] = mapped_column(String(200))  # e.g. the SIP status of a failure
    active_for: Mapped[int | None] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()
