"""The three ways to ask, as buttons: on the `/sip menu` message and under the help of a mention.

Each button opens its use case's modal; the use cases register the listeners of their button.
"""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]

CHANGE_CALLER_ID = "menu_change_caller_id"
NEW_SIP_ACCOUNT = "menu_new_sip_account"
SIP_STATUS = "menu_sip_status"
NEW_PASSWORD = "menu_new_password"
# Under a `/sip status ACCOUNT` answer: a new password for that account (value: its username).
NEW_PASSWORD_FOR = "status_new_password"
# The watch's two-devices warning asks for a new SIP account too (value: the shared username).
SECOND_DEVICE_NEW_SIP = "watch_new_sip_account"


def menu_buttons() -> Block:
    return {
        "type": "actions",
        "block_id": "ask_menu",
        "elements": [
            _button("Change caller ID", CHANGE_CALLER_ID),
            _button("New SIP account", NEW_SIP_ACCOUNT),
            _button("SIP status", SIP_STATUS),
            _button("New password", NEW_PASSWORD),
        ],
    }


def menu_blocks() -> list[Block]:
    return [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*What can sipdesk do for you?* Pick one; our support team sees every "
                "request. (You can also write `@sipdesk callerid …` or `@sipdesk sip new …`.)",
            },
        },
        menu_buttons(),
    ]


def _button(label: str, action_id: str) -> Block:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": action_id,
    }


def new_password_button(username: str) -> Block:
    """The *New password* button of one SIP account (handlers/password answers it)."""
    return {
        "type": "actions",
        "block_id": "new_password",
        "elements": [
            {
                "type": "button",
                "action_id": NEW_PASSWORD_FOR,
                "text": {"type": "plain_text", "text": "New password"},
                "value": username,
            }
        ],
    }
