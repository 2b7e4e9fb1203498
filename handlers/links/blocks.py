"""Block Kit for the link buttons: a URL button still sends Slack a click, which we only ack."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from handlers.mrkdwn import escape

Block = dict[str, Any]

OPEN_UPLOAD_PAGE = "open_upload_page"
OPEN_CREDENTIALS_PAGE = "open_credentials_page"
UPLOAD_BUTTON = "Upload the bill"
CREDENTIALS_BUTTON = "Show the password"


def upload_button(url: str) -> Block:
    """The button that goes beside "please share a bill": for channels that block file uploads."""
    return {
        "type": "actions",
        "block_id": "upload_page",
        "elements": [
            {
                "type": "button",
                "action_id": OPEN_UPLOAD_PAGE,
                "text": {"type": "plain_text", "text": UPLOAD_BUTTON},
                "url": url,
                "style": "primary",
            }
        ],
    }


def credentials_link(url: str, username: str, domain: str, ttl: timedelta) -> list[Block]:
    """What the requester sees instead of a password: where to read it, once."""
    hours = max(1, round(ttl.total_seconds() / 3600))
    text = (
        f"Your new SIP account `{escape(username)}` on `{escape(domain)}` is ready. "
        f"Its password is shown once, on a page only this link opens (valid {hours} h). "
        "Open it when you are at the phone."
    )
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {
            "type": "actions",
            "block_id": "credentials_page",
            "elements": [
                {
                    "type": "button",
                    "action_id": OPEN_CREDENTIALS_PAGE,
                    "text": {"type": "plain_text", "text": CREDENTIALS_BUTTON},
                    "url": url,
                    "style": "primary",
                }
            ],
        },
    ]
