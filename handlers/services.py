"""What a use case may call on: built once by `bot`, handed to every `register()`."""

from __future__ import annotations

from dataclasses import dataclass
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

    @cached_property
    def staff(self) -> StaffDirectory:
        """The one staff directory of this process (its cache is shared by every listener)."""
        return StaffDirectory(self.staff_usergroup, self.staff_channel)
