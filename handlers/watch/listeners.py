"""`/sip silence`, `/sip silences`, `/sip unsilence`, `/sip quiet`: ack, parse, check who asks,
hand on to the silencing flow. (The two-devices warning's button is handlers/new_sip's.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from handlers.registry import Registry
from handlers.services import Services
from handlers.staff_only import resolve_actor
from handlers.watch import silencing
from store.errors import UserFacingError
from store.types import utcnow

# Reading the staff group or channel tells staff (any account) from customers (their own).
READS_STAFF = ("usergroups:read", "channels:read", "groups:read", "users:read")
Answer = Callable[[Session, silencing.Asker, list[str]], str]


def register(registry: Registry, services: Services, *, staff_zone: str = "UTC") -> None:
    def command(answer: Answer) -> Callable[..., None]:
        def listener(
            ack: Ack,
            command: dict[str, Any],
            body: dict[str, Any],
            client: WebClient,
            context: BoltContext,
        ) -> None:
            words = (command.get("text") or "").split()[1:]
            actor = resolve_actor(services, client, context, body)
            try:
                if actor is None:
                    raise UserFacingError("I cannot tell who asked.")
                with services.db.session() as session:
                    who = silencing.asker(
                        session, actor.user_id, actor.is_staff, command["channel_id"],
                        staff_zone, services.staff_channel,
                        user_team=actor.team_id,
                    )  # fmt: skip
                    text = answer(session, who, words)
            except UserFacingError as error:
                text = f":warning: {error.message}"
            ack(text=text, response_type="ephemeral")

        return listener

    registry.subcommand(
        "/sip", "silence", command(lambda s, w, a: silencing.silence(s, w, a, utcnow())),
        scopes=READS_STAFF,
    )  # fmt: skip
    registry.subcommand(
        "/sip", "silences", command(lambda s, w, a: silencing.list_silences(s, w, utcnow())),
        scopes=READS_STAFF,
    )  # fmt: skip
    registry.subcommand(
        "/sip", "unsilence", command(lambda s, w, a: silencing.unsilence(s, w, a, utcnow())),
        scopes=READS_STAFF,
    )  # fmt: skip
    registry.subcommand("/sip", "quiet", command(silencing.set_quiet_hours), scopes=READS_STAFF)

    # The scheduler posts and edits alerts and uploads the staff digest's chart (the Notifier).
    registry.scopes.update(("chat:write", "files:write"))
