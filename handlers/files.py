"""Where a job gets a file a person shared: a protocol, so jobs never hold a WebClient."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SharedFile:
    file_id: str
    name: str
    mimetype: str
    content: bytes


class FileSource(Protocol):
    def fetch(self, file_id: str) -> SharedFile:
        """The file's bytes, once its type and size are fit for a bill; raises
        UserFacingError with the sentence for the customer otherwise."""
        ...
