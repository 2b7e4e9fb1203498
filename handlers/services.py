"""What a use case may call on: built once by `bot`, handed to every `register()`."""

from __future__ import annotations

from dataclasses import dataclass

import redis

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
