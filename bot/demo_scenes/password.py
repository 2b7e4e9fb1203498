"""Demo scene: a new password for a SIP account. Carol asks, reads what it means for the phone
and confirms; staff approve; the link reaches her alone; the phone is Down on the old password
and back Up on the new one, and the customer's channel hears no alert about it.

The registrar is played by the scene, as in the watch scene (the demo has no SIP server)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import func, select

from bot.demo_scenes.requests import WAIT, Scene
from bot.demo_scenes.watch import RECEPTION, SURGERY, PlayedRegistrar
from bot.scheduler_process import notifier_of, watch_policy
from handlers.watch.flow import Watch
from slack_sandbox.threads import thread_replies
from store.models import AlertMessage, Request
from store.types import utcnow

if TYPE_CHECKING:
    from bot.demo import Stage

Print = Callable[[str], None]
YEALINK = ("Yealink T46U", "198.51.100.7:5062")


def play(stage: Stage, out: Print) -> None:
    s, w, runtime = Scene(stage, out), stage.world, stage.runtime
    registrar = PlayedRegistrar()
    policy = replace(watch_policy(runtime.settings), storm_share=0.5)  # one of three Down
    watch = Watch(runtime.db, registrar, notifier_of(runtime), policy)  # type: ignore[arg-type]
    for username, agent, source in (
        (RECEPTION, *YEALINK),
        (SURGERY, "Snom D785", "198.51.100.7:5064"),
        ("r2d5v7x9qk", "Grandstream GXP2170", "203.0.113.20:5060"),
    ):
        registrar.register(username, agent, source)
    # After the watch scene's clock: its polls ran up to some minutes ahead of now.
    clock = utcnow() + timedelta(minutes=15)
    watch.poll(clock)

    out("\n--- a new password: asked, confirmed, approved, the link, Down and back Up ---\n")
    alerts_before = _alerts(stage)
    s.command(w.carol, w.globex_channel, "/sip", "password Reception desk")
    asked = s.newest_request(_count(s))
    s.thread(asked, "confirm first")
    replies = thread_replies(s.sandbox, w.globex_channel, str(asked.customer_message_ts))
    s.click(w.carol, replies[-1], "Confirm", channel=w.globex_channel)
    card = s.card(asked.id, lambda c: "Approve" in str(c.get("blocks")))
    s.click(w.bob, card, "Approve")
    s.state(asked.id, "applied")
    s.thread(asked, "Applied")
    shown = s.sandbox.eventually(
        lambda: [
            e
            for e in s.sandbox.ephemerals(user=w.carol)
            if "new password is set" in e["message"]["text"]
        ],
        WAIT,
    )
    for message in shown or []:
        out(f"[{s.name(w.globex_channel)}] sipdesk (only visible to carol):")
        out(f"    {message['message']['text']}\n    [ Show the password ]\n")
        url = _link(message["message"])
        if url:
            out(f"{s.name(w.carol)} opens the link and presses [ Show the password ]")
            out(f"    page: {_reveal(url)}\n")

    out("the Reception desk phone, still on the old password, is refused and stops registering")
    del registrar.registered[RECEPTION]
    watch.poll(clock + policy.interval)
    watch.poll(clock + policy.interval + policy.down_after)
    s.command(w.carol, w.globex_channel, "/sip", "status Reception desk")
    held = "no Down alert" if _alerts(stage) == alerts_before else "a Down alert (unexpected)"
    out(
        f"    ({held} in {s.name(w.globex_channel)}: the Down is expected, held for "
        f"{int(runtime.settings.reset_grace.total_seconds() // 60)} min or until it registers)\n"
    )

    out("carol types the new password into the phone; it registers again")
    registrar.register(RECEPTION, *YEALINK)
    watch.poll(clock + policy.interval * 2 + policy.down_after)
    s.command(w.carol, w.globex_channel, "/sip", "status Reception desk")
    quiet = _alerts(stage) == alerts_before
    out(f"    ({'still no alert, and no' if quiet else 'an alert and a'} “back Up” message)\n")


def _count(s: Scene) -> int:
    """How many requests this run of the demo made, the one just asked for included."""
    with s.stage.runtime.db.session() as session:
        return int(session.scalar(select(func.count()).where(Request.id > s.before)) or 0)


def _alerts(stage: Stage) -> list[int]:
    """The watch's messages claimed for Globex's channel (Down alerts and the like)."""
    with stage.runtime.db.session() as session:
        return list(
            session.scalars(
                select(AlertMessage.id).where(AlertMessage.channel_id == stage.world.globex_channel)
            )
        )


def _link(message: dict[str, Any]) -> str | None:
    for block in message.get("blocks", []) or []:
        for element in block.get("elements", []) or []:
            if element.get("action_id") == "open_credentials_page":
                return str(element["url"])
    return None


def _reveal(url: str) -> str:
    """What the page says once the button is pressed; the password itself masked."""
    with httpx.Client() as browser:
        intro = browser.get(url)
        csrf = re.search(r'name="csrf" value="([^"]+)"', intro.text)
        if csrf is None:
            return "(the page did not open)"
        page = browser.post(url, data={"csrf": csrf[1]}).text
    title = re.search(r"<h1>([^<]+)</h1>", page)
    shown = re.search(r'id="v-password" class="password">[^<]+<', page) is not None
    masked = "password shown once: ••••••••" if shown else "no password shown"
    return f"# {title[1] if title else '?'} ({masked})"
