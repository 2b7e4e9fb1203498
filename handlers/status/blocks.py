"""Block Kit for `/sip status`: one line per SIP account, Up / Down / unknown and since when."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers.ages import describe
from handlers.ask_menu import new_password_button
from handlers.mrkdwn import SECTION_LIMIT, escape, quote
from handlers.status.flow import CustomerStatus
from handlers.status.live import LiveDevices
from store.account_status import AccountStatusLine
from store.models import AccountStatus
from store.types import utcnow
from telephony import Contact

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
    if report.customer_ref:  # staff see whose account it is
        name = f"{name} ({escape(report.customer_ref)})"
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
    if report.one_account is not None:
        footer += " Asking the platform which devices it sees now…"
    blocks.append(_context(footer))
    return blocks


def account_line(account: AccountStatusLine, report: CustomerStatus, now: datetime) -> str:
    icon, word = _LOOK[account.status]
    label = quote(account.label, LABEL_LIMIT) if account.label else "_(no label)_"
    who = f"{icon} *{label}* `{escape(account.username)}`"
    if account.status is AccountStatus.UNKNOWN:
        return f"{who} — status unknown (not seen by the watch yet)"
    if account.read_live:  # the watch has not polled yet: the platform's answer just now
        seen = "a device is registered" if account.status is AccountStatus.UP else "no device"
        return f"{who} — *{word}* now ({seen}, read from the platform just now)"
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


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


# ----- `/sip status ACCOUNT`: the devices the platform sees now (the second answer) -----

MAX_DEVICES = 10


def devices_blocks(
    account: AccountStatusLine, live: LiveDevices, zone: ZoneInfo, now: datetime | None = None
) -> list[Block]:
    """What the platform sees now for one account: each registered device (user agent, source
    address, registered at, expires), or "no device registered" with the last one seen.

    A plain list of blocks: callers may append their own (an actions block of buttons).
    """
    now = now or utcnow()
    label = quote(account.label, LABEL_LIMIT) if account.label else escape(account.username)
    heading = f"*What the platform sees now:* {label} `{escape(account.username)}`"
    if live.problem is not None:
        return [_section(f"{heading}\n:warning: {escape(live.problem)} Try again in a moment.")]
    registered = live.registered
    lines = [device_line(c, zone, now) for c in registered[:MAX_DEVICES]]
    if len(registered) > MAX_DEVICES:
        lines.append(f"…and {len(registered) - MAX_DEVICES} more devices.")
    if not registered:
        lines.append(f":zzz: No device registered. {_last_seen(account, zone)}")
    elif len(registered) > 1:
        lines.append(
            f":warning: {len(registered)} devices share this SIP account: one device per "
            "account, or calls lose audio. Give the second device its own: `/sip new LABEL`."
        )
    expired = len(live.contacts) - len(registered)
    footer = f"Read {live.read_at.astimezone(zone):%d %b %H:%M:%S}, times in {zone.key}."
    if expired:
        footer += f" {expired} expired registration(s) not shown."
    return [_section(heading), _section("\n".join(lines)), _context(footer)]


def device_line(contact: Contact, zone: ZoneInfo, now: datetime) -> str:
    agent = quote(contact.user_agent, 80) if contact.user_agent else "_(no user agent)_"
    where = f" from `{escape(contact.source)}`" if contact.source else ""
    head = f":telephone_receiver: *{agent}*{where}"
    parts: list[str] = []
    if contact.registered_at is not None:
        parts.append(f"registered {_when(contact.registered_at, zone)}")
    if contact.expires_at is None:
        parts.append("never expires")
    else:
        left = contact.expires_at - now
        parts.append(f"expires {_when(contact.expires_at, zone)} (in {describe(left)})")
    return f"{head} — {', '.join(parts)}"


def devices_text(account: AccountStatusLine, live: LiveDevices) -> str:
    if live.problem is not None:
        return f"{account.username}: {live.problem}"
    count = len(live.registered)
    return f"{account.username}: {count or 'no'} device{'s' if count != 1 else ''} registered now"


def _last_seen(account: AccountStatusLine, zone: ZoneInfo) -> str:
    last = account.last_device
    if last is None or last.seen_at is None:
        return "No device was seen on it before either."
    agent = quote(last.user_agent, 80) if last.user_agent else "a device"
    where = f" from `{escape(last.source)}`" if last.source else ""
    return f"Last one seen: {agent}{where}, {_when(last.seen_at, zone)}."


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%d %b %H:%M}"
