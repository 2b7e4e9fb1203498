"""The job worker: RQ jobs run with the process's services, and the sweeper finds lost ones.

`sipdesk worker` runs it in the foreground for a scaled-out deployment; `sipdesk run` on the
embedded defaults runs it in a thread beside the web server, so one command is the whole product.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from rq import Queue, SimpleWorker
from rq.job import Job
from rq.timeouts import TimerDeathPenalty

from bot.ack_runner import AckPriority, after_ack_priority
from bot.runtime import Runtime
from handlers import job_runtime
from handlers.caller_id.slack_files import SlackFiles
from handlers.notifiers import slack_notifier
from handlers.sweeper import sweep
from store import metrics
from store.log_context import about_request

log = logging.getLogger(__name__)
POLL_SECONDS = 0.05
SWEEP_SECONDS = 30.0


def _count_failure(job: Job, *_exc_info: object) -> bool:
    metrics.job_failed()
    return True  # RQ's own handling (the failed registry, the log line) goes on


class ThreadWorker(SimpleWorker):
    """An RQ worker that may run outside the main thread: a timer, not SIGALRM, ends long jobs."""

    death_penalty_class = TimerDeathPenalty
    # In `sipdesk run` the web server shares this process: a job waits its turn like the work
    # listeners do after their ack, so a burst of requests is answered before jobs take the GIL.
    priority: AckPriority | None = None

    def _install_signal_handlers(self) -> None:
        pass  # signals belong to the main thread; `stop` ends the loop instead

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
    """Runs queued jobs until stopped; sweeps at start and every `sweep_seconds`."""

    def __init__(self, runtime: Runtime, *, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self._runtime = runtime
        self._sweep_seconds = sweep_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._priority = after_ack_priority(runtime.app)
        client = runtime.app.client
        job_runtime.install(
            runtime.services, slack_notifier(runtime.services, client), SlackFiles(client)
        )

    def run(self) -> None:
        services = self._runtime.services
        queue = job_runtime.job_queue(services)
        next_sweep = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() >= next_sweep:
                    requeued = sweep(services)
                    if requeued:
                        log.info("sweeper queued %d lost job(s) again", requeued)
                    next_sweep = time.monotonic() + self._sweep_seconds
                queued = queue.rq_queue.count
                metrics.jobs_queued(queued)
                if queued:
                    self._burst(queue.rq_queue)
                    continue
            except Exception:  # Redis or the database away: wait, then try again
                log.warning("worker loop failed; retrying", exc_info=True)
                self._stop.wait(1.0)
            self._stop.wait(POLL_SECONDS)

    def _burst(self, rq_queue: Any) -> None:
        services = self._runtime.services
        worker = ThreadWorker(
            [rq_queue],
            connection=services.redis,
            exception_handlers=[_count_failure],
            name=f"{services.redis_prefix}{id(self)}-{time.time_ns()}".replace(":", "_"),
        )
        worker.priority = self._priority
        worker.work(burst=True, with_scheduler=False, logging_level="WARNING")

    def start(self) -> JobWorker:
        self._thread = threading.Thread(target=self.run, name="sipdesk-worker", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
