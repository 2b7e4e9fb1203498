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


def with_upload_button(text: str, url: str, ttl: timedelta) -> list[Block]:
    """A request for a bill (mrkdwn `text`) with the upload page beside it."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"Can't share files here? Use *{UPLOAD_BUTTON}*: a page for this "
                    f"request only, that works once within {_hours(ttl)}.",
                }
            ],
        },
        upload_button(url),
    ]


def credentials_message(
    url: str, label: str, username: str, domain: str, ttl: timedelta
) -> tuple[str, list[Block]]:
    """What the requester sees instead of a password: where to read it, once."""
    text = (
        f"Your new SIP account “{escape(label)}” is ready: username `{escape(username)}`, "
        f"domain `{escape(domain)}`. Its password is shown once, on a page only your link "
        f"opens (within {_hours(ttl)}): open it when you are at the phone."
    )
    blocks: list[Block] = [
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
    return text, blocks


def new_password_message(
    url: str, label: str, username: str, domain: str, ttl: timedelta
) -> tuple[str, list[Block]]:
    """What the asker of a new password sees: the old one is gone, the new one is on a page."""
    text = (
        f"A new password is set for “{escape(label or username)}”: username "
        f"`{escape(username)}`, domain `{escape(domain)}`; the old password no longer works. "
        f"The new one is shown once, on a page only your link opens (within {_hours(ttl)}): "
        "open it when you are at the phone."
    )
    blocks = credentials_message(url, label, username, domain, ttl)[1]
    return text, [{"type": "section", "text": {"type": "mrkdwn", "text": text}}, blocks[1]]


def _hours(ttl: timedelta) -> str:
    hours = max(1, round(ttl.total_seconds() / 3600))
    return "1 hour" if hours == 1 else f"{hours} hours"
