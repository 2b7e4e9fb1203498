"""What the customer claims: this number is theirs, under this name, as of this day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

DEFAULT_RECENT_DAYS = 90


@dataclass(frozen=True)
class Claim:
    """The number to prove, the customer's legal name and how recent the bill must be.

    `region` is the ISO country used to read national spellings (IE, GB, ...); `as_of` is the
    day the bill is judged on (today when not given); a bill is recent when its issue date is
    at most `recent_days` before `as_of` and not after it.
    """

    number: str
    holder: str
    as_of: dt.date = field(default_factory=dt.date.today)
    region: str = "IE"
    recent_days: int = DEFAULT_RECENT_DAYS
