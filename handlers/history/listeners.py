"""`/sip history ACCOUNT [N]`: acked at once; the history goes to the asker alone. Customers
read their own accounts in their channel; staff any customer's in the staff channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from handlers.history.blocks import history_blocks, history_text
from handlers.history.flow import history_for_staff, history_in_channel
from handlers.registry import Registry
from handlers.services import Services
from handlers.staff_only import REFUSAL, resolve_actor
from store.errors import UserFacingError

WORD = "history"
READS_STAFF = ("usergroups:read", "channels:read", "groups:read")


def register(registry: Registry, services: Services) -> None:
    def sip_history(
        ack: Ack,
        command: dict[str, Any],
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Any,
    ) -> None:
        ack()  # the history is read after the answer to Slack has left
        channel = str(command.get("channel_id") or "")
        text = str(command.get("text") or "").strip()
        asked = text[len(WORD) :] if text.lower().startswith(WORD) else ""
        in_staff_channel = services.staff_channel is not None and channel == services.staff_channel
        try:
            if in_staff_channel:
                actor = resolve_actor(services, client, context, body)
                if actor is None or not actor.is_staff:
                    raise UserFacingError(REFUSAL)
            with services.db.session() as session:
                if in_staff_channel:
                    history = history_for_staff(session, asked)
                else:
                    history = history_in_channel(session, channel, asked)
        except UserFacingError as refused:
            respond(text=f":information_source: {refused.message}", response_type="ephemeral")
            return
        respond(
            text=history_text(history), blocks=history_blocks(history), response_type="ephemeral"
        )

    registry.subcommand("/sip", WORD, sip_history, scopes=READS_STAFF)
