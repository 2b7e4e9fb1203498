"""One-time links: a bill upload page or a new SIP account's credentials, each usable once.

The token exists only in the URL handed to the person: the table keeps its SHA-256 (to find the
link) and, for credentials, the password sealed with AES-GCM under a key derived from the token
by HKDF. A copy of the database alone therefore opens no link and reveals no password. Using a
link is one compare-and-set UPDATE (`used_at IS NULL AND expires_at > now`), so two visits racing
each other get one success and one "already used"; viewing credentials wipes the sealed copy.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store.errors import UserFacingError
from store.models import LinkKind, OneTimeLink, Request, SipAccount
from store.types import utcnow

DEFAULT_TTL = timedelta(hours=24)
_TOKEN_BYTES = 32
# token_urlsafe(32) is 43 characters of the URL-safe base64 alphabet.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
_NONCE_BYTES = 12
_KEY_INFO = b"sipdesk one-time credentials v1"


@dataclass(frozen=True)
class Credentials:
    """What a phone needs to register a new SIP account."""

    domain: str
    username: str
    password: str


@dataclass(frozen=True)
class OpenLink:
    """A link that may still be used: what a page needs to know about it."""

    id: int
    request_id: int
    kind: LinkKind
    expires_at: datetime


class LinkRefused(UserFacingError):
    """The link cannot be used: unknown (forged), expired or already used."""

    def __init__(self, reason: str, message: str, used_at: datetime | None = None) -> None:
        super().__init__(message)
        self.reason = reason  # "unknown", "expired", "used"
        self.used_at = used_at


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def well_formed(token: str) -> bool:
    """A token of the shape we hand out; anything else needs no database look-up."""
    return _TOKEN_SHAPE.fullmatch(token) is not None


def issue(
    session: Session,
    request_id: int,
    kind: LinkKind,
    *,
    ttl: timedelta = DEFAULT_TTL,
    credentials: Credentials | None = None,
    now: datetime | None = None,
) -> str:
    """A new link for the request; returns its token (shown once, never stored)."""
    if (kind is LinkKind.CREDENTIALS) != (credentials is not None):
        raise ValueError("credentials links, and only they, carry credentials")
    if ttl <= timedelta(0):
        raise ValueError("a link needs a positive lifetime")
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    hashed = token_hash(token)
    created = now or utcnow()
    session.add(
        OneTimeLink(
            token_hash=hashed,
            request_id=request_id,
            kind=kind,
            sealed=None if credentials is None else _seal(token, hashed, credentials),
            created_at=created,
            expires_at=created + ttl,
        )
    )
    session.flush()
    return token


def open_link(
    session: Session, token: str, kind: LinkKind, *, now: datetime | None = None
) -> OpenLink:
    """The link behind `token` if it may still be used; else `LinkRefused` saying why."""
    link = _find(session, token, kind)
    if link.used_at is not None:
        raise _used(kind, link.used_at, _username_of(session, link.request_id))
    if link.expires_at <= (now or utcnow()):
        raise _expired(kind, _username_of(session, link.request_id))
    return OpenLink(link.id, link.request_id, kind, link.expires_at)


def claim(session: Session, link: OpenLink, *, now: datetime | None = None) -> datetime:
    """Mark the link used, if nobody did first and it has not expired; returns when.

    The sealed credentials are wiped in the same UPDATE.
    """
    at = now or utcnow()
    result = session.execute(
        update(OneTimeLink)
        .where(
            OneTimeLink.id == link.id,
            OneTimeLink.used_at.is_(None),
            OneTimeLink.expires_at > at,
        )
        .values(used_at=at, sealed=None)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        row = session.execute(
            select(OneTimeLink.used_at).where(OneTimeLink.id == link.id)
        ).scalar_one()
        if row is not None:
            raise _used(link.kind, row, _username_of(session, link.request_id))
        raise _expired(link.kind, _username_of(session, link.request_id))
    return at


def release(session: Session, link: OpenLink) -> None:
    """Give an upload link back after the upload it was claimed for failed to be stored."""
    if link.kind is not LinkKind.UPLOAD:
        raise ValueError("a credentials link, once viewed, stays viewed")
    session.execute(
        update(OneTimeLink)
        .where(OneTimeLink.id == link.id)
        .values(used_at=None)
        .execution_options(synchronize_session=False)
    )


def reveal(session: Session, token: str, *, now: datetime | None = None) -> Credentials:
    """The credentials behind `token`, exactly once: the sealed copy is wiped as they are read."""
    link = open_link(session, token, LinkKind.CREDENTIALS, now=now)
    sealed = session.execute(
        select(OneTimeLink.sealed).where(OneTimeLink.id == link.id)
    ).scalar_one()
    if sealed is None:
        raise _expired(LinkKind.CREDENTIALS, _username_of(session, link.request_id))
    credentials = _unseal(token, token_hash(token), sealed)
    claim(session, link, now=now)
    return credentials


def revoke_unviewed(
    session: Session, request_id: int, kind: LinkKind, *, now: datetime | None = None
) -> int:
    """End the request's links of `kind` not used yet (a newer one replaces them); how many.

    Their sealed credentials are wiped: the password they held is no longer the account's.
    """
    at = now or utcnow()
    result = session.execute(
        update(OneTimeLink)
        .where(
            OneTimeLink.request_id == request_id,
            OneTimeLink.kind == kind,
            OneTimeLink.used_at.is_(None),
            OneTimeLink.expires_at > at,
        )
        .values(expires_at=at, sealed=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


def wipe_expired(session: Session, *, now: datetime | None = None) -> int:
    """Drop the sealed credentials of links that expired unviewed; returns how many."""
    result = session.execute(
        update(OneTimeLink)
        .where(OneTimeLink.expires_at <= (now or utcnow()), OneTimeLink.sealed.is_not(None))
        .values(sealed=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


def _find(session: Session, token: str, kind: LinkKind) -> OneTimeLink:
    if not well_formed(token):
        raise _unknown()
    link = session.scalar(
        select(OneTimeLink).where(
            OneTimeLink.token_hash == token_hash(token), OneTimeLink.kind == kind
        )
    )
    if link is None:
        raise _unknown()
    return link


def _key(token: str) -> bytes:
    # HKDF keeps the key independent of the stored SHA-256: knowing the hash gives no key.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_INFO).derive(
        token.encode("ascii")
    )


def _seal(token: str, hashed: str, credentials: Credentials) -> bytes:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    plain = json.dumps(
        {
            "domain": credentials.domain,
            "username": credentials.username,
            "password": credentials.password,
        }
    ).encode()
    return nonce + AESGCM(_key(token)).encrypt(nonce, plain, hashed.encode())


def _unseal(token: str, hashed: str, sealed: bytes) -> Credentials:
    nonce, box = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
    try:
        plain = AESGCM(_key(token)).decrypt(nonce, box, hashed.encode())
    except InvalidTag:
        raise _unknown() from None
    data = json.loads(plain)
    return Credentials(domain=data["domain"], username=data["username"], password=data["password"])


def when(at: datetime) -> str:
    """A moment as the pages say it: "1 December 2026 at 18:20 UTC"."""
    return f"{at.day} {at:%B %Y} at {at:%H:%M} UTC"


def _unknown() -> LinkRefused:
    return LinkRefused(
        "unknown",
        "This link is not valid. Check that you copied all of it, or ask for a new one "
        "in your Slack channel.",
    )


def _username_of(session: Session, request_id: int) -> str | None:
    """The SIP account a credentials link was for: the one reset, or the one created."""
    request = session.get(Request, request_id)
    if request is None:
        return None
    if request.sip_account_id is not None:
        account = session.get(SipAccount, request.sip_account_id)
        if account is not None:
            return account.username
    username = (request.details or {}).get("username")
    return str(username) if username else None


def _ask_again(username: str | None) -> str:
    """The real command that asks for a new password, with the account when it is known."""
    name = username or "SIP_ACCOUNT"
    return (
        f"ask for a new password in your Slack channel: /sip password {name} "
        f"(or @sipdesk sip password {name})"
    )


def _expired(kind: LinkKind, username: str | None = None) -> LinkRefused:
    if kind is LinkKind.UPLOAD:
        return LinkRefused(
            "expired",
            "This upload link has expired. Ask for a new one in your Slack channel, "
            "or share the bill in the request's thread.",
        )
    return LinkRefused(
        "expired",
        "This link has expired and the password it held was deleted. "
        f"To get another password, {_ask_again(username)}.",
    )


def _used(kind: LinkKind, used_at: datetime, username: str | None = None) -> LinkRefused:
    if kind is LinkKind.UPLOAD:
        return LinkRefused(
            "used",
            f"This link was already used to upload a bill on {when(used_at)}. "
            "Each link works once: to send another bill, share it in the request's thread.",
            used_at,
        )
    return LinkRefused(
        "used",
        f"These credentials were already viewed on {when(used_at)}, and they are shown only "
        f"once. If that was not you, {_ask_again(username)} at once: the password you did "
        "not see stops working the moment a new one is set. Our support team can also do it "
        "for you.",
        used_at,
    )
