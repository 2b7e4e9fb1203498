"""The port every call-back caller implements, and what a call comes to."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


class CallResult(enum.StrEnum):
    KEYED = "keyed"  # answered, and a full code was keyed in
    NO_KEYS = (
        "no_keys"  # answered, but nothing (or too little) was keyed in before the time ran out
    )
    HUNG_UP = "hung_up"  # answered, then hung up before the code was complete
    NO_ANSWER = "no_answer"  # rang until the ring time ran out
    BUSY = "busy"  # 486 / 600
    REJECTED = "rejected"  # 603 and the other refusals of the far end
    FAILED = "failed"  # the call could not be placed (the caller or the platform is away)


@dataclass(frozen=True)
class CallOutcome:
    """What happened on one call. `keys` are the digits keyed in, in order (RFC 4733 events or
    SIP INFO): the caller never sees the code, so it can never log or keep it; the handlers
    compare `keys` against the code's keyed hash."""

    result: CallResult
    keys: str = field(default="", repr=False)
    answered_at: datetime | None = None
    detail: str = ""  # the SIP status or the reason, for the audit trail


class CallBackCaller(Protocol):
    """Rings numbers and collects the keys pressed by whoever answers."""

    ring_seconds: float

    def call_with_code(self, number: str, code_length: int) -> CallOutcome:
        """Call `number` (E.164), play the prompt once answered, and collect `code_length`
        keys (or fewer, when the far end hangs up or stops keying in).

        Blocks for the length of the call: at most the ring time plus the time to key in.
        Never raises for what the far end does; an unreachable caller is `FAILED`.
        """
        ...
