"""`/sip digest CRON|off`: when this channel's digest comes, on its customer's clock."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from handlers.digests.slots import OFF, check_cron, next_slot
from handlers.registry import Registry
from handlers.services import Services
from handlers.staff_only import resolve_actor
from handlers.watch.blocks import clock
from handlers.watch.silencing import asker, channel_link
from store.errors import UserFacingError
from store.models import ChannelLink
from store.types import utcnow

USAGE = (
    "Usage: `/sip digest CRON` (minute hour day month weekday, e.g. `/sip digest 0 9 * * 1-5` "
    "for weekdays at 09:00), `/sip digest default` or `/sip digest off`."
)


def register(registry: Registry, services: Services) -> None:
    def digest(
        ack: Ack, command: dict[str, Any], body: dict[str, Any], client: WebClient,
        context: BoltContext,
    ) -> None:  # fmt: skip
        words = (command.get("text") or "").split()[1:]
        actor = resolve_actor(services, client, context, body)
        try:
            if actor is None:
                raise UserFacingError("I cannot tell who asked.")
            with services.db.session() as session:
                who = asker(
                    session, actor.user_id, actor.is_staff, command["channel_id"], "UTC",
                    services.staff_channel,
                    user_team=actor.team_id,
                )  # fmt: skip
                text = set_digest(channel_link(session, who), " ".join(words), who.zone)
        except UserFacingError as error:
            text = f":warning: {error.message}"
        ack(text=text, response_type="ephemeral")

    registry.subcommand(
        "/sip", "digest", digest, scopes=("usergroups:read", "channels:read", "groups:read")
    )


def set_digest(link: ChannelLink, text: str, zone: str) -> str:
    """Store the channel's digest schedule and say what it means."""
    wanted = text.strip()
    if not wanted:
        raise UserFacingError(USAGE)
    if wanted.lower() == OFF:
        link.digest_cron = OFF
        return ":no_bell: No more digests in this channel. Turn them on with `/sip digest default`."
    if wanted.lower() == "default":
        link.digest_cron = None
        return ":calendar: This channel's digest follows the default schedule again."
    cron = check_cron(wanted)
    link.digest_cron = cron
    upcoming = next_slot(cron, zone, utcnow())
    when = f" The next one: {clock(upcoming, zone)}." if upcoming else ""
    return f":calendar: Digest at `{cron}` on {zone} time.{when}"
