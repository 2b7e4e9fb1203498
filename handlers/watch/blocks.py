"""Block Kit for the watch: Down alerts (and their resolved form), incidents, warnings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from handlers.ask_menu import SECOND_DEVICE_NEW_SIP
from handlers.mrkdwn import clip, escape

Block = dict[str, Any]

# The two-devices warning's button: starts a new-SIP-account request (handlers/new_sip).
NEW_SIP_ACTION = SECOND_DEVICE_NEW_SIP  # value: the username of the shared SIP account

WHAT_TO_CHECK = (
    "*What to check:* is the phone powered on and showing a network link? Can other devices "
    "at the site reach the internet? Were the SIP username or password changed on the phone? "
    "One device per SIP account: a second phone needs its own account."
)
MAX_LINES = 40  # Slack allows 50 blocks; the rest is summarised


@dataclass(frozen=True)
class OutageLine:
    label: str
    username: str
    customer: str
    started_at: datetime
    ended_at: datetime | None
    user_agent: str | None
    source: str | None
    last_seen_at: datetime | None


def length(span: timedelta) -> str:
    """`3 min`, `2 h 5 min`, `1 d 4 h`: how long an outage lasted."""
    minutes = max(0, int(span.total_seconds() // 60))
    if minutes < 1:
        return f"{max(0, int(span.total_seconds()))} s"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def clock(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%a %d %b %H:%M %Z")


def _account(line: OutageLine, *, with_customer: bool) -> str:
    name = escape(clip(line.label or "SIP account", 80))
    who = f"{escape(clip(line.customer, 60))}: " if with_customer else ""
    return f"{who}*{name}* (`{escape(line.username)}`)"


def _device(line: OutageLine, zone: str) -> str:
    if not line.user_agent and not line.source:
        return "no device seen yet"
    parts = [escape(clip(line.user_agent or "unknown device", 80))]
    if line.source:
        parts.append(f"from {escape(line.source)}")
    if line.last_seen_at:
        parts.append(f"seen {clock(line.last_seen_at, zone)}")
    return "last device: " + " ".join(parts)


def down_alert(
    lines: list[OutageLine], zone: str, now: datetime, *, staff: bool
) -> tuple[str, list[Block]]:
    """The grouped alert, or its resolved form once every account in it is back."""
    open_lines = [line for line in lines if line.ended_at is None]
    if open_lines:
        title = (
            f":red_circle: {len(open_lines)} SIP accounts are Down"
            if len(open_lines) > 1
            else ":red_circle: A SIP account is Down"
        )
    else:
        title = ":large_green_circle: Resolved: every SIP account in this alert is back Up"
    blocks: list[Block] = [_section(f"*{title}*")]
    for line in lines[:MAX_LINES]:
        account = _account(line, with_customer=staff)
        if line.ended_at is None:
            text = (
                f"{account}: Down since {clock(line.started_at, zone)} "
                f"({length(now - line.started_at)}); {_device(line, zone)}"
            )
        else:
            text = (
                f":white_check_mark: ~{account}~ back Up {clock(line.ended_at, zone)}, "
                f"was Down {length(line.ended_at - line.started_at)}"
            )
        blocks.append(_section(text))
    if len(lines) > MAX_LINES:
        blocks.append(_context(f"…and {len(lines) - MAX_LINES} more."))
    if open_lines and not staff:
        blocks.append(_context(WHAT_TO_CHECK))
    return title.split(" ", 1)[1], blocks


def back_up_reply(lines: list[OutageLine]) -> str:
    shown = ", ".join(
        f"{line.label or line.username} (`{line.username}`) after "
        f"{length((line.ended_at or line.started_at) - line.started_at)}"
        for line in lines[:10]
    )
    more = f" and {len(lines) - 10} more" if len(lines) > 10 else ""
    return f":large_green_circle: Back Up: {escape(shown)}{more}."


def flapping_alert(line: OutageLine, count: int, window: timedelta) -> tuple[str, list[Block]]:
    text = (
        f":warning: *{escape(line.label or 'SIP account')}* (`{escape(line.username)}`) keeps "
        f"dropping off: {count} outages in the last {length(window)}. I will not post each "
        "one; they still show in the digest. An unstable network link or a phone rebooting "
        "is the usual cause."
    )
    return f"SIP account {line.username} is flapping", [_section(text)]


def flapping_over(line: OutageLine) -> tuple[str, list[Block]]:
    text = f":large_green_circle: `{escape(line.username)}` has been stable again."
    return f"SIP account {line.username} is stable again", [_section(text)]


def two_devices_warning(label: str, username: str, devices: list[str]) -> tuple[str, list[Block]]:
    shown = "; ".join(escape(clip(d, 80)) for d in devices[:5])
    text = (
        f":warning: *Two devices are registered on one SIP account*: "
        f"*{escape(label or 'SIP account')}* (`{escape(username)}`): {shown}. "
        "Two phones on one account cause one-way or missing audio and missed calls. "
        "Give the second device its own SIP account."
    )
    button = {
        "type": "button",
        "action_id": NEW_SIP_ACTION,
        "text": {"type": "plain_text", "text": "New SIP account"},
        "value": username,
        "style": "primary",
    }
    return (
        f"Two devices are registered on SIP account {username}",
        [_section(text), {"type": "actions", "elements": [button]}],
    )


def incident(kind: str, text: str, *, resolved: bool) -> tuple[str, list[Block]]:
    icon = ":large_green_circle:" if resolved else ":rotating_light:"
    title = f"{icon} {'Resolved: ' if resolved else ''}{kind}"
    return title, [_section(f"*{title}*\n{escape(text)}")]


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, 3000)}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, 3000)}]}
