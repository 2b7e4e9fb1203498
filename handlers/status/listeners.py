"""`/sip status [SIP_ACCOUNT]` (and `@sipdesk sip status` through the mention router): acked at
once; the accounts are read and the answer goes to the asker alone through `respond`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from handlers.asker import asker_for
from handlers.registry import Registry
from handlers.services import Services
from handlers.status.blocks import status_blocks, status_text
from handlers.status.flow import status_of_channel
from store.errors import UserFacingError

WORD = "status"


def register(registry: Registry, services: Services) -> None:
    def sip_status(
        ack: Ack, command: dict[str, Any], respond: Any, client: WebClient, context: BoltContext
    ) -> None:
        ack()  # nothing before this: the answer below reads the database
        channel = str(command.get("channel_id") or "")
        text = str(command.get("text") or "")
        name = text.strip()[len(WORD) :] if text.strip().lower().startswith(WORD) else ""
        try:
            asker = asker_for(
                services,
                client,
                context,
                str(command.get("user_id") or ""),
                command.get("team_id"),
                channel,
            )
            with services.db.session() as session:
                report = status_of_channel(
                    session, channel, name, user_team=asker.team_id, is_staff=asker.is_staff
                )
        except UserFacingError as refused:
            respond(text=f":information_source: {refused.message}", response_type="ephemeral")
            return
        respond(text=status_text(report), blocks=status_blocks(report), response_type="ephemeral")

    registry.subcommand("/sip", WORD, sip_status)
