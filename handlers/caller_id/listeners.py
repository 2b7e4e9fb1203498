"""`/callerid …`, its modal, plain phrasing in a mention, and bills shared in a request's thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from handlers.ask_menu import CHANGE_CALLER_ID
from handlers.asker import Asker, asker_for, customer_here, modal_asker
from handlers.caller_id import blocks
from handlers.caller_id.evidence import receive_shared_file
from handlers.caller_id.flow import ask_pstn, ask_voip, understand
from handlers.caller_id.grammar import Ask, OpenModal, PstnAsk, VoipAsk
from handlers.customer_thread import tell_customer
from handlers.help.blocks import help_blocks
from handlers.mrkdwn import quote
from handlers.notifiers import slack_notifier
from handlers.notify import Notifier
from handlers.refs import ChannelRef
from handlers.registry import Registry, call_with
from handlers.services import Services
from store.dedupe import EventDeduplicator
from store.errors import UserFacingError
from store.request_messages import request_of_thread

log = logging.getLogger(__name__)
HELP_WORDS = frozenset({"help", "?", "-h", "--help"})
USAGE = (
    "`/callerid SIP_ACCOUNT NUMBER|anonymous` sets the number shown on calls to phones; "
    "`/callerid voip SIP_ACCOUNT NAME [NUMBER]` the name shown on calls to our other accounts; "
    "`/callerid` alone opens a form."
)


def register(registry: Registry, services: Services) -> None:
    help_answer = registry.fallbacks.get("/callerid")
    dedupe = EventDeduplicator(services.redis, services.redis_prefix)

    def callerid(
        ack: Ack,
        command: dict[str, Any],
        body: dict[str, Any],
        respond: Any,
        client: WebClient,
        context: BoltContext,
        say: Any,
    ) -> None:
        text = " ".join(str(command.get("text") or "").split())
        words = text.split()
        # A help word, or one word that cannot be an ask (an ask names an account and a value):
        # the help answers at once, in the ack.
        one_word = len(words) == 1 and words[0].lower() != "voip"
        if (one_word or (words and words[0].lower() in HELP_WORDS)) and help_answer is not None:
            given = {"ack": ack, "command": command, "body": body, "respond": respond}
            call_with(help_answer, {**given, "client": client, "context": context, "say": say})
            return
        ack()
        asker = _asker(services, client, context, command)
        ask = understand(services, asker.channel_id, text)
        if ask is None:
            respond(
                text=f":grey_question: I could not read `/callerid {quote(text, 80)}`. {USAGE}",
                blocks=help_blocks("/callerid", text.split(" ", 1)[0]),
            )
            return
        if isinstance(ask, OpenModal):
            if not command.get("trigger_id"):
                respond(text=f"Tell me what to change: {USAGE}")
                return
            open_modal(client, str(command["trigger_id"]), asker)
            return
        _ask(services, slack_notifier(services, client), asker, ask)

    def open_modal(client: WebClient, trigger_id: str, asker: Asker) -> None:
        with services.db.session() as session:
            customer = customer_here(session, asker)
            choices = [blocks.AccountChoice(a.username, a.label) for a in customer.sip_accounts]
        view = blocks.callerid_modal(ChannelRef(asker.channel_id).encode(), choices)
        client.views_open(trigger_id=trigger_id, view=view)

    def submitted(
        ack: Ack,
        view: dict[str, Any],
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        user = body["user"]
        try:
            asker = modal_asker(services, client, context, view, user)
        except UserFacingError as refused:  # said in the form: a submission has nowhere else
            ack(response_action="errors", errors={blocks.VALUE: refused.message})
            return
        ack()
        values = view["state"]["values"]
        account = _choice(values, blocks.ACCOUNT)
        value = " ".join(
            str(values.get(blocks.VALUE, {}).get(blocks.INPUT, {}).get("value") or "").split()
        )
        number = values.get(blocks.VOIP_NUMBER, {}).get(blocks.INPUT, {}).get("value")
        notifier = slack_notifier(services, client)
        ask: Ask = (
            VoipAsk(account, value, number or None)
            if _choice(values, blocks.KIND) == "voip"
            else PstnAsk(account, value)
        )
        try:
            _ask(services, notifier, asker, ask)
        except UserFacingError as refused:
            notifier.ephemeral(asker.channel_id, asker.user_id, f":warning: {refused.message}")

    def plain(text: str, channel_id: str) -> Callable[[Asker, Notifier], None] | None:
        try:
            ask = understand(services, channel_id, text, plain=True)
        except UserFacingError:
            return None
        if not isinstance(ask, PstnAsk | VoipAsk):
            return None
        return lambda asker, notifier: _ask(services, notifier, asker, ask)

    def file_shared_in_thread(
        event: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        channel, thread_ts = event.get("channel"), event.get("thread_ts")
        if not event.get("files") or not thread_ts or event.get("bot_id") or not channel:
            return
        # Slack may re-send one message under a new event_id: the message itself is the key.
        if not dedupe.first_seen(f"message:{channel}:{event.get('ts')}"):
            return
        with services.db.session() as session:
            request = request_of_thread(session, str(channel), str(thread_ts))
            request_id = request.id if request is not None else None
        if request_id is None:
            return
        notifier = slack_notifier(services, client)
        # A bill counts from the customer's own people (or staff) only, as any request does.
        sharer = asker_for(
            services, client, context, str(event.get("user") or ""), event.get("user_team"),
            str(channel),
        )  # fmt: skip
        try:
            with services.db.session() as session:
                customer_here(session, sharer)
        except UserFacingError as refused:
            tell_customer(services, notifier, request_id, f":warning: {refused.message}")
            return
        for shown in event["files"]:
            try:
                receive_shared_file(services, notifier, request_id, file_id=str(shown["id"]))
            except UserFacingError as refused:
                tell_customer(services, notifier, request_id, f":warning: {refused.message}")

    def menu_button(
        ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        ack()
        channel = str((body.get("channel") or {}).get("id") or "")
        user = body["user"]
        asker = asker_for(services, client, context, user["id"], user.get("team_id"), channel)
        open_modal(client, str(body["trigger_id"]), asker)

    registry.fallback("/callerid", callerid)
    registry.action(CHANGE_CALLER_ID, menu_button)
    registry.view(blocks.MODAL, submitted)
    registry.phrasing(plain)
    registry.event(
        "message",
        file_shared_in_thread,
        scopes=("channels:history", "groups:history", "files:read", "chat:write"),
        subscriptions=("message.channels", "message.groups"),
    )


def _ask(services: Services, notifier: Notifier, asker: Asker, ask: Ask) -> None:
    if isinstance(ask, PstnAsk):
        ask_pstn(services, notifier, asker, ask)
    elif isinstance(ask, VoipAsk):
        ask_voip(services, notifier, asker, ask)


def _asker(
    services: Services, client: WebClient, context: BoltContext, command: dict[str, Any]
) -> Asker:
    return asker_for(
        services,
        client,
        context,
        str(command["user_id"]),
        command.get("team_id"),
        str(command["channel_id"]),
        command.get("thread_ts"),
    )


def _choice(values: dict[str, Any], block: str) -> str:
    chosen = values.get(block, {}).get(blocks.INPUT, {}).get("selected_option") or {}
    return str(chosen.get("value") or "")
