"""How soon a queued job starts when a worker is free: queue-to-start, p50/p99/max over N jobs.

Run: ``.venv/bin/python bench/job_queue.py [--jobs 500] [--old-jobs 8] [--redis-url URL]``

``sipdesk``: the worker loop of ``sipdesk worker`` (bot/worker.py: one RQ worker for the loop's
life, waiting in a blocking pop) on a queue of its own, jobs queued one at a time, each a random
0-20 ms after the job before it ended its work (the worker is free, or finishing its
bookkeeping). Queue-to-start is the time from ``enqueue`` to the first line of the job.
Target: p99 under 1 s (the issue's bound); in practice a few ms.

``old``: the loop before issue 18 (a new RQ burst worker per 50 ms poll), on ``--old-jobs``
jobs queued the same way: RQ's worker teardown could sit 60 s on its pub/sub thread, and jobs
queued meanwhile waited. Its figures are printed beside, with the ratio of the p99s; it is
capped at 5 minutes in all (``--old-jobs 0`` skips it).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
from rq import SimpleWorker, get_current_job  # noqa: E402
from rq.timeouts import TimerDeathPenalty  # noqa: E402

from bot.worker import ThreadWorker, own_client, run_next_job  # noqa: E402
from store.queue import JobQueue  # noqa: E402

JOB = "job_queue.note_start"  # this file, imported by RQ under its plain name
OLD_POLL_SECONDS = 0.05
OLD_CAP_SECONDS = 300.0


def note_start(queued_at: int | str) -> None:
    """The job: note how long after its enqueue it started (its argument: the time queued)."""
    job = get_current_job()
    assert job is not None
    waited = time.time() - float(queued_at)
    job.connection.rpush(f"{job.origin}:waits", f"{waited:.6f}")
    job.connection.rpush(f"{job.origin}:done", "1")  # the job's own work ends here


def new_loop(queue: JobQueue, client: redis.Redis, stop: threading.Event) -> None:
    worker = ThreadWorker(
        [queue.rq_queue], connection=own_client(client), name=f"bench-{uuid.uuid4().hex}"
    )
    while not stop.is_set():
        run_next_job(worker)


class OldThreadWorker(SimpleWorker):
    """The worker the old loop ran: RQ's own, with its pub/sub thread, off the main thread."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        pass


def old_loop(queue: JobQueue, client: redis.Redis, stop: threading.Event) -> None:
    while not stop.is_set():
        if queue.rq_queue.count:
            worker = OldThreadWorker(
                [queue.rq_queue], connection=client, name=f"bench-{uuid.uuid4().hex}"
            )
            worker.work(burst=True, with_scheduler=False, logging_level="WARNING")
            continue
        stop.wait(OLD_POLL_SECONDS)


def measure(
    client: redis.Redis,
    loop: Callable[[JobQueue, redis.Redis, threading.Event], None],
    jobs: int,
    gap: Callable[[], float],
    cap: float,
) -> list[float]:
    queue = JobQueue(client, f"bench-{uuid.uuid4().hex[:8]}:")
    waits_key = f"{queue.name}:waits"
    done_key = f"{queue.name}:done"
    stop = threading.Event()
    thread = threading.Thread(target=loop, args=(queue, client, stop), daemon=True)
    thread.start()
    deadline = time.monotonic() + cap
    try:
        for n in range(jobs):
            # The worker is free: the job before this one has finished (or the cap is near).
            while client.llen(done_key) < n and time.monotonic() < deadline:
                time.sleep(0.001)
            if time.monotonic() > deadline:
                break
            time.sleep(gap())
            queue.enqueue(JOB, f"{time.time():.6f}")
        while client.llen(waits_key) < jobs and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
    waits = [float(w) for w in client.lrange(waits_key, 0, -1)]
    _clean(client, queue)
    return waits


def _clean(client: redis.Redis, queue: JobQueue) -> None:
    doomed = set(client.scan_iter(match=f"rq:*{queue.job_id_prefix}*", count=500))
    doomed.update(client.scan_iter(match=f"{queue.name}*", count=500))
    if doomed:
        client.delete(*doomed)
    client.srem("rq:queues", queue.rq_queue.key)


def figures(name: str, waits: list[float], wanted: int) -> float:
    if not waits:
        print(f"{name:8} no job started")
        return float("inf")
    ordered = sorted(waits)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    p50 = statistics.median(ordered)
    print(
        f"{name:8} jobs started {len(waits)}/{wanted}  p50 {p50 * 1000:8.1f} ms"
        f"  p99 {p99 * 1000:8.1f} ms  max {ordered[-1] * 1000:8.1f} ms"
    )
    return p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--old-jobs", type=int, default=10)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    client = redis.Redis.from_url(args.redis_url, socket_timeout=5)
    new = measure(client, new_loop, args.jobs, lambda: rng.uniform(0, 0.02), 600)
    p99_new = figures("sipdesk", new, args.jobs)
    print(f"target: p99 under 1000 ms: {'met' if p99_new < 1.0 else 'MISSED'}")
    if args.old_jobs:
        old = measure(
            client, old_loop, args.old_jobs, lambda: rng.uniform(0, 0.02), OLD_CAP_SECONDS
        )
        p99_old = figures("old", old, args.old_jobs)
        print(f"p99 old / sipdesk: {p99_old / max(p99_new, 1e-6):.0f}x")


if __name__ == "__main__":
    main()
