"""`app_mention`: the slash commands' words after `@sipdesk`, plain phrasing, else the help."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from handlers.ask_menu import menu_buttons
from handlers.asker import Asker
from handlers.help.blocks import help_blocks, help_text
from handlers.mentions.router import ThreadReplies, as_command, read_mention, split_command
from handlers.notifiers import slack_notifier
from handlers.registry import Registry, call_with
from handlers.services import Services
from handlers.staff_only import home_team_of
from store.dedupe import EventDeduplicator
from store.errors import UserFacingError

log = logging.getLogger(__name__)


def register(registry: Registry, services: Services) -> None:
    dedupe = EventDeduplicator(services.redis, services.redis_prefix)

    def mentioned(
        event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        mention = read_mention(event)
        if mention is None or (not mention.text and event.get("files")):
            return  # a bill shared with a mention is the thread's business, not a command
        if mention.team_id is None:
            mention = replace(mention, team_id=services.staff.team_of(client, mention.user_id))
        # Slack may re-send one message under a new event_id: the message itself is the key.
        if not dedupe.first_seen(f"message:{mention.channel_id}:{mention.ts}"):
            return
        notifier = slack_notifier(services, client)
        replies = ThreadReplies(notifier, mention)
        try:
            split = split_command(mention.text)
            if split is not None:
                command, text = split
                word = text.split(" ", 1)[0].lower()
                listener = registry.subcommands[command].get(word) or registry.fallbacks.get(
                    command
                )
                if listener is not None:
                    payload = as_command(mention, command, text)
                    call_with(
                        listener,
                        {
                            "ack": replies.ack,
                            "respond": replies.respond,
                            "say": replies.say,
                            "command": payload,
                            "body": body,
                            "client": client,
                            "context": context,
                            "logger": log,
                            "payload": payload,
                        },
                    )
                    return
            for recognise in registry.phrasings:
                handle = recognise(mention.text, mention.channel_id)
                if handle is not None:
                    actor = services.staff.actor(
                        client, mention.user_id, mention.team_id, home_team_of(context)
                    )
                    asker = Asker(
                        mention.user_id,
                        actor.team_id,
                        mention.channel_id,
                        mention.thread_ts,
                        actor.is_staff,
                    )
                    handle(asker, notifier)
                    return
            # Both commands' help lists everything; the buttons open the forms.
            replies.reply(help_text("/sip"), [*help_blocks("/sip"), menu_buttons()])
        except UserFacingError as refused:
            replies.reply(f":warning: {refused.message}")

    registry.event("app_mention", mentioned, scopes=("app_mentions:read", "chat:write"))
