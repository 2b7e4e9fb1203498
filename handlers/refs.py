"""Routing data of buttons and modals (stand-in until foundations land)."""

from __future__ import annotations

from dataclasses import dataclass

from store.errors import UserFacingError


@dataclass(frozen=True)
class RequestRef:
    id: int
    version: int

    def encode(self) -> str:
        return f"r{self.id}v{self.version}"

    @staticmethod
    def decode(text: str) -> RequestRef:
        head, _, version = text.removeprefix("r").partition("v")
        if not head.isdigit() or not version.isdigit():
            raise UserFacingError("That button is not one of ours.")
        return RequestRef(int(head), int(version))
