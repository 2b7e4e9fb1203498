"""Who is staff, denied unless proven.

Staff are the members of the staff user group (SIPDESK_STAFF_USERGROUP) or, when none is set, of
the private staff channel (SIPDESK_STAFF_CHANNEL). A user of another workspace, a user whose team
cannot be told, and everyone when neither is configured, are not staff.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from handlers.actor import Actor

log = logging.getLogger(__name__)

CACHE_SECONDS = 60.0
_MAX_TEAMS_CACHED = 10_000
_MAX_PAGES = 50  # 10,000 members: far more than any support team


class StaffDirectory:
    """Membership of the staff group or channel, fetched from Slack and cached briefly."""

    def __init__(
        self,
        usergroup: str | None,
        staff_channel: str | None,
        *,
        cache_seconds: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._usergroup = usergroup
        self._channel = staff_channel
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._members: frozenset[str] | None = None
        self._fetched_at = 0.0
        self._refreshing = False
        self._teams: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def actor(
        self, client: WebClient, user_id: str, team_id: str | None, home_team: str | None
    ) -> Actor:
        """`home_team` is the workspace the bot is installed in; anyone else is external.

        `team_id` is the user's own team as Slack's payload gives it; without one (the Home tab's
        event carries none) Slack is asked who the user is, and an unknown team is external."""
        if team_id is None:
            team_id = self.team_of(client, user_id)
        known_team = team_id is not None and home_team is not None
        external = known_team and team_id != home_team
        if not known_team or external:
            return Actor(user_id, team_id, is_staff=False, is_external=external)
        return Actor(user_id, team_id, is_staff=user_id in self.members(client), is_external=False)

    def team_of(self, client: WebClient, user_id: str) -> str | None:
        """The user's own team, from Slack (`users.info`); None when Slack cannot say."""
        with self._lock:
            known = self._teams.get(user_id)
        if known is not None and self._clock() - known[1] < self._cache_seconds:
            return known[0]
        try:
            answer: Any = client.users_info(user=user_id)
        except Exception:
            log.warning("cannot ask Slack which team a user is in; they count as external")
            return None
        team = (answer.get("user") or {}).get("team_id")
        if not isinstance(team, str) or not team:
            return None
        with self._lock:
            if len(self._teams) >= _MAX_TEAMS_CACHED:
                self._teams.clear()
            self._teams[user_id] = (team, self._clock())
        return team

    def members(self, client: WebClient) -> frozenset[str]:
        """The staff's user ids; empty when unknown (Slack down, nothing configured)."""
        with self._lock:
            cached, fetched_at = self._members, self._fetched_at
            if cached is not None and self._clock() - fetched_at < self._cache_seconds:
                return cached
            # One click refreshes an expired list; the clicks meanwhile keep the list it
            # replaces (a Slack call's age older) rather than each asking Slack before its ack.
            if cached is not None and self._refreshing:
                return cached
            self._refreshing = True
        # The Slack call runs without the lock: one slow answer must not queue every click.
        try:
            fresh = self._fetch(client)
        except Exception:
            log.warning("cannot read the staff list from Slack; nobody counts as staff for now")
            with self._lock:
                self._refreshing = False
            return cached if cached is not None else frozenset()
        with self._lock:
            self._members, self._fetched_at = fresh, self._clock()
            self._refreshing = False
        return fresh

    def _fetch(self, client: WebClient) -> frozenset[str]:
        if self._usergroup:
            answer: Any = client.usergroups_users_list(usergroup=self._usergroup)
            return frozenset(answer.get("users") or [])
        if self._channel:
            return frozenset(self._channel_members(client, self._channel))
        return frozenset()

    @staticmethod
    def _channel_members(client: WebClient, channel: str) -> list[str]:
        members: list[str] = []
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            answer: Any = client.conversations_members(channel=channel, cursor=cursor, limit=200)
            members.extend(answer.get("members") or [])
            cursor = (answer.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        return members
