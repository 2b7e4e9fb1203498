"""Onboarding in Slack: ack, read what Slack says of the channel, hand on to the flow.

The bot added to an unlinked channel puts a card in the staff channel (customer picker, *Link*);
`/sip link CUSTOMER_REF` links the channel it is typed in; `/sip unlink` asks first; `/sip whois`
answers anyone in the channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from handlers.actor import Actor
from handlers.notifiers import slack_notifier
from handlers.onboarding import blocks, flow
from handlers.onboarding.slack_facts import channel_facts, home_team
from handlers.refs import ChannelRef
from handlers.registry import Registry
from handlers.services import Services
from store.errors import UserFacingError

# Reading a channel (public or private) and the external workspace's name.
READS_CHANNELS = ("channels:read", "groups:read", "team:read")
LINK_USAGE = (
    "Usage: `/sip link CUSTOMER_REF` in the customer's channel, e.g. `/sip link GLOBEX-001`."
)


def register(registry: Registry, services: Services) -> None:
    def bot_added(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if not event.get("user") or event.get("user") != context.bot_user_id:
            return  # a person joining is none of onboarding's business
        facts = channel_facts(client, str(event["channel"]), home_team(context))
        flow.offer(services, slack_notifier(services, client), facts)

    def customer_choices(ack: Ack, payload: dict[str, Any]) -> None:
        ack(options=flow.customers_matching(services, str(payload.get("value") or "")))

    def customer_picked(ack: Ack, action: dict[str, Any]) -> None:
        ack()  # the choice stays in the card's state until Link is pressed; here it is checked
        picked = (action.get("selected_option") or {}).get("value") or action.get("value")
        flow.check_customer(services, str(picked or ""))

    def link_pressed(
        ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, actor: Actor
    ) -> None:
        ack()
        channel = ChannelRef.decode(body["actions"][0].get("value")).channel_id
        chosen = (
            body.get("state", {}).get("values", {}).get(blocks.PICKER_BLOCK, {})
            .get(blocks.PICK_CUSTOMER, {}).get("selected_option") or {}
        )  # fmt: skip
        if not chosen.get("value"):
            raise UserFacingError("Pick a customer in the menu first, then press Link.")
        notifier = slack_notifier(services, client)
        facts = channel_facts(client, channel, home_team(context))
        done = flow.link(services, notifier, facts, str(chosen["value"]), actor.user_id)
        card = body.get("container") or {}
        if card.get("channel_id") and card.get("message_ts"):
            notifier.update(
                str(card["channel_id"]), str(card["message_ts"]), done,
                flow.linked_record(facts, done, actor.user_id),
            )  # fmt: skip

    def link_command(
        ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext,
        actor: Actor, respond: Any,
    ) -> None:  # fmt: skip
        ack()
        words = str(command.get("text") or "").split()[1:]
        if len(words) != 1:
            raise UserFacingError(LINK_USAGE)
        facts = channel_facts(client, str(command["channel_id"]), home_team(context))
        done = flow.link(services, slack_notifier(services, client), facts, words[0], actor.user_id)
        respond(text=f":link: {done}", response_type="ephemeral")

    def unlink_command(ack: Ack, command: dict[str, Any], respond: Any) -> None:
        ack()
        channel = str(command["channel_id"])
        name = flow.linked_customer_name(services, channel)
        respond(
            text=f"Unlink this channel from {name}?",
            blocks=blocks.unlink_question(channel, name),
            response_type="ephemeral",
        )

    def unlink_confirmed(ack: Ack, body: dict[str, Any], actor: Actor, respond: Any) -> None:
        ack()
        channel = ChannelRef.decode(body["actions"][0].get("value")).channel_id
        done = flow.unlink(services, channel, actor.user_id)
        respond(text=f":broken_chain: {done}", replace_original=True)

    def unlink_cancelled(ack: Ack, respond: Any) -> None:
        ack()
        respond(text="The channel stays linked.", replace_original=True)

    def whois_command(ack: Ack, command: dict[str, Any]) -> None:
        ack(text=flow.whois(services, str(command["channel_id"])), response_type="ephemeral")

    registry.event("member_joined_channel", bot_added, scopes=(*READS_CHANNELS, "chat:write"))
    registry.options_for(blocks.PICK_CUSTOMER, customer_choices, staff_only=True)
    registry.action(blocks.PICK_CUSTOMER, customer_picked, staff_only=True)
    registry.action(blocks.LINK, link_pressed, scopes=READS_CHANNELS, staff_only=True)
    registry.subcommand("/sip", "link", link_command, scopes=READS_CHANNELS, staff_only=True)
    registry.subcommand("/sip", "unlink", unlink_command, staff_only=True)
    registry.action(blocks.CONFIRM_UNLINK, unlink_confirmed, staff_only=True)
    registry.action(blocks.KEEP_LINK, unlink_cancelled, staff_only=True)
    registry.subcommand("/sip", "whois", whois_command)
