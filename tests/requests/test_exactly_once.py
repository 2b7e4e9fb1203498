"""Double clicks and a crowd of concurrent Approve clicks on PostgreSQL: one decision, one
platform change, one message to each clicker."""

from __future__ import annotations

import threading

from desk import Desk, button_value
from test_approvals import ask_international

from slack_sandbox import SlackDriver


def test_ten_concurrent_signed_approve_clicks_make_one_decision(desk: Desk):
    w = desk.world
    request_id = ask_international(desk)
    card = desk.card(request_id)
    value = button_value(card, "approval_approve")
    start = threading.Barrier(10)
    answers: list[int] = []

    def click(user: str) -> None:
        with SlackDriver(desk.slack.events_url, desk.sandbox.signing_secret, desk.sandbox) as own:
            start.wait()
            answer = own.block_action(
                "approval_approve",
                value,
                user=user,
                channel=w.staff_channel,
                message_ts=card["ts"],
            )
            answers.append(answer.status_code)

    clickers = [
        threading.Thread(target=click, args=(w.alice if i % 2 else w.bob,)) for i in range(10)
    ]
    for clicker in clickers:
        clicker.start()
    for clicker in clickers:
        clicker.join()
    assert answers == [200] * 10
    desk.wait_state(request_id, "applied")
    losers = desk.sandbox.eventually(
        lambda: len(desk.sandbox.responses) >= 9 and desk.sandbox.responses
    )
    assert len(losers) == 9
    assert all("already" in r.body["text"] or "changed since" in r.body["text"] for r in losers)
    desk.wait_thread(request_id, "Applied")
    steps = [step[1] for step in desk.trail(request_id)]
    assert steps.count("approved") == 1 and steps.count("applied") == 1
    assert len([t for t in desk.thread(request_id) if "Approved by our support team" in t]) == 1
    assert len([t for t in desk.thread(request_id) if "Applied" in t]) == 1
    assert desk.account("k3x9q2m7ab").pstn_caller_id == "+442079460123"


def test_a_double_click_is_one_decision(desk: Desk):
    w = desk.world
    request_id = ask_international(desk)
    card = desk.card(request_id)
    value = button_value(card, "approval_approve")
    for _ in range(2):  # the second click lands before or after the card lost its buttons
        desk.slack.block_action(
            "approval_approve", value, user=w.alice, channel=w.staff_channel, message_ts=card["ts"]
        )
    desk.wait_state(request_id, "applied")
    said = desk.sandbox.eventually(lambda: desk.sandbox.responses)
    assert len(said) == 1
    assert "already" in said[0].body["text"] or "changed since" in said[0].body["text"]
    assert [step[1] for step in desk.trail(request_id)].count("approved") == 1
