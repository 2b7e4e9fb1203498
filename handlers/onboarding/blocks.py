"""Block Kit of onboarding: the staff card for a new channel, the welcome, the unlink question."""

from __future__ import annotations

from typing import Any

from handlers.ask_menu import menu_buttons
from handlers.mrkdwn import escape
from handlers.refs import ChannelRef

Block = dict[str, Any]

PICK_CUSTOMER = "onboard_pick_customer"
LINK = "onboard_link"
CONFIRM_UNLINK = "onboard_confirm_unlink"
KEEP_LINK = "onboard_keep_link"
PICKER_BLOCK = "onboard_customer"


def channel_card(channel_id: str, facts: str, *, linked_to: str | None = None) -> list[Block]:
    """The staff channel's card for a channel sipdesk was added to; once linked (`linked_to`:
    mrkdwn saying what was done), a record of it without the picker."""
    if linked_to is not None:
        return [_section(f":white_check_mark: {linked_to}\n{facts}")]
    return [
        _section(
            f"sipdesk was added to <#{channel_id}>, which is not linked to a customer.\n{facts}"
        ),
        {
            "type": "actions",
            "block_id": PICKER_BLOCK,
            "elements": [
                {
                    "type": "external_select",
                    "action_id": PICK_CUSTOMER,
                    "placeholder": {"type": "plain_text", "text": "Customer name or ref"},
                    "min_query_length": 0,
                },
                {
                    "type": "button",
                    "action_id": LINK,
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "Link"},
                    "value": ChannelRef(channel_id).encode(),
                },
            ],
        },
        _context("Staff only. Or type `/sip link CUSTOMER_REF` in that channel."),
    ]


def customer_options(customers: list[tuple[str, str]]) -> list[Block]:
    """`external_select` options: (name, ref) shown as "Name (REF)", the ref as the value."""
    return [
        {
            "text": {"type": "plain_text", "text": f"{name} ({ref})"[:75]},
            "value": ref[:150],
        }
        for name, ref in customers[:100]
    ]


def welcome_blocks(customer_name: str) -> list[Block]:
    """Posted in a channel when it is linked: what sipdesk does here, and the menu's buttons
    (external members cannot use the host workspace's slash commands)."""
    return [
        _section(
            f":wave: *sipdesk is set up here for {escape(customer_name)}.*\n"
            "Ask us to change the caller ID a SIP account shows, ask for a new SIP account, or "
            "check which of your phones are Up or Down. We post here when one of your SIP "
            "accounts goes Down, and a digest of what is down. Our support team sees every "
            "request. Start with a button, or write `@sipdesk help`."
        ),
        menu_buttons(),
    ]


def unlink_question(channel_id: str, customer_name: str) -> list[Block]:
    return [
        _section(
            f"Unlink <#{channel_id}> from *{escape(customer_name)}*? Requests will no longer be "
            "taken here and its Down alerts and digests stop."
        ),
        {
            "type": "actions",
            "block_id": "onboard_unlink",
            "elements": [
                {
                    "type": "button",
                    "action_id": CONFIRM_UNLINK,
                    "style": "danger",
                    "text": {"type": "plain_text", "text": "Confirm"},
                    "value": ChannelRef(channel_id).encode(),
                },
                {
                    "type": "button",
                    "action_id": KEEP_LINK,
                    "text": {"type": "plain_text", "text": "Cancel"},
                    "value": ChannelRef(channel_id).encode(),
                },
            ],
        },
    ]


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
