"""The App Home tab: staff see the requests waiting for them; anyone else their own requests."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from handlers.home.blocks import (
    REFRESH_ACTION,
    View,
    staff_home,
    unavailable_home,
    visitor_home,
)
from handlers.home.flow import desk, own_requests
from handlers.registry import Registry
from handlers.services import Services
from handlers.staff_only import acting_user, home_team_of
from store.db import DatabaseUnavailable


def register(registry: Registry, services: Services) -> None:
    def publish(client: WebClient, context: BoltContext, user_id: str, team_id: str | None) -> None:
        actor = services.staff.actor(client, user_id, team_id, home_team_of(context))
        try:
            view = _home(services, user_id, actor.is_staff)
        except DatabaseUnavailable as error:
            view = unavailable_home(error.message)
        client.views_publish(user_id=user_id, view=view)

    def home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab") == "home":
            # The event names no team of the user's (context.team_id is the app's workspace,
            # whoever opened the tab): the staff directory asks Slack.
            publish(client, context, event["user"], None)

    def refresh(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        # Who clicked is the signed envelope's user; nothing in the button's value counts.
        user_id, team_id = acting_user(body)
        if user_id is not None:
            publish(client, context, user_id, team_id)

    # Telling staff from visitors reads the staff group's or the staff channel's members.
    reads_staff = ("usergroups:read", "channels:read", "groups:read", "users:read")
    registry.event("app_home_opened", home_opened, scopes=reads_staff)
    registry.action(REFRESH_ACTION, refresh, scopes=reads_staff)


def _home(services: Services, user_id: str, is_staff: bool) -> View:
    with services.db.session() as session:
        if is_staff:
            return staff_home(desk(session))
        return visitor_home(own_requests(session, user_id))
