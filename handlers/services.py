"""What a use case may call on: built once by `bot`, handed to every `register()`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

import redis

from handlers.staff import StaffDirectory
from store.db import Database
from telephony import TelephonyPlatform


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

    @cached_property
    def staff(self) -> StaffDirectory:
        """The one staff directory of this process (its cache is shared by every listener)."""
        return StaffDirectory(self.staff_usergroup, self.staff_channel)
