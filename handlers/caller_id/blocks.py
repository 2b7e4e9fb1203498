"""Block Kit of the caller-ID modal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Block = dict[str, Any]

MODAL = "callerid_modal"
ACCOUNT, KIND, VALUE, VOIP_NUMBER = "account", "kind", "value", "voip_number"
INPUT = "input"


@dataclass(frozen=True)
class AccountChoice:
    username: str
    label: str


def callerid_modal(channel_id: str, accounts: list[AccountChoice]) -> Block:
    options = [
        {
            "text": {"type": "plain_text", "text": f"{a.label or a.username} ({a.username})"[:75]},
            "value": a.username,
        }
        for a in accounts[:100]
    ]
    return {
        "type": "modal",
        "callback_id": MODAL,
        "private_metadata": channel_id,
        "title": {"type": "plain_text", "text": "Change caller ID"},
        "submit": {"type": "plain_text", "text": "Ask"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": ACCOUNT,
                "label": {"type": "plain_text", "text": "SIP account"},
                "element": {"type": "static_select", "action_id": INPUT, "options": options},
            },
            {
                "type": "input",
                "block_id": KIND,
                "label": {"type": "plain_text", "text": "Which caller ID"},
                "element": {
                    "type": "radio_buttons",
                    "action_id": INPUT,
                    "initial_option": _kind("pstn"),
                    "options": [_kind("pstn"), _kind("voip")],
                },
            },
            {
                "type": "input",
                "block_id": VALUE,
                "label": {"type": "plain_text", "text": "New caller ID"},
                "hint": {
                    "type": "plain_text",
                    "text": "PSTN: a number such as +353 1 234 5679, or anonymous. VoIP: a name.",
                },
                "element": {"type": "plain_text_input", "action_id": INPUT, "max_length": 64},
            },
            {
                "type": "input",
                "block_id": VOIP_NUMBER,
                "optional": True,
                "label": {"type": "plain_text", "text": "VoIP number (optional)"},
                "element": {"type": "plain_text_input", "action_id": INPUT, "max_length": 20},
            },
        ],
    }


_KINDS = {
    "pstn": "Shown on calls to phones (PSTN)",
    "voip": "Shown on calls to our other accounts (VoIP)",
}


def _kind(value: str) -> Block:
    return {"text": {"type": "plain_text", "text": _KINDS[value]}, "value": value}
