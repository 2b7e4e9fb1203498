"""Demo scene: a customer asks `/sip status`; the Home tabs of an agent and of that customer."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from store.models import AccountStatus, SipAccount
from store.types import utcnow

if TYPE_CHECKING:
    from bot.demo import Stage
    from slack_sandbox import RecordedResponse

# What the watch (registrations polled every minute) would have recorded by now.
SEEN = {
    "k3x9q2m7ab": (AccountStatus.UP, timedelta(hours=3, minutes=20)),
    "p8w4n6t1cz": (AccountStatus.DOWN, timedelta(minutes=12)),
}


def play(stage: Stage, out: Callable[[str], None]) -> None:
    from bot.demo_render import indent, render_blocks

    w, sandbox = stage.world, stage.sandbox
    _as_the_watch_saw_them(stage)
    _the_registrar_holds(stage)
    out("(the watch saw Reception desk register 3 h 20 min ago and Dr. Byrne's surgery go Down")
    out(" 12 min ago; it has not polled Warehouse office yet, so sipdesk asks the platform)")

    for user, channel in ((w.carol, w.globex_channel), (w.dave, w.initech_channel)):
        out(f"[{stage.names[channel]}] {stage.names[user]}: /sip status")
        before = len(sandbox.responses)
        stage.slack.slash_command("/sip", "status", user=user, channel=channel)
        said = sandbox.eventually(partial(_responses_after, stage, before))
        out(f"[{stage.names[channel]}] sipdesk (only visible to you):")
        out(indent(render_blocks(said[0].body.get("blocks", [])) if said else "(no answer)"))

    # One account named: the status at once, then the devices the platform sees now.
    out(f"[{stage.names[w.globex_channel]}] {stage.names[w.carol]}: /sip status Reception desk")
    before = len(sandbox.responses)
    stage.slack.slash_command(
        "/sip", "status Reception desk", user=w.carol, channel=w.globex_channel
    )
    said = sandbox.eventually(partial(_responses_after, stage, before, 2))
    for response in said:
        out(f"[{stage.names[w.globex_channel]}] sipdesk (only visible to you):")
        out(indent(render_blocks(response.body.get("blocks", []))))

    for user in (w.bob, w.carol):
        out(f"{stage.names[user]} opens the sipdesk Home tab")
        published = len(sandbox.calls_to("views.publish"))
        stage.slack.app_home_opened(user)
        sandbox.eventually(partial(_published_after, stage, published))
        home = sandbox.home_of(user)
        out(indent(render_blocks(home["blocks"] if home else [])))


def _responses_after(stage: Stage, seen: int, count: int = 1) -> list[RecordedResponse]:
    said = stage.sandbox.responses[seen:]
    return said if len(said) >= count else []


def _the_registrar_holds(stage: Stage) -> None:
    """The Reception desk phone in the registrations feed, as the registrar has it now."""
    feed = stage.runtime.settings.registrations_feed
    if feed is None:
        return
    now = utcnow()
    device = {
        "username": "k3x9q2m7ab",
        "contact": "sip:k3x9q2m7ab@198.51.100.7:5062",
        "user_agent": "Yealink SIP-T46U 108.86.0.45",
        "source": "198.51.100.7:5062",
        "registered_at": (now - timedelta(minutes=4)).isoformat(),
        "expires": 3360,
    }
    Path(feed).write_text(json.dumps([device]), encoding="utf-8")


def _published_after(stage: Stage, seen: int) -> bool:
    return len(stage.sandbox.calls_to("views.publish")) > seen


def _as_the_watch_saw_them(stage: Stage) -> None:
    with stage.runtime.db.session() as session:
        for account in session.scalars(select(SipAccount).where(SipAccount.username.in_(SEEN))):
            status, ago = SEEN[account.username]
            account.status, account.status_since = status, utcnow() - ago
