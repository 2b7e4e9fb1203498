"""Jobs lost in a crash are found again by the sweeper, and a decision is still applied once;
`sipdesk worker` runs the queue in its own process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from desk import Desk
from desk_world import REPO
from test_approvals import ask_international

from bot.worker import JobWorker
from handlers.job_runtime import job_queue


def test_a_job_lost_with_redis_is_queued_again_and_applied_once(desk: Desk):
    w = desk.world
    desk.worker.stop()  # the worker is down when the click comes
    request_id = ask_international(desk)
    desk.click(w.alice, "approval_approve", request_id)
    desk.sandbox.eventually(lambda: desk.request(request_id).state.value == "approved")
    queue = job_queue(desk.runtime.services)
    desk.sandbox.eventually(lambda: queue.pending_ids())
    queue.rq_queue.empty()  # Redis restarted without persistence: the job is gone
    assert queue.pending_ids() == []

    desk.worker = JobWorker(desk.runtime).start()  # a new worker sweeps first
    desk.wait_state(request_id, "applied")
    assert desk.account("k3x9q2m7ab").pstn_caller_id == "+442079460123"

    # A stale copy of the job running again finds the work done and changes nothing.
    queue.enqueue("handlers.approvals.jobs.apply_request", request_id, job_id=f"apply-{request_id}")
    desk.sandbox.eventually(lambda: queue.status(f"apply-{request_id}") == "finished")
    assert [step[1] for step in desk.trail(request_id)].count("applied") == 1
    assert len([t for t in desk.thread(request_id) if "Applied" in t]) == 1


def test_sipdesk_worker_runs_the_queue_in_its_own_process(
    desk: Desk, tmp_path: Path, stop_process: Any
):
    w = desk.world
    desk.worker.stop()
    request_id = ask_international(desk)
    desk.click(w.alice, "approval_approve", request_id)
    desk.sandbox.eventually(lambda: job_queue(desk.runtime.services).pending_ids())
    settings = desk.runtime.settings
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": desk.sandbox.bot_token,
        "SLACK_SIGNING_SECRET": desk.sandbox.signing_secret,
        "SLACK_API_URL": desk.sandbox.api_url,
        "DATABASE_URL": desk.runtime.db.url,
        "REDIS_URL": settings.redis_url,
        "SIPDESK_REDIS_PREFIX": settings.redis_prefix,
        "SIPDESK_START_REDIS": "false",
        "SIPDESK_STAFF_CHANNEL": w.staff_channel,
        "SIPDESK_HOME": str(tmp_path / "worker"),
        "SIPDESK_METRICS_ADDR": "127.0.0.1:0",  # each process its own port
    }
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "sipdesk"), "worker"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        desk.wait_state(request_id, "applied", seconds=60)
        desk.wait_thread(request_id, "Applied")
    finally:
        output = stop_process(worker)[0].decode()  # SIGTERM
    assert "worker running jobs" in output
    assert worker.returncode == 0  # SIGTERM lets it finish the job at hand and stop
