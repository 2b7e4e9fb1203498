"""Block Kit of the call-back: its button beside *Upload the bill*, and what people read."""

from __future__ import annotations

from copy import deepcopy
from datetime import datetime
from typing import Any

Block = dict[str, Any]

CALL_ME = "callback_call_me"
CALL_ME_BUTTON = "Call me with a code"


def call_me_button(request_ref: str) -> Block:
    return {
        "type": "button",
        "action_id": CALL_ME,
        "text": {"type": "plain_text", "text": CALL_ME_BUTTON},
        "value": request_ref,
    }


def with_call_me(blocks: list[Block], request_ref: str, calls_from: str) -> list[Block]:
    """A bill request's blocks with *Call me with a code* beside *Upload the bill*."""
    out = deepcopy(blocks)
    for block in out:
        if block.get("type") == "actions" and block.get("block_id") == "upload_page":
            block["elements"].append(call_me_button(request_ref))
            break
    else:
        out.append(
            {"type": "actions", "block_id": "callback", "elements": [call_me_button(request_ref)]}
        )
    hint = (
        f"No bill at hand? *{CALL_ME_BUTTON}*: I ring the number from {calls_from}, and whoever "
        "answers keys in a code I show you."
    )
    out.insert(len(out) - 1, {"type": "context", "elements": [{"type": "mrkdwn", "text": hint}]})
    return out


def code_message(code: str, number: str, calls_from: str, minutes: int) -> str:
    return (
        f":telephone_receiver: Your code is *{code}*. {number} will ring within a minute, "
        f"calling from {calls_from}: answer it and key in the code on the keypad. The code "
        f"works for {minutes} minutes; only you see it."
    )


def proof_line(at: datetime) -> str:
    return f"*Proven by call-back at {at:%H:%M}*: the line answered and keyed in the right code"


def proof_context(number: str, calls_from: str, at: datetime) -> str:
    return f"Called {number} from {calls_from} on {at:%Y-%m-%d} at {at:%H:%M} UTC."
