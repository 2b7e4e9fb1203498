"""The *Call me with a code* click: ack, check who and what in the flow, show the code."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from handlers.callback import flow
from handlers.callback.blocks import CALL_ME
from handlers.refs import RequestRef
from handlers.registry import Registry
from handlers.services import Services


def register(registry: Registry, services: Services) -> None:
    def call_me(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Any) -> None:
        ack()
        ref = RequestRef.decode(action.get("value"))
        user = str((body.get("user") or {}).get("id") or "")
        # A refusal is a UserFacingError: the one error handler tells the presser alone.
        text = flow.press(services, ref.id, user)
        respond(text=text, response_type="ephemeral", replace_original=False)

    registry.action(CALL_ME, call_me)
