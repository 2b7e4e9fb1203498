"""Demo scene: `/sip history` of an account after the requests scene changed it, as the
customer reads it in their channel and as staff read any customer's in the staff channel."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.demo import Stage
    from slack_sandbox import RecordedResponse

Print = Callable[[str], None]


def play(stage: Stage, out: Print) -> None:
    from bot.demo_render import indent, render_blocks

    out("\n--- history: what was asked and changed on an account, newest first ---\n")
    w, sandbox = stage.world, stage.sandbox
    for user, channel, text in (
        (w.carol, w.globex_channel, "history p8w4n6t1cz 3"),
        (w.alice, w.staff_channel, "history GLOBEX-001 Reception desk 2"),
    ):
        out(f"[{stage.names[channel]}] {stage.names[user]}: /sip {text}")
        before = len(sandbox.responses)
        stage.slack.slash_command("/sip", text, user=user, channel=channel)
        said = sandbox.eventually(partial(_after, stage, before))
        out(f"[{stage.names[channel]}] sipdesk (only visible to you):")
        shown = render_blocks(said[0].body.get("blocks", [])) if said else "(no answer)"
        out(indent(_named(stage, shown)))


def _after(stage: Stage, seen: int) -> list[RecordedResponse]:
    return stage.sandbox.responses[seen:]


def _named(stage: Stage, text: str) -> str:
    """Mentions as Slack shows them: <@U…> as @name."""
    for user_id, name in stage.names.items():
        text = text.replace(f"<@{user_id}>", "@" + name.split(" ", 1)[0])
    return text
