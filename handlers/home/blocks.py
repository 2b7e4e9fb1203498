"""Block Kit for the App Home tab."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.help.blocks import CALLERID_HELP, SIP_HELP

View = dict[str, Any]

REFRESH_ACTION = "home_refresh"

_STATE_LABELS = {
    "awaiting_customer": "Waiting for the customer",
    "checking_evidence": "Checking evidence",
    "pending_approval": "Waiting for your decision",
    "approved": "Being applied",
    "failed": "Failed to apply",
}


def staff_home(open_by_state: Mapping[str, int], customers: int, linked_channels: int) -> View:
    total = sum(open_by_state.values())
    lines = [f"• {_STATE_LABELS.get(s, s)}: *{n}*" for s, n in open_by_state.items() if n]
    summary = "\n".join(lines) if lines else "Nothing open. :tada:"
    return {
        "type": "home",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "sipdesk — support desk"}},
            _section(f"*Open requests: {total}*\n{summary}"),
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"{customers} customers · {linked_channels} linked channels",
                    }
                ],
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": REFRESH_ACTION,
                        "text": {"type": "plain_text", "text": "Refresh"},
                    }
                ],
            },
        ],
    }


def unavailable_home(message: str) -> View:
    """The desk when its numbers cannot be read: say so, and offer to try again."""
    return {
        "type": "home",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "sipdesk — support desk"}},
            _section(f":hourglass: {message}"),
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": REFRESH_ACTION,
                        "text": {"type": "plain_text", "text": "Refresh"},
                    }
                ],
            },
        ],
    }


def visitor_home() -> View:
    usage = "\n".join(f"*`{u}`* — {w}" for u, w in (*SIP_HELP, *CALLERID_HELP))
    return {
        "type": "home",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "sipdesk"}},
            _section("Ask for caller-ID changes and new SIP accounts in your shared channel:"),
            _section(usage),
        ],
    }


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
