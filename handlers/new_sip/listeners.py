"""`/sip new LABEL`, its modal (from the menu and the watch's two-devices warning), and the
customer's Accept of the cost."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from handlers.ask_menu import NEW_SIP_ACCOUNT, SECOND_DEVICE_NEW_SIP
from handlers.asker import Asker
from handlers.new_sip import blocks
from handlers.new_sip.flow import accept_cost, ask_new_sip
from handlers.notifiers import slack_notifier
from handlers.refs import RequestRef
from handlers.registry import Registry
from handlers.services import Services
from store.errors import UserFacingError


def register(registry: Registry, services: Services) -> None:
    def new(ack: Ack, command: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        label = " ".join(str(command.get("text") or "").split()[1:])
        channel = str(command["channel_id"])
        if not label:
            if command.get("trigger_id"):
                client.views_open(
                    trigger_id=command["trigger_id"], view=blocks.new_sip_modal(channel)
                )
            else:
                respond(text="Give the new SIP account a label: `sip new Front desk`.")
            return
        asker = Asker(
            str(command["user_id"]),
            command.get("user_team_id") or command.get("team_id"),
            channel,
            command.get("thread_ts"),
        )
        ask_new_sip(services, slack_notifier(services, client), asker, label)

    def submitted(ack: Ack, view: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        values = view["state"]["values"]
        label = str(values[blocks.LABEL][blocks.INPUT].get("value") or "")
        chosen = values.get(blocks.MAILBOX, {}).get(blocks.INPUT, {}).get("selected_option") or {}
        if not label.strip():
            ack(response_action="errors", errors={blocks.LABEL: "Give it a label."})
            return
        ack()
        user = body["user"]
        asker = Asker(user["id"], user.get("team_id"), str(view["private_metadata"]))
        notifier = slack_notifier(services, client)
        try:
            ask_new_sip(services, notifier, asker, label, mailbox=chosen.get("value") != "off")
        except UserFacingError as refused:
            notifier.ephemeral(asker.channel_id, asker.user_id, f":warning: {refused.message}")

    def accept(ack: Ack, action: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        ack()
        message_ts = (body.get("container") or {}).get("message_ts")
        ref = RequestRef.decode(action.get("value"))
        accept_cost(services, slack_notifier(services, client), ref, body["user"]["id"], message_ts)

    def menu_button(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        channel = str((body.get("channel") or {}).get("id") or "")
        client.views_open(trigger_id=body["trigger_id"], view=blocks.new_sip_modal(channel))

    registry.subcommand("/sip", "new", new)
    registry.action(NEW_SIP_ACCOUNT, menu_button)
    # The watch's two-devices warning: the second device asks for its own account here.
    registry.action(SECOND_DEVICE_NEW_SIP, menu_button)
    registry.view(blocks.MODAL, submitted)
    registry.action(blocks.ACCEPT, accept)
