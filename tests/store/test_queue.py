"""Stories of listeners handing slow work to the job queue and workers doing it."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from store.queue import JobIdInvalid, JobQueue

RECORD = "jobs_for_tests.record_request"
FAIL = "jobs_for_tests.fail_request"


@pytest.fixture
def job_queue(redis_client: redis.Redis, redis_prefix: str) -> Iterator[JobQueue]:
    """A queue of this test's own; RQ's keys for it are deleted afterwards."""
    queue = JobQueue(redis_client, redis_prefix)
    yield queue
    # RQ's keys live outside our prefix ("rq:..."); they carry the queue name or job id prefix.
    doomed: set[bytes] = set()
    for marker in (queue.name, queue.job_id_prefix):
        doomed.update(redis_client.scan_iter(match=f"rq:*{marker}*", count=500))
    if doomed:
        redis_client.delete(*doomed)
    redis_client.srem("rq:queues", queue.rq_queue.key)


def ran(redis_client: redis.Redis, queue: JobQueue) -> list[str]:
    items = redis_client.lrange(f"{queue.name}:ran", 0, -1)
    return [item.decode() if isinstance(item, bytes) else str(item) for item in items]


def test_a_job_carries_only_the_request_id_and_a_worker_runs_it(
    job_queue: JobQueue, redis_client: redis.Redis
) -> None:
    queued = job_queue.enqueue(RECORD, 42)
    assert queued.created and queued.status == "queued"
    assert job_queue.pending_ids() == [queued.job_id]

    assert job_queue.run_burst()
    assert ran(redis_client, job_queue) == ["42"]
    assert job_queue.pending_ids() == []
    assert job_queue.status(queued.job_id) == "finished"


def test_a_double_click_queues_the_bill_check_once(
    job_queue: JobQueue, redis_client: redis.Redis
) -> None:
    first = job_queue.enqueue(RECORD, 7, job_id="check-bill-7")
    again = job_queue.enqueue(RECORD, 7, job_id="check-bill-7")
    assert first.created and not again.created
    assert again.status == "queued"
    assert job_queue.pending_ids() == ["check-bill-7"]

    job_queue.run_burst()
    assert ran(redis_client, job_queue) == ["7"]


def test_replicas_racing_to_queue_one_job_queue_it_once(
    job_queue: JobQueue, redis_url: str, redis_prefix: str, redis_client: redis.Redis
) -> None:
    clients = [redis.Redis.from_url(redis_url) for _ in range(4)]
    replicas = [JobQueue(client, redis_prefix) for client in clients]
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(
                pool.map(lambda n: replicas[n % 4].enqueue(RECORD, 9, job_id="apply-9"), range(20))
            )
    finally:
        for client in clients:
            client.close()
    assert sum(result.created for result in results) == 1
    assert job_queue.pending_ids() == ["apply-9"]
    job_queue.run_burst()
    assert ran(redis_client, job_queue) == ["9"]


def test_the_sweeper_does_not_queue_a_job_again_while_it_runs(
    job_queue: JobQueue, redis_client: redis.Redis
) -> None:
    job_queue.enqueue("jobs_for_tests.sweep_while_running", 11, job_id="check-bill-11")
    job_queue.run_burst()
    assert ran(redis_client, job_queue) == ["created=False status=started pending=check-bill-11"]
    assert job_queue.pending_ids() == []


def test_a_finished_job_can_be_queued_again_by_the_sweeper(
    job_queue: JobQueue, redis_client: redis.Redis
) -> None:
    job_queue.enqueue(RECORD, 5, job_id="poll-5")
    job_queue.run_burst()
    again = job_queue.enqueue(RECORD, 5, job_id="poll-5")
    assert again.created
    assert job_queue.pending_ids() == ["poll-5"]
    job_queue.run_burst()
    assert ran(redis_client, job_queue) == ["5", "5"]
    assert job_queue.status("poll-5") == "finished"


def test_a_failed_job_can_be_retried_under_the_same_id(
    job_queue: JobQueue, redis_client: redis.Redis
) -> None:
    job_queue.enqueue(FAIL, 3, job_id="apply-3")
    job_queue.run_burst()
    assert job_queue.status("apply-3") == "failed"
    assert "apply-3" not in job_queue.pending_ids()

    retried = job_queue.enqueue(RECORD, 3, job_id="apply-3")
    assert retried.created
    job_queue.run_burst()
    assert job_queue.status("apply-3") == "finished"
    assert ran(redis_client, job_queue) == ["3"]
    # The retired failure no longer shows in RQ's failed registry.
    assert job_queue.rq_queue.failed_job_registry.get_job_ids() == []


def test_jobs_wait_in_order_and_request_ids_may_be_strings(job_queue: JobQueue) -> None:
    ids = [job_queue.enqueue(RECORD, request, job_id=f"job-{request}").job_id for request in "abc"]
    assert job_queue.pending_ids() == ids == ["job-a", "job-b", "job-c"]


def test_queues_with_different_prefixes_do_not_see_each_others_jobs(
    job_queue: JobQueue, redis_client: redis.Redis, redis_prefix: str
) -> None:
    other = JobQueue(redis_client, redis_prefix + "other:")
    try:
        job_queue.enqueue(RECORD, 1, job_id="same-id")
        assert other.enqueue(RECORD, 2, job_id="same-id").created
        assert other.pending_ids() == ["same-id"]
        assert job_queue.status("same-id") == "queued"
    finally:
        other.rq_queue.delete(delete_jobs=True)


def test_a_job_id_rq_would_refuse_is_a_clear_error(job_queue: JobQueue) -> None:
    with pytest.raises(JobIdInvalid, match="may only contain letters"):
        job_queue.enqueue(RECORD, 1, job_id="bill:1")
    with pytest.raises(TypeError):
        job_queue.enqueue(RECORD, True)
    assert job_queue.status("never-queued") is None
    assert not job_queue.run_burst()
