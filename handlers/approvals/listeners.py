"""Staff clicks on the approval card: thin listeners that ack, read the ref and hand on."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from handlers.actor import Actor
from handlers.approvals import flow
from handlers.approvals.blocks import (
    ANOTHER_BILL,
    APPROVE,
    REASON_BLOCK,
    REASON_INPUT,
    RECIPIENT_BLOCK,
    RECIPIENT_INPUT,
    REJECT,
    REJECT_REASON_VIEW,
    RETRY,
    SEND_LINK_AGAIN,
    SEND_LINK_VIEW,
    reject_modal,
    send_link_modal,
)
from handlers.approvals.resend import send_link_again
from handlers.notifiers import slack_notifier
from handlers.refs import RequestRef
from handlers.registry import Registry
from handlers.request_facts import load_facts
from handlers.services import Services
from store.errors import UserFacingError
from store.models import RequestState

log = logging.getLogger(__name__)


def register(registry: Registry, services: Services) -> None:
    def approve(ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        flow.approve(services, slack_notifier(services, client), _ref(action), _who(context))

    def another_bill(
        ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        ack()
        notifier = slack_notifier(services, client)
        flow.ask_for_another_bill(services, notifier, _ref(action), _who(context))

    def retry(ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        flow.retry(services, slack_notifier(services, client), _ref(action), _who(context))

    def reject(
        ack: Ack,
        action: dict[str, Any],
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        ack()
        ref = _ref(action)
        flow.refuse_own_request(services, ref, _who(context), "reject")
        with services.db.session() as session:
            facts = load_facts(session, ref.id)
        if facts.version != ref.version or facts.state is not RequestState.PENDING_APPROVAL:
            # An old card (or a replayed click) opens no form: the decision would be refused.
            raise UserFacingError(
                f"Request #{ref.id} changed since this was shown to you; look at its latest "
                "message and try again."
            )
        client.views_open(trigger_id=body["trigger_id"], view=reject_modal(ref.encode(), facts))

    def reject_reason(
        ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        reason = " ".join(
            str(view["state"]["values"][REASON_BLOCK][REASON_INPUT].get("value") or "").split()
        )
        if not reason:
            ack(response_action="errors", errors={REASON_BLOCK: "Say why, for the customer."})
            return
        ack()
        notifier = slack_notifier(services, client)
        try:
            flow.reject(
                services,
                notifier,
                RequestRef.decode(view["private_metadata"]),
                _who(context),
                reason,
            )
        except UserFacingError as refused:
            # A submission has no response_url: tell the person in the staff channel.
            if services.staff_channel:
                notifier.ephemeral(
                    services.staff_channel, _who(context), f":warning: {refused.message}"
                )

    def send_link(
        ack: Ack, action: dict[str, Any], body: dict[str, Any], client: WebClient
    ) -> None:
        ack()
        ref = _ref(action)
        with services.db.session() as session:
            facts = load_facts(session, ref.id)
        if facts.version != ref.version:  # an older card's button: the request moved on since
            raise UserFacingError(
                f"Request #{ref.id} has changed since this card was posted; use its latest card."
            )
        client.views_open(trigger_id=body["trigger_id"], view=send_link_modal(ref.encode(), facts))

    def send_link_to(
        ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        chosen = view["state"]["values"][RECIPIENT_BLOCK][RECIPIENT_INPUT].get("selected_user")
        if not chosen:
            ack(response_action="errors", errors={RECIPIENT_BLOCK: "Choose who gets the link."})
            return
        ack()
        notifier = slack_notifier(services, client)
        ref = RequestRef.decode(view["private_metadata"])
        try:
            send_link_again(services, notifier, ref, _who(context), str(chosen))
        except UserFacingError as refused:
            if services.staff_channel:  # a submission has no response_url
                notifier.ephemeral(
                    services.staff_channel, _who(context), f":warning: {refused.message}"
                )

    registry.action(APPROVE, approve, staff_only=True, scopes=("chat:write", "files:write"))
    registry.action(REJECT, reject, staff_only=True)
    registry.action(ANOTHER_BILL, another_bill, staff_only=True)
    registry.action(RETRY, retry, staff_only=True)
    registry.view(REJECT_REASON_VIEW, reject_reason, staff_only=True)
    registry.action(SEND_LINK_AGAIN, send_link, staff_only=True)
    registry.view(SEND_LINK_VIEW, send_link_to, staff_only=True)


def _ref(action: dict[str, Any]) -> RequestRef:
    return RequestRef.decode(action.get("value"))


def _who(context: BoltContext) -> str:
    actor = context.get("actor")
    assert isinstance(actor, Actor)  # staff_only put it there
    return actor.user_id
