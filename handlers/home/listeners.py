"""The App Home tab: staff see what waits for them; anyone else sees how to ask."""

from __future__ import annotations

from collections import Counter
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy import func, select

from handlers.home.blocks import (
    REFRESH_ACTION,
    View,
    staff_home,
    unavailable_home,
    visitor_home,
)
from handlers.registry import Registry
from handlers.services import Services
from store.db import DatabaseUnavailable
from store.models import ChannelLink, Customer, Request, RequestState
from store.requests import OPEN


def register(registry: Registry, services: Services) -> None:
    def publish(client: WebClient, context: BoltContext, user_id: str, team_id: str | None) -> None:
        home_team = context.authorize_result.team_id if context.authorize_result else None
        actor = services.staff.actor(client, user_id, team_id, home_team)
        try:
            view = _home_for_staff(services) if actor.is_staff else visitor_home()
        except DatabaseUnavailable as error:
            view = unavailable_home(error.message)
        client.views_publish(user_id=user_id, view=view)

    def home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab") == "home":
            publish(client, context, event["user"], context.team_id)

    def refresh(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        publish(client, context, body["user"]["id"], body["user"].get("team_id"))

    # Telling staff from visitors reads the staff group's or the staff channel's members.
    reads_staff = ("usergroups:read", "channels:read", "groups:read")
    registry.event("app_home_opened", home_opened, scopes=reads_staff)
    registry.action(REFRESH_ACTION, refresh, scopes=reads_staff)


def _home_for_staff(services: Services) -> View:
    with services.db.session() as session:
        rows = session.execute(
            select(Request.state, func.count())
            .where(Request.state.in_(OPEN))
            .group_by(Request.state)
        ).all()
        customers = session.scalar(select(func.count()).select_from(Customer)) or 0
        channels = session.scalar(select(func.count()).select_from(ChannelLink)) or 0
    counts = Counter({state.value: int(n) for state, n in rows})
    ordered = {s.value: counts[s.value] for s in RequestState if s in OPEN}
    return staff_home(ordered, customers, channels)
