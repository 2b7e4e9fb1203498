"""Block Kit for `/sip status`: one line per SIP account, Up / Down / unknown and since when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers.ages import describe
from handlers.ask_menu import new_password_button
from handlers.mrkdwn import SECTION_LIMIT, escape, quote
from handlers.status.flow import CustomerStatus
from store.account_status import AccountStatusLine
from store.models import AccountStatus
from store.types import utcnow

Block = dict[str, Any]

LABEL_LIMIT = 80
MAX_SECTIONS = 40  # Slack allows 50 blocks in a message; leave room for the heading and footer

_LOOK = {
    AccountStatus.UP: (":large_green_circle:", "Up"),
    AccountStatus.DOWN: (":red_circle:", "Down"),
    AccountStatus.UNKNOWN: (":white_circle:", "unknown"),
}


def status_blocks(report: CustomerStatus, now: datetime | None = None) -> list[Block]:
    now = now or utcnow()
    name = quote(report.customer_name, 120)
    if not report.accounts:
        return [
            _section(
                f"*{name}* has no SIP accounts yet. `/sip new LABEL` asks for one "
                "(one device per SIP account)."
            )
        ]
    heading = f"*SIP accounts of {name}*" if report.asked_for is None else f"*{name}*"
    blocks = [_section(heading)]
    lines = [account_line(a, report, now) for a in report.accounts]
    chunks = _chunks(lines)
    for chunk in chunks[:MAX_SECTIONS]:
        blocks.append(_section("\n".join(chunk)))
    if report.asked_for is not None and len(report.accounts) == 1:
        blocks.append(new_password_button(report.accounts[0].username))
    hidden = sum(len(c) for c in chunks[MAX_SECTIONS:])
    footer = f"Times in {report.timezone.key}. Down: no device is registered."
    if hidden:
        footer = f"…and {hidden} more SIP accounts not shown. " + footer
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": footer}]})
    return blocks


def account_line(account: AccountStatusLine, report: CustomerStatus, now: datetime) -> str:
    icon, word = _LOOK[account.status]
    label = quote(account.label, LABEL_LIMIT) if account.label else "_(no label)_"
    who = f"{icon} *{label}* `{escape(account.username)}`"
    if account.status is AccountStatus.UNKNOWN:
        return f"{who} — status unknown (not seen by the watch yet)"
    local = account.since.astimezone(report.timezone)
    return f"{who} — *{word}* since {local:%d %b %H:%M} ({describe(now - account.since)})"


def status_text(report: CustomerStatus, now: datetime | None = None) -> str:
    """The plain-text fallback (notifications, screen readers)."""
    now = now or utcnow()
    if not report.accounts:
        return f"{report.customer_name} has no SIP accounts yet."
    words = {AccountStatus.UP: "Up", AccountStatus.DOWN: "Down", AccountStatus.UNKNOWN: "unknown"}
    parts = [f"{quote(a.label or a.username, 40)}: {words[a.status]}" for a in report.accounts[:20]]
    return f"SIP accounts of {quote(report.customer_name, 120)}: " + "; ".join(parts)


def _chunks(lines: list[str]) -> list[list[str]]:
    chunks: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if chunks[-1] and size + len(line) + 1 > SECTION_LIMIT:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    return chunks


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
