"""`/sip password SIP_ACCOUNT` (and `@sipdesk sip password …` through the mention router), the
*New password* buttons of `/sip status ACCOUNT` and the menu, the asker's *Confirm*, and the
staff channel's *Reset password*."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from handlers.actor import Actor
from handlers.ask_menu import NEW_PASSWORD as MENU_NEW_PASSWORD
from handlers.ask_menu import NEW_PASSWORD_FOR
from handlers.asker import asker_for, customer_here, modal_asker
from handlers.notifiers import slack_notifier
from handlers.password import blocks
from handlers.password.flow import ask_password, confirm, staff_offer, staff_reset
from handlers.refs import ChannelRef, RequestRef
from handlers.registry import Registry
from handlers.services import Services
from store.errors import UserFacingError

WORD = "password"


def register(registry: Registry, services: Services) -> None:
    def password(
        ack: Ack, command: dict[str, Any], client: WebClient, respond: Any, context: BoltContext
    ) -> None:
        ack()
        text = " ".join(str(command.get("text") or "").split())
        name = text[len(WORD) :].strip() if text.lower().startswith(WORD) else ""
        channel = str(command.get("channel_id") or "")
        if services.staff_channel and channel == services.staff_channel:
            offer_to_staff(name, respond)
            return
        asker = asker_for(
            services, client, context, str(command["user_id"]), command.get("team_id"), channel,
            command.get("thread_ts"),
        )  # fmt: skip
        ask_password(services, slack_notifier(services, client), asker, name)

    def confirmed(
        ack: Ack, action: dict[str, Any], body: dict[str, Any], client: WebClient
    ) -> None:
        ack()
        message_ts = (body.get("container") or {}).get("message_ts")
        ref = RequestRef.decode(action.get("value"))
        confirm(services, slack_notifier(services, client), ref, body["user"]["id"], message_ts)

    def status_button(
        ack: Ack,
        action: dict[str, Any],
        body: dict[str, Any],
        client: WebClient,
        respond: Any,
        context: BoltContext,
    ) -> None:
        ack()
        user = body["user"]
        channel = str((body.get("channel") or {}).get("id") or "")
        if services.staff_channel and channel == services.staff_channel:
            offer_to_staff(str(action.get("value")), respond)  # staff's status of any account
            return
        asker = asker_for(services, client, context, str(user["id"]), user.get("team_id"), channel)
        ask_password(services, slack_notifier(services, client), asker, str(action.get("value")))

    def menu_button(
        ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        ack()
        channel = str((body.get("channel") or {}).get("id") or "")
        user = body["user"]
        asker = asker_for(services, client, context, str(user["id"]), user.get("team_id"), channel)
        with services.db.session() as session:
            customer = customer_here(session, asker)  # a form only where this person may ask
            accounts = [(a.username, a.label) for a in customer.sip_accounts]
        view = blocks.password_modal(ChannelRef(channel).encode(), accounts)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def submitted(
        ack: Ack,
        view: dict[str, Any],
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        chosen = view["state"]["values"][blocks.ACCOUNT][blocks.INPUT].get("selected_option")
        if not chosen:
            ack(response_action="errors", errors={blocks.ACCOUNT: "Pick a SIP account."})
            return
        try:
            asker = modal_asker(services, client, context, view, body["user"])
        except UserFacingError as refused:  # said in the form: a submission has nowhere else
            ack(response_action="errors", errors={blocks.ACCOUNT: refused.message})
            return
        ack()
        notifier = slack_notifier(services, client)
        try:
            ask_password(services, notifier, asker, str(chosen.get("value") or ""))
        except UserFacingError as refused:
            notifier.ephemeral(asker.channel_id, asker.user_id, f":warning: {refused.message}")

    def reset_by_staff(
        ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext, respond: Any
    ) -> None:
        ack()
        actor = context.get("actor")
        assert isinstance(actor, Actor)  # staff_only put it there
        notifier = slack_notifier(services, client)
        request_id = staff_reset(services, notifier, str(action.get("value")), actor.user_id)
        respond(
            text=f":key: Request #{request_id}: setting a new password now; its one-time link "
            "comes to you here.",
            replace_original=True,
        )

    def offer_to_staff(name: str, respond: Any) -> None:
        """In the staff channel: the account, its device, and *Reset password* (staff only)."""
        customer, device = staff_offer(services, name)
        respond(
            text=f"Reset the password of {device.username}?",
            blocks=blocks.staff_reset_blocks(customer, device, services.reset_grace),
            response_type="ephemeral",
            replace_original=False,
        )

    registry.subcommand("/sip", WORD, password)
    registry.action(blocks.CONFIRM, confirmed)
    registry.action(NEW_PASSWORD_FOR, status_button)
    registry.action(MENU_NEW_PASSWORD, menu_button)
    registry.view(blocks.MODAL, submitted)
    registry.action(blocks.STAFF_RESET, reset_by_staff, staff_only=True)
