"""Who is acting: a typed view of the Slack user behind a request."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: str
    team_id: str | None
    is_staff: bool
    is_external: bool
