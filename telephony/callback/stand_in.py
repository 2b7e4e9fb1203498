"""A stand-in phone line for the built-in platform, which has no telephone network.

Whoever plays the far end (the demo, a test) says through Redis how the number answers:
`pick_up(number, "keys:123456")`, "silent", "hang-up", "busy", "reject". The call "rings" by
waiting for that script until the ring time runs out, so no script is no answer. It is never a
real call, and the demo declares it as a stand-in in its transcript.
"""

from __future__ import annotations

import time

import redis

from store.types import utcnow
from telephony.callback.port import CallOutcome, CallResult

_ANSWERED = {
    "silent": CallResult.NO_KEYS,
    "hang-up": CallResult.HUNG_UP,
}
_NOT_ANSWERED = {"busy": CallResult.BUSY, "reject": CallResult.REJECTED}


class StandInPhone:
    def __init__(
        self, client: redis.Redis, prefix: str, *, ring_seconds: float = 30.0, poll: float = 0.05
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self.ring_seconds = ring_seconds
        self._poll = poll

    def pick_up(self, number: str, script: str, *, within: float = 600.0) -> None:
        """Say how `number` answers its next call (kept `within` seconds)."""
        self._redis.set(self._key(number), script, ex=max(1, int(within)))

    def ringing(self, number: str) -> bool:
        """A call to `number` is ringing now (for whoever plays the far end)."""
        return bool(self._redis.exists(self._key(number) + ":ringing"))

    def call_with_code(self, number: str, code_length: int) -> CallOutcome:
        deadline = time.monotonic() + self.ring_seconds
        ringing = self._key(number) + ":ringing"
        self._redis.set(ringing, "1", ex=max(1, int(self.ring_seconds) + 1))
        try:
            while True:
                script = self._redis.getdel(self._key(number))
                if script is not None:
                    return _outcome(script.decode() if isinstance(script, bytes) else str(script))
                if time.monotonic() >= deadline:
                    return CallOutcome(CallResult.NO_ANSWER, detail="stand-in: rang out")
                time.sleep(self._poll)
        finally:
            self._redis.delete(ringing)

    def _key(self, number: str) -> str:
        return f"{self._prefix}callback:stand-in:{number}"


def _outcome(script: str) -> CallOutcome:
    kind, _, keys = script.partition(":")
    if kind == "keys":
        return CallOutcome(
            CallResult.KEYED, keys=keys, answered_at=utcnow(), detail="stand-in: keyed in"
        )
    if kind in _ANSWERED:
        return CallOutcome(_ANSWERED[kind], answered_at=utcnow(), detail=f"stand-in: {kind}")
    return CallOutcome(_NOT_ANSWERED.get(kind, CallResult.REJECTED), detail=f"stand-in: {kind}")
