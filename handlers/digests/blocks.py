"""Block Kit for digests: a customer's (their accounts) and the staff one (every customer)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers.digests.report import CustomerDigest, OutageRow, StaffDigest
from handlers.mrkdwn import clip, escape
from handlers.watch.blocks import clock, length

Block = dict[str, Any]
MAX_LINES = 20


def _account(row: OutageRow, *, with_customer: bool = False) -> str:
    who = f"{escape(clip(row.customer, 60))}: " if with_customer else ""
    return f"{who}*{escape(clip(row.label or 'SIP account', 80))}* (`{escape(row.username)}`)"


def customer_digest(digest: CustomerDigest, zone: str, now: datetime) -> tuple[str, list[Block]]:
    since = f" since {clock(digest.since, zone)}" if digest.since else ""
    if digest.all_clear:
        text = f":white_check_mark: All clear: every SIP account is Up, no outages{since}."
        return "SIP accounts digest: all clear", [_section(f"*SIP accounts digest*\n{text}")]
    lines = ["*SIP accounts digest*"]
    if digest.down_now:
        lines.append(f":red_circle: *Down now ({len(digest.down_now)})*")
        lines += [
            f"• {_account(r)} Down for {length(r.length(now))}{_muted(r)}"
            for r in digest.down_now[:MAX_LINES]
        ]
        lines += _more(len(digest.down_now))
    if digest.outages:
        lines.append(f":large_green_circle: *Outages{since}, now over ({len(digest.outages)})*")
        lines += [
            f"• {_account(r)} {clock(r.started_at, zone)}, {length(r.length(now))}{_muted(r)}"
            for r in digest.outages[:MAX_LINES]
        ]
        lines += _more(len(digest.outages))
    summary = f"SIP accounts digest: {len(digest.down_now)} Down, {len(digest.outages)} outages"
    return summary, [_section("\n".join(lines))]


def staff_digest(digest: StaffDigest, zone: str, now: datetime) -> tuple[str, list[Block]]:
    since = f" since {clock(digest.since, zone)}" if digest.since else ""
    lines = [
        "*Staff digest: SIP accounts across customers*",
        f"{digest.down_now} of {digest.accounts} SIP accounts Down now; "
        f"{digest.outages} outage{'' if digest.outages == 1 else 's'}{since}.",
    ]
    if digest.longest:
        lines.append("*Longest outages*")
        lines += [
            f"• {_account(r, with_customer=True)} {length(r.length(now))}"
            f"{' (still Down)' if r.ended_at is None else ''}"
            for r in digest.longest
        ]
    if digest.most_down:
        lines.append("*Customers with most Down*")
        lines += [f"• {escape(clip(name, 60))}: {count}" for name, count in digest.most_down]
    summary = f"Staff digest: {digest.down_now} of {digest.accounts} SIP accounts Down"
    return summary, [_section("\n".join(lines))]


def _muted(row: OutageRow) -> str:
    return " _(silenced)_" if row.silenced else ""


def _more(count: int) -> list[str]:
    return [f"…and {count - MAX_LINES} more."] if count > MAX_LINES else []


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, 3000)}}
