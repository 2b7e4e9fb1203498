"""`/sip new LABEL`, its modal (from the menu and the watch's two-devices warning), and the
customer's Accept of the cost."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from handlers.ask_menu import NEW_SIP_ACCOUNT, SECOND_DEVICE_NEW_SIP
from handlers.asker import Asker, asker_for, customer_here, modal_asker
from handlers.new_sip import blocks
from handlers.new_sip.flow import accept_cost, ask_new_sip
from handlers.notifiers import slack_notifier
from handlers.refs import ChannelRef, RequestRef
from handlers.registry import Registry
from handlers.services import Services
from store.errors import UserFacingError
from store.models import Request


def register(registry: Registry, services: Services) -> None:
    def new(
        ack: Ack,
        command: dict[str, Any],
        client: WebClient,
        respond: Any,
        context: BoltContext,
    ) -> None:
        ack()
        label = " ".join(str(command.get("text") or "").split()[1:])
        asker = asker_for(
            services,
            client,
            context,
            str(command["user_id"]),
            command.get("team_id"),
            str(command["channel_id"]),
            command.get("thread_ts"),
        )
        if not label:
            if command.get("trigger_id"):
                open_modal(client, str(command["trigger_id"]), asker.channel_id, asker)
            else:
                respond(text="Give the new SIP account a label: `sip new Front desk`.")
            return
        ask_new_sip(services, slack_notifier(services, client), asker, label)

    def submitted(
        ack: Ack,
        view: dict[str, Any],
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        values = view["state"]["values"]
        label = str(values.get(blocks.LABEL, {}).get(blocks.INPUT, {}).get("value") or "")
        chosen = values.get(blocks.MAILBOX, {}).get(blocks.INPUT, {}).get("selected_option") or {}
        if not label.strip():
            ack(response_action="errors", errors={blocks.LABEL: "Give it a label."})
            return
        try:
            asker = modal_asker(services, client, context, view, body["user"])
        except UserFacingError as refused:  # said in the form: a submission has nowhere else
            ack(response_action="errors", errors={blocks.LABEL: refused.message})
            return
        ack()
        notifier = slack_notifier(services, client)
        try:
            ask_new_sip(services, notifier, asker, label, mailbox=chosen.get("value") != "off")
        except UserFacingError as refused:
            notifier.ephemeral(asker.channel_id, asker.user_id, f":warning: {refused.message}")

    def accept(
        ack: Ack,
        action: dict[str, Any],
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        message_ts = (body.get("container") or {}).get("message_ts")
        ref = RequestRef.decode(action.get("value"))
        user = body["user"]
        with services.db.session() as session:
            request = session.get(Request, ref.id)
            channel = request.channel_id if request is not None else ""
        # The request's own channel decides who may act on it, wherever the click comes from.
        asker = asker_for(services, client, context, user["id"], user.get("team_id"), channel)
        with services.db.session() as session:
            customer_here(session, asker)
        accept_cost(services, slack_notifier(services, client), ref, asker.user_id, message_ts)

    def menu_button(
        ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        ack()
        channel = str((body.get("channel") or {}).get("id") or "")
        user = body["user"]
        asker = asker_for(services, client, context, user["id"], user.get("team_id"), channel)
        open_modal(client, str(body["trigger_id"]), channel, asker)

    def open_modal(client: WebClient, trigger_id: str, channel: str, asker: Asker) -> None:
        with services.db.session() as session:
            customer_here(session, asker)  # a form only where this person may ask
        view = blocks.new_sip_modal(ChannelRef(channel).encode())
        client.views_open(trigger_id=trigger_id, view=view)

    registry.subcommand("/sip", "new", new)
    registry.action(NEW_SIP_ACCOUNT, menu_button)
    # The watch's two-devices warning: the second device asks for its own account here.
    registry.action(SECOND_DEVICE_NEW_SIP, menu_button)
    registry.view(blocks.MODAL, submitted)
    registry.action(blocks.ACCEPT, accept)
