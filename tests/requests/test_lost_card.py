"""A staff card Slack refused is not lost: the request owes its card until Slack takes one, and
the sweeper posts it (once)."""

from __future__ import annotations

from typing import Any

import pytest
from desk import Desk, buttons
from test_new_sip import _value, cost_message

from handlers.approvals import flow
from handlers.job_runtime import job_queue
from handlers.sweeper import sweep


def sweep_and_run(desk: Desk) -> None:
    """What `sipdesk worker` does on its sweep timer: queue what is due, run it."""
    sweep(desk.runtime.services)
    job_queue(desk.runtime.services).run_burst()


def card_refused_at_accept(desk: Desk) -> int:
    """Carol asks for a new SIP account and accepts its cost; Slack refuses the staff card.
    Nothing runs jobs meanwhile (the sweeper's turn comes when the test says)."""
    w = desk.world
    desk.worker.stop()
    desk.slack.slash_command("/sip", "new Front desk", user=w.carol, channel=w.globex_channel)
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    offer = cost_message(desk, request_id)
    desk.sandbox.fail_next("chat.postMessage", error="internal_error")  # the card's post
    desk.slack.block_action(
        "new_sip_accept", _value(offer), user=w.carol, channel=w.globex_channel,
        message_ts=str(offer["ts"]),
    )  # fmt: skip
    assert desk.sandbox.eventually(
        lambda: [c for c in desk.sandbox.api.calls if c.error == "internal_error"]
    )
    return request_id


def test_a_card_slack_refused_when_the_cost_was_accepted_is_posted_by_the_sweeper(desk: Desk):
    w = desk.world
    request_id = card_refused_at_accept(desk)
    refused = [c for c in desk.sandbox.api.calls if c.error == "internal_error"]
    assert refused and refused[0].args["channel"] == w.staff_channel
    # A first attempt looks for no earlier card (Slack limits conversations.history).
    assert desk.sandbox.calls_to("conversations.history") == []
    assert desk.request(request_id).state.value == "pending_approval"
    assert desk.sandbox.messages(w.staff_channel) == []
    assert desk.request(request_id).card_version is None  # still owed

    sweep_and_run(desk)

    card = desk.wait_card(request_id)
    assert buttons(card) == ["Approve", "Reject"]
    desk.wait_thread(request_id, "with our support team for approval")
    sweep_and_run(desk)  # nothing owed any more: no second card, no second word
    assert len(desk.sandbox.messages(w.staff_channel)) == 1
    said = [t for t in desk.thread(request_id) if "with our support team" in t]
    assert len(said) == 1

    desk.click(w.alice, "approval_approve", request_id)  # the swept card works
    desk.sandbox.eventually(lambda: desk.request(request_id).state.value == "approved")


def test_a_card_that_reached_slack_before_its_poster_died_is_adopted_not_posted_twice(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
):
    w = desk.world
    request_id = card_refused_at_accept(desk)
    # The sweeper's post reaches Slack; its worker dies before the card is stored.
    real = flow.remember_staff_card
    died: list[int] = []

    def dies_once(*args: Any, **kwargs: Any) -> None:
        if not died:
            died.append(1)
            raise RuntimeError("killed between Slack's answer and storing the card")
        real(*args, **kwargs)

    monkeypatch.setattr(flow, "remember_staff_card", dies_once)
    sweep_and_run(desk)
    assert died and len(desk.sandbox.messages(w.staff_channel)) == 1
    assert desk.request(request_id).card_version is None  # still owed, as far as it knows

    sweep_and_run(desk)  # looks for the card by its key first, and adopts it

    desk.sandbox.eventually(lambda: desk.request(request_id).card_version is not None)
    assert len(desk.sandbox.messages(w.staff_channel)) == 1
    assert len(desk.sandbox.calls_to("conversations.history")) == 2  # both re-posts looked
    desk.click(w.alice, "approval_approve", request_id)  # the adopted card works
    desk.sandbox.eventually(lambda: desk.request(request_id).state.value == "approved")
