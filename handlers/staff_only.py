"""The one staff check every staff-only listener passes: anyone else is refused, told so, and the
refusal is audited. The listener finds the proven `Actor` in `context["actor"]`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from handlers.actor import Actor
from handlers.refs import RequestRef
from handlers.services import Services
from store.errors import UserFacingError
from store.log_context import about_request
from store.models import AuditEvent, Request

log = logging.getLogger(__name__)

REFUSAL = "Only the support team can do that."
Listener = Callable[..., Any]
Call = Callable[[Listener, dict[str, Any]], Any]


def acting_user(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """The user of a signed request and their own team, as Slack filled it in.

    Never the envelope's team: in a Slack Connect channel that is the workspace the app is
    installed in, whoever wrote. A team not given is None, and the staff check asks Slack."""
    user = body.get("user")
    if isinstance(user, dict):  # clicks and submissions
        return _str(user.get("id")), _str(user.get("team_id"))
    if "user_id" in body:  # slash commands: `team_id` is the workspace of the person typing
        return _str(body.get("user_id")), _str(body.get("team_id"))
    event = body.get("event")
    if isinstance(event, dict):
        return _str(event.get("user")), _str(event.get("user_team"))
    return None, None


def resolve_actor(
    services: Services, client: WebClient, context: BoltContext, body: dict[str, Any]
) -> Actor | None:
    """The proven actor of a request, or None when the envelope names nobody."""
    user_id, team_id = acting_user(body)
    if user_id is None:
        return None
    return services.staff.actor(client, user_id, team_id, home_team_of(context))


def home_team_of(context: BoltContext) -> str | None:
    """The workspace the app is installed in, as Slack's auth.test told Bolt."""
    return context.authorize_result.team_id if context.authorize_result else None


def guard(listener: Listener, services: Services, what: str, call: Call) -> Listener:
    """`listener`, run only for staff; `what` names the action in the audit trail."""

    def staff_only(
        ack: Any,
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Any,
        say: Any,
        logger: Any,
        payload: dict[str, Any],
        command: dict[str, Any] | None = None,
    ) -> Any:
        actor = resolve_actor(services, client, context, body)
        if actor is None or not actor.is_staff:
            if body.get("type") == "view_submission":
                # A form has no response_url: the refusal replaces the form itself.
                ack(response_action="update", view=_refusal_view())
            else:
                ack()
            _refuse(services, body, actor, what, respond)
            return None
        context["actor"] = actor
        kwargs = {
            "ack": ack,
            "body": body,
            "client": client,
            "context": context,
            "respond": respond,
            "say": say,
            "logger": logger,
            "payload": payload,
            # What the router handed us: a slash command's payload, or a mention's as if typed
            # (its body is the event, so the body cannot stand for the command).
            "command": command,
            "action": _first_action(body),
            "view": body.get("view"),
            "actor": actor,
        }
        with about_request(_request_id(body)):  # its log lines name the request clicked
            return call(listener, kwargs)

    return staff_only


def _refuse(
    services: Services, body: dict[str, Any], actor: Actor | None, what: str, respond: Any
) -> None:
    user = actor.user_id if actor else "unknown"
    log.info("refused %s by %s (not staff)", what, user)
    with services.db.session() as session:
        request_id = _request_id(body)
        if request_id is not None and session.get(Request, request_id) is None:
            request_id = None  # a forged or stale value must not break the audit row
        session.add(
            AuditEvent(
                request_id=request_id,
                actor=user[:64],
                action="refused",
                note=f"{what}: not staff"[:500],
            )
        )
    # A mention has no response_url: its `respond` answers in the mention's thread.
    mentioned = isinstance(body.get("event"), dict)
    if respond is not None and (body.get("response_url") or body.get("response_urls") or mentioned):
        try:
            respond(text=f":no_entry: {REFUSAL}", response_type="ephemeral", replace_original=False)
        except Exception:
            log.warning("could not tell %s they were refused", user, exc_info=True)


def _refusal_view() -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "sipdesk"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f":no_entry: {REFUSAL}"}}
        ],
    }


def _request_id(body: dict[str, Any]) -> int | None:
    action = _first_action(body)
    candidates = [action.get("value") if action else None]
    view = body.get("view")
    if isinstance(view, dict):
        candidates.append(view.get("private_metadata"))
    for value in candidates:
        try:
            return RequestRef.decode(value).id
        except UserFacingError:
            continue
    return None


def _first_action(body: dict[str, Any]) -> dict[str, Any] | None:
    actions = body.get("actions")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        return actions[0]
    return None


def _team(body: dict[str, Any]) -> str | None:
    team = body.get("team")
    if isinstance(team, dict):
        return _str(team.get("id"))
    return _str(body.get("team_id"))


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
