"""Block Kit for the App Home tab."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers.ages import describe
from handlers.help.blocks import SIP_HELP
from handlers.home.flow import SLACK_USER_ID, Desk, OwnRequests, RequestLine
from handlers.mrkdwn import quote
from store.models import RequestKind
from store.types import utcnow

View = dict[str, Any]
Block = dict[str, Any]

REFRESH_ACTION = "home_refresh"

_STATE_LABELS = {
    "awaiting_customer": "Waiting for the customer",
    "checking_evidence": "Checking evidence",
    "pending_approval": "Waiting for your decision",
    "approved": "Being applied",
    "failed": "Failed to apply",
}
# What the person who asked reads about their own request.
_OWN_STATE_LABELS = {
    "awaiting_customer": "waiting for you (a bill to upload or a cost to accept)",
    "checking_evidence": "your bill is being checked",
    "pending_approval": "waiting for the support team",
    "approved": "approved, being applied",
    "failed": "approved, but applying it failed; support will retry",
}
KIND_LABELS = {
    RequestKind.PSTN_CALLER_ID: "PSTN caller ID",
    RequestKind.VOIP_CALLER_ID: "VoIP caller ID",
    RequestKind.NEW_SIP_ACCOUNT: "New SIP account",
    RequestKind.PASSWORD_RESET: "New password",
}


def staff_home(desk: Desk, now: datetime | None = None) -> View:
    now = now or utcnow()
    pending = [_pending_line(line, now) for line in desk.pending]
    if desk.pending_total > len(pending):
        pending.append(f"_…and {desk.pending_total - len(pending)} more_")
    others = [
        f"• {_STATE_LABELS.get(s, s)}: *{n}*"
        for s, n in desk.open_by_state.items()
        if n and s != "pending_approval"
    ]
    total = sum(desk.open_by_state.values())
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "sipdesk — support desk"}},
        _section(f"*Waiting for approval: {desk.pending_total}* (oldest first)"),
    ]
    blocks += [_section(text) for text in _joined(pending or ["Nothing to decide. :tada:"])]
    blocks.append(_section(f"*Open requests: {total}*\n" + ("\n".join(others) or "No others.")))
    blocks.append(_context(f"{desk.customers} customers · {desk.linked_channels} linked channels"))
    blocks.append(_refresh())
    return {"type": "home", "blocks": blocks}


def unavailable_home(message: str) -> View:
    """The tab when its numbers cannot be read: say so, and offer to try again."""
    return {
        "type": "home",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "sipdesk — support desk"}},
            _section(f":hourglass: {message}"),
            _refresh(),
        ],
    }


def visitor_home(own: OwnRequests | None = None, now: datetime | None = None) -> View:
    now = now or utcnow()
    # SIP_HELP already lists /callerid's lines too: each command once.
    usage = "\n".join(f"*`{u}`* — {w}" for u, w in SIP_HELP)
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "sipdesk"}},
    ]
    if own is not None and own.total:
        lines = [_own_line(line, now) for line in own.lines]
        if own.total > len(lines):
            lines.append(f"_…and {own.total - len(lines)} more_")
        blocks.append(_section(f"*Your open requests: {own.total}*"))
        blocks += [_section(text) for text in _joined(lines)]
    else:
        blocks.append(_section("*Your open requests:* none."))
    blocks.append(
        _section("Ask for caller-ID changes and new SIP accounts in your shared channel:")
    )
    blocks.append(_section(usage))
    blocks.append(_refresh())
    return {"type": "home", "blocks": blocks}


def requester(user_id: str) -> str:
    """A mention for a Slack user id; anything else shown as plain text."""
    return f"<@{user_id}>" if SLACK_USER_ID.fullmatch(user_id) else quote(user_id, 40)


def _pending_line(line: RequestLine, now: datetime) -> str:
    return (
        f"• *#{line.id}* {quote(line.customer, 80)} — {KIND_LABELS.get(line.kind, line.kind)} "
        f"— asked by {requester(line.requested_by)} — waiting {describe(now - line.created_at)}"
    )


def _own_line(line: RequestLine, now: datetime) -> str:
    state = _OWN_STATE_LABELS.get(line.state.value, line.state.value.replace("_", " "))
    return (
        f"• *#{line.id}* {KIND_LABELS.get(line.kind, line.kind)} for "
        f"{quote(line.customer, 80)} — {state} — asked {describe(now - line.created_at)} ago"
    )


def _joined(lines: list[str], limit: int = 2900) -> list[str]:
    """Lines packed into as few section texts as fit Slack's 3,000-character limit."""
    texts: list[str] = []
    for line in lines:
        if texts and len(texts[-1]) + len(line) + 1 <= limit:
            texts[-1] += "\n" + line
        else:
            texts.append(line)
    return texts


def _refresh() -> Block:
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": REFRESH_ACTION,
                "text": {"type": "plain_text", "text": "Refresh"},
            }
        ],
    }


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
