"""The bodies Slack sends an app: slash commands, interactivity payloads, event envelopes."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from typing import Any

from slack_sandbox.slack_side import SlackSide

# The legacy verification token Slack still puts in every payload; Bolt ignores it
VERIFICATION_TOKEN = "sandbox-verification-token"


def _team(sandbox: SlackSide, team_id: str) -> dict[str, Any]:
    team = sandbox.world.teams[team_id]
    return {"id": team.id, "domain": team.domain}


def _user(sandbox: SlackSide, user_id: str) -> dict[str, Any]:
    user = sandbox.user(user_id)
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": user.team_id}


def slash_command_form(
    sandbox: SlackSide, command: str, text: str, user: str, channel: str, team: str | None
) -> dict[str, str]:
    person = sandbox.user(user)
    team_id = team or person.team_id
    known = sandbox.world.channels.get(channel)
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": sandbox.world.teams[team_id].domain,
        "channel_id": channel,
        "channel_name": known.name if known is not None else "directmessage",
        "user_id": user,
        "user_name": person.name,
        "command": command,
        "text": text,
        "api_app_id": sandbox.app_id,
        "is_enterprise_install": "false",
        "response_url": sandbox.response_url(channel, user),
        "trigger_id": sandbox.issue_trigger_id(user),
    }


def _walk_elements(blocks: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        for element in block.get("elements", []) or []:
            if isinstance(element, dict):
                yield block_id, element
        accessory = block.get("accessory") or block.get("element")
        if isinstance(accessory, dict):
            yield block_id, accessory


def find_block_id(blocks: list[dict[str, Any]], action_id: str) -> str | None:
    """The block holding the element a person clicked, as Slack reports it."""
    for block_id, element in _walk_elements(blocks):
        if element.get("action_id") == action_id:
            return block_id
    return None


def action(action_id: str, value: str, block_id: str, action_type: str) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": action_type,
        "action_ts": f"{time.time():.6f}",
    }
    if action_type in ("static_select", "external_select", "radio_buttons"):
        shape["selected_option"] = {"text": {"type": "plain_text", "text": value}, "value": value}
    elif action_type == "users_select":
        shape["selected_user"] = value
    elif action_type == "conversations_select":
        shape["selected_conversation"] = value
    else:
        shape["value"] = value
        shape["text"] = {"type": "plain_text", "text": value}
    return shape


def interaction_base(sandbox: SlackSide, kind: str, user: str) -> dict[str, Any]:
    return {
        "type": kind,
        "team": _team(sandbox, sandbox.user(user).team_id),
        "user": _user(sandbox, user),
        "api_app_id": sandbox.app_id,
        "token": VERIFICATION_TOKEN,
        "trigger_id": sandbox.issue_trigger_id(user),
        "is_enterprise_install": False,
        "enterprise": None,
    }


def block_actions(
    sandbox: SlackSide,
    action_id: str,
    value: str,
    *,
    user: str,
    channel: str | None,
    message_ts: str | None,
    block_id: str | None,
    container: dict[str, Any] | None,
    view: str | dict[str, Any] | None,
    action_type: str,
) -> dict[str, Any]:
    """A click (or a choice) in a message, or in a modal or Home tab when `view` is given."""
    payload = interaction_base(sandbox, "block_actions", user)
    blocks: list[dict[str, Any]] = []
    shown_view = sandbox.view(view) if isinstance(view, str) else view
    if shown_view is not None:
        blocks = list(shown_view.get("blocks", []))
        payload["view"] = shown_view
        payload["container"] = {"type": "view", "view_id": shown_view.get("id")}
    elif channel is not None:
        message = sandbox.message(channel, message_ts) if message_ts else None
        if message is not None:
            blocks = list(message.get("blocks", []))
            payload["message"] = message
        payload["container"] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": message is None,
        }
        payload["response_url"] = sandbox.response_url(channel, user, message_ts)
    if channel is not None:
        known = sandbox.world.channels.get(channel)
        payload["channel"] = {"id": channel, "name": known.name if known else channel}
    if container is not None:
        payload["container"] = container
    found_block = block_id or find_block_id(blocks, action_id) or "actions"
    clicked = action(action_id, value, found_block, action_type)
    payload["state"] = {"values": _remember_choice(sandbox, channel, message_ts, user, clicked)}
    payload["actions"] = [clicked]
    return payload


def _remember_choice(
    sandbox: SlackSide,
    channel: str | None,
    message_ts: str | None,
    user: str,
    clicked: dict[str, Any],
) -> dict[str, dict[str, Any]]:
    """A message's menus keep what the person picked (Slack's client does), and every click on
    that message carries it in `state.values`."""
    if channel is None or message_ts is None:
        return {}
    with sandbox.world.lock:
        chosen = sandbox.world.selections.setdefault((channel, message_ts, user), {})
        if "selected_option" in clicked:
            option = {"type": clicked["type"], "selected_option": clicked["selected_option"]}
            chosen.setdefault(clicked["block_id"], {})[clicked["action_id"]] = option
        return {block: dict(elements) for block, elements in chosen.items()}


def block_suggestion(
    sandbox: SlackSide,
    action_id: str,
    typed: str,
    *,
    user: str,
    channel: str,
    message_ts: str,
) -> dict[str, Any]:
    """A person types in an `external_select`: Slack asks the app for the options to show."""
    payload = interaction_base(sandbox, "block_suggestion", user)
    payload.pop("trigger_id", None)
    message = sandbox.message(channel, message_ts) or {}
    known = sandbox.world.channels.get(channel)
    payload.update(
        {
            "action_id": action_id,
            "block_id": find_block_id(list(message.get("blocks", [])), action_id) or "actions",
            "value": typed,
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": False,
            },
            "channel": {"id": channel, "name": known.name if known else channel},
            "message": message,
        }
    )
    return payload


def state_values(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Slack's view state; a bare string stands for what a person typed in a text input."""
    shaped: dict[str, dict[str, Any]] = {}
    for block_id, actions in values.items():
        shaped[block_id] = {
            action_id: (
                entry if isinstance(entry, dict) else {"type": "plain_text_input", "value": entry}
            )
            for action_id, entry in actions.items()
        }
    return shaped


def synthetic_view(sandbox: SlackSide, callback_id: str, private_metadata: str) -> dict[str, Any]:
    """A modal the sandbox never saw, for tests that submit one without opening it first."""
    return {
        "id": sandbox.world.new_id("V"),
        "team_id": sandbox.team_id,
        "type": "modal",
        "title": {"type": "plain_text", "text": "Sandbox"},
        "blocks": [],
        "callback_id": callback_id,
        "private_metadata": private_metadata,
        "state": {"values": {}},
        "hash": sandbox.world.new_hash(),
        "app_id": sandbox.app_id,
        "bot_id": sandbox.bot_id,
    }


def view_submission(
    sandbox: SlackSide,
    callback_id: str,
    values: dict[str, dict[str, Any]],
    *,
    user: str,
    private_metadata: str,
    view_id: str | None,
) -> dict[str, Any]:
    """A person submits a modal: the view the sandbox showed (else a synthetic one) and input."""
    known = sandbox.view(view_id) if view_id else None
    if known is not None:
        shown = dict(known)
        shown["callback_id"] = callback_id
        if private_metadata:
            shown["private_metadata"] = private_metadata
    else:
        shown = synthetic_view(sandbox, callback_id, private_metadata)
    shown["state"] = {"values": state_values(values)}
    payload = interaction_base(sandbox, "view_submission", user)
    payload["view"] = shown
    payload["response_urls"] = []
    return payload


def is_known_view(sandbox: SlackSide, view_id: str | None) -> bool:
    """Whether Slack showed this view, so it acts on the app's answer to its submission."""
    return view_id is not None and sandbox.view(view_id) is not None


def event_envelope(
    sandbox: SlackSide, event: dict[str, Any], event_id: str | None
) -> dict[str, Any]:
    channel = sandbox.world.channels.get(str(event.get("channel", "")))
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": sandbox.team_id,
        "context_team_id": sandbox.team_id,
        "api_app_id": sandbox.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": sandbox.team_id,
                "user_id": sandbox.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": bool(channel is not None and channel.is_ext_shared),
        "event_context": f"4-{secrets.token_hex(12)}",
    }


def member_joined_channel(
    sandbox: SlackSide, channel: str, user: str, inviter: str | None
) -> dict[str, Any]:
    """Someone (the bot itself, too) joined a channel the bot is in."""
    known = sandbox.world.channels[channel]
    event: dict[str, Any] = {
        "type": "member_joined_channel",
        "user": user,
        "channel": channel,
        "channel_type": "G" if known.is_private else "C",
        "team": sandbox.user(user).team_id,
        "event_ts": sandbox.world.new_ts(),
    }
    if inviter is not None:
        event["inviter"] = inviter
    return event


def app_home_opened(sandbox: SlackSide, user: str) -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": sandbox.world.dm_channel(user).id,
        "tab": "home",
        "event_ts": sandbox.world.new_ts(),
    }


def app_mention(sandbox: SlackSide, message: dict[str, Any]) -> dict[str, Any]:
    """The `app_mention` event Slack sends beside the `message` event of a mention."""
    fields = ("user", "team", "text", "ts", "channel", "event_ts", "thread_ts")
    return {"type": "app_mention", **{k: message[k] for k in fields if k in message}}


def mention_text(sandbox: SlackSide, text: str) -> str:
    return f"<@{sandbox.bot_user_id}> {text}".rstrip()
