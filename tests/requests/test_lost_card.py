"""A staff card Slack refused is not lost: the request owes its card until Slack takes one, and
the sweeper posts it (once)."""

from __future__ import annotations

from desk import Desk, buttons
from test_new_sip import _value, cost_message

from handlers.job_runtime import job_queue
from handlers.sweeper import sweep


def sweep_and_run(desk: Desk) -> None:
    """What `sipdesk worker` does on its sweep timer: queue what is due, run it."""
    sweep(desk.runtime.services)
    job_queue(desk.runtime.services).run_burst()


def test_a_card_slack_refused_when_the_cost_was_accepted_is_posted_by_the_sweeper(desk: Desk):
    w = desk.world
    desk.worker.stop()
    desk.slack.slash_command("/sip", "new Front desk", user=w.carol, channel=w.globex_channel)
    request_id = desk.sandbox.eventually(desk.requests)[0].id
    offer = cost_message(desk, request_id)
    desk.sandbox.fail_next("chat.postMessage", error="internal_error")  # the card's post
    desk.slack.block_action(
        "new_sip_accept",
        _value(offer),
        user=w.carol,
        channel=w.globex_channel,
        message_ts=str(offer["ts"]),
    )
    refused = desk.sandbox.eventually(
        lambda: [c for c in desk.sandbox.api.calls if c.error == "internal_error"]
    )
    assert refused and refused[0].args["channel"] == w.staff_channel
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
