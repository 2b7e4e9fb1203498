"""Block Kit for `/sip history`: one section per request on the account, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers.history.flow import AccountHistory
from handlers.mrkdwn import escape, quote
from handlers.request_facts import KIND_TITLE, pstn_value, voip_value
from store.history import HistoryEntry
from store.models import RequestKind

Block = dict[str, Any]

STATE_WORDS = {
    "awaiting_customer": "waiting for the customer",
    "checking_evidence": "bill being checked",
    "pending_approval": "waiting for staff",
    "approved": "approved, being applied",
    "applied": "applied",
    "rejected": "rejected",
    "cancelled": "cancelled",
    "expired": "expired",
    "failed": "could not be applied",
}


def history_blocks(history: AccountHistory) -> list[Block]:
    label = quote(history.label, 80) if history.label else "_(no label)_"
    whose = quote(history.customer_name, 120)
    if history.customer_ref:
        whose += f" ({escape(history.customer_ref)})"
    heading = f"*History of {label}* `{escape(history.username)}` · {whose}"
    if not history.entries:
        return [_section(f"{heading}\nNothing was asked or changed on this SIP account yet.")]
    blocks = [_section(heading)]
    blocks += [_section(entry_text(e, history.timezone)) for e in history.entries]
    shown = len(history.entries)
    more = " Ask for more: `/sip history ACCOUNT 50`." if shown == history.asked else ""
    blocks.append(_context(f"The latest {shown}, newest first. Times in {history.timezone.key}."
                           f"{more}"))  # fmt: skip
    return blocks


def entry_text(entry: HistoryEntry, zone: ZoneInfo) -> str:
    title = f"*#{entry.request_id} · {KIND_TITLE[entry.kind]}*: {change_of(entry)}"
    state = STATE_WORDS.get(entry.state, entry.state.replace("_", " "))
    steps = [f"asked by {_who(entry.asked_by)} {_when(entry.asked_at, zone)}"]
    if entry.details.get("path") == "self_service":
        steps.append("self-service (a number on the account): no approval needed")
    elif entry.decision is not None:
        by = _who(entry.decided_by) if entry.decided_by else "staff"
        steps.append(f"{entry.decision} by {by} {_when(entry.decided_at, zone)}")
    if entry.applied_at is not None:
        steps.append(f"applied {_when(entry.applied_at, zone)}")
    if entry.bill_verdict is not None:
        steps.append(f"bill: {escape(entry.bill_verdict)}")
    lines = [f"{title} — _{state}_", " · ".join(steps)]
    if entry.decision == "rejected" and entry.decision_note:
        lines.append(f"Reason: {quote(entry.decision_note, 300)}")
    return "\n".join(lines)


def change_of(entry: HistoryEntry) -> str:
    d = entry.details
    if entry.kind is RequestKind.PSTN_CALLER_ID:
        old = f" (was {escape(str(d['old']))})" if d.get("old") else ""
        return f"{escape(pstn_value(d.get('number')))}{old}"
    if entry.kind is RequestKind.VOIP_CALLER_ID:
        new = voip_value(d.get("name"), d.get("number"))
        old = voip_value(d.get("old_name"), d.get("old_number"))
        return f"{quote(new, 80)} (was {quote(old, 80)})"
    return f"a new SIP account “{quote(str(d.get('label', '')), 80)}”"


def history_text(history: AccountHistory) -> str:
    count = len(history.entries)
    return f"History of {history.username}: {count} request{'s' if count != 1 else ''}"


def _who(actor: str | None) -> str:
    if not actor:
        return "someone"
    if actor.startswith("system:"):
        return "sipdesk"
    return f"<@{escape(actor)}>"


def _when(moment: datetime | None, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%d %b %Y %H:%M}" if moment else ""


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
