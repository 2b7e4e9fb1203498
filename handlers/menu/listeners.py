"""`/sip menu`: staff post (or re-post) the buttons in a customer channel; SIP status opens here."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from handlers.ask_menu import SIP_STATUS, menu_blocks
from handlers.asker import asker_for, customer_here
from handlers.menu.blocks import status_modal
from handlers.notifiers import slack_notifier
from handlers.registry import Registry
from handlers.services import Services
from store.account_status import account_statuses


def register(registry: Registry, services: Services) -> None:
    def menu(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        channel = str(command["channel_id"])
        asker = asker_for(
            services,
            client,
            context,
            str(command["user_id"]),
            command.get("team_id"),
            channel,
        )
        with services.db.session() as session:
            customer_here(session, asker)  # only a customer's channel gets the menu
        slack_notifier(services, client).post(
            channel, "What can sipdesk do for you?", menu_blocks()
        )

    def status(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        channel = str((body.get("channel") or {}).get("id") or "")
        user = body["user"]
        asker = asker_for(services, client, context, user["id"], user.get("team_id"), channel)
        with services.db.session() as session:
            customer = customer_here(session, asker)
            lines = account_statuses(session, customer)  # as `/sip status` reads it
            name = customer.name
        client.views_open(trigger_id=body["trigger_id"], view=status_modal(name, lines))

    registry.subcommand("/sip", "menu", menu, staff_only=True)
    registry.action(SIP_STATUS, status)
