"""Staff words by @mention: `@sipdesk sip menu` works for staff (the staff guard hands the
listener the mention's command), and a customer's contact who was added to the staff channel is
still a customer, by mention and on the Home tab (their own team, never the envelope's)."""

from __future__ import annotations

from typing import Any

from desk import Desk
from sqlalchemy import func, select

from store.models import Silence

STAFF_HOME = "support desk"


def test_staff_post_the_menu_by_mention(desk: Desk):
    w = desk.world
    assert desk.slack.mention(w.alice, w.globex_channel, "sip menu").status_code == 200
    menu = desk.sandbox.eventually(
        lambda: [
            m
            for m in desk.sandbox.messages(w.globex_channel)
            if "What can sipdesk do for you?" in str(m.get("text"))
        ]
    )
    assert menu, desk.sandbox.messages(w.globex_channel)


def _silences(desk: Desk) -> int:
    with desk.runtime.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Silence)) or 0)


def _answers_to(desk: Desk, channel: str, user: str) -> list[str]:
    """What the bot said in the threads of `user`'s messages."""
    history = desk.sandbox.history(channel)
    asked = {str(m["ts"]) for m in history if m.get("user") == user}
    return [str(m["text"]) for m in history if m.get("bot_id") and m.get("thread_ts") in asked]


def test_an_external_member_of_the_staff_channel_is_no_staff_by_mention(channel_staff_desk: Desk):
    desk = channel_staff_desk
    w = desk.world
    desk.sandbox.join(w.staff_channel, w.carol)
    # Initech's account, named from the staff channel: only staff may silence anyone's account.
    desk.slack.mention(w.carol, w.staff_channel, "sip silence r2d5v7x9qk 2h")
    said = desk.sandbox.eventually(lambda: _answers_to(desk, w.staff_channel, w.carol))
    assert said and ":warning:" in said[0], said
    assert _silences(desk) == 0
    # A staff member's mention in the same place goes through: the check tells them apart.
    desk.slack.mention(w.alice, w.staff_channel, "sip silence r2d5v7x9qk 2h")
    assert desk.sandbox.eventually(lambda: _silences(desk) == 1)


def _home(desk: Desk, user: str) -> str:
    before = len(desk.sandbox.calls_to("views.publish"))
    desk.slack.app_home_opened(user)

    def published() -> dict[str, Any] | None:
        done = len(desk.sandbox.calls_to("views.publish")) > before
        return desk.sandbox.home_of(user) if done else None

    return str(desk.sandbox.eventually(published))


def test_an_external_member_of_the_staff_channel_sees_the_visitor_home(channel_staff_desk: Desk):
    desk = channel_staff_desk
    w = desk.world
    desk.sandbox.join(w.staff_channel, w.carol)
    assert STAFF_HOME not in _home(desk, w.carol)
    assert STAFF_HOME in _home(desk, w.alice)
