"""Registrar push: an event from the registrar (a contact expired, a phone de-registered or
registered) is a hint to look now. It never marks an account Down by itself: the debounce
starts at the event and the next poll confirms with the registrar's own answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis
from sqlalchemy import select, update

from store.claims import won
from store.db import Database
from store.errors import UserFacingError
from store.keys import watch_poll_key
from store.models import AccountStatus, SipAccount

EVENTS = ("expired", "deregistered", "registered")
_AOR = re.compile(r"(?:sips?:)?([A-Za-z0-9._~-]{1,64})(?:@[A-Za-z0-9.:\[\]-]{1,255})?")


@dataclass(frozen=True)
class RegistrarEvent:
    event: str
    username: str

    @classmethod
    def parse(cls, body: Any) -> RegistrarEvent:
        """From `{"event": "expired", "aor": "sip:user@domain"}` (or `"username"`)."""
        if not isinstance(body, dict):
            raise UserFacingError("The body must be a JSON object.")
        event = body.get("event")
        if event not in EVENTS:
            raise UserFacingError(f"event must be one of {', '.join(EVENTS)}.")
        who = body.get("username") or body.get("aor")
        match = _AOR.fullmatch(who) if isinstance(who, str) else None
        if match is None:
            raise UserFacingError("aor (sip:user@domain) or username is missing or malformed.")
        return cls(str(event), match[1])


def record_push(
    db: Database, redis_client: redis.Redis, prefix: str, event: RegistrarEvent, now: datetime
) -> bool:
    """Start the debounce at the event (if none runs yet) and ask the scheduler to poll now.

    Returns whether the account is ours."""
    with db.session() as session:
        account_id = session.scalar(
            select(SipAccount.id).where(SipAccount.username == event.username)
        )
        if account_id is None:
            return False
        if event.event != "registered":
            won(
                session,
                update(SipAccount)
                .where(
                    SipAccount.id == account_id,
                    SipAccount.unregistered_since.is_(None),
                    SipAccount.status != AccountStatus.DOWN,
                )
                .values(unregistered_since=now),
            )
    redis_client.set(watch_poll_key(prefix), "1", ex=300)
    return True
