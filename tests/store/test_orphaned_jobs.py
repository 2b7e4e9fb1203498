"""A worker killed -9 mid-job: its job is queued again once its heartbeat lapses, not after
RQ's 600 s job timeout; a live worker's long job is never taken for an orphan."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
import redis
from test_queue import job_queue, ran  # noqa: F401  # the fixture, reused

from store.queue import JobQueue

HOLD = "jobs_for_tests.hold_request"
HERE = Path(__file__).parent
T = TypeVar("T")


def eventually(probe: Callable[[], T], seconds: float = 60.0) -> T:
    deadline = time.monotonic() + seconds
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


@pytest.fixture
def fast_worker(
    job_queue: JobQueue,  # noqa: F811
    redis_url: str,
    redis_prefix: str,
) -> Iterator[subprocess.Popen[bytes]]:
    """A worker process beating every 0.2 s (lapsing after 2 s), running the queue's jobs."""
    process = subprocess.Popen(
        [sys.executable, str(HERE / "orphan_worker.py"), redis_url, redis_prefix], cwd=HERE
    )
    yield process
    if process.poll() is None:
        process.kill()
    process.wait()


def test_a_job_whose_worker_was_killed_runs_again_once_its_heartbeat_lapses(
    job_queue: JobQueue,  # noqa: F811
    redis_client: redis.Redis,
    fast_worker: subprocess.Popen[bytes],
) -> None:
    job_queue.enqueue(HOLD, 5, job_id="apply-5")
    assert eventually(lambda: ran(redis_client, job_queue) == ["started 5"])
    fast_worker.kill()  # -9: no goodbye, the job stays "started"
    fast_worker.wait()
    assert job_queue.status("apply-5") == "started"

    assert eventually(job_queue.requeue_orphans) == 1
    assert job_queue.status("apply-5") == "queued"
    assert job_queue.requeue_orphans() == 0  # once

    redis_client.set(f"{job_queue.name}:release", 1)
    job_queue.run_burst()
    assert ran(redis_client, job_queue) == ["started 5", "started 5", "done 5"]
    assert job_queue.status("apply-5") == "finished"
    # The sweeper may queue it again later: the dead run's expired record does not stand in the way.
    assert job_queue.enqueue(HOLD, 5, job_id="apply-5").created


def test_a_live_worker_running_a_job_longer_than_the_heartbeat_keeps_it(
    job_queue: JobQueue,  # noqa: F811
    redis_client: redis.Redis,
    fast_worker: subprocess.Popen[bytes],
) -> None:
    job_queue.enqueue(HOLD, 6, job_id="apply-6")
    assert eventually(lambda: ran(redis_client, job_queue) == ["started 6"])
    registry = job_queue.rq_queue.started_job_registry
    first_expiry = _expiry(redis_client, registry.key)
    # Past the first beat's expiry, the worker has beaten on: the entry moved on with it.
    assert eventually(lambda: time.time() > first_expiry + 0.5)
    assert _expiry(redis_client, registry.key) > first_expiry
    assert job_queue.requeue_orphans() == 0
    assert job_queue.status("apply-6") == "started"

    redis_client.set(f"{job_queue.name}:release", 1)
    assert eventually(lambda: job_queue.status("apply-6") == "finished")
    assert ran(redis_client, job_queue) == ["started 6", "done 6"]


def test_a_job_popped_by_a_worker_that_died_before_starting_it_is_queued_again(
    job_queue: JobQueue,  # noqa: F811
    redis_client: redis.Redis,
) -> None:
    job_queue.enqueue("jobs_for_tests.record_request", 7, job_id="check-7")
    rq_queue = job_queue.rq_queue
    # What a worker's pop does, then it is killed before the job is marked started.
    redis_client.lmove(rq_queue.key, rq_queue.intermediate_queue.key)
    assert rq_queue.count == 0

    assert job_queue.requeue_orphans(popped_grace=0) == 0  # first sighting: a worker may be slow
    assert job_queue.requeue_orphans(popped_grace=0) == 1
    assert rq_queue.count == 1
    job_queue.run_burst()
    assert ran(redis_client, job_queue) == ["7"]


def _expiry(client: redis.Redis, key: str) -> float:
    entries = client.zrange(key, 0, -1, withscores=True)
    assert len(entries) == 1, entries
    return float(entries[0][1])
