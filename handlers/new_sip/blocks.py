"""Block Kit of the new SIP account use case: the cost to accept, and the modal."""

from __future__ import annotations

from typing import Any

from handlers.mrkdwn import escape

Block = dict[str, Any]

ACCEPT = "new_sip_accept"
MODAL = "new_sip_modal"
LABEL, MAILBOX, INPUT = "label", "mailbox", "input"
ONE_DEVICE = (
    "One device per SIP account: two phones registered on one account cause audio problems, "
    "so every desk phone or softphone needs its own account."
)


def cost_blocks(ref: str, plan: str, cost_text: str) -> list[Block]:
    return [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"A new SIP account on your *{escape(plan)}* plan costs *{cost_text}*. "
                "Accept the cost and I will pass the request on to our support team.",
            },
        },
        {
            "type": "actions",
            "block_id": "cost",
            "elements": [
                {
                    "type": "button",
                    "action_id": ACCEPT,
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "Accept"},
                    "value": ref,
                }
            ],
        },
    ]


def accepted_blocks(cost_text: str, user: str) -> list[Block]:
    return [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f":white_check_mark: <@{user}> accepted {cost_text}.",
            },
        }
    ]


def new_sip_modal(channel_id: str) -> Block:
    return {
        "type": "modal",
        "callback_id": MODAL,
        "private_metadata": channel_id,
        "title": {"type": "plain_text", "text": "New SIP account"},
        "submit": {"type": "plain_text", "text": "Ask"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "context", "elements": [{"type": "mrkdwn", "text": ONE_DEVICE}]},
            {
                "type": "input",
                "block_id": LABEL,
                "label": {"type": "plain_text", "text": "Label (where the phone is)"},
                "element": {"type": "plain_text_input", "action_id": INPUT, "max_length": 120},
            },
            {
                "type": "input",
                "block_id": MAILBOX,
                "label": {"type": "plain_text", "text": "Mailbox"},
                "element": {
                    "type": "radio_buttons",
                    "action_id": INPUT,
                    "initial_option": _option("on"),
                    "options": [_option("on"), _option("off")],
                },
            },
        ],
    }


def _option(value: str) -> Block:
    return {"text": {"type": "plain_text", "text": value}, "value": value}
