"""What Slack says of a channel, read for onboarding: its name, and the external workspace that
shares it (Slack Connect)."""

from __future__ import annotations

import logging

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.onboarding.flow import ChannelFacts
from store.errors import UserFacingError

log = logging.getLogger(__name__)


def home_team(context: BoltContext) -> str | None:
    """The workspace sipdesk is installed in."""
    return context.authorize_result.team_id if context.authorize_result else context.team_id


def channel_facts(client: WebClient, channel_id: str, home: str | None) -> ChannelFacts:
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as error:
        reason = error.response.get("error", "unknown error")
        raise UserFacingError(
            f"I cannot read this channel's details from Slack ({reason}). Add sipdesk to the "
            "channel, or try again in a minute."
        ) from None
    shared = bool(channel.get("is_ext_shared"))
    others = [t for t in channel.get("connected_team_ids") or [] if t != home]
    external = others[0] if shared and others else None
    return ChannelFacts(
        channel_id=channel_id,
        name=str(channel.get("name") or channel_id),
        shared=shared,
        external_team_id=external,
        external_team_name=_team_name(client, external) if external else None,
    )


def _team_name(client: WebClient, team_id: str) -> str | None:
    try:
        return str(client.team_info(team=team_id)["team"]["name"])
    except (SlackApiError, KeyError, TypeError):
        log.info("Slack did not name the external workspace %s", team_id)
        return None
