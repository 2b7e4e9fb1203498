"""The job worker: RQ jobs run with the process's services, and the sweeper finds lost ones.

`sipdesk worker` runs it in the foreground for a scaled-out deployment; `sipdesk run` on the
embedded defaults runs it in a thread beside the web server, so one command is the whole product.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

import redis
from rq import Queue
from rq.exceptions import DequeueTimeout
from rq.job import Job
from rq.timeouts import TimerDeathPenalty
from rq.worker import WorkerStatus

from bot.ack_runner import AckPriority, after_ack_priority
from bot.runtime import Runtime
from handlers import job_runtime
from handlers.caller_id.slack_files import SlackFiles
from handlers.notifiers import slack_notifier
from handlers.sweeper import sweep
from store import metrics
from store.log_context import about_request
from store.queue import QueueWorker

log = logging.getLogger(__name__)
# A free worker waits for the next job in a blocking pop: Redis hands it the job the moment it is
# queued. The pop gives up after DEQUEUE_SECONDS so the loop sees a stop request and its chores.
DEQUEUE_SECONDS = 1
ORPHAN_CHECK_SECONDS = 5.0  # heartbeats lapsed or popped jobs never started: queued again
SWEEP_SECONDS = 30.0
# How long `stop` waits for the job at hand (the documented bound: a job that takes longer is
# left "started" and queued again by another worker once its heartbeat lapses).
STOP_SECONDS = 20.0


def _count_failure(job: Job, *_exc_info: object) -> bool:
    metrics.job_failed()
    return True  # RQ's own handling (the failed registry, the log line) goes on


class ThreadWorker(QueueWorker):
    """An RQ worker that may run outside the main thread: a timer, not SIGALRM, ends long jobs."""

    death_penalty_class = TimerDeathPenalty
    # In `sipdesk run` the web server shares this process: a job waits its turn like the work
    # listeners do after their ack, so a burst of requests is answered before jobs take the GIL.
    priority: AckPriority | None = None

    @property
    def dequeue_timeout(self) -> int:
        return DEQUEUE_SECONDS  # RQ sizes its connection's socket timeout from this

    def _install_signal_handlers(self) -> None:
        pass  # signals belong to the main thread; `stop` ends the loop instead

    # RQ listens for its remote commands (stop-job, shutdown) on a pub/sub thread that polls
    # every 60 s, and its teardown joins that thread: a burst could then hold the next job for up
    # to a minute (seen as a call-back that rang 58 s late). sipdesk sends no such commands.
    def subscribe(self) -> None:
        pass

    def unsubscribe(self) -> None:
        pass

    def execute_job(self, job: Job, queue: Queue) -> None:
        with about_request(_request_id_of(job)):
            if self.priority is None:
                super().execute_job(job, queue)
                return
            self.priority.take_turn()
            try:
                super().execute_job(job, queue)
            finally:
                self.priority.end_turn()


def _request_id_of(job: Job) -> int | None:
    # A job's only argument is its request id (store/queue.py); some jobs take another id.
    args = job.args or ()
    return args[0] if len(args) == 1 and isinstance(args[0], int) else None


class JobWorker:
    """Runs queued jobs until stopped; sweeps at start and every `sweep_seconds`.

    One RQ worker for the whole life of the loop, waiting on the queue in a blocking pop: a job
    starts as soon as it is queued whenever this worker is free (see bench/queue.py).
    """

    def __init__(self, runtime: Runtime, *, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self._runtime = runtime
        self._sweep_seconds = sweep_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._priority = after_ack_priority(runtime.app)
        client = runtime.app.client
        job_runtime.install(
            runtime.services,
            slack_notifier(runtime.services, client),
            SlackFiles(client, runtime.services.file_hosts),
        )

    def run(self) -> None:
        services = self._runtime.services
        queue = job_runtime.job_queue(services)
        # Its own connections: RQ raises the socket timeout of its client for blocking pops,
        # which must not reach the fail-fast client the rest of the process shares.
        connection = own_client(services.redis)
        worker = ThreadWorker(
            [queue.rq_queue],
            connection=connection,
            exception_handlers=[_count_failure],
            name=f"{services.redis_prefix}{id(self)}-{time.time_ns()}".replace(":", "_"),
        )
        worker.priority = self._priority
        worker.log.setLevel(logging.WARNING)
        next_sweep = next_orphan_check = 0.0
        born = False
        try:
            while not self._stop.is_set():
                try:
                    if not born:
                        worker.register_birth()  # type: ignore[no-untyped-call]  # untyped in RQ
                        born = True
                    if time.monotonic() >= next_orphan_check:
                        orphans = queue.requeue_orphans()
                        if orphans:
                            log.info("queued %d job(s) of dead workers again", orphans)
                        metrics.jobs_queued(queue.rq_queue.count)
                        next_orphan_check = time.monotonic() + ORPHAN_CHECK_SECONDS
                    if time.monotonic() >= next_sweep:
                        requeued = sweep(services)
                        if requeued:
                            log.info("sweeper queued %d lost job(s) again", requeued)
                        next_sweep = time.monotonic() + self._sweep_seconds
                    if worker.should_run_maintenance_tasks:
                        worker.run_maintenance_tasks()  # type: ignore[no-untyped-call]  # untyped in RQ
                    run_next_job(worker)
                except Exception:  # Redis or the database away: wait, then try again
                    log.warning("worker loop failed; retrying", exc_info=True)
                    self._stop.wait(1.0)
        finally:
            if born:
                with contextlib.suppress(redis.RedisError):  # else its record expires by itself
                    worker.register_death()  # type: ignore[no-untyped-call]  # untyped in RQ
            connection.close()

    def start(self) -> JobWorker:
        self._thread = threading.Thread(target=self.run, name="sipdesk-worker", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Finish the job at hand (STOP_SECONDS at most) and leave."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=STOP_SECONDS)
            self._thread = None


def run_next_job(worker: ThreadWorker) -> bool:
    """Wait up to DEQUEUE_SECONDS for a job and run it; whether there was one."""
    worker.set_state(WorkerStatus.IDLE)
    worker.heartbeat()
    try:
        popped = Queue.dequeue_any(
            worker.queues,
            DEQUEUE_SECONDS,
            connection=worker.connection,
            job_class=worker.job_class,
            death_penalty_class=worker.death_penalty_class,
        )
    except DequeueTimeout:
        return False
    if popped is None:
        return False
    job, queue = popped
    worker.execute_job(job, queue)
    return True


def own_client(client: redis.Redis) -> redis.Redis:
    """The same Redis on connections of the worker's own, with a timeout fit for its pops."""
    kwargs = dict(client.connection_pool.connection_kwargs)
    kwargs.update(socket_timeout=DEQUEUE_SECONDS + 10)
    pool = redis.ConnectionPool(connection_class=client.connection_pool.connection_class, **kwargs)
    return redis.Redis(connection_pool=pool)
