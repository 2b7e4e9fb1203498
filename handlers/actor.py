"""Who is acting: a typed view of the Slack user behind a request, resolved once per request.

Staff are the members of the staff user group (SIPDESK_STAFF_USERGROUP); without one configured,
members of our own workspace who are not strangers count as staff. External users of a Slack
Connect channel are never staff.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

_CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class Actor:
    user_id: str
    team_id: str | None
    is_staff: bool
    is_external: bool


class StaffDirectory:
    """Membership of the staff user group, cached briefly (Slack rate-limits usergroups.*)."""

    def __init__(self, usergroup: str | None) -> None:
        self._usergroup = usergroup
        self._members: frozenset[str] = frozenset()
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def actor(
        self, client: WebClient, user_id: str, team_id: str | None, home_team: str | None
    ) -> Actor:
        """`home_team` is the workspace the bot is installed in; anyone else is external."""
        external = home_team is not None and team_id not in (None, home_team)
        if external:
            return Actor(user_id, team_id, is_staff=False, is_external=True)
        if self._usergroup is None:
            return Actor(user_id, team_id, is_staff=True, is_external=False)
        staff = user_id in self._staff(client, self._usergroup)
        return Actor(user_id, team_id, is_staff=staff, is_external=False)

    def _staff(self, client: WebClient, usergroup: str) -> frozenset[str]:
        with self._lock:
            if time.monotonic() - self._fetched_at > _CACHE_SECONDS:
                response: Any = client.usergroups_users_list(usergroup=usergroup)
                self._members = frozenset(response.get("users", []))
                self._fetched_at = time.monotonic()
            return self._members
