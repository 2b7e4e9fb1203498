"""What Slack sent, read into small typed objects before anything else looks at it.

`decode` turns a verified raw body into the dict Bolt will see (the same rules as Bolt's own
parser, but strict); `parse` checks its shape. Anything that does not fit raises `Malformed`
with a short reason for the log, so the door answers 400 instead of a listener tripping on it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

# The key the door puts the typed request under in Bolt's context.
CONTEXT_KEY = "sipdesk_inbound"
# Bolt reads these while building its context; each must be absent, None, a string or an object.
_IDENTITY_KEYS = ("team", "user", "channel", "enterprise", "container", "message", "view")
# What a listener of an event reads without checking: it must be there, as a string.
EVENT_FIELDS: dict[str, tuple[str, ...]] = {"app_home_opened": ("user",)}
# Bolt routes these on a field of the envelope: a missing one would be a KeyError inside Bolt.
_ROUTED_ON = {
    "block_suggestion": "action_id",
    "shortcut": "callback_id",
    "message_action": "callback_id",
}
_INTERACTIONS = (
    "block_actions",
    "block_suggestion",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
)


class Malformed(Exception):
    """The body is not a Slack request of a shape we know; `reason` is safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class UrlVerification:
    challenge: str


@dataclass(frozen=True)
class Event:
    type: str
    user: str | None


@dataclass(frozen=True)
class EventDelivery:
    event_id: str | None
    team_id: str | None
    event: Event


@dataclass(frozen=True)
class SlashCommand:
    command: str
    text: str
    user_id: str
    channel_id: str
    team_id: str | None


@dataclass(frozen=True)
class Action:
    action_id: str
    value: str | None


@dataclass(frozen=True)
class User:
    id: str
    team_id: str | None


@dataclass(frozen=True)
class View:
    id: str | None
    callback_id: str | None


@dataclass(frozen=True)
class Interaction:
    kind: str
    user: User
    actions: tuple[Action, ...]
    view: View | None


@dataclass(frozen=True)
class OtherEnvelope:
    """An envelope Slack sends that no listener needs (app_rate_limited): acknowledged."""

    kind: str


Inbound = UrlVerification | EventDelivery | SlashCommand | Interaction | OtherEnvelope


def decode(raw: bytes, content_type: str | None) -> dict[str, Any]:
    """The body as Bolt will parse it (JSON, a form, or a form whose `payload` is JSON)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("body is not UTF-8") from None
    if not text:
        raise Malformed("empty body")
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    # Bolt takes any body starting with "{" for JSON, whatever its content type says.
    if kind == "application/json" or text.startswith("{"):
        if kind not in ("application/json", ""):
            raise Malformed(f"JSON body sent as {kind}")
        return _json_object(text, "body")
    if kind not in ("application/x-www-form-urlencoded", ""):
        raise Malformed(f"unsupported content type {kind[:40]!r}")
    try:
        fields = dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        raise Malformed("body is not a form") from None
    # Bolt looks for the word anywhere in the body, not for the field; follow it, or the two
    # of us would read different requests out of one body.
    if "payload" in text:
        payload = fields.get("payload")
        if payload is None:
            raise Malformed("form mentions payload but has no payload field")
        return _json_object(payload, "payload")
    return fields


def parse(body: Mapping[str, Any]) -> Inbound:
    """The typed request, or `Malformed` saying what is wrong with it."""
    for key in _IDENTITY_KEYS:
        value = body.get(key)
        if value is not None and not isinstance(value, str | dict):
            raise Malformed(f"{key} is a {type(value).__name__}")
        if isinstance(value, dict) and not isinstance(value.get("id", ""), str | None):
            raise Malformed(f"{key}.id is not a string")
    authorizations = body.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)
    ):
        raise Malformed("authorizations is not a list of objects")
    response_url = body.get("response_url")
    if response_url is not None and not (
        isinstance(response_url, str) and response_url.startswith(("https://", "http://"))
    ):
        raise Malformed("response_url is not an http(s) URL")
    kind = body.get("type")
    if "command" in body:  # Bolt takes any body with this field for a slash command
        if kind is not None:
            raise Malformed(f"a {str(kind)[:40]!r} request with a command field")
        return _slash_command(body)
    if kind == "url_verification":
        return UrlVerification(_text(body, "challenge", required=True) or "")
    if kind == "event_callback":
        return _event_delivery(body)
    if kind in _INTERACTIONS:
        return _interaction(str(kind), body)
    if kind == "app_rate_limited":
        return OtherEnvelope(str(kind))
    raise Malformed(f"unknown request type {str(kind)[:40]!r}")


def _event_delivery(body: Mapping[str, Any]) -> EventDelivery:
    event = body.get("event")
    if not isinstance(event, dict):
        raise Malformed(f"event is {type(event).__name__}, not an object")
    event_type = event.get("type")
    if not isinstance(event_type, str) or not event_type:
        raise Malformed("event has no type")
    user = event.get("user")
    if user is not None and not isinstance(user, str | dict):
        raise Malformed("event.user is neither a string nor an object")
    for key in ("channel", "team", "item"):
        value = event.get(key)
        if value is not None and not isinstance(value, str | dict):
            raise Malformed(f"event.{key} is a {type(value).__name__}")
    for key in ("message", "previous_message"):
        if event.get(key) is not None and not isinstance(event[key], dict):
            raise Malformed(f"event.{key} is not an object")
    for key in EVENT_FIELDS.get(event_type, ()):
        if not isinstance(event.get(key), str) or not event[key]:
            raise Malformed(f"{event_type} event without a usable {key}")
    user_id = user if isinstance(user, str) else None
    return EventDelivery(
        _text(body, "event_id"), _text(body, "team_id"), Event(event_type, user_id)
    )


def _slash_command(body: Mapping[str, Any]) -> SlashCommand:
    command = _text(body, "command", required=True) or ""
    if not command.startswith("/"):
        raise Malformed("command does not start with /")
    return SlashCommand(
        command=command,
        text=_text(body, "text") or "",
        user_id=_text(body, "user_id", required=True) or "",
        channel_id=_text(body, "channel_id") or "",
        team_id=_text(body, "team_id"),
    )


def _interaction(kind: str, body: Mapping[str, Any]) -> Interaction:
    user = body.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str) or not user["id"]:
        raise Malformed(f"{kind} without a usable user")
    team_id = user.get("team_id")
    if team_id is not None and not isinstance(team_id, str):
        raise Malformed("user.team_id is not a string")
    view = body.get("view")
    if view is not None and not isinstance(view, dict):
        raise Malformed(f"view is a {type(view).__name__}, not an object")
    if kind in ("view_submission", "view_closed") and (
        view is None
        or not isinstance(view.get("callback_id"), str)
        or not isinstance(view.get("type"), str)
    ):
        raise Malformed(f"{kind} without a view, its type and its callback_id")
    if kind in _ROUTED_ON:
        _text(body, _ROUTED_ON[kind], required=True)
    typed_view = None
    if view is not None:
        typed_view = View(_text(view, "id"), _text(view, "callback_id"))
        state = view.get("state")
        values = state.get("values") if isinstance(state, dict) else {}
        if (state is not None and not isinstance(state, dict)) or not isinstance(values, dict):
            raise Malformed("view.state is not an object of values")
    actions: tuple[Action, ...] = ()
    if kind == "block_actions":
        raw_actions = body.get("actions")
        if not isinstance(raw_actions, list) or not raw_actions:
            raise Malformed("actions is not a non-empty list")
        actions = tuple(_action(a) for a in raw_actions)
    return Interaction(kind, User(user["id"], team_id), actions, typed_view)


def _action(raw: Any) -> Action:
    if not isinstance(raw, dict):
        raise Malformed("an action is not an object")
    action_id = raw.get("action_id")
    if not isinstance(action_id, str) or not action_id:
        raise Malformed("an action has no action_id")
    for key in ("block_id", "action_ts"):
        if not isinstance(raw.get(key, ""), str):
            raise Malformed(f"action.{key} is not a string")
    value = raw.get("value")
    return Action(action_id, value if isinstance(value, str) else None)


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        decoded = json.loads(text)
    except (ValueError, RecursionError):
        raise Malformed(f"{what} is not JSON") from None
    if not isinstance(decoded, dict):
        raise Malformed(f"{what} is a JSON {type(decoded).__name__}, not an object")
    return decoded


def _text(body: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        raise Malformed(f"{key} is missing or not a string")
    return value
