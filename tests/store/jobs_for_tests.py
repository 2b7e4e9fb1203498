"""Job functions the queue tests enqueue by dotted path (``jobs_for_tests.<name>``).

pytest puts this directory on ``sys.path`` (rootdir-style tests without ``__init__``), and the
burst worker runs in the test process, so RQ can import this module by its plain name.
"""

from __future__ import annotations

from rq import get_current_job


def record_request(request_id: int | str) -> str:
    """Append the request id to ``<queue name>:ran`` so a test can see which jobs ran."""
    job = get_current_job()
    assert job is not None
    job.connection.rpush(f"{job.origin}:ran", str(request_id))
    return f"handled {request_id}"


def fail_request(request_id: int | str) -> None:
    """A job that always fails, as a platform call that is refused would."""
    raise RuntimeError(f"the platform refused request {request_id}")


def sweep_while_running(request_id: int | str) -> None:
    """While running, act as the sweeper: try to queue this very job again, note what happened."""
    from store.queue import JobQueue

    job = get_current_job()
    assert job is not None
    queue = JobQueue(job.connection, job.origin.removesuffix("sipdesk"))
    own_id = job.id.removeprefix(queue.job_id_prefix)
    again = queue.enqueue(job.func_name, request_id, job_id=own_id)
    job.connection.rpush(
        f"{job.origin}:ran",
        f"created={again.created} status={again.status} pending={','.join(queue.pending_ids())}",
    )


def hold_request(request_id: int | str) -> None:
    """Note "started", then hold until ``<queue name>:release`` is set; note "done"."""
    import time

    job = get_current_job()
    assert job is not None
    job.connection.rpush(f"{job.origin}:ran", f"started {request_id}")
    while not job.connection.exists(f"{job.origin}:release"):
        time.sleep(0.05)
    job.connection.rpush(f"{job.origin}:ran", f"done {request_id}")
