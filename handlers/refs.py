"""Routing data that rides in a button's `value` or a modal's `private_metadata`: which request,
at which version, so any replica can handle the click and a stale card cannot decide."""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.errors import UserFacingError

_FORM = re.compile(r"r(\d{1,12})v(\d{1,9})")


@dataclass(frozen=True)
class RequestRef:
    id: int
    version: int

    def encode(self) -> str:
        return f"r{self.id}v{self.version}"

    @classmethod
    def decode(cls, value: object) -> RequestRef:
        match = _FORM.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            raise UserFacingError("That button no longer points at a request I know.")
        return cls(int(match[1]), int(match[2]))
