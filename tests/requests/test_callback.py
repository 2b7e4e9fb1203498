"""A number proven by answering a call-back: the button beside *Upload the bill*, the code shown
to the requester alone, the stand-in phone answering, and what the thread and staff see."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from callback_world import (
    CALLS_FROM,
    ask_for,
    calls,
    code_shown_to,
    offers,
    open_callback_desk,
    phone,
    press,
    said_to,
)
from desk import Desk, button_value, buttons, card_text
from sqlalchemy import select, update
from test_bills import good_bill, share

from handlers.callback.blocks import CALL_ME
from handlers.job_runtime import job_queue
from handlers.sweeper import sweep
from store import callbacks
from store.db import Database
from store.models import AuditEvent, CallBack
from store.types import utcnow


@pytest.fixture
def desk(
    pg_database: Database, redis_url: str, redis_prefix: str, tmp_path: Path
) -> Iterator[Desk]:
    opened = open_callback_desk(pg_database, redis_url, redis_prefix, tmp_path)
    try:
        yield opened
    finally:
        opened.close()


def test_callback_the_right_code_proves_the_number_and_staff_see_how(desk: Desk):
    w = desk.world
    number = "+35317654321"
    request_id = ask_for(desk, "+353 1 765 4321")
    offer = offers(desk, request_id)[0]
    assert buttons(offer) == ["Upload the bill", "Call me with a code"]
    assert CALLS_FROM in card_text(offer)

    # Someone else in the channel presses it: a sentence for them, no call.
    press(desk, request_id, w.alice)
    said_to(desk, w.alice, f"Only <@{w.carol}>, who asked for request #{request_id}")
    assert calls(desk, request_id) == []

    press(desk, request_id, w.carol)
    code = code_shown_to(desk, w.carol)
    shown = said_to(desk, w.carol, "Your code is")
    assert f"{number} will ring within a minute, calling from {CALLS_FROM}" in shown
    assert not [t for t in desk.thread(request_id) if code[:3] + " " + code[3:] in t]

    phone(desk).pick_up(number, f"keys:{code}")
    desk.wait_state(request_id, "pending_approval")
    desk.wait_thread(request_id, "answered and keyed in the right code")
    card = desk.wait_card(request_id)
    shown_to_staff = card_text(card)
    assert "Proven by call-back at " in shown_to_staff
    assert "the line answered and keyed in the right code" in shown_to_staff
    assert f"Called {number} from {CALLS_FROM}" in shown_to_staff
    assert buttons(card)[:2] == ["Approve", "Reject"]

    steps = [step[1] for step in desk.trail(request_id)]
    assert steps == [
        "created",
        "callback_refused",
        "callback_requested",
        "callback_calling",
        "callback_proven",
        "proven_by_callback",
    ]
    # The code is nowhere in the database: a keyed hash only, and never in the audit trail.
    (call,) = calls(desk, request_id)
    assert call.outcome == "proven" and call.active_for is None and code not in call.code_hash
    with desk.runtime.db.session() as session:
        notes = [e.note or "" for e in session.scalars(select(AuditEvent))]
    assert not [n for n in notes if code in n]

    desk.click(w.alice, "approval_approve", request_id)
    desk.wait_state(request_id, "applied")
    assert desk.account("k3x9q2m7ab").pstn_caller_id == number


def test_callback_a_wrong_code_says_so_and_offers_another_call_or_a_bill(desk: Desk):
    w = desk.world
    number = "+35317654322"
    request_id = ask_for(desk, "+353 1 765 4322")
    press(desk, request_id, w.carol)
    code = code_shown_to(desk, w.carol)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    phone(desk).pick_up(number, f"keys:{wrong}")
    said = desk.wait_thread(request_id, "was not the right one")
    assert any("2 more calls for this request" in t for t in said)
    assert desk.request(request_id).state.value == "awaiting_customer"
    assert buttons(offers(desk, request_id)[-1]) == ["Upload the bill", "Call me with a code"]
    (call,) = calls(desk, request_id)
    assert (call.outcome, call.entries) == ("wrong_code", 1)

    # The same number again at once: one call per number per 2 minutes, and the bot says when.
    press(desk, request_id, w.carol)
    refused = said_to(desk, w.carol, "at most once every 2 minutes")
    assert "I can call it again from " in refused
    assert len(calls(desk, request_id)) == 1


@pytest.mark.parametrize(
    ("script", "said"),
    [
        ("busy", "was busy."),
        ("reject", "rejected the call."),
        ("hang-up", "hung up before the code was keyed in."),
        ("silent", "answered, but no code was keyed in."),
        (None, "did not answer (it rang for 4 seconds)."),
    ],
)
def test_callback_each_way_a_call_fails_is_said_in_the_thread(
    desk: Desk, script: str | None, said: str
):
    number = "+35317654323"
    request_id = ask_for(desk, "+353 1 765 4323")
    if script is not None:
        phone(desk).pick_up(number, script)
    press(desk, request_id, desk.world.carol)
    code_shown_to(desk, desk.world.carol)
    lines = desk.wait_thread(request_id, said, seconds=30)
    assert any("You may press *Call me with a code* again" in t for t in lines)
    assert desk.request(request_id).state.value == "awaiting_customer"
    (call,) = calls(desk, request_id)
    assert call.active_for is None and call.outcome is not None
    assert f"callback_{call.outcome}" in [step[1] for step in desk.trail(request_id)]


def test_callback_twenty_presses_at_once_give_one_call(desk: Desk):
    carol = desk.world.carol
    request_id = ask_for(desk, "+353 1 765 4324")
    offer = desk.sandbox.eventually(lambda: offers(desk, request_id))[-1]
    value = button_value(offer, CALL_ME)
    start = threading.Barrier(20)

    def press_now() -> None:
        # Only the click itself in each thread: the test's own reads stay off the bot's pool.
        start.wait()
        desk.slack.block_action(
            CALL_ME, value, user=carol, channel=desk.world.globex_channel, message_ts=offer["ts"]
        )

    pressers = [threading.Thread(target=press_now) for _ in range(20)]
    for presser in pressers:
        presser.start()
    for presser in pressers:
        presser.join()
    # Every press was answered (a code, or why not), and only one call was made.
    answered = desk.sandbox.eventually(lambda: len(desk.ephemerals_to(carol)) >= 20, 20)
    assert answered, desk.ephemerals_to(carol)
    assert len(calls(desk, request_id)) == 1
    codes = [t for t in desk.ephemerals_to(carol) if "Your code is" in t]
    assert len(codes) == 1
    others = [t for t in desk.ephemerals_to(carol) if t not in codes]
    # Refused in Redis while the first press is decided, or by its call once it is under way.
    assert all(t.startswith(":warning: A call") and " is already " in t for t in others), others


def test_callback_is_offered_again_after_a_bill_fails(desk: Desk):
    w = desk.world
    request_id = ask_for(desk, "+353 1 765 4325")
    share(
        desk,
        request_id,
        w.carol,
        "old.pdf",
        good_bill(line_number="(01) 999 0000"),
        "application/pdf",
    )
    desk.wait_thread(request_id, "does not prove", seconds=60)
    last = offers(desk, request_id)[-1]
    assert "does not prove" in str(last.get("text"))
    assert buttons(last) == ["Upload the bill", "Call me with a code"]


def test_callback_with_applies_set_the_number_is_applied_at_once_without_a_card(
    pg_database: Database, redis_url: str, redis_prefix: str, tmp_path: Path
):
    desk = open_callback_desk(
        pg_database, redis_url, redis_prefix, tmp_path, SIPDESK_CALLBACK_APPLIES=True
    )
    try:
        number = "+35317654326"
        request_id = ask_for(desk, "+353 1 765 4326")
        press(desk, request_id, desk.world.carol)
        phone(desk).pick_up(number, f"keys:{code_shown_to(desk, desk.world.carol)}")
        desk.wait_state(request_id, "applied")
        assert desk.account("k3x9q2m7ab").pstn_caller_id == number
        trail = desk.trail(request_id)
        assert ("system:call-back", "approved", "approved") in trail
        assert desk.request(request_id).decided_by == "system:call-back"
        assert desk.sandbox.messages(desk.world.staff_channel) == []
        with desk.runtime.db.session() as session:
            assert session.scalar(select(CallBack.outcome)) == "proven"
    finally:
        desk.close()


# A call-back is not lost with its job: one claimed whose job vanished (a worker or Redis lost
# it) is placed by the sweeper; one whose worker died while it rang is ended as lost and the
# requester told they may ask again, without the phone ringing a second time.


def sweep_and_run(desk: Desk) -> int:
    """What `sipdesk worker` does on its sweep timer: queue what is due, run it."""
    queued = sweep(desk.runtime.services)
    job_queue(desk.runtime.services).run_burst()
    return queued


def test_a_call_whose_job_was_lost_is_placed_by_the_sweeper(desk: Desk):
    w = desk.world
    number = "+35317654331"
    request_id = ask_for(desk, "+353 1 765 4331")
    desk.worker.stop()
    press(desk, request_id, w.carol)
    code = code_shown_to(desk, w.carol)
    (call,) = calls(desk, request_id)
    assert call.state == callbacks.QUEUED
    queue = job_queue(desk.runtime.services)
    queue.rq_queue.empty()  # the job is gone (Redis restarted); the claimed call is not
    assert queue.pending_ids() == []

    phone(desk).pick_up(number, f"keys:{code}")
    assert sweep_and_run(desk) == 1
    desk.wait_thread(request_id, "answered and keyed in the right code")
    (call,) = calls(desk, request_id)
    assert call.outcome == "proven"
    assert sweep_and_run(desk) == 0  # placed once: nothing owed any more


def test_a_call_whose_worker_died_while_it_rang_is_ended_and_the_requester_may_ask_again(
    desk: Desk,
):
    w = desk.world
    request_id = ask_for(desk, "+353 1 765 4332")
    desk.worker.stop()
    press(desk, request_id, w.carol)
    code_shown_to(desk, w.carol)
    queue = job_queue(desk.runtime.services)
    queue.rq_queue.empty()
    # Its worker took it, began ringing and was killed -9 six minutes ago.
    with desk.runtime.db.session() as session:
        session.execute(
            update(CallBack)
            .where(CallBack.request_id == request_id)
            .values(state=callbacks.CALLING, started_at=utcnow() - timedelta(minutes=6))
        )

    assert sweep_and_run(desk) == 1
    said = desk.wait_thread(request_id, "was cut off on our side")
    assert any("You may press *Call me with a code* again" in t for t in said)
    (call,) = calls(desk, request_id)
    assert (call.state, call.outcome, call.active_for) == (callbacks.ENDED, "lost", None)
    assert not phone(desk).ringing("+35317654332")  # ended, not placed a second time
    assert sweep_and_run(desk) == 0
    assert len([t for t in desk.thread(request_id) if "cut off" in t]) == 1
    steps = [step[1] for step in desk.trail(request_id)]
    assert steps[-1] == "callback_failed"
