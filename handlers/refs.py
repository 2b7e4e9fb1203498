"""Routing data that rides in a button's `value` or a modal's `private_metadata`: which request,
at which version (so any replica can handle the click and a stale card cannot decide), or which
channel a modal asks for.

Everything the app puts there is sealed: `payload.mac`, an HMAC-SHA256 under a key of sipdesk's
own (SIPDESK_SEAL_KEY, else derived from the signing secret; bot/runtime.py sets it). Slack
hands these back as the app set them, but a forged or replayed-elsewhere payload must not be
taken on trust: `unseal` refuses anything the app did not write. New buttons and modals use
`seal`/`unseal` (or `RequestRef`/`ChannelRef`, which call them)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from store.errors import UserFacingError

_FORM = re.compile(r"r(\d{1,12})v(\d{1,9})")
_CHANNEL = re.compile(r"c([CDG][A-Z0-9]{2,30})")
_MAC_CHARS = 22  # 128 bits of the HMAC, base64url
_SEAL_LABEL = b"sipdesk routing seal v1"


class _Key:
    # Until the runtime sets one: a key of this process alone, so nothing unsealed ever passes.
    value: bytes = secrets.token_bytes(32)


def use_seal_key(secret: bytes) -> None:
    """The process's sealing key, derived from `secret` (every replica and worker: the same)."""
    _Key.value = hmac.new(secret, _SEAL_LABEL, hashlib.sha256).digest()


class Unsealed(UserFacingError):
    def __init__(self) -> None:
        super().__init__("That button no longer points at a request I know.")


def _mac(payload: str) -> str:
    digest = hmac.new(_Key.value, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:_MAC_CHARS]


def seal(payload: str) -> str:
    """`payload` with its seal, for a button value or a modal's private_metadata."""
    return f"{payload}.{_mac(payload)}"


def unseal(value: object) -> str:
    """The payload `seal` sealed; `Unsealed` (a sentence) for anything else."""
    if not isinstance(value, str) or len(value) > 3000:
        raise Unsealed()
    payload, dot, mac = value.rpartition(".")
    if not dot or not hmac.compare_digest(mac.encode(), _mac(payload).encode()):
        raise Unsealed()
    return payload


@dataclass(frozen=True)
class RequestRef:
    id: int
    version: int

    def encode(self) -> str:
        return seal(f"r{self.id}v{self.version}")

    @classmethod
    def decode(cls, value: object) -> RequestRef:
        match = _FORM.fullmatch(unseal(value))
        if match is None:
            raise Unsealed()
        return cls(int(match[1]), int(match[2]))


@dataclass(frozen=True)
class ChannelRef:
    """The channel a modal asks for: its submission is taken for that channel only."""

    channel_id: str

    def encode(self) -> str:
        return seal(f"c{self.channel_id}")

    @classmethod
    def decode(cls, value: object) -> ChannelRef:
        try:
            match = _CHANNEL.fullmatch(unseal(value))
        except Unsealed:
            match = None
        if match is None:
            raise UserFacingError("That form no longer points at a channel I know.")
        return cls(match[1])
