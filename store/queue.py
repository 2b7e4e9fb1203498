"""The Redis-backed job queue (RQ) that listeners hand slow work to.

A job's only argument is an id (usually a request id): the job reloads everything else from the
database, so a job never acts on stale state and a lost job can simply be enqueued again by the
sweeper.

Guarantees and limits:

- ``enqueue`` with a ``job_id`` is idempotent while that job is waiting or running: enqueuing the
  same id again returns the existing job (``created=False``), atomically across replicas (RQ's
  unique-enqueue Lua script). Once the job has finished, failed or been cancelled, the same id may
  be enqueued again: the old record is retired first.
- Delivery is at least once, never exactly once: a worker beats a heartbeat for the job it runs
  (every ``HEARTBEAT_SECONDS``); a job whose heartbeat lapsed for ``HEARTBEAT_TTL_SECONDS``, or
  that a worker popped and died before starting, is queued again by ``requeue_orphans`` (not
  after RQ's 600 s job timeout). A Redis restart without persistence loses queued jobs. The SQL
  state of a request is the source of truth; the sweeper re-enqueues what is missing.
- RQ names its keys itself (``rq:queue:<name>``, ``rq:job:<id>``), so the key prefix goes into
  the queue name (``<prefix><name>``) and, made safe for RQ's id alphabet, into every job id.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

import redis
from rq import Queue, SimpleWorker
from rq.exceptions import DuplicateJobError, InvalidJobOperation, NoSuchJobError
from rq.executions import Execution
from rq.job import Job, JobStatus

DEFAULT_JOB_TIMEOUT_SECONDS = 600
FAILED_JOB_TTL_SECONDS = 7 * 24 * 3600
# A running job's heartbeat: a worker killed -9 stops beating, and its job counts as orphaned
# HEARTBEAT_TTL_SECONDS after the last beat. Five beats fit in one TTL, so a starved thread on a
# loaded machine is not taken for a dead worker.
HEARTBEAT_SECONDS = 5.0
HEARTBEAT_TTL_SECONDS = 25
# A job popped by a worker that died before starting it waits this long in RQ's intermediate
# list before it is queued again (a live worker starts its job within milliseconds).
POPPED_GRACE_SECONDS = 10.0

# RQ only accepts these characters in a job id.
_JOB_ID_CHARS = re.compile(r"[A-Za-z0-9_-]+")
_UNSAFE_FOR_JOB_ID = re.compile(r"[^A-Za-z0-9_-]")
_WAITING_OR_RUNNING = frozenset(
    {
        JobStatus.CREATED,
        JobStatus.QUEUED,
        JobStatus.STARTED,
        JobStatus.DEFERRED,
        JobStatus.SCHEDULED,
    }
)
_ENQUEUE_ATTEMPTS = 5


class JobIdInvalid(ValueError):
    """A job id with characters RQ refuses."""

    def __init__(self, job_id: str) -> None:
        super().__init__(f"The job id {job_id!r} may only contain letters, digits, '_' and '-'.")
        self.job_id = job_id


@dataclass(frozen=True)
class QueuedJob:
    """The job behind an ``enqueue`` call: ours if ``created``, else the one already pending."""

    job_id: str
    status: str
    created: bool


class JobQueue:
    """A named RQ queue whose jobs take one id and are de-duplicated by job id."""

    def __init__(
        self,
        redis_client: redis.Redis,
        prefix: str = "",
        *,
        name: str = "sipdesk",
        job_timeout_seconds: int = DEFAULT_JOB_TIMEOUT_SECONDS,
    ) -> None:
        self._redis = redis_client
        self.name = f"{prefix}{name}"
        # Job ids live in RQ's global "rq:job:" space: namespace them like our own keys.
        self.job_id_prefix = _UNSAFE_FOR_JOB_ID.sub("_", prefix)
        self.rq_queue = Queue(
            self.name, connection=redis_client, default_timeout=job_timeout_seconds
        )

    def enqueue(self, func: str, request_id: int | str, *, job_id: str | None = None) -> QueuedJob:
        """Queue ``func(request_id)``; ``func`` is a dotted path the worker imports.

        Without ``job_id`` every call queues a new job. With it, a job already waiting or running
        under that id is returned instead (``created=False``) and nothing is queued.
        """
        if isinstance(request_id, bool) or not isinstance(request_id, int | str):
            raise TypeError("request_id must be an int or a str")
        if job_id is None:
            job_id = uuid.uuid4().hex
        elif not _JOB_ID_CHARS.fullmatch(job_id):
            raise JobIdInvalid(job_id)
        rq_id = self.job_id_prefix + job_id
        for _ in range(_ENQUEUE_ATTEMPTS):
            try:
                self.rq_queue.enqueue_call(
                    func,
                    args=(request_id,),
                    job_id=rq_id,
                    failure_ttl=FAILED_JOB_TTL_SECONDS,
                    unique=True,
                )
                return QueuedJob(job_id=job_id, status=JobStatus.QUEUED.value, created=True)
            except DuplicateJobError:
                status = self._status(rq_id)
                if status in _WAITING_OR_RUNNING:
                    assert status is not None
                    return QueuedJob(job_id=job_id, status=status.value, created=False)
                if status is not None:
                    self._retire(rq_id)
                # Else it vanished between the two calls (expired, deleted): try again.
        raise RuntimeError(f"job {job_id!r} kept changing while being enqueued")

    def status(self, job_id: str) -> str | None:
        """The RQ status of a job (``"queued"``, ``"started"``, ``"finished"``, ...) or None."""
        status = self._status(self.job_id_prefix + job_id)
        return None if status is None else status.value

    def pending_ids(self) -> list[str]:
        """Ids of the jobs waiting in the queue (in order), then of those running now."""
        waiting = self.rq_queue.get_job_ids()
        running = self.rq_queue.started_job_registry.get_job_ids()
        seen: set[str] = set()
        ids: list[str] = []
        for rq_id in [*waiting, *running]:
            if rq_id in seen:
                continue
            seen.add(rq_id)
            ids.append(rq_id.removeprefix(self.job_id_prefix))
        return ids

    def requeue_orphans(self, *, popped_grace: float = POPPED_GRACE_SECONDS) -> int:
        """Queue again the jobs whose worker died: returns how many.

        A job is orphaned when its heartbeat lapsed (the worker was killed while running it), or
        when it was popped (moved to RQ's intermediate list) more than ``popped_grace`` seconds ago
        and never started. One caller at a time does this (a short Redis lock), so an orphan is
        queued once however many workers look.
        """
        lock = f"{self.name}:orphans-lock"
        if not self._redis.set(lock, uuid.uuid4().hex, nx=True, px=10_000):
            return 0
        try:
            return self._requeue_lapsed() + self._requeue_popped(popped_grace)
        finally:
            self._redis.delete(lock)

    def _requeue_lapsed(self) -> int:
        started = self.rq_queue.started_job_registry
        lapsed = set(started.get_expired_job_ids())
        if not lapsed:
            return 0
        started.cleanup()  # RQ marks them failed (AbandonedJobError) and files them as such
        failed = self.rq_queue.failed_job_registry
        requeued = 0
        for rq_id in lapsed:
            try:
                failed.requeue(rq_id)
                requeued += 1
            except (InvalidJobOperation, NoSuchJobError):
                continue  # retried, deleted or requeued meanwhile
        return requeued

    def _requeue_popped(self, grace: float) -> int:
        intermediate = self.rq_queue.intermediate_queue
        popped = intermediate.get_job_ids()
        if not popped:
            return 0
        running = {
            job_id for job_id, _ in self.rq_queue.started_job_registry.get_job_and_execution_ids()
        }
        requeued = 0
        for rq_id in popped:
            if rq_id in running:
                continue
            seen = f"{self.name}:popped:{rq_id}"
            if self._redis.set(seen, str(time.time()), nx=True, ex=3600):
                continue  # first sighting: a live worker may be about to start it
            first = _float(self._redis.get(seen))
            if time.time() - first < grace:
                continue
            with self._redis.pipeline() as pipe:
                pipe.lrem(intermediate.key, 1, rq_id)
                pipe.delete(seen)
                removed = pipe.execute()[0]
            if removed and self._status(rq_id) is not None:
                self.rq_queue.push_job_id(rq_id)
                requeued += 1
        return requeued

    def run_burst(self, *, max_jobs: int | None = None) -> bool:
        """Run the queued jobs in this process until the queue is empty (tests, CLI one-shots).

        Returns whether any job was run. Uses ``QueueWorker`` (no fork), so jobs see the
        same ``sys.path`` and may use fixtures' state.
        """
        worker = QueueWorker(
            [self.rq_queue],
            connection=self._redis,
            name=f"{self.job_id_prefix}burst-{uuid.uuid4().hex}",
        )
        return bool(worker.work(burst=True, max_jobs=max_jobs, with_scheduler=False))

    def _status(self, rq_id: str) -> JobStatus | None:
        raw = self._redis.hget(Job.key_for(rq_id), "status")
        if raw is None:
            return None
        text = raw.decode() if isinstance(raw, bytes) else str(raw)
        try:
            return JobStatus(text)
        except ValueError:
            return None

    def _retire(self, rq_id: str) -> None:
        """Delete a finished/failed job record so its id can be used again (if still so)."""
        with self._redis.pipeline() as pipe:
            try:
                pipe.watch(Job.key_for(rq_id))  # type: ignore[no-untyped-call]  # untyped in redis-py
                if self._status(rq_id) in _WAITING_OR_RUNNING:
                    return
                pipe.multi()
                # Its keys and registry entries, by name: RQ's own job.delete() lists the job's
                # executions and fails on one whose record expired with a killed worker.
                pipe.delete(
                    Job.key_for(rq_id),
                    Job.dependents_key_for(rq_id),
                    f"rq:executions:{rq_id}",
                    f"rq:results:{rq_id}",
                )
                q = self.rq_queue
                for registry in (
                    q.failed_job_registry,
                    q.finished_job_registry,
                    q.canceled_job_registry,
                    q.deferred_job_registry,
                    q.scheduled_job_registry,
                ):
                    pipe.zrem(registry.key, rq_id)
                pipe.execute()
            except (redis.WatchError, NoSuchJobError):
                # Someone else changed or removed it: the caller's next attempt sees the news.
                return


def _float(raw: Any) -> float:
    try:
        return float(raw.decode() if isinstance(raw, bytes) else raw)
    except (TypeError, ValueError):
        return 0.0


class QueueWorker(SimpleWorker):
    """RQ's in-process worker, with a heartbeat while a job runs and no pub/sub channel.

    RQ's worker subscribes a thread to a pub/sub channel (for `rq` shutdown commands, which
    sipdesk does not use) on each ``work()``, and its teardown joins that thread without a
    timeout: when the thread has already read the unsubscribe reply it waits 60 s for a
    subscription that never comes, and the worker sits silent for exactly 60 s. sipdesk stops
    its workers itself, so there is no channel.

    While a job runs, a thread beats its heartbeat every ``HEARTBEAT_SECONDS``: the job stays
    "started" only as long as its worker is alive (``JobQueue.requeue_orphans``).
    """

    _beating: _Heartbeat | None = None

    def subscribe(self) -> None:
        pass

    def unsubscribe(self) -> None:
        pass

    def get_heartbeat_ttl(self, job: Job) -> int:
        return HEARTBEAT_TTL_SECONDS

    def prepare_execution(self, job: Job) -> Execution:
        execution = super().prepare_execution(job)
        self._beating = _Heartbeat(self, job, execution)
        return execution

    def execute_job(self, job: Job, queue: Queue) -> None:
        try:
            super().execute_job(job, queue)
        finally:
            if self._beating is not None:
                self._beating.stop()
                self._beating = None


class _Heartbeat:
    """Keeps one execution's entry in the started registry alive until stopped."""

    def __init__(self, worker: QueueWorker, job: Job, execution: Execution) -> None:
        self._worker, self._job, self._execution = worker, job, execution
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name="sipdesk-job-heartbeat", daemon=True
        )
        self._thread.start()

    def _beat(self) -> None:
        registry = self._job.started_job_registry
        while not self._stopped.wait(HEARTBEAT_SECONDS):
            try:
                with self._worker.connection.pipeline() as pipe:
                    # xx: a finished job's entry, already removed, is not brought back.
                    registry.add_execution(
                        self._execution, pipe, ttl=HEARTBEAT_TTL_SECONDS, xx=True
                    )
                    pipe.expire(self._execution.key, HEARTBEAT_TTL_SECONDS)
                    self._worker.heartbeat(HEARTBEAT_TTL_SECONDS + 60, pipeline=pipe)
                    pipe.execute()
            except redis.RedisError:
                continue  # the next beat tries again; five fit in one TTL

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=HEARTBEAT_SECONDS)
