"""A call-back is not lost with its job: one claimed whose job vanished (a worker or Redis lost
it) is placed by the sweeper, and one whose worker died while it rang is ended as lost and the
requester told they may ask again, without the phone ringing a second time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from callback_world import ask_for, calls, code_shown_to, open_callback_desk, phone, press
from desk import Desk
from sqlalchemy import update

from handlers.job_runtime import job_queue
from handlers.sweeper import sweep
from store import callbacks
from store.db import Database
from store.models import CallBack
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
