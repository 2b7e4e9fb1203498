"""Block Kit of the menu's SIP status modal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handlers.mrkdwn import escape

Block = dict[str, Any]


@dataclass(frozen=True)
class AccountStatusLine:
    label: str
    username: str
    status: str  # up, down, unknown
    since: datetime


_ICON = {
    "up": ":large_green_circle: Up",
    "down": ":red_circle: Down",
    "unknown": ":white_circle: Unknown",
}


def status_modal(customer: str, accounts: list[AccountStatusLine]) -> Block:
    lines = [
        f"*{escape(a.label or a.username)}* (`{a.username}`): {_ICON.get(a.status, a.status)} "
        f"since {a.since:%Y-%m-%d %H:%M} UTC"
        for a in accounts[:40]
    ] or ["No SIP accounts yet."]
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "SIP status"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": customer[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:3000]}},
        ],
    }
