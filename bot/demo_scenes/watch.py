"""Demo scene: a phone stops registering, its Down alert, the recovery, and a digest.

The registrar is played by the scene (the demo has no SIP server); everything after it is the
real watch and digest flow posting through the real notifier into the local Slack."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.demo_render import indent, render_blocks
from bot.scheduler_process import digest_policy, notifier_of, watch_policy
from handlers.digests.flow import send_now
from handlers.watch.flow import Watch
from store.types import utcnow
from telephony.types import Contact, Registrations

if TYPE_CHECKING:
    from bot.demo import Stage

Print = Callable[[str], None]
RECEPTION, SURGERY = "k3x9q2m7ab", "p8w4n6t1cz"  # Globex's accounts in examples/accounts.yml


class PlayedRegistrar:
    def __init__(self) -> None:
        self.registered: dict[str, tuple[Contact, ...]] = {}

    def register(self, username: str, user_agent: str, source: str) -> None:
        self.registered[username] = (Contact(f"sip:{username}@{source}", user_agent, source, None),)

    def registrations(self) -> Registrations:
        return Registrations(dict(self.registered))


def play(stage: Stage, out: Print) -> None:
    runtime, w = stage.runtime, stage.world
    registrar = PlayedRegistrar()
    # Three accounts in the demo: one Down is a third of them, which the storm guard would hold.
    policy = replace(watch_policy(runtime.settings), storm_share=0.5)
    watch = Watch(runtime.db, registrar, notifier_of(runtime), policy)  # type: ignore[arg-type]
    registrar.register(RECEPTION, "Yealink T46U", "198.51.100.7:5062")
    registrar.register(SURGERY, "Snom D785", "198.51.100.7:5064")
    registrar.register("r2d5v7x9qk", "Grandstream GXP2170", "203.0.113.20:5060")
    start = utcnow()
    watch.poll(start)

    down_after = int(policy.down_after.total_seconds())
    out(f"the Reception desk phone at Globex stops registering (Down after {down_after} s)")
    del registrar.registered[RECEPTION]
    watch.poll(start + policy.interval)
    watch.poll(start + policy.interval + policy.down_after)
    alert = _last(stage, w.globex_channel)
    out(f"[{stage.names[w.globex_channel]}] sipdesk:")
    out(indent(render_blocks(alert.get("blocks", []))))
    out(f"[{stage.names[w.staff_channel]}] sipdesk:")
    out(indent(render_blocks(_last(stage, w.staff_channel).get("blocks", []))))

    out("the phone registers again")
    registrar.register(RECEPTION, "Yealink T46U", "198.51.100.7:5062")
    watch.poll(start + policy.interval * 2 + policy.down_after + timedelta(minutes=5))
    edited = stage.sandbox.message(w.globex_channel, str(alert["ts"])) or {}
    out(f"[{stage.names[w.globex_channel]}] sipdesk (the same message, edited):")
    out(indent(render_blocks(edited.get("blocks", []))))
    reply = _last(stage, w.globex_channel, thread=str(alert["ts"]))
    out(f"[{stage.names[w.globex_channel]}] sipdesk (in the thread): {reply.get('text', '')}\n")

    out("$ sipdesk digest --now")
    send_now(runtime.db, watch.notifier, digest_policy(runtime.settings), utcnow())
    for channel in (w.globex_channel, w.staff_channel):
        digest = _last(stage, channel)
        out(f"[{stage.names[channel]}] sipdesk:")
        out(indent(render_blocks(digest.get("blocks", []))))
    uploads = stage.sandbox.calls_to("files.completeUploadExternal")
    if uploads:
        out(indent("[image: down-accounts.png, SIP accounts Down per day, in the thread]"))


def _last(stage: Stage, channel: str, *, thread: str | None = None) -> dict[str, Any]:
    messages = [
        m
        for m in stage.sandbox.messages(channel)
        if (m.get("thread_ts") == thread if thread else not m.get("thread_ts"))
    ]
    return messages[-1] if messages else {}
