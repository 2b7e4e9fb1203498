"""What a use case may call on: built once by `bot`, handed to every `register()`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from functools import cached_property

import redis

from handlers.staff import StaffDirectory
from store.db import Database
from telephony import TelephonyPlatform
from telephony.callback import CallBackCaller


@dataclass(frozen=True)
class CallBackSetup:
    """The call-back proof (handlers/callback): who rings, from which number, within what limits."""

    caller: CallBackCaller
    calls_from: str  # E.164, the number the customer's phone shows
    countries: tuple[str, ...] = ()  # besides the customer's own
    daily: int = 10  # calls per customer per day (the customer's calendar day)
    applies: bool = False  # a proven number is applied at once, without staff
    key: bytes | None = None  # keys the codes' hashes; None: one kept in Redis
    quiet_hours: tuple[time, time] | None = (time(21, 0), time(8, 0))  # on the number's clock


@dataclass(frozen=True)
class Services:
    db: Database
    redis: redis.Redis
    redis_prefix: str
    telephony: TelephonyPlatform
    staff_channel: str | None = None
    staff_usergroup: str | None = None
    # A new password: "staff" approve it or "self" (applied at once); its Down held this long.
    password_reset: str = "staff"
    reset_grace: timedelta = timedelta(minutes=30)
    # One-time links (bill uploads, new credentials) start with this URL and live this long.
    public_url: str = "http://127.0.0.1:3000"
    link_ttl: timedelta = timedelta(hours=24)
    # Hosts besides Slack's own file hosts trusted with the bot token (the sandbox's, in tests).
    file_hosts: tuple[str, ...] = ()
    # None: no call-back line, so the bill is the only proof offered.
    callback: CallBackSetup | None = None

    @cached_property
    def staff(self) -> StaffDirectory:
        """The one staff directory of this process (its cache is shared by every listener)."""
        return StaffDirectory(self.staff_usergroup, self.staff_channel)
