"""Block Kit of the menu's SIP status modal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from handlers.mrkdwn import escape
from store.account_status import AccountStatusLine

Block = dict[str, Any]

_ICON = {
    "up": ":large_green_circle: Up",
    "down": ":red_circle: Down",
    "unknown": ":white_circle: Unknown",
}


def status_modal(customer: str, accounts: Sequence[AccountStatusLine]) -> Block:
    lines = [
        f"*{escape(a.label or a.username)}* (`{escape(a.username)}`): "
        f"{_ICON.get(a.status.value, a.status.value)} "
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
