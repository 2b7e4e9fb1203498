"""Staff rights are denied unless proven: a staff-only button clicked by anyone but the support
team is refused with a sentence and audited, and the listener never runs."""

from __future__ import annotations

from typing import Any

import pytest
from running import RunningBot
from sqlalchemy import select

from handlers.actor import Actor
from handlers.staff_only import REFUSAL
from store.models import AuditEvent


@pytest.fixture
def decided(running_bot: RunningBot) -> list[Actor]:
    """A staff-only button `test_decide` whose listener records who got through."""
    got_through: list[Actor] = []

    def decide(ack: Any, context: Any, respond: Any) -> None:
        ack()
        got_through.append(context["actor"])
        respond(text="decided", response_type="ephemeral", replace_original=False)

    running_bot.runtime.registry.action("test_decide", decide, staff_only=True)
    return got_through


def _click(bot: RunningBot, user: str) -> None:
    answer = bot.slack.block_action(
        "test_decide", "r1v1", user=user, channel=bot.world.globex_channel, message_ts="1.0"
    )
    assert answer.status_code == 200


def _refusals(bot: RunningBot) -> list[tuple[str, str | None]]:
    with bot.runtime.db.session() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.action == "refused")).all()
        return [(row.actor, row.note) for row in rows]


def test_an_agent_in_the_staff_group_gets_through(running_bot: RunningBot, decided: list[Actor]):
    w = running_bot.world
    _click(running_bot, w.alice)
    said = running_bot.sandbox.eventually(lambda: running_bot.sandbox.responses)
    assert said[0].body["text"] == "decided"
    assert [(a.user_id, a.is_staff) for a in decided] == [(w.alice, True)]


def test_an_external_user_clicks_and_is_refused_and_audited(
    running_bot: RunningBot, decided: list[Actor]
):
    w = running_bot.world
    _click(running_bot, w.carol)
    said = running_bot.sandbox.eventually(lambda: running_bot.sandbox.responses)
    assert said[0].body["text"] == f":no_entry: {REFUSAL}"
    assert said[0].response_type == "ephemeral"
    assert decided == []
    assert _refusals(running_bot) == [(w.carol, "test_decide: not staff")]


def test_a_colleague_outside_the_staff_group_is_refused(
    running_bot: RunningBot, decided: list[Actor]
):
    erin = running_bot.sandbox.add_user("erin", team_id=running_bot.sandbox.team_id)
    _click(running_bot, erin)
    said = running_bot.sandbox.eventually(lambda: running_bot.sandbox.responses)
    assert said[0].body["text"] == f":no_entry: {REFUSAL}"
    assert decided == []
    assert _refusals(running_bot) == [(erin, "test_decide: not staff")]
