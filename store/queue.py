"""The Redis-backed job queue (RQ) that listeners hand slow work to.

A job's only argument is an id (usually a request id): the job reloads everything else from the
database, so a job never acts on stale state and a lost job can simply be enqueued again by the
sweeper.

Guarantees and limits:

- ``enqueue`` with a ``job_id`` is idempotent while that job is waiting or running: enqueuing the
  same id again returns the existing job (``created=False``), atomically across replicas (RQ's
  unique-enqueue Lua script). Once the job has finished, failed or been cancelled, the same id may
  be enqueued again: the old record is retired first.
- Delivery is at least once, never exactly once: a worker that dies mid-job leaves it "started"
  until RQ's maintenance marks it failed, and a Redis restart without persistence loses queued
  jobs. The SQL state of a request is the source of truth; the sweeper re-enqueues what is missing.
- RQ names its keys itself (``rq:queue:<name>``, ``rq:job:<id>``), so the key prefix goes into
  the queue name (``<prefix><name>``) and, made safe for RQ's id alphabet, into every job id.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import redis
from rq import Queue, SimpleWorker
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus

DEFAULT_JOB_TIMEOUT_SECONDS = 600
FAILED_JOB_TTL_SECONDS = 7 * 24 * 3600

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

    def run_burst(self, *, max_jobs: int | None = None) -> bool:
        """Run the queued jobs in this process until the queue is empty (tests, CLI one-shots).

        Returns whether any job was run. Uses RQ's ``SimpleWorker`` (no fork), so jobs see the
        same ``sys.path`` and may use fixtures' state.
        """
        worker = SimpleWorker(
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
                job = Job.fetch(rq_id, connection=self._redis)
                pipe.multi()
                job.delete(pipeline=pipe)
                pipe.execute()
            except (redis.WatchError, NoSuchJobError):
                # Someone else changed or removed it: the caller's next attempt sees the news.
                return
