"""Block Kit of the new-password use case: what a reset means with *Confirm*, the staff
channel's *Reset password*, and the *New password* button of `/sip status` and the menu."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from handlers.ages import describe
from handlers.mrkdwn import escape

Block = dict[str, Any]

CONFIRM = "password_confirm"  # value: RequestRef of the request waiting for it
STAFF_RESET = "password_staff_reset"  # value: the SIP account's username (staff channel)
MODAL = "password_modal"
ACCOUNT, INPUT = "account", "input"


@dataclass(frozen=True)
class Device:
    """The SIP account and what the watch last saw registered on it."""

    label: str
    username: str
    registered: bool
    user_agent: str | None
    source: str | None

    @property
    def account(self) -> str:
        return f"*{escape(self.label or self.username)}* (`{escape(self.username)}`)"


def consequence(device: Device, grace: timedelta) -> str:
    """What a new password means for the device on the account, in one paragraph (mrkdwn)."""
    if device.registered:
        named = escape(device.user_agent) if device.user_agent else "an unnamed device"
        where = f" from {escape(device.source)}" if device.source else ""
        who = f"The device registered on {device.account} now ({named}{where})"
    else:
        who = f"Whatever device uses {device.account} (none is registered now)"
    return (
        f"{who} stops working the moment the new password is set, until it is given the new "
        f"password; the account shows *Down* meanwhile. Its Down alerts are held for "
        f"{describe(grace)} or until it registers again, whichever comes first."
    )


def confirm_blocks(ref: str, device: Device, grace: timedelta, staff_decide: bool) -> list[Block]:
    then = (
        "Confirm and I will pass the request on to our support team."
        if staff_decide
        else "Confirm and I will set it at once."
    )
    return [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f":key: {consequence(device, grace)} The password is shown once, to you "
                f"alone, on a page. {then}",
            },
        },
        {
            "type": "actions",
            "block_id": "password_confirm",
            "elements": [
                {
                    "type": "button",
                    "action_id": CONFIRM,
                    "style": "danger",
                    "text": {"type": "plain_text", "text": "Confirm"},
                    "value": ref,
                }
            ],
        },
    ]


def confirmed_blocks(user: str) -> list[Block]:
    return [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f":white_check_mark: <@{user}> confirmed: a new password, "
                "and the device Down until it has it.",
            },
        }
    ]


def staff_reset_blocks(customer: str, device: Device, grace: timedelta) -> list[Block]:
    return [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*{escape(customer)}*: {device.account}\n{consequence(device, grace)} "
                "The new password is shown once, to you, on a page.",
            },
        },
        {
            "type": "actions",
            "block_id": "password_staff_reset",
            "elements": [
                {
                    "type": "button",
                    "action_id": STAFF_RESET,
                    "style": "danger",
                    "text": {"type": "plain_text", "text": "Reset password"},
                    "value": device.username,
                }
            ],
        },
    ]


def password_modal(channel_ref: str, accounts: list[tuple[str, str]]) -> Block:
    """The menu's form: which SIP account gets a new password ((username, label) pairs);
    `channel_ref` is the sealed ChannelRef of the channel it was opened in."""
    options = [
        {
            "text": {"type": "plain_text", "text": f"{label or username} ({username})"[:75]},
            "value": username,
        }
        for username, label in accounts[:100]
    ]
    return {
        "type": "modal",
        "callback_id": MODAL,
        "private_metadata": channel_ref,
        "title": {"type": "plain_text", "text": "New password"},
        "submit": {"type": "plain_text", "text": "Next"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": ACCOUNT,
                "label": {"type": "plain_text", "text": "SIP account"},
                "element": {"type": "static_select", "action_id": INPUT, "options": options},
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Next I say what a new password means for the device on it, "
                        "and you confirm.",
                    }
                ],
            },
        ],
    }
